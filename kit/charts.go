package kit

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"

	"parallelgo.dev/course/kit/internal/notebook"
)

// Chart is a drawn figure: in a notebook, an echarts chart that draws with no
// network; elsewhere, a text table of the same numbers. The chart functions
// ([WallChart], [TimelineChart], [SpeedupChart], [SpreadChart],
// [CPUUsage.Chart]) never fail: data they cannot draw gives a Chart whose
// text and HTML say why.
type Chart struct {
	Title string

	kind   string // "wall", "timeline", …: the data-kit-chart attribute that checkers look for
	text   string // String: the numbers as a table, or why there is no chart
	option string // the echarts option as a JavaScript object; "" if nothing to draw
	height int    // pixels; the width is the output's
}

// String is the chart's numbers as a plain-text table.
func (c Chart) String() string { return c.text }

// HTML is the chart as an HTML fragment that draws in JupyterLab, the classic
// Notebook and a notebook's HTML export, from a live kernel or a saved file.
// Where scripts do not run (GitHub, an untrusted notebook) it shows the text
// table instead. The chart spans the output's width and is 340 to 380 pixels
// high; bar charts and timelines grow with their rows.
//
// The first chart a process renders carries the echarts library (about 450 KB);
// every later one is a few kilobytes and uses the library the first one loaded.
// A GoNB cell is one process, so each cell that draws pays for the library
// once.
func (c Chart) HTML() string {
	pre := `<pre style="margin:0;white-space:pre;font-size:12px">` + html.EscapeString(c.text) + `</pre>`
	if c.option == "" {
		return `<div class="kit-chart kit-chart-empty" style="padding:8px 12px;border:1px solid ` + paletteRule + `;border-radius:4px;background:` + paletteShade + `">` + pre + `</div>`
	}
	id := chartNewID()
	var b strings.Builder
	b.WriteString(chartLibraryOnce())
	// The text inside the element is what shows until the chart draws, and
	// instead of it where scripts do not run.
	fmt.Fprintf(&b, `<div id="%s" class="kit-chart" data-kit-chart="%s" style="width:100%%;height:%dpx;overflow:auto;background:`+palettePaper+`">%s</div>`,
		id, html.EscapeString(c.kind), c.height, pre)
	fmt.Fprintf(&b, "<script>%s(%q, %s);</script>", chartLoader(), id, c.option)
	return b.String()
}

// chartMessage is a Chart with nothing to draw: its text says why.
func chartMessage(title, why string) Chart {
	text := why
	if title != "" {
		text = title + ": " + why
	}
	return Chart{Title: title, text: text + "\n"}
}

// chartLoader is the script every chart runs: it finds its element, waits for
// window.echarts (unpacking the library embedded in the first chart of a cell
// if no chart on the page has done so yet) and draws. Every path that cannot
// draw leaves a message beside the text table, so a chart is never blank.
//
// It is plain ES5 plus Promise, ResizeObserver and DecompressionStream
// (Chrome 80, Firefox 113, Safari 16.4), which every browser a notebook runs
// in today has. It is compacted on first use: a worker process runs kit's
// initialisation too, and never draws.
var chartLoader = sync.OnceValue(func() string { return chartCompactJS(chartLoaderSource) })

const chartLoaderSource = `
(function (id, option) {
  var doc = document;
  // currentScript is only set while the script first runs: note it now, for
  // front ends that run the script before its element is in the document.
  var here = doc.currentScript;
  var libSelector = 'script[type="` + chartLibraryType + `"]';

  function element() {
    var el = doc.getElementById(id);
    if (!el && here && here.parentNode) el = here.parentNode.querySelector('#' + id);
    return el;
  }

  function fail(msg) {
    var el = element();
    if (!el) return;
    var p = doc.createElement('p');
    p.className = 'kit-chart-error';
    p.style.cssText = 'margin:0 0 6px;color:` + paletteWarn + `;font:13px sans-serif';
    p.textContent = msg;
    el.style.height = 'auto';
    el.insertBefore(p, el.firstChild);
  }

  // library returns a promise of window.echarts, or null while no library is
  // on the page yet. The first chart to find the embedded library unpacks it;
  // the others share its promise.
  function library() {
    if (window.echarts && window.echarts.init) return Promise.resolve(window.echarts);
    if (window.kitEchartsLoading) return window.kitEchartsLoading;
    var el = element();
    var src = (el && el.parentNode && el.parentNode.querySelector(libSelector)) || doc.querySelector(libSelector);
    if (!src) return null;
    if (!window.DecompressionStream) {
      return Promise.reject(new Error('this browser cannot unpack the chart library (it needs DecompressionStream: Chrome 80, Firefox 113, Safari 16.4 or newer)'));
    }
    var bin = atob(src.textContent.replace(/\s+/g, ''));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    window.kitEchartsLoading = new Response(stream).text().then(function (code) {
      // Under RequireJS (the classic Notebook) the bundle would register as an
      // AMD module and leave window.echarts unset: hide define while it runs.
      var define = window.define;
      window.define = undefined;
      try {
        var s = doc.createElement('script');
        s.text = code;
        doc.head.appendChild(s);
      } finally {
        window.define = define;
      }
      if (!window.echarts) throw new Error('the chart library did not start');
      return window.echarts;
    });
    return window.kitEchartsLoading;
  }

  function draw(echarts, el) {
    var chart = null;
    function init() {
      el.textContent = '';
      el.style.overflow = 'visible';
      chart = echarts.init(el);
      chart.setOption(option);
    }
    if (!window.ResizeObserver) return init();
    // A hidden output (a collapsed cell, a background tab) has no width yet:
    // draw when it gets one, then follow resizes. No width also means taken
    // out of the page, which JupyterLab does to cells scrolled far away and
    // undoes when they come back: keep the chart for then.
    var ro = new ResizeObserver(function () {
      if (el.clientWidth === 0) return;
      if (chart) {
        chart.resize();
      } else {
        init();
      }
    });
    ro.observe(el);
    // Some browsers are slow to report a hidden element that became
    // visible (headless Chromium under virtual time): look now and then too.
    (function look() {
      if (chart) return;
      if (el.clientWidth > 0) return init();
      setTimeout(look, 500);
    })();
  }

  function start(tries) {
    var el = element(), lib = el && library();
    if (!lib) {
      // Wait up to ten seconds for the element and the library to appear.
      if (tries < 100) {
        setTimeout(function () { start(tries + 1); }, 100);
      } else {
        fail('The chart library is not on this page: run the cell again.');
      }
      return;
    }
    lib.then(function (echarts) {
      try {
        draw(echarts, el);
      } catch (e) {
        fail('The chart could not be drawn: ' + e.message);
      }
    }, function (e) {
      fail('The chart could not be drawn: ' + e.message);
    });
  }
  start(0);
})`

// chartCompactJS drops the comments and indentation of the loader, which
// every chart repeats.
func chartCompactJS(js string) string {
	var b strings.Builder
	for _, line := range strings.Split(js, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return strings.TrimSpace(b.String())
}

// chartNewID is a fresh element id. Charts of every cell share one page, so
// ids must differ across processes, not only within one.
func chartNewID() string {
	return "kit-chart-" + notebook.UniqueID()
}

// chartBuilder is what every go-echarts chart type provides.
type chartBuilder interface {
	Validate()
	JSONNotEscaped() template.HTML
}

// chartOptionJS turns a go-echarts chart into the JavaScript object literal of
// its option. JavaScript functions, marked by opts.FuncOpts, become code; text
// that would end the script element early is escaped.
func chartOptionJS(c chartBuilder) string {
	c.Validate()
	js := strings.TrimSpace(string(c.JSONNotEscaped()))
	js = strings.NewReplacer(`"__f__`, "", `__f__"`, "", "__f__", "").Replace(js)
	// "</" and "<!--" only occur inside strings here, where "<\/" and "<\!--"
	// mean the same.
	return strings.NewReplacer("</", `<\/`, "<!--", `<\!--`).Replace(js)
}

// chartJSFunc marks JavaScript code for go-echarts. The code must use single
// quotes and no backslashes: go-echarts stores it as a JSON string, whose
// escapes would stay in the code.
func chartJSFunc(code string) types.FuncStr { return opts.FuncOpts(code) }

// chartUnit is the unit of a chart's time axis and of the time columns of
// its text table: the largest of ns, µs, ms and s that is not more than the
// largest time shown, so that values read as "1.5" s rather than "1500" ms or
// "0.0015" s, and every number of a column compares at a glance. A single
// time (a label, a subtitle) is written with FormatDuration.
type chartUnit struct {
	name string
	size time.Duration
}

func chartUnitFor(largest time.Duration) chartUnit {
	switch {
	case largest >= time.Second:
		return chartUnit{"s", time.Second}
	case largest >= time.Millisecond:
		return chartUnit{"ms", time.Millisecond}
	case largest >= time.Microsecond:
		return chartUnit{"µs", time.Microsecond}
	}
	return chartUnit{"ns", time.Nanosecond}
}

// of is d in the unit.
func (u chartUnit) of(d time.Duration) float64 { return float64(d) / float64(u.size) }

// chartDecimal writes v with three significant digits for values from 1 up,
// and two decimals below, without exponents.
func chartDecimal(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "?"
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// chartNum is v as a JSON number with six significant digits (enough for any
// screen, short for the page), or null when v is NaN or infinite, which JSON
// cannot carry and would otherwise make the whole option fail to encode.
func chartNum(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return json.Number(strconv.FormatFloat(v, 'g', 6, 64))
}

// chartCommon is the set-up every chart shares: a white background, so that
// charts read the same under a dark notebook theme; no animation, so that a
// chart is complete as soon as it draws (in an export, a screenshot, a PDF);
// and a title block: a title, and a subtitle with the numbers that matter,
// left-aligned above the plot.
func chartCommon(title, subtitle string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{BackgroundColor: palettePaper}),
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{
			Title:         title,
			Subtitle:      subtitle,
			Left:          "8",
			Top:           "4",
			TitleStyle:    &opts.TextStyle{FontSize: 15, Color: paletteText},
			SubtitleStyle: &opts.TextStyle{FontSize: 12, Color: paletteMuted},
		}),
	}
}

// chartTextFormatter is fixed text for an echarts formatter: a label or a
// tooltip that is the same whatever the mouse points at.
func chartTextFormatter(s string) types.FuncStr { return types.FuncStr(s) }

// chartNiceCeil is the smallest of 1, 2, 2.5 and 5 times a power of ten that is
// at least v: an axis that ends there ends on a round number.
func chartNiceCeil(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// chartXAxis is a value axis along the bottom, from zero, named under its
// labels.
func chartXAxis(name string) opts.XAxis {
	return opts.XAxis{Type: "value", Name: name, NameLocation: "middle", NameGap: 26, Min: 0}
}

// chartYAxis is a value axis on the left, from zero, named along the axis,
// where the name cannot run into the title. labelChars is at least as many
// characters as its widest label has: the name goes that far left of the
// axis, and chartGrid leaves room for it there.
func chartYAxis(name string, labelChars int) opts.YAxis {
	return opts.YAxis{Type: "value", Name: name, NameLocation: "middle", NameGap: 7*labelChars + 18, Min: 0}
}

// chartGrid is the plot area every chart shares, with room for the title
// block above it and for the name of y, if it has one, on its left.
func chartGrid(y opts.YAxis) opts.Grid {
	left := 16
	if y.Name != "" {
		// The labels may be narrower than chartYAxis allowed for (as narrow
		// as one digit), which moves the name further left by the difference.
		left = y.NameGap - 4
	}
	return opts.Grid{Left: strconv.Itoa(left), Right: "28", Top: "64", Bottom: "40", ContainLabel: opts.Bool(true)}
}

// chartWhole turns off echarts' progressive rendering for a series that may
// hold thousands of items: past 3000 items echarts draws a chunk per
// animation frame. A notebook's charts hold at most a few thousand items,
// which draw at once in milliseconds, and drawn in one go they are complete
// in a static export, a screenshot or a headless browser, where frames may
// never come.
func chartWhole(s *charts.SingleSeries) { s.Progressive = opts.Int(0) }
