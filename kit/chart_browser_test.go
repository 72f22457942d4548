package kit

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The browser tests load charts, as a notebook's HTML export holds them, in
// headless Chromium and check that every chart drew: echarts marks each
// element it draws in with an _echarts_instance_ attribute and a canvas.

// chromiumPath is the browser to test with, or "" if there is none.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func needChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	p := chromiumPath()
	if p == "" {
		t.Skip("browser test: no chromium on PATH (apt-get install chromium; make test installs it)")
	}
	return p
}

// chromium runs the browser headless on a local file with the flags that
// work on this project's machines, plus extra, and returns its standard
// output.
func chromium(t *testing.T, browser, page string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(), "--hide-scrollbars",
		// Render frames under virtual time, as a visible page would: without
		// them ResizeObserver never reports, and a chart that waits for its
		// element to get a size waits for ever.
		"--run-all-compositor-stages-before-draw",
	}
	args = append(append(args, extra...), "file://"+page)
	cmd := exec.CommandContext(ctx, browser, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, stderr.String())
	}
	return string(out)
}

// dumpDOM loads page and returns the document once its scripts have run.
func dumpDOM(t *testing.T, browser, page string) string {
	return chromium(t, browser, page, "--dump-dom", "--virtual-time-budget=15000")
}

// resetChartLibrary makes the next chart carry the library again, as the
// first chart of a new cell does.
func resetChartLibrary() {
	chartLibrary.Lock()
	chartLibrary.sent = false
	chartLibrary.Unlock()
}

// writePage writes an HTML page with head and the given cells, each one
// cell's outputs, and returns its path.
func writePage(t *testing.T, name, head string, cells ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + name + "</title>" + head + "</head>\n<body style=\"margin:16px;width:900px;font-family:sans-serif\">\n")
	for i, c := range cells {
		fmt.Fprintf(&b, "<div class=\"cell\" data-cell=\"%d\">\n%s\n</div>\n", i, c)
	}
	b.WriteString("</body></html>\n")
	path := filepath.Join(t.TempDir(), name+".html")
	if dir := os.Getenv("KIT_CHART_PAGES"); dir != "" {
		// Keep the pages to look at, or to take screenshots of.
		path = filepath.Join(dir, name+".html")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// cell renders charts as one GoNB cell would: the first carries the library.
func cell(charts ...Chart) string {
	resetChartLibrary()
	var b strings.Builder
	for _, c := range charts {
		b.WriteString(c.HTML())
		b.WriteString("\n")
	}
	return b.String()
}

var (
	drawnRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`_echarts_instance_="`) })
	canvasRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<canvas`) })
)

// checkDrawn fails unless the dumped DOM shows want drawn charts and no
// loader messages.
func checkDrawn(t *testing.T, dom string, want int) {
	t.Helper()
	drawn := len(drawnRe().FindAllString(dom, -1))
	canvases := len(canvasRe().FindAllString(dom, -1))
	if drawn != want || canvases < want {
		t.Errorf("%d charts drawn, %d canvases; want %d charts, each with a canvas", drawn, canvases, want)
	}
	if i := strings.Index(dom, `class="kit-chart-error"`); i >= 0 {
		t.Errorf("page shows an error: %.200s", dom[i:])
	}
}

// galleryCharts is one chart of every kind.
func galleryCharts() []Chart {
	return []Chart{
		WallChart("Compare: crunch over 8 inputs", sampleWallBars()),
		TimelineChart(sampleTrace()),
		SpeedupChart("Speedup of crunch", sampleSpeedups(0.1)),
		SpreadChart("TimeIt of crunch", sampleRuns()),
		sampleCPU().Chart(),
		XYChart("Error against samples", XYAxis{Name: "samples", Log: true}, XYAxis{Name: "error", Log: true},
			XYSeries{Name: "estimate", X: []float64{1e2, 1e3, 1e4, 1e5}, Y: []float64{0.1, 0.03, 0.01, 0.003}, Hollow: []bool{true}}),
	}
}

func TestChartsDrawInChromium(t *testing.T) {
	browser := needChromium(t)
	charts := galleryCharts()

	t.Run("export", func(t *testing.T) {
		// Two cells, as an exported notebook has them: each carries the library
		// in its first chart, the page loads it once.
		page := writePage(t, "export", "", cell(charts...), cell(charts[:2]...))
		checkDrawn(t, dumpDOM(t, browser, page), len(charts)+2)
	})

	t.Run("requirejs", func(t *testing.T) {
		// The classic Notebook loads RequireJS: a global define with define.amd.
		// The charts must still draw, and define must be back afterwards.
		head := `<script>
window.kitAMD = [];
window.define = function (deps, factory) { window.kitAMD.push(deps); };
window.define.amd = {jQuery: true};
var kitDefine = window.define;
</script>`
		check := `<div id="amd-check"></div><script>
setTimeout(function () {
  document.getElementById('amd-check').textContent =
    'define restored: ' + (window.define === kitDefine && !!window.define.amd) +
    ', AMD registrations: ' + window.kitAMD.length;
}, 5000);
</script>`
		page := writePage(t, "requirejs", head, cell(charts...), check)
		dom := dumpDOM(t, browser, page)
		checkDrawn(t, dom, len(charts))
		if !strings.Contains(dom, "define restored: true, AMD registrations: 0") {
			i := strings.Index(dom, `id="amd-check"`)
			t.Errorf("define not restored or echarts registered with it: %.120s", dom[max(i, 0):])
		}
	})
}

func TestChartsHiddenAndMovedInChromium(t *testing.T) {
	// A chart in an output that is hidden when its script runs (a collapsed
	// cell, a background tab) draws when shown; one taken out of the page and
	// put back (JupyterLab does this to cells scrolled far away) keeps its
	// drawing.
	browser := needChromium(t)
	hidden := `<div id="hidden" style="display:none">` + cell(WallChart("Hidden at first", sampleWallBars())) + `</div>`
	moved := `<div id="moved">` + cell(SpreadChart("Moved", sampleRuns())) + `</div>`
	script := `<script>
setTimeout(function () {
  document.getElementById('hidden').style.display = 'block';
  var m = document.getElementById('moved'), parent = m.parentNode;
  parent.removeChild(m);
  setTimeout(function () { parent.appendChild(m); }, 500);
}, 4000);
</script>`
	dom := dumpDOM(t, browser, writePage(t, "hidden", "", hidden, moved, script))
	checkDrawn(t, dom, 2)
}

func TestChartsBadInputInChromium(t *testing.T) {
	browser := needChromium(t)
	var charts []Chart
	drawable := 0
	for _, c := range badInputCharts() {
		charts = append(charts, c.chart)
		if c.draws {
			drawable++
		}
	}
	dom := dumpDOM(t, browser, writePage(t, "bad-input", "", cell(charts...)))
	checkDrawn(t, dom, drawable)
	if got, want := strings.Count(dom, `class="kit-chart kit-chart-empty"`), len(charts)-drawable; got != want {
		t.Errorf("%d messages, want %d", got, want)
	}
}

func TestChartWithoutLibraryInChromium(t *testing.T) {
	// A chart whose cell lost the output that carried the library (cleared,
	// say) must say so, not stay blank.
	browser := needChromium(t)
	resetChartLibrary()
	chartLibraryOnce()
	c := WallChart("Orphan", sampleWallBars())
	dom := dumpDOM(t, browser, writePage(t, "no-library", "", c.HTML()))
	if !strings.Contains(dom, `class="kit-chart-error"`) || !strings.Contains(dom, "The chart library is not on this page") {
		t.Errorf("no message about the missing library")
	}
	if !strings.Contains(dom, "Threads(2)") {
		t.Errorf("the text table is gone")
	}
}

func TestTimelineLabelsInChromium(t *testing.T) {
	// Bars carry their input's label, whatever mix of numbers and text the
	// labels are: the page records every text the canvas draws.
	browser := needChromium(t)
	tr := NewTrace("labels", 1)
	for i, label := range []string{"7", "x=5", "<b>&amp;", "12.5"} {
		tr.Add(Span{Worker: 0, Input: i, Label: label, Start: time.Duration(i) * time.Second, End: time.Duration(i+1) * time.Second})
	}
	head := `<script>
window.kitTexts = [];
var fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text) {
  window.kitTexts.push(String(text));
  return fillText.apply(this, arguments);
};
</script>`
	report := `<pre id="texts"></pre><script>
setTimeout(function () { document.getElementById('texts').textContent = '|' + window.kitTexts.join('|') + '|'; }, 5000);
</script>`
	dom := dumpDOM(t, browser, writePage(t, "labels", head, cell(TimelineChart(tr)), report))
	checkDrawn(t, dom, 1)
	i := strings.Index(dom, `<pre id="texts">`)
	if i < 0 {
		t.Fatal("no texts reported")
	}
	texts := dom[i:]
	texts = texts[:strings.Index(texts, "</pre>")]
	for _, want := range []string{"|7|", "|x=5|", "|&lt;b&gt;&amp;amp;|", "|12.5|"} {
		if !strings.Contains(texts, want) {
			t.Errorf("no bar labelled %s; drawn texts: %s", want, texts)
		}
	}
	if strings.Contains(texts, "NaN") {
		t.Errorf("a label drawn as NaN: %s", texts)
	}
}
