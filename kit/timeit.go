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

// TimeItOption changes how [TimeIt] measures: see [Loops], [Repeat] and
// [Quiet].
type TimeItOption func(*timeItConfig)

type timeItConfig struct {
	loops  int // calls per run; 0 chooses it as IPython does
	repeat int
	quiet  bool
	// now is the clock; tests replace it with a fake one.
	now func() time.Time
}

// Loops makes every run of [TimeIt] call the function n times, instead of
// choosing the count automatically. It panics if n < 1.
func Loops(n int) TimeItOption {
	if n < 1 {
		panic(fmt.Sprintf("kit.TimeIt: Loops(%d): loops must be >= 1", n))
	}
	return func(c *timeItConfig) { c.loops = n }
}

// Repeat makes [TimeIt] do r runs instead of 7. It panics if r < 1.
func Repeat(r int) TimeItOption {
	if r < 1 {
		panic(fmt.Sprintf("kit.TimeIt: Repeat(%d): repeat must be >= 1", r))
	}
	return func(c *timeItConfig) { c.repeat = r }
}

// Quiet makes [TimeIt] print nothing; the result is returned all the same.
func Quiet() TimeItOption {
	return func(c *timeItConfig) { c.quiet = true }
}

// maxAutoLoops is where the automatic loop count stops growing, as in
// IPython, so that a function too fast for the clock cannot loop forever.
const maxAutoLoops = 1_000_000_000

// TimeIt measures how long one call of f takes, with IPython's %timeit rules.
//
// It calls f in Repeat runs (7 unless [Repeat] says otherwise) of Loops calls
// each. Unless [Loops] gives the count, it is the first of 1, 10, 100, ...
// (up to 10⁹) for which one run lasts at least 0.2 s; the runs that find it
// are not part of the result. Then, unless [Quiet] is given, TimeIt prints
// to standard output, as IPython does,
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
func TimeIt(f func(), opts ...TimeItOption) TimeItResult {
	if f == nil {
		panic("kit.TimeIt: f is nil")
	}
	c := timeItConfig{repeat: 7, now: time.Now}
	for i, opt := range opts {
		if opt == nil {
			panic(fmt.Sprintf("kit.TimeIt: option %d is nil", i))
		}
		opt(&c)
	}

	loops := c.loops
	if loops == 0 {
		for loops = 1; loops < maxAutoLoops; loops *= 10 {
			if c.run(f, loops) >= 200*time.Millisecond {
				break
			}
		}
	}
	runs := make([]time.Duration, c.repeat)
	for i := range runs {
		runs[i] = perLoop(c.run(f, loops), loops)
	}

	r := newTimeItResult(loops, runs)
	if !c.quiet {
		if w := r.warning(); w != "" {
			fmt.Fprintln(os.Stdout, w)
		}
		fmt.Fprintln(os.Stdout, r)
	}
	return r
}

// run calls f loops times and returns how long that took.
func (c *timeItConfig) run(f func(), loops int) time.Duration {
	start := c.now()
	for range loops {
		f()
	}
	return c.now().Sub(start)
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
