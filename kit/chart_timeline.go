package kit

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Past these sizes a timeline aggregates, so that it stays quick to draw and
// light to save: more spans than timelineMaxBars are merged, a worker's
// neighbouring spans into one bar; more workers than timelineMaxRows share
// rows.
const (
	timelineMaxBars = 2000
	timelineMaxRows = 256
)

// TimelineChart draws tr as one row per worker and one bar per input,
// labelled with the input, from when it started to when it ended: idle gaps
// show as empty space and the run's total as a dashed line, so load imbalance
// is plain to see. Failed spans are drawn in a warning colour.
//
// Big traces still draw: past 2000 spans, each bar covers several neighbouring
// spans of one worker (the subtitle says how many); past 256 workers, several
// workers share a row. A nil or empty trace gives a Chart that says so.
func TimelineChart(tr *Trace) Chart {
	if tr == nil {
		return chartMessage("Timeline", "no trace (nil *Trace)")
	}
	title := "Timeline"
	if tr.Name != "" {
		title += " of " + tr.Name
	}
	workers := tr.Workers
	var spans []Span
	for _, s := range tr.Spans() {
		if s.Worker < 0 {
			continue // not a worker: nothing to draw it on
		}
		s.End = max(s.End, s.Start)
		spans = append(spans, s)
		workers = max(workers, s.Worker+1)
	}
	if len(spans) == 0 {
		return chartMessage(title, fmt.Sprintf("no work recorded on %s", formatCount(workers, "worker")))
	}
	total := tr.Total()
	for _, s := range spans {
		total = max(total, s.End)
	}
	unit := chartUnitFor(total)
	loads := workerLoads(spans, workers, total)

	perRow := (workers + timelineMaxRows - 1) / timelineMaxRows
	rows := (workers + perRow - 1) / perRow
	rowNames := make([]string, rows)
	for r := range rowNames {
		rowNames[r] = timelineRowName(r, perRow, workers, loads)
	}
	perBar := (len(spans) + timelineMaxBars - 1) / timelineMaxBars
	inputs := 0
	for _, s := range spans {
		inputs += s.count()
	}
	// The text form reads spans, so the bars are a copy.
	bars := mergeSpans(slices.Clone(spans), perBar)
	mostPerBar := 1
	for _, b := range bars {
		mostPerBar = max(mostPerBar, b.count())
	}

	var ok, failed []opts.CustomData
	for _, b := range bars {
		item := opts.CustomData{Value: []any{
			b.Worker / perRow, chartNum(unit.of(b.Start)), chartNum(unit.of(b.End)),
			timelineLabel(b), b.count(), b.Worker, b.Input,
		}}
		if b.Err {
			failed = append(failed, item)
		} else {
			ok = append(ok, item)
		}
	}

	busy := 0.0
	for _, l := range loads {
		busy += float64(l.Busy)
	}
	subtitle := fmt.Sprintf("%s on %s · workers busy %.0f%% of the time · total %s",
		formatCount(inputs, "input"), formatCount(workers, "worker"),
		100*busy/max(float64(workers)*float64(total), 1), FormatDuration(total))
	if mostPerBar > 1 {
		subtitle += fmt.Sprintf(" · up to %d neighbouring inputs per bar", mostPerBar)
	}
	if perRow > 1 {
		subtitle += fmt.Sprintf(" · %d workers per row", perRow)
	}

	xAxis := chartXAxis("time (" + unit.name + ")")
	// A little past the total, so that its line stands clear of the frame;
	// that end is not a round number, so it gets no label.
	xAxis.Max = chartNum(unit.of(total) * 1.02)
	xAxis.AxisLabel = &opts.AxisLabel{ShowMaxLabel: opts.Bool(false)}

	c := charts.NewCustom()
	c.SetGlobalOptions(append(chartCommon(title, subtitle),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item",
			Formatter: chartJSFunc(timelineTooltip(unit))}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(failed) > 0), Right: "12", Top: "6"}),
		charts.WithGridOpts(chartGrid(opts.YAxis{})),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(opts.YAxis{
			Type: "category", Data: rowNames, Inverse: opts.Bool(true),
			// Alternate shading tells the rows apart.
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)},
		}),
	)...)
	series := func(color string) []charts.SeriesOpts {
		return []charts.SeriesOpts{
			charts.WithCustomChartOpts(opts.CustomChart{RenderItem: chartJSFunc(timelineRenderItem)}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			// The label is the item's name: echarts then keeps it as text.
			charts.WithEncodeOpts(opts.Encode{X: []int{1, 2}, Y: 0, ItemName: 3}),
			charts.WithSeriesOpts(chartWhole),
		}
	}
	c.AddSeries("work", ok, append(series(paletteSeries[0]),
		charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: "total", XAxis: chartNum(unit.of(total))}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
			Symbol:    []string{"none", "none"},
			Label:     &opts.Label{Show: opts.Bool(true), Formatter: chartTextFormatter("total " + FormatDuration(total)), Position: "start", Color: paletteText},
			LineStyle: &opts.LineStyle{Type: "dashed", Color: paletteText, Width: 1},
		}),
	)...)
	if len(failed) > 0 {
		c.AddSeries("failed", failed, series(paletteWarn)...)
	}

	rowPx := 34
	if rows > 8 {
		rowPx = max(3, min(24, 640/rows))
	}
	return Chart{
		Title:  title,
		kind:   "timeline",
		text:   timelineText(title, subtitle, spans, loads, unit),
		option: chartOptionJS(c),
		height: min(max(110+rows*rowPx, 200), 900),
	}
}

// timelineRenderItem draws one bar: a rectangle from start to end on its row,
// clipped to the plot, with its label inside when there is room.
const timelineRenderItem = `function (params, api) {
  var row = api.value(0);
  var a = api.coord([api.value(1), row]), b = api.coord([api.value(2), row]);
  var h = api.size([0, 1])[1] * 0.7;
  var cs = params.coordSys;
  var rect = echarts.graphic.clipRectByRect(
    {x: a[0], y: a[1] - h / 2, width: Math.max(b[0] - a[0], 1), height: h},
    {x: cs.x, y: cs.y, width: cs.width, height: cs.height});
  if (!rect) return;
  var el = {type: 'rect', shape: rect, style: api.style()};
  if (rect.width > 3) { el.style.stroke = '` + palettePaper + `'; el.style.lineWidth = 1; }
  if (h >= 12 && rect.width > 20) {
    el.textContent = {style: {text: String(api.ordinalRawValue(3)), fill: '` + palettePaper + `', fontSize: 11, width: rect.width - 6, overflow: 'truncate'}};
    el.textConfig = {position: 'inside'};
  }
  return el;
}`

// timelineTooltip says who ran what, when.
func timelineTooltip(unit chartUnit) string {
	return `function (p) {
  var v = p.value, u = ' ` + unit.name + `';
  function f(x) { return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2); }
  var what = v[4] > 1 ? v[4] + ' inputs: ' : (v[6] >= 0 ? 'input ' + v[6] + ': ' : '');
  return '<b>worker ' + v[5] + '</b>' + (p.seriesName === 'failed' ? ' (failed)' : '') +
    '<br/>' + what + echarts.format.encodeHTML(String(p.name)) +
    '<br/>' + f(v[1]) + ' → ' + f(v[2]) + u + ' (' + f(v[2] - v[1]) + u + ')';
}`
}

// timelineLabel is what a span's bar says: its label, or its input's index,
// and for a span of several inputs, the first's and the last's.
func timelineLabel(s Span) string {
	if s.count() > 1 {
		return inputName(s.Label, s.Input) + "…" + inputName(s.lastLabel, s.last)
	}
	return inputName(s.Label, s.Input)
}

// inputName is an input's label, or "#" and its index if it has none.
func inputName(label string, input int) string {
	switch {
	case label != "":
		return label
	case input >= 0:
		return "#" + strconv.Itoa(input)
	}
	return ""
}

// timelineRowName names row r: "worker 0", "worker 0 (pid 41)", or
// "workers 0-3" when rows are shared.
func timelineRowName(r, perRow, workers int, loads []WorkerLoad) string {
	if perRow > 1 {
		return fmt.Sprintf("workers %d-%d", r*perRow, min((r+1)*perRow, workers)-1)
	}
	if pid := loads[r].process(); pid != "" {
		return fmt.Sprintf("worker %d (%s)", r, pid)
	}
	return fmt.Sprintf("worker %d", r)
}

// timelineMaxListed is how many spans the text form lists one by one.
const timelineMaxListed = 40

func timelineText(title, subtitle string, spans []Span, loads []WorkerLoad, unit chartUnit) string {
	rows := [][]string{{"worker", "inputs", "busy (" + unit.name + ")", "idle (" + unit.name + ")", "busy"}}
	for _, l := range loads {
		share := "-"
		if t := l.Busy + l.Idle; t > 0 {
			share = fmt.Sprintf("%.0f%%", 100*float64(l.Busy)/float64(t))
		}
		rows = append(rows, []string{strconv.Itoa(l.Worker), strconv.Itoa(l.Inputs),
			chartDecimal(unit.of(l.Busy)), chartDecimal(unit.of(l.Idle)), share})
	}
	text := title + "\n" + subtitle + "\n" + textColumns("l", rows)
	if len(spans) > timelineMaxListed {
		return text
	}
	rows = [][]string{{"worker", "input", "start (" + unit.name + ")", "end (" + unit.name + ")", ""}}
	for _, s := range spans {
		failed := ""
		if s.Err {
			failed = "failed"
		}
		rows = append(rows, []string{strconv.Itoa(s.Worker), timelineLabel(s),
			chartDecimal(unit.of(s.Start)), chartDecimal(unit.of(s.End)), failed})
	}
	return text + "\n" + textColumns("llrrl", rows)
}
