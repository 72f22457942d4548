package kit

import (
	"fmt"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// XYSeries is one line of an [XYChart]: the points (X[i], Y[i]), joined in
// the order given. Hollow[i], if set, draws point i as an open circle: a
// value shown at a floor because it was too small to measure, say.
type XYSeries struct {
	Name   string
	X, Y   []float64
	Hollow []bool
}

// XYAxis names an axis of an [XYChart], and says whether it is
// logarithmic (then its values must be positive).
type XYAxis struct {
	Name string
	Log  bool
}

// XYChart draws each series as a line of y against x, one colour each,
// with a legend: error against sample size, overhead against task size.
// Points beyond the shorter of a series' X and Y are left out, and so are
// points a log axis cannot show (zero or negative). A series of more than
// 2,000 points is drawn as the lowest and highest point of each of 1,000
// stretches of neighbours, and the chart says so. With no points, the
// Chart says so.
func XYChart(title string, x, y XYAxis, series ...XYSeries) Chart {
	if title == "" {
		title = y.Name + " against " + x.Name
	}
	axisType := func(log bool) string {
		if log {
			return "log"
		}
		return "value"
	}
	line := charts.NewLine()
	rows := [][]string{{"series", x.Name, y.Name}}
	points := 0
	var notes []string
	for i, s := range series {
		colour := paletteSeries[i%len(paletteSeries)]
		var shown []int // the points an axis can show
		for k := range min(len(s.X), len(s.Y)) {
			if (x.Log && s.X[k] <= 0) || (y.Log && s.Y[k] <= 0) {
				continue
			}
			shown = append(shown, k)
		}
		drawn := chartDownsample(len(shown), func(j int) float64 { return s.Y[shown[j]] })
		if len(drawn) < len(shown) {
			notes = append(notes, fmt.Sprintf("%s: %d of %d points drawn, the lowest and highest of each stretch",
				s.Name, len(drawn), len(shown)))
		}
		var data []opts.LineData
		for _, j := range drawn {
			k := shown[j]
			d := opts.LineData{Value: []any{chartNum(s.X[k]), chartNum(s.Y[k])}, Symbol: "circle", SymbolSize: 7}
			if k < len(s.Hollow) && s.Hollow[k] {
				d.Symbol = "emptyCircle"
			}
			data = append(data, d)
			rows = append(rows, []string{s.Name, num(s.X[k]), num(s.Y[k])})
		}
		points += len(data)
		line.AddSeries(s.Name, data,
			charts.WithLineStyleOpts(opts.LineStyle{Color: colour, Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}),
			charts.WithSeriesOpts(chartWhole))
	}
	if points == 0 {
		return chartMessage(title, "no points to draw")
	}
	yAxis := chartYAxis(y.Name, 8)
	yAxis.Type, yAxis.Min = axisType(y.Log), nil
	xAxis := chartXAxis(x.Name)
	xAxis.Type, xAxis.Min = axisType(x.Log), nil
	subtitle := strings.Join(notes, " · ")
	line.SetGlobalOptions(append(chartCommon(title, subtitle),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Right: "10", Top: "30"}),
		charts.WithGridOpts(chartGrid(yAxis)),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(yAxis),
	)...)
	return Chart{
		Title:  title,
		kind:   "xy",
		text:   strings.TrimRight(title+"\n"+subtitle, "\n") + "\n" + textColumns("l", rows),
		option: chartOptionJS(line),
		height: 380,
	}
}

// chartMaxPoints is how many points a chart draws of one series.
const chartMaxPoints = 2000

// chartDownsample returns which of n points, of values y, to draw, in
// order: every one up to chartMaxPoints; past that, the lowest and the
// highest of each of chartMaxPoints/2 stretches of neighbours, so that
// peaks and dips stay in the picture.
func chartDownsample(n int, y func(i int) float64) []int {
	keep := make([]int, 0, min(n, chartMaxPoints))
	if n <= chartMaxPoints {
		for i := range n {
			keep = append(keep, i)
		}
		return keep
	}
	const stretches = chartMaxPoints / 2
	for s := range stretches {
		lo, hi := s*n/stretches, (s+1)*n/stretches
		low, high := lo, lo
		for i := lo + 1; i < hi; i++ {
			if y(i) < y(low) {
				low = i
			}
			if y(i) > y(high) {
				high = i
			}
		}
		keep = append(keep, min(low, high))
		if low != high {
			keep = append(keep, max(low, high))
		}
	}
	return keep
}
