package kit

import (
	"fmt"
	"math"
	"os"
	"slices"
	"time"
)

// TimeItResult is what [TimeIt] measured: Repeat runs of Loops calls each.
// Every time in it is per loop (one call of the function), rounded to the
// nanosecond.
type TimeItResult struct {
	Loops  int             // calls of the function in each run
	Repeat int             // number of runs
	Runs   []time.Duration // per-loop time of each run, in the order they ran

	Best   time.Duration // fastest run
	Worst  time.Duration // slowest run
	Mean   time.Duration // mean of Runs
	Std    time.Duration // population standard deviation of Runs, as IPython's
	Median time.Duration // median of Runs
}

// Timer is how [Timer.TimeIt] measures: %timeit's -n and -r options as
// With... methods, so that
//
//	kit.Timer{}.WithLoops(3).WithRepeat(5).TimeIt(f)
//
// is IPython's `%timeit -n3 -r5 f()`. The zero value measures as IPython
// does by default (loops chosen automatically, 7 runs, result printed), and
// [TimeIt] is the zero Timer's TimeIt. (Not a countdown, as time.Timer is.)
type Timer struct {
	loops  int // calls per run; 0 chooses it as IPython does
	repeat int // runs; 0 means 7
	quiet  bool
	// now is the clock; tests replace it with a fake one.
	now func() time.Time
}

// WithLoops makes every run call the function n times, instead of choosing
// the count automatically (%timeit -n). It panics if n < 1.
func (t Timer) WithLoops(n int) Timer {
	if n < 1 {
		panic(fmt.Sprintf("kit.Timer.WithLoops(%d): loops must be >= 1", n))
	}
	t.loops = n
	return t
}

// WithRepeat makes TimeIt do r runs instead of 7 (%timeit -r). It panics
// if r < 1.
func (t Timer) WithRepeat(r int) Timer {
	if r < 1 {
		panic(fmt.Sprintf("kit.Timer.WithRepeat(%d): repeat must be >= 1", r))
	}
	t.repeat = r
	return t
}

// WithQuiet makes TimeIt print nothing (%timeit -q); the result is
// returned all the same.
func (t Timer) WithQuiet() Timer {
	t.quiet = true
	return t
}

// maxAutoLoops is where the automatic loop count stops growing, as in
// IPython, so that a function too fast for the clock cannot loop forever.
const maxAutoLoops = 1_000_000_000

// TimeIt measures how long one call of f takes, with IPython's %timeit
// rules; it is Timer{}.TimeIt(f). Use a [Timer] to set the loops, the
// runs, or silence.
func TimeIt(f func()) TimeItResult { return Timer{}.TimeIt(f) }

// TimeIt measures how long one call of f takes, with IPython's %timeit rules.
//
// It calls f in runs (7 unless [Timer.WithRepeat] says otherwise) of a
// number of calls each. Unless [Timer.WithLoops] gives the count, it is the
// first of 1, 10, 100, ... (up to 10⁹) for which one run lasts at least
// 0.2 s; the runs that find it are not part of the result. Then, unless
// [Timer.WithQuiet] was called, TimeIt prints to standard output, as
// IPython does,
//
//	605 ms ± 10.9 ms per loop (mean ± std. dev. of 7 runs, 1 loop each)
//
// preceded by a warning when the slowest run took more than 4 times as long
// as the fastest, which hints that something was cached or the machine was
// busy.
//
// Each run includes the cost of the loop and of calling f, a nanosecond or
// two per loop: use testing.B for functions that fast.
//
// TimeIt panics if f is nil. If f panics, the panic propagates unchanged and
// nothing is printed.
func (t Timer) TimeIt(f func()) TimeItResult {
	if f == nil {
		panic("kit.TimeIt: f is nil")
	}
	if t.repeat == 0 {
		t.repeat = 7
	}
	if t.now == nil {
		t.now = time.Now
	}

	loops := t.loops
	if loops == 0 {
		for loops = 1; loops < maxAutoLoops; loops *= 10 {
			if t.run(f, loops) >= 200*time.Millisecond {
				break
			}
		}
	}
	runs := make([]time.Duration, t.repeat)
	for i := range runs {
		runs[i] = perLoop(t.run(f, loops), loops)
	}

	r := newTimeItResult(loops, runs)
	if !t.quiet {
		if w := r.warning(); w != "" {
			fmt.Fprintln(os.Stdout, w)
		}
		fmt.Fprintln(os.Stdout, r)
	}
	return r
}

// run calls f loops times and returns how long that took.
func (t Timer) run(f func(), loops int) time.Duration {
	start := t.now()
	for range loops {
		f()
	}
	return t.now().Sub(start)
}

// perLoop is the time of one loop of a run, rounded to the nanosecond.
func perLoop(total time.Duration, loops int) time.Duration {
	return time.Duration(math.Round(float64(total) / float64(loops)))
}

// newTimeItResult computes the statistics of runs, which must not be empty.
func newTimeItResult(loops int, runs []time.Duration) TimeItResult {
	sorted := slices.Clone(runs)
	slices.Sort(sorted)
	n := len(sorted)

	var sum float64
	for _, d := range runs {
		sum += float64(d)
	}
	mean := sum / float64(n)
	var squares float64
	for _, d := range runs {
		squares += (float64(d) - mean) * (float64(d) - mean)
	}

	median := sorted[n/2]
	if n%2 == 0 {
		median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return TimeItResult{
		Loops:  loops,
		Repeat: n,
		Runs:   runs,
		Best:   sorted[0],
		Worst:  sorted[n-1],
		Mean:   time.Duration(math.Round(mean)),
		Std:    time.Duration(math.Round(math.Sqrt(squares / float64(n)))),
		Median: median,
	}
}

// warning is IPython's note that the runs varied too much to trust, or "".
// Like IPython, it stays silent when even the slowest run took under a
// microsecond, where such ratios mean little.
func (r TimeItResult) warning() string {
	if r.Best > 0 && r.Worst > 4*r.Best && r.Worst > time.Microsecond {
		return fmt.Sprintf("The slowest run took %0.2f times longer than the fastest. "+
			"This could mean that an intermediate result is being cached.",
			float64(r.Worst)/float64(r.Best))
	}
	return ""
}
