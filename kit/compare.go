package kit

import (
	"fmt"
	"html"
	"reflect"
	"strings"
	"time"
)

// Comparison is the outcome of [Compare]: one row per executor, and whether
// they all agreed. It prints itself; [Show] draws it with charts.
type Comparison struct {
	Task   string
	Inputs int // how many inputs each executor ran
	Runs   []RunStats
	// Err is nil if every run succeeded and all results agree with the
	// first run's. Otherwise it says which run failed, or the first input
	// whose results differ and both values.
	Err error
}

// RunStats is one executor's row of a [Comparison], a [PythonReport] and a
// [SideBySide]. Rows built by hand put runs that kit did not make (a
// hand-written loop, a bare WaitGroup) into the same table and chart.
type RunStats struct {
	Executor string
	Timing   Timing
	Startup  time.Duration // worker start-up, included in Timing.Wall
	Speedup  float64       // the first run's wall time over this run's
	Trace    *Trace
	Err      error // the run's own error (see [Run.Err])
}

// Compare runs t on inputs with each executor in turn, checks that every run
// succeeds with the same results as the first (compared with
// reflect.DeepEqual; see [CompareFunc] for floating-point results), and
// reports wall time, CPU time, parallelism and speedup over the first.
//
//	kit.Show(kit.Compare(crunch, inputs, kit.Serial(), kit.Threads(2), kit.Processes(2)))
func Compare[T, R any](t *TaskFunc[T, R], inputs []T, executors ...Executor) Comparison {
	return CompareFunc(t, inputs, func(a, b R) bool { return reflect.DeepEqual(a, b) }, executors...)
}

// CompareFunc is [Compare] with equal deciding whether two results agree,
// for results that may differ harmlessly, such as floating-point sums added
// up in a different order:
//
//	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(a) }
//	kit.CompareFunc(sum, inputs, close, kit.Serial(), kit.Threads(4))
func CompareFunc[T, R any](t *TaskFunc[T, R], inputs []T, equal func(a, b R) bool, executors ...Executor) Comparison {
	c := Comparison{Task: t.Name(), Inputs: len(inputs)}
	var first []R
	var errs []string
	for k, ex := range executors {
		r := Map(ex, t, inputs)
		s := RunStats{Executor: r.Executor, Timing: r.Timing, Startup: r.Startup, Trace: r.Trace, Err: r.Err}
		if k > 0 && s.Timing.Wall > 0 {
			s.Speedup = float64(c.Runs[0].Timing.Wall) / float64(s.Timing.Wall)
		} else if k == 0 {
			s.Speedup = 1
		}
		c.Runs = append(c.Runs, s)
		switch {
		case r.Err != nil:
			errs = append(errs, fmt.Sprintf("%s failed: %v", r.Executor, r.Err))
		case k == 0:
			first = r.Results
		case c.Runs[0].Err == nil:
			for i := range inputs {
				if !equal(first[i], r.Results[i]) {
					errs = append(errs, fmt.Sprintf("results differ: input %d (%s): %s gave %#v, %s gave %#v",
						i, label(inputs[i]), c.Runs[0].Executor, first[i], r.Executor, r.Results[i]))
					break
				}
			}
		}
	}
	if len(errs) > 0 {
		c.Err = fmt.Errorf("kit: compare %q: %s", c.Task, strings.Join(errs, "\n"))
	}
	return c
}

// String is the comparison as a text table, the error first if there is one.
func (c Comparison) String() string {
	var b strings.Builder
	if c.Err != nil {
		fmt.Fprintf(&b, "ERROR: %v\n", c.Err)
	}
	fmt.Fprintf(&b, "%q on %d inputs\n", c.Task, c.Inputs)
	b.WriteString(c.table().String())
	return strings.TrimRight(b.String(), "\n")
}

// table is one row per run: wall and CPU time, parallelism, speedup,
// start-up, and FAILED (in the warning colour) after a run that failed.
func (c Comparison) table() Table {
	startups, failures := false, false
	for _, r := range c.Runs {
		startups = startups || r.Startup > 0
		failures = failures || r.Err != nil
	}
	t := Table{Header: []string{"executor", "wall", "CPU", "parallelism", "speedup"}}
	if startups {
		t.Header = append(t.Header, "start-up")
	}
	if failures {
		t.Header = append(t.Header, "")
		t.Align = "lrrrrrl"[:len(t.Header)]
	}
	for _, r := range c.Runs {
		row := []any{r.Executor, r.Timing.Wall, r.Timing.CPU(), fmt.Sprintf("%.2f", r.Timing.Parallelism()), formatRatio(r.Speedup)}
		if startups {
			var startup any
			if r.Startup > 0 {
				startup = r.Startup
			}
			row = append(row, startup)
		}
		if r.Err != nil {
			row = append(row, tableWarn("FAILED"))
		}
		t.Row(row...)
	}
	return t
}

// HTML is the comparison as a table, a bar chart of wall times and each
// run's timeline.
func (c Comparison) HTML() string {
	return c.html(WallChart(fmt.Sprintf("%s: wall time", c.Task), c.wallBars()))
}

// wallBars are the comparison's runs as the bars of a wall-time chart.
func (c Comparison) wallBars() []WallBar {
	bars := make([]WallBar, 0, len(c.Runs))
	for _, r := range c.Runs {
		bars = append(bars, WallBar{Name: r.Executor, Wall: r.Timing.Wall, Speedup: r.Speedup, Parallelism: r.Timing.Parallelism()})
	}
	return bars
}

// html is the comparison as a table, the wall-time chart wall and each run's
// timeline.
func (c Comparison) html(wall Chart) string {
	var b strings.Builder
	b.WriteString("<div>")
	if c.Err != nil {
		fmt.Fprintf(&b, "<pre style=\"color:%s;font-weight:bold\">ERROR: %s</pre>", paletteWarn, html.EscapeString(c.Err.Error()))
	}
	fmt.Fprintf(&b, "<p><code>%s</code> on %d inputs</p>", html.EscapeString(c.Task), c.Inputs)
	b.WriteString(c.table().HTML())
	b.WriteString(wall.HTML())
	for _, r := range c.Runs {
		if r.Trace != nil {
			b.WriteString(TimelineChart(r.Trace).HTML())
		}
	}
	b.WriteString("</div>")
	return b.String()
}
