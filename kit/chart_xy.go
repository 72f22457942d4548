package kit

import (
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
// points a log axis cannot show (zero or negative). With no points, the
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
	for i, s := range series {
		colour := paletteSeries[i%len(paletteSeries)]
		var data []opts.LineData
		for k := range min(len(s.X), len(s.Y)) {
			if (x.Log && s.X[k] <= 0) || (y.Log && s.Y[k] <= 0) {
				continue
			}
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
	line.SetGlobalOptions(append(chartCommon(title, ""),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Right: "10", Top: "30"}),
		charts.WithGridOpts(chartGrid(yAxis)),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(yAxis),
	)...)
	return Chart{
		Title:  title,
		kind:   "xy",
		text:   title + "\n" + textColumns("l", rows),
		option: chartOptionJS(line),
		height: 380,
	}
}
