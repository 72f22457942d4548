package montecarlo

import (
	"fmt"
	"math"
	"strings"
)

// Accuracy is one row of the error-versus-samples table.
type Accuracy struct {
	N      int     // points drawn
	Pi     float64 // the estimate
	Err    float64 // |Pi - π|
	StdErr float64 // the error to expect: 4·sqrt(p(1-p)/N) with p = π/4, about 1.64/sqrt(N)
}

// AccuracyTable is the error of the estimate for growing sample sizes.
type AccuracyTable []Accuracy

// ErrorVsSamples estimates pi with n = 10^2, 10^3, ... 10^maxExp points (each
// with its own generator seeded from seed) and reports the error of each. The
// error shrinks like 1/sqrt(n): a hundred times the work buys one more correct
// digit, which is why the source's 10**5 and 20**5 samples agree with pi to
// two or three digits only. maxExp 7 is the lesson's table (10^7 points take
// about a tenth of a second).
func ErrorVsSamples(maxExp int, seed uint64) AccuracyTable {
	var t AccuracyTable
	n := 100
	for e := 2; e <= maxExp; e++ {
		pi := SampleSeeded(n, seed+uint64(e))
		t = append(t, Accuracy{N: n, Pi: pi, Err: math.Abs(pi - math.Pi), StdErr: ExpectedError(n)})
		n *= 10
	}
	return t
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
	fmt.Fprintf(&b, "%12s  %-10s %-10s %s\n", "samples", "estimate", "|error|", "expected error")
	for _, r := range t {
		fmt.Fprintf(&b, "%12d  %-10.6f %-10.6f %.6f\n", r.N, r.Pi, r.Err, r.StdErr)
	}
	return b.String()
}

// HTML is the table as an HTML table.
func (t AccuracyTable) HTML() string {
	var b strings.Builder
	b.WriteString("<table><tr><th>samples</th><th>estimate</th><th>|error|</th><th>expected error</th></tr>")
	for _, r := range t {
		fmt.Fprintf(&b, "<tr><td>%d</td><td>%.6f</td><td>%.6f</td><td>%.6f</td></tr>", r.N, r.Pi, r.Err, r.StdErr)
	}
	b.WriteString("</table>")
	return b.String()
}
