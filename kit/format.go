package kit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatDuration writes d as IPython's %time and %timeit do (_format_time in
// IPython/core/magics/execution.py), so that notes and parsers written for
// IPython read kit's output too. It is the one way kit writes a time (in
// text, tables and errors; charts put every number of one chart in a shared
// unit instead), and lessons call it too, so that a notebook shows times
// one way throughout:
//
//   - under a minute, three significant digits ("%.3g") and the largest unit
//     of ns, µs, ms and s that is not more than d: "999 ns", "1 µs", "2.5 ms",
//     "12.5 s";
//   - from a minute up, whole units of d, h, min and s, stopping when less
//     than a second is left: "1min 5s", "1h 1s".
//
// The unit is "µs" with the micro sign U+00B5, as the source lessons print it
// (IPython 8.25 and later print the Greek letter U+03BC).
//
// One deliberate difference: where rounding reaches the next unit, IPython
// prints "1e+03 µs" (for 999.5 µs) and kit prints "1 ms".
func FormatDuration(d time.Duration) string {
	if d < 0 {
		// Only a broken clock gives a negative time; show it rather than hide it.
		return "-" + FormatDuration(-max(d, -math.MaxInt64))
	}
	if d >= time.Minute {
		return formatDurationLong(d)
	}
	units := []struct {
		name string
		size time.Duration
	}{
		{"ns", time.Nanosecond},
		{"µs", time.Microsecond},
		{"ms", time.Millisecond},
		{"s", time.Second},
	}
	i := 0
	for i+1 < len(units) && d >= units[i+1].size {
		i++
	}
	v := fmt.Sprintf("%.3g", float64(d)/float64(units[i].size))
	if v == "1e+03" {
		// Rounded up to 1000 of this unit, which is 1 of the next one.
		i++
		v = fmt.Sprintf("%.3g", float64(d)/float64(units[i].size))
	}
	return v + " " + units[i].name
}

// formatDurationLong writes a duration of a minute or more as IPython does: "1min 5s".
func formatDurationLong(d time.Duration) string {
	parts := []struct {
		suffix string
		length time.Duration
	}{
		{"d", 24 * time.Hour},
		{"h", time.Hour},
		{"min", time.Minute},
		{"s", time.Second},
	}
	var out []string
	left := d
	for _, p := range parts {
		if n := left / p.length; n > 0 {
			out = append(out, fmt.Sprintf("%d%s", n, p.suffix))
			left %= p.length
		}
		if left < time.Second {
			break
		}
	}
	return strings.Join(out, " ")
}

// formatCount is "1 run", "7 runs", "1000 loops": the count with the noun in
// IPython's form. (IPython 8 groups thousands, "1,000 loops"; kit writes the
// plain number that the source lessons and older IPython show.)
func formatCount(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}

// formatRatio writes a speedup or any other "times as much" as the lessons
// do: "1.82x", "10.1x", "0.95x" (three significant digits, or two decimals
// below 1).
func formatRatio(v float64) string { return chartDecimal(v) + "x" }
