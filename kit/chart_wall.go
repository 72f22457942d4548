package kit

import (
	"html"
	"math"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// WallBar is one bar of a [WallChart]: an executor's wall time, annotated.
type WallBar struct {
	Name        string        // e.g. "Threads(2)"
	Wall        time.Duration // wall-clock time of the run
	Speedup     float64       // over the first bar's run; 0 means "work it out"
	Parallelism float64       // CPU time / wall time; 0 means unknown
}

// WallChart draws wall time per executor as horizontal bars, the first on
// top, each labelled with its time, its speedup over the first bar and its
// effective parallelism (CPU time over wall time: how many cores were busy on
// average). A bar whose Speedup is 0 gets the first bar's wall time over its
// own. With no bars, the Chart says so.
func WallChart(title string, bars []WallBar) Chart {
	return wallChart(title, "", bars, nil)
}

// wallChart is WallChart with its own subtitle (if not empty) and colours
// (colors[i] for bar i, if given; else the palette in turn).
func wallChart(title, subtitle string, bars []WallBar, colors []string) Chart {
	if title == "" {
		title = "Wall time per executor"
	}
	if len(bars) == 0 {
		return chartMessage(title, "no runs to compare")
	}
	bars = append([]WallBar(nil), bars...)
	var largest time.Duration
	for i := range bars {
		if bars[i].Speedup == 0 && bars[i].Wall > 0 && bars[0].Wall > 0 {
			bars[i].Speedup = float64(bars[0].Wall) / float64(bars[i].Wall)
		}
		largest = max(largest, bars[i].Wall)
	}
	unit := chartUnitFor(largest)
	if subtitle == "" {
		subtitle = "speedup over " + bars[0].Name + "; parallelism = CPU time ÷ wall time (cores busy on average)"
	}

	names := make([]string, len(bars))
	data := make([]opts.BarData, len(bars))
	for i, r := range bars {
		names[i] = r.Name
		label := wallLabel(r)
		color := paletteSeries[i%len(paletteSeries)]
		if i < len(colors) {
			color = colors[i]
		}
		data[i] = opts.BarData{
			Value:     chartNum(unit.of(max(r.Wall, 0))),
			ItemStyle: &opts.ItemStyle{Color: color},
			Label:     &opts.Label{Formatter: chartTextFormatter(label)},
			Tooltip: &opts.Tooltip{Formatter: chartTextFormatter(
				"<b>" + html.EscapeString(r.Name) + "</b><br/>" + html.EscapeString(label))},
		}
	}

	xAxis := chartXAxis("wall time (" + unit.name + ")")
	// Room on the right of the longest bar for its label, ending on a round
	// number.
	xAxis.Max = chartNum(chartNiceCeil(unit.of(largest) * 1.6))

	bar := charts.NewBar()
	bar.SetGlobalOptions(append(chartCommon(title, subtitle),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(chartGrid(opts.YAxis{})),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: names, Inverse: opts.Bool(true)}),
	)...)
	bar.AddSeries("wall time", data, charts.WithLabelOpts(opts.Label{
		Show: opts.Bool(true), Position: "right", Color: paletteText, FontSize: 12,
	}), charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.BarMaxWidth = "40" }))

	return Chart{
		Title:  title,
		kind:   "wall",
		text:   wallText(title, bars, unit),
		option: chartOptionJS(bar),
		height: min(max(110+50*len(bars), 220), 640),
	}
}

// wallLabel is what a bar says: "612 ms · 1.96x · parallelism 1.97".
func wallLabel(r WallBar) string {
	s := FormatDuration(r.Wall)
	if r.Speedup != 0 {
		s += " · " + formatRatio(r.Speedup)
	}
	if r.Parallelism != 0 && !math.IsNaN(r.Parallelism) {
		s += " · parallelism " + chartDecimal(r.Parallelism)
	}
	return s
}

func wallText(title string, bars []WallBar, unit chartUnit) string {
	rows := [][]string{{"executor", "wall (" + unit.name + ")", "speedup", "parallelism"}}
	for _, r := range bars {
		speedup, par := "-", "-"
		if r.Speedup != 0 {
			speedup = formatRatio(r.Speedup)
		}
		if r.Parallelism != 0 {
			par = chartDecimal(r.Parallelism)
		}
		rows = append(rows, []string{r.Name, chartDecimal(unit.of(r.Wall)), speedup, par})
	}
	return title + "\n" + textColumns("l", rows)
}
