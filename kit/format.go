package kit

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// formatDuration writes d as IPython's %time and %timeit do (_format_time in
// IPython/core/magics/execution.py), so that notes and parsers written for
// IPython read kit's output too:
//
//   - under a minute, three significant digits ("%.3g") and the largest unit
//     of ns, μs, ms and s that is not more than d: "999 ns", "1 μs", "2.5 ms",
//     "12.5 s";
//   - from a minute up, whole units of d, h, min and s, stopping when less
//     than a second is left: "1min 5s", "1h 1s".
//
// The unit is "μs" with U+03BC, the letter IPython prints.
//
// One deliberate difference: where rounding reaches the next unit, IPython
// prints "1e+03 μs" (for 999.5 μs) and kit prints "1 ms".
func formatDuration(d time.Duration) string {
	if d < 0 {
		// Only a broken clock gives a negative time; show it rather than hide it.
		return "-" + formatDuration(-max(d, -math.MaxInt64))
	}
	if d >= time.Minute {
		return formatDurationLong(d)
	}
	units := []struct {
		name string
		size time.Duration
	}{
		{"ns", time.Nanosecond},
		{"μs", time.Microsecond},
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

// formatCount is "1 run", "7 runs": the count with the noun in IPython's form.
// Counts of 1000 and more are grouped with commas ("1,000 loops"), as
// IPython 8 prints them.
func formatCount(n int, noun string) string {
	s := formatThousands(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}

// formatThousands writes n with a comma every three digits, as Python's
// "{:,}" does.
func formatThousands(n int) string {
	digits := fmt.Sprint(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String()
}
