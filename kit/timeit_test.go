package kit

import (
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTimingClock is a clock that moves only when a timed function moves it,
// so that TimeIt's loop counts and statistics can be checked exactly.
type fakeTimingClock struct{ t time.Time }

func (c *fakeTimingClock) now() time.Time          { return c.t }
func (c *fakeTimingClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// IPython's %timeit line, as a parser of IPython's output reads it.
var ipythonTimeIt = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d[\d.]*) (ns|[µµu]s|ms|s) ± (\d[\d.]*) (ns|[µµu]s|ms|s) per loop ` +
		`\(mean ± std\. dev\. of (\d+) runs?, ([\d,]+) loops? each\)\n$`)
})

func TestTimeItChoosesLoops(t *testing.T) {
	tests := []struct {
		cost      time.Duration // of one call
		wantLoops int
	}{
		{300 * time.Millisecond, 1},
		{200 * time.Millisecond, 1}, // a run of exactly 0.2 s is long enough
		{199 * time.Millisecond, 10},
		{time.Millisecond, 1000}, // 100 loops last 0.1 s, 1000 last 1 s
		{25 * time.Microsecond, 10_000},
		{20 * time.Microsecond, 10_000},
		{19999 * time.Nanosecond, 100_000},
	}
	for _, tt := range tests {
		clock := &fakeTimingClock{}
		calls := 0
		r := Timer{now: clock.now}.WithRepeat(3).WithQuiet().TimeIt(func() {
			calls++
			clock.advance(tt.cost)
		})

		if r.Loops != tt.wantLoops {
			t.Errorf("cost %v: Loops = %d, want %d", tt.cost, r.Loops, tt.wantLoops)
			continue
		}
		// The search tried 1, 10, ... up to the chosen count, once each;
		// then come the 3 runs that make the result.
		search := 0
		for n := 1; n <= tt.wantLoops; n *= 10 {
			search += n
		}
		if want := search + 3*tt.wantLoops; calls != want {
			t.Errorf("cost %v: f called %d times, want %d", tt.cost, calls, want)
		}
		for i, d := range r.Runs {
			if d != tt.cost {
				t.Errorf("cost %v: Runs[%d] = %v, want the cost of one call", tt.cost, i, d)
			}
		}
	}
}

// costsPerRun returns a function that advances clock by costs[i] per call
// during the i-th run of loops calls.
func costsPerRun(clock *fakeTimingClock, loops int, costs ...time.Duration) func() {
	calls := 0
	return func() {
		clock.advance(costs[calls/loops])
		calls++
	}
}

func TestTimeItStatistics(t *testing.T) {
	ms := time.Millisecond
	clock := &fakeTimingClock{}
	f := costsPerRun(clock, 2, 30*ms, 10*ms, 40*ms, 20*ms)
	var r TimeItResult
	out := captureTimingStdout(t, func() {
		r = Timer{now: clock.now}.WithLoops(2).WithRepeat(4).TimeIt(f)
	})

	want := TimeItResult{
		Loops:  2,
		Repeat: 4,
		Runs:   []time.Duration{30 * ms, 10 * ms, 40 * ms, 20 * ms}, // in the order they ran
		Best:   10 * ms,
		Worst:  40 * ms,
		Mean:   25 * ms,
		Std:    11180340, // sqrt((15² + 5² + 5² + 15²) / 4) ms, as IPython's population std. dev.
		Median: 25 * ms,
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("TimeIt = %+v\nwant %+v", r, want)
	}
	// 40 ms is 4 times 10 ms, not over: no warning.
	if wantOut := "25 ms ± 11.2 ms per loop (mean ± std. dev. of 4 runs, 2 loops each)\n"; out != wantOut {
		t.Errorf("TimeIt printed %q, want %q", out, wantOut)
	}
	if !ipythonTimeIt().MatchString(out) {
		t.Errorf("TimeIt printed %q, which IPython's regular expression does not parse", out)
	}
}

func TestTimeItOddMedianAndRounding(t *testing.T) {
	clock := &fakeTimingClock{}
	f := costsPerRun(clock, 3, 5, 1, 4) // nanoseconds: runs of 15, 3 and 12 ns
	r := Timer{now: clock.now}.WithLoops(3).WithRepeat(3).WithQuiet().TimeIt(f)
	if r.Median != 4 || r.Best != 1 || r.Worst != 5 {
		t.Errorf("TimeIt = %+v, want Best 1 ns, Median 4 ns, Worst 5 ns", r)
	}
	if r.Mean != 3 { // 10/3 ns, rounded
		t.Errorf("Mean = %v, want 3ns", r.Mean)
	}
}

func TestTimeItWarning(t *testing.T) {
	tests := []struct {
		name  string
		costs []time.Duration
		want  string
	}{
		{
			name:  "cached",
			costs: []time.Duration{5 * time.Millisecond, time.Millisecond, time.Millisecond},
			want: "The slowest run took 5.00 times longer than the fastest. " +
				"This could mean that an intermediate result is being cached.\n" +
				"2.33 ms ± 1.89 ms per loop (mean ± std. dev. of 3 runs, 1 loop each)\n",
		},
		{
			// Under a microsecond, IPython does not warn.
			name:  "fast",
			costs: []time.Duration{900, 100},
			want:  "500 ns ± 400 ns per loop (mean ± std. dev. of 2 runs, 1 loop each)\n",
		},
		{
			name:  "one run",
			costs: []time.Duration{time.Second},
			want:  "1 s ± 0 ns per loop (mean ± std. dev. of 1 run, 1 loop each)\n",
		},
	}
	for _, tt := range tests {
		clock := &fakeTimingClock{}
		f := costsPerRun(clock, 1, tt.costs...)
		out := captureTimingStdout(t, func() {
			Timer{now: clock.now}.WithLoops(1).WithRepeat(len(tt.costs)).TimeIt(f)
		})
		if out != tt.want {
			t.Errorf("%s: TimeIt printed\n%q\nwant\n%q", tt.name, out, tt.want)
		}
		last := out[strings.LastIndex(out[:len(out)-1], "\n")+1:]
		if !ipythonTimeIt().MatchString(last) {
			t.Errorf("%s: TimeIt printed %q, which IPython's regular expression does not parse", tt.name, last)
		}
	}
}

func TestTimeItResultString(t *testing.T) {
	r := TimeItResult{Loops: 1000, Repeat: 7, Mean: 1062 * time.Microsecond, Std: 4310 * time.Nanosecond}
	want := "1.06 ms ± 4.31 µs per loop (mean ± std. dev. of 7 runs, 1000 loops each)"
	if got := r.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if !ipythonTimeIt().MatchString(r.String() + "\n") {
		t.Errorf("String() = %q, which IPython's regular expression does not parse", r.String())
	}
	// The zero value prints without dividing by zero.
	if got, want := (TimeItResult{}).String(), "0 ns ± 0 ns per loop (mean ± std. dev. of 0 runs, 0 loops each)"; got != want {
		t.Errorf("zero String() = %q, want %q", got, want)
	}
}

func TestTimeItResultHTML(t *testing.T) {
	ms := time.Millisecond
	clock := &fakeTimingClock{}
	r := Timer{now: clock.now}.WithLoops(1).WithRepeat(3).WithQuiet().TimeIt(costsPerRun(clock, 1, 5*ms, ms, ms))
	h := r.HTML()
	for _, want := range []string{
		">2.33 ms ± 1.89 ms per loop</td>",
		">1 ms / 1 ms / 5 ms</td>",
		">3 runs, 1 loop each</td>",
		"The slowest run took 5.00 times longer",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML() = %s\nwant it to contain %q", h, want)
		}
	}
	if h := (TimeItResult{}).HTML(); !strings.Contains(h, "<table") {
		t.Errorf("zero HTML() = %q, want a table", h)
	}
}

// timeItPanic returns the value call panicked with.
func timeItPanic(call func()) (value any) {
	defer func() { value = recover() }()
	call()
	return nil
}

func TestTimeItBadInput(t *testing.T) {
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"nil f", func() { TimeIt(nil) }, "kit.TimeIt: f is nil"},
		{"nil f on a Timer", func() { Timer{}.WithLoops(1).TimeIt(nil) }, "kit.TimeIt: f is nil"},
		{"WithLoops(0)", func() { Timer{}.WithLoops(0) }, "kit.Timer.WithLoops(0): loops must be >= 1"},
		{"WithLoops(-1)", func() { Timer{}.WithLoops(-1) }, "kit.Timer.WithLoops(-1): loops must be >= 1"},
		{"WithRepeat(0)", func() { Timer{}.WithRepeat(0) }, "kit.Timer.WithRepeat(0): repeat must be >= 1"},
		{"WithRepeat(-3)", func() { Timer{}.WithRepeat(-3) }, "kit.Timer.WithRepeat(-3): repeat must be >= 1"},
	}
	for _, tt := range tests {
		if got := timeItPanic(tt.call); got != tt.want {
			t.Errorf("%s: panicked with %v, want %q", tt.name, got, tt.want)
		}
	}
}

// timingSink keeps the compiler from dropping timingFixedWork's loop.
var timingSink int

// timingFixedWork does the same amount of arithmetic at every call, some
// tens of microseconds of it.
func timingFixedWork() {
	x := timingSink
	for i := range 50_000 {
		x = x*31 + i
	}
	timingSink = x
}

// TestTimeItAgreesWithBenchmark checks TimeIt against testing.Benchmark on the
// same function. The two measure at different moments, and on a loaded
// machine (CI, or several jobs on 2 cores) one of them may be slowed and not
// the other, so one disagreement proves nothing: the test retries. A real
// bug (a wrong loop count, a division by the wrong number) is off by a
// factor of 10 or more and fails every attempt.
func TestTimeItAgreesWithBenchmark(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds")
	}
	const attempts = 5
	for i := range attempts {
		r := Timer{}.WithLoops(100).WithRepeat(5).WithQuiet().TimeIt(timingFixedWork)
		b := testing.Benchmark(func(b *testing.B) {
			for range b.N {
				timingFixedWork()
			}
		})
		ratio := float64(r.Median) / float64(b.NsPerOp())
		if 1/1.5 < ratio && ratio < 1.5 {
			return
		}
		t.Logf("attempt %d: TimeIt median %v, testing.Benchmark %v/op: ratio %.2f",
			i+1, r.Median, time.Duration(b.NsPerOp()), ratio)
	}
	t.Errorf("TimeIt and testing.Benchmark disagreed by over 1.5x in %d attempts", attempts)
}

// BenchmarkTimeItOverhead measures what TimeIt adds to each loop (the loop
// and the call of f) by timing a function that does nothing: ns/op is the
// overhead per loop.
func BenchmarkTimeItOverhead(b *testing.B) {
	Timer{}.WithLoops(b.N).WithRepeat(1).WithQuiet().TimeIt(func() {})
}
