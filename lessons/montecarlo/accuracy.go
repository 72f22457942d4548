package montecarlo

import (
	"fmt"
	"math"
	"strings"
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

// String is the table as text.
func (t AccuracyTable) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%12s  %5s  %-13s %-10s %s\n", "samples", "runs", "mean estimate", "RMS error", "expected error")
	for _, r := range t {
		fmt.Fprintf(&b, "%12d  %5d  %-13.6f %-10.6f %.6f\n", r.N, r.Runs, r.Pi, r.Err, r.StdErr)
	}
	return b.String()
}

// HTML is the table as an HTML table.
func (t AccuracyTable) HTML() string {
	var b strings.Builder
	b.WriteString("<table><tr><th>samples</th><th>runs</th><th>mean estimate</th><th>RMS error</th><th>expected error</th></tr>")
	for _, r := range t {
		fmt.Fprintf(&b, "<tr><td>%d</td><td>%d</td><td>%.6f</td><td>%.6f</td><td>%.6f</td></tr>", r.N, r.Runs, r.Pi, r.Err, r.StdErr)
	}
	b.WriteString("</table>")
	return b.String()
}
