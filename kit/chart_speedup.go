package kit

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// SpeedupPoint is one measurement for a [SpeedupChart]: the wall time of the
// same work on a number of workers.
type SpeedupPoint struct {
	Workers int
	Wall    time.Duration
}

// speedups is a set of measurements made relative to their baseline: the
// mean wall time of the points with the fewest workers.
type speedups struct {
	points  []SpeedupPoint // usable points, by workers
	skipped int            // points with no workers or no time
	base    int            // the baseline's workers
	wall    time.Duration  // the baseline's wall time
}

func newSpeedups(points []SpeedupPoint) speedups {
	var sp speedups
	for _, p := range points {
		if p.Workers < 1 || p.Wall <= 0 {
			sp.skipped++
			continue
		}
		sp.points = append(sp.points, p)
	}
	if len(sp.points) == 0 {
		return sp
	}
	sort.SliceStable(sp.points, func(i, j int) bool { return sp.points[i].Workers < sp.points[j].Workers })
	sp.base = sp.points[0].Workers
	var sum time.Duration
	n := 0
	for _, p := range sp.points {
		if p.Workers == sp.base {
			sum += p.Wall
			n++
		}
	}
	sp.wall = sum / time.Duration(n)
	return sp
}

// of is the measured speedup of p over the baseline.
func (sp speedups) of(p SpeedupPoint) float64 { return float64(sp.wall) / float64(p.Wall) }

// amdahl is the speedup Amdahl's law predicts on n workers over the baseline
// when a fraction s of the work is serial: S(n) / S(base), with
// S(n) = 1 / (s + (1-s)/n).
func (sp speedups) amdahl(s float64, n float64) float64 {
	b := float64(sp.base)
	return (s + (1-s)/b) / (s + (1-s)/n)
}

// fit is the serial fraction in [0, 1] that minimises the squared error of
// the predicted speedups. ok is false with fewer than two worker counts,
// which any fraction fits equally well.
func (sp speedups) fit() (serial float64, ok bool) {
	if len(sp.points) == 0 || sp.points[len(sp.points)-1].Workers == sp.base {
		return math.NaN(), false
	}
	sse := func(s float64) float64 {
		var e float64
		for _, p := range sp.points {
			d := sp.amdahl(s, float64(p.Workers)) - sp.of(p)
			e += d * d
		}
		return e
	}
	// One parameter on a closed interval: a grid finds the basin (the error
	// need not be convex in s), golden-section search refines it.
	const steps = 1000
	best := 0
	for i := 1; i <= steps; i++ {
		if sse(float64(i)/steps) < sse(float64(best)/steps) {
			best = i
		}
	}
	lo, hi := max(float64(best-1)/steps, 0), min(float64(best+1)/steps, 1)
	g := (math.Sqrt(5) - 1) / 2
	for range 60 {
		a, b := hi-g*(hi-lo), lo+g*(hi-lo)
		if sse(a) <= sse(b) {
			hi = b
		} else {
			lo = a
		}
	}
	return (lo + hi) / 2, true
}

// FitAmdahl fits Amdahl's law, S(n) = 1 / (s + (1-s)/n), to measured wall
// times and returns the serial fraction s in [0, 1]: the part of the work
// that no number of workers speeds up, which caps the speedup at 1/s.
//
// Speedups are taken over the points with the fewest workers (their mean wall
// time), and s minimises the squared difference between measured and
// predicted speedups. Points with no workers or no time are ignored. ok is
// false, and s NaN, without two different worker counts to compare.
func FitAmdahl(points []SpeedupPoint) (s float64, ok bool) {
	return newSpeedups(points).fit()
}

// SpeedupChart draws speedup against workers: the measured points, the ideal
// (linear) speedup and the Amdahl's-law curve fitted to the points, whose
// serial fraction the subtitle and the text give. The baseline is the point
// with the fewest workers (the mean, if it was measured more than once).
// Points with no workers or no time are left out and counted; with none left,
// or a single worker count, the Chart still shows what there is and says why
// there is no fit.
func SpeedupChart(title string, points []SpeedupPoint) Chart {
	if title == "" {
		title = "Speedup"
	}
	sp := newSpeedups(points)
	if len(sp.points) == 0 {
		return chartMessage(title, fmt.Sprintf("no measurements to draw (%s with no workers or no time)", formatCount(sp.skipped, "point")))
	}
	serial, fitted := sp.fit()
	top := sp.points[len(sp.points)-1].Workers
	unit := chartUnitFor(sp.points[0].Wall)
	for _, p := range sp.points {
		unit = chartUnitFor(max(unit.size, p.Wall))
	}
	subtitle := amdahlSummary(serial, fitted)
	if sp.skipped > 0 {
		subtitle += fmt.Sprintf(" · %s with no workers or no time left out", formatCount(sp.skipped, "point"))
	}

	measured := make([]opts.ScatterData, len(sp.points))
	for i, p := range sp.points {
		measured[i] = opts.ScatterData{Value: []any{p.Workers, chartNum(sp.of(p)), chartNum(unit.of(p.Wall))}}
	}
	ideal := []opts.LineData{
		{Value: []any{sp.base, 1}},
		{Value: []any{top, chartNum(float64(top) / float64(sp.base))}},
	}

	highest := float64(top) / float64(sp.base)
	for _, p := range sp.points {
		highest = max(highest, sp.of(p))
	}
	// Labels are whole numbers, or tenths below 10.
	yAxis := chartYAxis("speedup (x)", max(len(strconv.Itoa(int(highest))), 3))
	// Ticks at whole, round numbers of workers, the last one at or past top.
	step := workersTick(top)
	xAxis := chartXAxis("workers")
	xAxis.Max, xAxis.MinInterval, xAxis.MaxInterval = (top+step-1)/step*step, float64(step), float64(step)

	line := charts.NewLine()
	line.SetGlobalOptions(append(chartCommon(title, subtitle),
		charts.WithColorsOpts(opts.Colors{paletteIdeal, paletteSeries[1], paletteSeries[0]}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item",
			Formatter: chartJSFunc(speedupTooltip(unit))}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Right: "12", Top: "6"}),
		charts.WithGridOpts(chartGrid(yAxis)),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(yAxis),
	)...)
	line.AddSeries("ideal (linear)", ideal,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 1.5}))
	if fitted {
		// Enough samples for a smooth curve however many workers there are.
		var curve []opts.LineData
		const samples = 64
		for i := 0; i <= samples; i++ {
			n := float64(sp.base) + float64(top-sp.base)*float64(i)/samples
			curve = append(curve, opts.LineData{Value: []any{chartNum(n), chartNum(sp.amdahl(serial, n))}})
		}
		line.AddSeries(fmt.Sprintf("Amdahl fit (s = %.3f)", serial), curve,
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Smooth: opts.Bool(true)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 2}))
	}
	scatter := charts.NewScatter()
	scatter.AddSeries("measured", measured, charts.WithSeriesOpts(func(s *charts.SingleSeries) {
		s.SymbolSize = 11
		s.Color = paletteSeries[0]
	}))
	line.Overlap(scatter)

	return Chart{
		Title:  title,
		kind:   "speedup",
		text:   speedupText(title, sp, serial, fitted, unit),
		option: chartOptionJS(line),
		height: 380,
	}
}

// amdahlSummary is the one line that says what the fit found.
func amdahlSummary(serial float64, fitted bool) string {
	switch {
	case !fitted:
		return "Amdahl fit: needs measurements on at least two worker counts"
	case serial < 0.0005:
		return "Amdahl fit: serial fraction s = 0.000, no limit to the speedup seen"
	}
	return fmt.Sprintf("Amdahl fit: serial fraction s = %.3f, so at most %s with unlimited workers",
		serial, formatRatio(1/serial))
}

// speedupTooltip describes the point under the mouse.
func speedupTooltip(unit chartUnit) string {
	return `function (p) {
  var v = p.value;
  var s = '<b>' + p.seriesName + '</b><br/>' + (+v[0]).toFixed(v[0] % 1 ? 1 : 0) + ' workers: ' + (+v[1]).toFixed(2) + 'x';
  if (v.length > 2) s += '<br/>wall time ' + (+v[2]).toPrecision(3) + ' ` + unit.name + `';
  return s;
}`
}

func speedupText(title string, sp speedups, serial float64, fitted bool, unit chartUnit) string {
	rows := [][]string{{"workers", "wall (" + unit.name + ")", "speedup", "ideal", "Amdahl"}}
	for _, p := range sp.points {
		predicted := "-"
		if fitted {
			predicted = formatRatio(sp.amdahl(serial, float64(p.Workers)))
		}
		rows = append(rows, []string{strconv.Itoa(p.Workers), chartDecimal(unit.of(p.Wall)),
			formatRatio(sp.of(p)), formatRatio(float64(p.Workers) / float64(sp.base)), predicted})
	}
	text := fmt.Sprintf("%s\nspeedup over %s (%s)\n%s%s\n", title, formatCount(sp.base, "worker"), FormatDuration(sp.wall), textColumns("l", rows), amdahlSummary(serial, fitted))
	if sp.skipped > 0 {
		text += fmt.Sprintf("left out: %s with no workers or no time\n", formatCount(sp.skipped, "point"))
	}
	return text
}

// workersTick is the step between ticks of a workers axis that ends at top:
// the smallest of 1, 2, 4, 5, 10, 20, 25, 50, 100, … giving at most ten steps.
func workersTick(top int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 4, 5} {
			if top <= 10*m*p {
				return m * p
			}
		}
	}
}
