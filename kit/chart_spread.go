package kit

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// spreadMaxListed is how many runs the text form of a SpreadChart lists one
// by one.
const spreadMaxListed = 20

// SpreadChart draws the per-loop time of each run of a [TimeIt] (or any set
// of repeated measurements) as points in run order, with the mean as a line
// and mean ± standard deviation as a band, so that outliers and drift stand
// out. The standard deviation is the population one, as IPython's %timeit
// reports. Negative times are left out and counted; with none left the Chart
// says so.
func SpreadChart(title string, runs []time.Duration) Chart {
	if title == "" {
		title = "Time per loop of each run"
	}
	var kept []time.Duration
	for _, d := range runs {
		if d >= 0 {
			kept = append(kept, d)
		}
	}
	skipped := len(runs) - len(kept)
	if len(kept) == 0 {
		return chartMessage(title, fmt.Sprintf("no runs to draw (%s with a negative time)", formatCount(skipped, "run")))
	}
	best, worst := kept[0], kept[0]
	var sum float64
	for _, d := range kept {
		best, worst = min(best, d), max(worst, d)
		sum += float64(d)
	}
	mean := sum / float64(len(kept))
	var sq float64
	for _, d := range kept {
		sq += (float64(d) - mean) * (float64(d) - mean)
	}
	std := math.Sqrt(sq / float64(len(kept)))
	unit := chartUnitFor(worst)
	m, s := time.Duration(mean), time.Duration(std)

	subtitle := fmt.Sprintf("%s · mean %s ± %s · best %s · worst %s",
		formatCount(len(kept), "run"), FormatDuration(m), FormatDuration(s), FormatDuration(best), FormatDuration(worst))
	if best > 0 {
		subtitle += " (" + formatRatio(float64(worst)/float64(best)) + " the best)"
	}
	if skipped > 0 {
		subtitle += fmt.Sprintf(" · %s with a negative time left out", formatCount(skipped, "run"))
	}

	drawn := chartDownsample(len(kept), func(i int) float64 { return float64(kept[i]) })
	if len(drawn) < len(kept) {
		subtitle += fmt.Sprintf(" · %d runs drawn, the fastest and slowest of each stretch", len(drawn))
	}
	points := make([]opts.ScatterData, len(drawn))
	for k, i := range drawn {
		points[k] = opts.ScatterData{Value: []any{i + 1, chartNum(unit.of(kept[i]))}}
	}
	xAxis := chartXAxis("run")
	xAxis.Min, xAxis.Max, xAxis.MinInterval = chartNum(0.5), chartNum(float64(len(kept))+0.5), 1
	// Runs are whole numbers: no labels between them.
	xAxis.AxisLabel = &opts.AxisLabel{Formatter: chartJSFunc("function (v) { return v % 1 ? '' : v; }")}
	// Labels between round numbers: "605.5", "1.004".
	yAxis := chartYAxis("per loop ("+unit.name+")", 6)
	// Not from zero: the spread, not the size, is what this chart is for.
	yAxis.Min, yAxis.Scale = nil, opts.Bool(true)
	grid := chartGrid(yAxis)
	grid.Right = "90" // room for the mean's label

	sc := charts.NewScatter()
	sc.SetGlobalOptions(append(chartCommon(title, subtitle),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item",
			Formatter: chartJSFunc(`function (p) { return p.value ? 'run ' + p.value[0] + ': ' + (+p.value[1]).toPrecision(3) + ' ` + unit.name + ` per loop' : p.name; }`)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(grid),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(yAxis),
	)...)
	sc.AddSeries("runs", points,
		charts.WithSeriesOpts(func(s *charts.SingleSeries) {
			s.SymbolSize = 10
			s.Color = paletteSeries[0]
		}),
		charts.WithSeriesOpts(chartWhole),
		charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: "mean", YAxis: chartNum(unit.of(m))}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
			Symbol:    []string{"none", "none"},
			Label:     &opts.Label{Show: opts.Bool(true), Formatter: chartTextFormatter("mean " + FormatDuration(m)), Position: "end", Color: paletteText},
			LineStyle: &opts.LineStyle{Type: "dashed", Color: paletteSeries[1], Width: 1.5},
		}),
		// A band across the plot; go-echarts spells the yAxis key of a mark
		// area wrongly, so its corners are given as coordinates.
		charts.WithMarkAreaData([]opts.MarkAreaData{
			{Name: "mean ± std. dev.", Coord: []any{chartNum(0.5), chartNum(unit.of(m - s))}},
			{Coord: []any{chartNum(float64(len(kept)) + 0.5), chartNum(unit.of(m + s))}},
		}),
		charts.WithMarkAreaStyleOpts(opts.MarkAreaStyle{
			ItemStyle: &opts.ItemStyle{Color: "rgba(230, 159, 0, 0.15)"},
			Label:     &opts.Label{Show: opts.Bool(false)},
		}),
	)

	rows := [][]string{{"run", "per loop (" + unit.name + ")"}}
	for i, d := range kept {
		if i == spreadMaxListed {
			rows = append(rows, []string{"…", fmt.Sprintf("%d more", len(kept)-i)})
			break
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), chartDecimal(unit.of(d))})
	}
	return Chart{
		Title:  title,
		kind:   "spread",
		text:   title + "\n" + textColumns("l", rows) + subtitle + "\n",
		option: chartOptionJS(sc),
		height: 340,
	}
}
