package montecarlo

import (
	"fmt"
	"math"

	"parallelgo.dev/course/kit"
)

// Accuracy is one row of the error-versus-samples table: Runs estimates from
// N points each, every one drawn with a generator of its own.
type Accuracy struct {
	N      int     // points drawn per estimate
	Runs   int     // estimates drawn, each from its own seed
	Pi     float64 // the mean of the estimates
	Err    float64 // root mean square of their errors (estimate - π): the measured error
	StdErr float64 // the error to expect: 4·sqrt(p(1-p)/N) with p = π/4, about 1.64/sqrt(N)
}

// AccuracyTable is the error of the estimate for growing sample sizes.
type AccuracyTable []Accuracy

// ErrorVsSamples estimates pi runs times with each of n = 10^2, 10^3, ...
// 10^maxExp points (every estimate with its own generator, seeded from seed)
// and reports the root mean square error for each n. One estimate can be
// lucky or unlucky by a factor of two or more, which hides the law in a table
// of single draws; the mean over a dozen runs shows it: the error shrinks like
// 1/sqrt(n), so a hundred times the work buys one more correct digit, which is
// why the source's 10**5 and 20**5 samples agree with pi to two or three digits
// only. maxExp 7 with 20 runs is the lesson's table (about 220 million points,
// a second). It panics if runs < 1.
func ErrorVsSamples(maxExp, runs int, seed uint64) AccuracyTable {
	if runs < 1 {
		panic(fmt.Sprintf("montecarlo.ErrorVsSamples: runs = %d, need at least 1", runs))
	}
	var t AccuracyTable
	n := 100
	for e := 2; e <= maxExp; e++ {
		var sum, sq float64
		for r := range runs {
			pi := SampleSeeded(n, seed+uint64(e*runs+r))
			sum += pi
			sq += (pi - math.Pi) * (pi - math.Pi)
		}
		t = append(t, Accuracy{N: n, Runs: runs, Pi: sum / float64(runs),
			Err: math.Sqrt(sq / float64(runs)), StdErr: ExpectedError(n)})
		n *= 10
	}
	return t
}

// Slope is the slope of log(error) against log(points) over the table, by
// least squares: -0.5 when the error shrinks exactly like 1/sqrt(n). It is
// NaN with fewer than two rows or an error of 0.
func (t AccuracyTable) Slope() float64 {
	if len(t) < 2 {
		return math.NaN()
	}
	var sx, sy, sxx, sxy float64
	for _, r := range t {
		x, y := math.Log(float64(r.N)), math.Log(r.Err)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	k := float64(len(t))
	return (k*sxy - sx*sy) / (k*sxx - sx*sx)
}

// ExpectedError is the standard deviation of the estimate from n points:
// 4·sqrt(p(1-p)/n) with p = π/4, the chance that one point falls inside.
func ExpectedError(n int) float64 {
	p := math.Pi / 4
	return 4 * math.Sqrt(p*(1-p)/float64(n))
}

// table is the rows as a kit table.
func (t AccuracyTable) table() kit.Table {
	tab := kit.Table{Header: []string{"samples", "runs", "mean estimate", "RMS error", "expected error"}, Align: "r"}
	for _, r := range t {
		tab.Row(r.N, r.Runs, fmt.Sprintf("%.6f", r.Pi), fmt.Sprintf("%.6f", r.Err), fmt.Sprintf("%.6f", r.StdErr))
	}
	return tab
}

// String is the table as text.
func (t AccuracyTable) String() string { return t.table().String() }

// HTML is a chart of the measured and the expected error against the
// number of samples, both axes logarithmic (where 1/sqrt(n) is a straight
// line of slope -1/2), above the table.
func (t AccuracyTable) HTML() string { return t.Chart().HTML() + t.table().HTML() }

// Chart draws the RMS error and the expected error against the number of
// samples, both axes logarithmic: the law 1/sqrt(n) is a straight line
// falling one decade for every two decades of samples, and the measured
// errors scatter around it.
func (t AccuracyTable) Chart() kit.Chart {
	measured := kit.XYSeries{Name: "RMS error (measured)"}
	expected := kit.XYSeries{Name: "expected error 1.64/√n"}
	for _, r := range t {
		measured.X, measured.Y = append(measured.X, float64(r.N)), append(measured.Y, r.Err)
		expected.X, expected.Y = append(expected.X, float64(r.N)), append(expected.Y, r.StdErr)
	}
	return kit.XYChart("Error of the estimate against the number of samples",
		kit.XYAxis{Name: "samples n", Log: true}, kit.XYAxis{Name: "error", Log: true}, measured, expected)
}
