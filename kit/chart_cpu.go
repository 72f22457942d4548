package kit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

const (
	cpuMaxPoints  = 8000 // points drawn over all cores; more samples are averaged down
	cpuMaxLegend  = 16   // cores named in the legend and the tooltip
	cpuSparkWidth = 40   // columns of the text form's plot per core
)

// String is the watch as a table: each core's mean and peak use with a small
// plot of it over time, then the number of busy cores on average.
func (u CPUUsage) String() string { return u.Chart().String() }

// HTML is the watch drawn as by [CPUUsage.Chart].
func (u CPUUsage) HTML() string { return u.Chart().HTML() }

// Chart draws the watch as a stacked area per core over time: the height of
// the stack is how many cores were busy, up to Cores at the top of the axis.
// With no samples (sampling failed, or the run was shorter than the kernel's
// 10 ms tick) the Chart says why.
func (u CPUUsage) Chart() Chart {
	const title = "CPU use per core"
	switch {
	case u.Err != nil:
		return chartMessage(title, "not measured: "+u.Err.Error())
	case len(u.Samples) == 0 || u.Cores == 0:
		return chartMessage(title, fmt.Sprintf("no samples: the run took %s, too short for the CPU counters, which tick every 10 ms",
			FormatDuration(u.Timing.Wall)))
	}
	u.Samples = cpuClean(u.Samples, u.Cores)
	end := u.Samples[len(u.Samples)-1].At
	unit := chartUnitFor(end)
	subtitle := fmt.Sprintf("this program: %s cores on average · the machine: %s of %d cores busy · sampled every %s",
		chartDecimal(u.ProgramCores()), chartDecimal(u.BusyCores()), u.Cores, FormatDuration(u.Interval))

	xAxis := chartXAxis("time (" + unit.name + ")")
	xAxis.Max = chartNum(unit.of(end))
	xAxis.AxisLabel = &opts.AxisLabel{ShowMaxLabel: opts.Bool(false)} // the end of the run, not a round number
	// Whole cores, and a line where all of them are busy.
	step := workersTick(u.Cores)
	yAxis := chartYAxis("busy cores", len(strconv.Itoa(u.Cores)))
	yAxis.Max, yAxis.MinInterval, yAxis.MaxInterval = (u.Cores+step-1)/step*step, float64(step), float64(step)

	names := make([]string, u.Cores, u.Cores+1)
	for c := range names {
		names[c] = "core " + strconv.Itoa(c)
	}
	names = append(names, cpuProgramSeries)
	line := charts.NewLine()
	legend := u.Cores <= cpuMaxLegend
	line.SetGlobalOptions(append(chartCommon(title, subtitle),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis",
			Formatter: chartJSFunc(cpuTooltip(unit, legend))}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Data: names, Icon: "rect", Type: "scroll", Right: "12", Top: "6", Width: "40%"}),
		charts.WithGridOpts(chartGrid(yAxis)),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(yAxis),
	)...)
	// Stacked by hand: each point is [time, this core and those below it,
	// this core alone]. (echarts stacks by data index, which only lines
	// points up on a category axis.)
	samples := cpuAverageDown(u.Samples, min(cpuMaxPoints/u.Cores, 600))
	below := make([]float64, len(samples))
	series := make([][]opts.LineData, u.Cores)
	for c := range u.Cores {
		series[c] = make([]opts.LineData, 0, len(samples)+1)
		// Start at zero time, so that the first interval shows too.
		first := samples[0].Busy[c] / 100
		series[c] = append(series[c], opts.LineData{Value: []any{0, chartNum(below[0] + first), chartNum(first)}})
		for i, s := range samples {
			busy := s.Busy[c] / 100
			below[i] += busy
			series[c] = append(series[c], opts.LineData{Value: []any{chartNum(unit.of(s.At)), chartNum(below[i]), chartNum(busy)}})
		}
	}
	// Each area fills down to zero, so the top of the stack goes first and
	// every core below paints over it.
	for c := u.Cores - 1; c >= 0; c-- {
		color := paletteSeries[c%len(paletteSeries)]
		style := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			charts.WithAreaStyleOpts(opts.AreaStyle{Color: color, Opacity: opts.Float(1)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: palettePaper, Width: 0.5}),
		}
		if c == 0 {
			style = append(style,
				charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: "all cores", YAxis: u.Cores}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
					Symbol:    []string{"none", "none"},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: chartTextFormatter(fmt.Sprintf("all %d cores", u.Cores)), Position: "insideEndTop", Color: paletteText},
					LineStyle: &opts.LineStyle{Type: "dashed", Color: paletteText, Width: 1},
				}))
		}
		line.AddSeries(names[c], series[c], style...)
	}
	program := make([]opts.LineData, 0, len(samples)+1)
	program = append(program, opts.LineData{Value: []any{0, chartNum(samples[0].Program)}})
	for _, s := range samples {
		program = append(program, opts.LineData{Value: []any{chartNum(unit.of(s.At)), chartNum(s.Program)}})
	}
	line.AddSeries(cpuProgramSeries, program,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: paletteInk}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: paletteInk, Width: 2.5}))
	return Chart{
		Title:  title,
		kind:   "cpu",
		text:   cpuText(u, unit),
		option: chartOptionJS(line),
		height: 340,
	}
}

// cpuProgramSeries names the line of this program's own use.
const cpuProgramSeries = "this program"

// cpuTooltip lists the busy share of each core at the time under the mouse,
// their total and this program's share; past cpuMaxLegend cores, only the
// totals.
func cpuTooltip(unit chartUnit, each bool) string {
	list := "false"
	if each {
		list = "true"
	}
	return `function (ps) {
  var total = 0, program = '', lines = [];
  ps.forEach(function (p) {
    if (p.seriesName === '` + cpuProgramSeries + `') {
      program = '<br/>' + p.marker + 'this program: ' + (+p.value[1]).toFixed(2) + ' cores';
      return;
    }
    total += p.value[2];
    if (` + list + `) lines.unshift(p.marker + p.seriesName + ': ' + Math.round(100 * p.value[2]) + '%');
  });
  var t = ps.length ? ps[0].value[0] : 0;
  return '<b>' + total.toFixed(2) + ' cores busy</b> at ' + (+t).toPrecision(3) + ' ` + unit.name + `' + program + (lines.length ? '<br/>' + lines.join('<br/>') : '');
}`
}

// cpuAverageDown returns at most n samples, each the average of neighbours,
// so that a long watch draws quickly. Fewer than n samples come back as they
// are.
func cpuAverageDown(samples []CPUSample, n int) []CPUSample {
	if len(samples) <= n {
		return samples
	}
	per := (len(samples) + n - 1) / n
	var out []CPUSample
	for i := 0; i < len(samples); i += per {
		group := samples[i:min(i+per, len(samples))]
		avg := CPUSample{At: group[len(group)-1].At, Busy: make([]float64, len(group[0].Busy))}
		for _, s := range group {
			for c := range avg.Busy {
				avg.Busy[c] += s.Busy[c] / float64(len(group))
			}
			avg.Program += s.Program / float64(len(group))
		}
		out = append(out, avg)
	}
	return out
}

func cpuText(u CPUUsage, unit chartUnit) string {
	end := u.Samples[len(u.Samples)-1].At
	rows := [][]string{{"core", "mean", "max", "over time"}}
	mean := u.MeanBusy()
	for c := range u.Cores {
		peak := 0.0
		for _, s := range u.Samples {
			peak = max(peak, s.Busy[c])
		}
		rows = append(rows, []string{strconv.Itoa(c), fmt.Sprintf("%.0f%%", mean[c]), fmt.Sprintf("%.0f%%", peak),
			cpuSparkline(u.Samples, func(s CPUSample) float64 { return s.Busy[c] / 100 })})
	}
	program := cpuSparkline(u.Samples, func(s CPUSample) float64 { return s.Program / float64(u.Cores) })
	return fmt.Sprintf("CPU use per core over %s, sampled every %s (every process on the machine)\n%s"+
		"the machine: %s of %d cores busy on average\nthis program: %s cores on average  %s\n",
		FormatDuration(end), FormatDuration(u.Interval), textColumns("lrrl", rows),
		chartDecimal(u.BusyCores()), u.Cores, chartDecimal(u.ProgramCores()), program)
}

// cpuSparkline plots share(sample), a number from 0 to 1, over time in
// block characters, from ▁ (idle) to █ (busy), at most cpuSparkWidth wide.
func cpuSparkline(samples []CPUSample, share func(CPUSample) float64) string {
	const levels = "▁▂▃▄▅▆▇█"
	blocks := []rune(levels)
	var b strings.Builder
	for _, s := range cpuAverageDown(samples, cpuSparkWidth) {
		i := int(share(s) * float64(len(blocks)))
		b.WriteRune(blocks[min(max(i, 0), len(blocks)-1)])
	}
	return b.String()
}

// cpuClean returns samples with exactly cores percentages each, each a
// number from 0 to 100, and a Program from 0 to cores, so that a hand-made
// CPUUsage draws too.
func cpuClean(samples []CPUSample, cores int) []CPUSample {
	out := make([]CPUSample, len(samples))
	for i, s := range samples {
		out[i] = CPUSample{At: s.At, Busy: make([]float64, cores)}
		if s.Program > 0 { // false for NaN too
			out[i].Program = min(s.Program, float64(cores))
		}
		for c := range min(cores, len(s.Busy)) {
			if b := s.Busy[c]; b > 0 { // false for NaN too
				out[i].Busy[c] = min(b, 100)
			}
		}
	}
	return out
}
