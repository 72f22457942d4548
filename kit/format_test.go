package kit

import (
	"math"
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	const (
		ns  = time.Nanosecond
		us  = time.Microsecond
		ms  = time.Millisecond
		sec = time.Second
	)
	// Every want is what IPython's _format_time prints for the same time in
	// seconds, except where a comment says otherwise.
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0 ns"},
		{1 * ns, "1 ns"},
		{999 * ns, "999 ns"},
		{1 * us, "1 µs"},
		{1001 * ns, "1 µs"},
		{1005 * ns, "1 µs"}, // 1.005 is 1.00499… in binary, in Python too
		{1006 * ns, "1.01 µs"},
		{1500 * ns, "1.5 µs"},
		{487 * us, "487 µs"},
		{999 * us, "999 µs"},
		{999400 * ns, "999 µs"},
		{999500 * ns, "1 ms"}, // IPython: "1e+03 µs"
		{1 * ms, "1 ms"},
		{2500 * us, "2.5 ms"}, // "%.3g" drops trailing zeros: not "2.50 ms"
		{2010 * us, "2.01 ms"},
		{10900 * us, "10.9 ms"},
		{605 * ms, "605 ms"},
		{999999999 * ns, "1 s"}, // IPython: "1e+03 ms"
		{1 * sec, "1 s"},
		{12500 * ms, "12.5 s"},
		{59900 * ms, "59.9 s"},
		{59950 * ms, "60 s"}, // IPython too: the minute form starts at 60 s exactly
		{60 * sec, "1min"},
		{60*sec + 999*ms, "1min"},
		{65 * sec, "1min 5s"},
		{65900 * ms, "1min 5s"},
		{time.Hour, "1h"},
		{time.Hour + sec, "1h 1s"},
		{time.Hour + time.Minute + sec, "1h 1min 1s"},
		{25 * time.Hour, "1d 1h"},
		{49*time.Hour + 3*time.Minute, "2d 1h 3min"},
		{-2500 * us, "-2.5 ms"},
		{math.MinInt64, "-106751d 23h 47min 16s"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%d ns) = %q, want %q", int64(tt.d), got, tt.want)
		}
	}
}

func TestFormatCount(t *testing.T) {
	tests := []struct {
		n    int
		noun string
		want string
	}{
		{0, "run", "0 runs"},
		{1, "run", "1 run"},
		{7, "run", "7 runs"},
		{1, "loop", "1 loop"},
		{10, "loop", "10 loops"},
		{999, "loop", "999 loops"},
		{1000, "loop", "1000 loops"},
		{100000, "loop", "100000 loops"},
		{1000000000, "loop", "1000000000 loops"},
		{-1234, "loop", "-1234 loops"},
	}
	for _, tt := range tests {
		if got := formatCount(tt.n, tt.noun); got != tt.want {
			t.Errorf("formatCount(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}
