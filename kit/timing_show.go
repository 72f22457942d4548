package kit

import (
	"fmt"
	"os"
	"strings"
)

// Time runs f once and prints what it cost to standard output, as IPython's
// %%time does,
//
//	CPU times: user 2.01 ms, sys: 487 µs, total: 2.5 ms
//	Wall time: 12.5 s
//
// followed by what IPython leaves out: the CPU time of the child processes
// that f started and waited for, on a line of its own when they used any,
// and the effective parallelism, CPU time over wall time (see [Timing]).
//
// Time panics if f is nil. If f panics, the panic propagates unchanged and
// nothing is printed.
func Time(f func()) Timing {
	if f == nil {
		panic("kit.Time: f is nil")
	}
	t := measure(f)
	fmt.Fprintln(os.Stdout, t)
	return t
}

// Measure runs f once and returns what it cost, as [Time] does, but prints
// nothing: for a cell that times several things and shows them its own way.
// Measure panics if f is nil; a panic in f propagates unchanged.
func Measure(f func()) Timing {
	if f == nil {
		panic("kit.Measure: f is nil")
	}
	return measure(f)
}

// TimeCell starts timing and returns stop, which prints the [Timing] since
// TimeCell was called, as [Time] does, and returns it. Deferred at the top of
// a cell, it times the rest of the cell, like IPython's %%time:
//
//	defer kit.TimeCell()()
//
// The deferred stop also runs if the cell panics, and then prints the time
// until the panic, as %%time does when a cell raises an exception. Every call
// of stop measures from the same start.
func TimeCell() (stop func() Timing) {
	start := readCPUClock()
	return func() Timing {
		t := start.since()
		fmt.Fprintln(os.Stdout, t)
		return t
	}
}

// String gives t in IPython's %%time format: the "CPU times:" and "Wall
// time:" lines, a "Child processes:" line when children used CPU time, and a
// "Parallelism:" line. It has no final newline.
func (t Timing) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CPU times: user %s, sys: %s, total: %s\n",
		FormatDuration(t.User), FormatDuration(t.Sys), FormatDuration(t.User+t.Sys))
	fmt.Fprintf(&b, "Wall time: %s\n", FormatDuration(t.Wall))
	if t.ChildUser+t.ChildSys > 0 {
		fmt.Fprintf(&b, "Child processes: user %s, sys: %s, total: %s\n",
			FormatDuration(t.ChildUser), FormatDuration(t.ChildSys), FormatDuration(t.ChildUser+t.ChildSys))
	}
	fmt.Fprintf(&b, "Parallelism: %.2f (CPU / wall time)", t.Parallelism())
	return b.String()
}

// HTML gives t as a small table with the numbers of [Timing.String].
func (t Timing) HTML() string {
	tab := Table{Header: []string{"", "user", "sys", "total"}}
	tab.Row("CPU times", t.User, t.Sys, t.User+t.Sys)
	if t.ChildUser+t.ChildSys > 0 {
		tab.Row("Child processes", t.ChildUser, t.ChildSys, t.ChildUser+t.ChildSys)
	}
	tab.Row("Wall time", "", "", t.Wall)
	tab.Row("Parallelism", "", "", fmt.Sprintf("%.2f (CPU / wall time)", t.Parallelism()))
	return tab.HTML()
}

// String gives r in IPython's %timeit format:
//
//	605 ms ± 10.9 ms per loop (mean ± std. dev. of 7 runs, 1 loop each)
//
// It has no final newline and leaves out the warning that [TimeIt] prints
// when the runs varied much; [TimeItResult.HTML] includes it.
func (r TimeItResult) String() string {
	return fmt.Sprintf("%s ± %s per loop (mean ± std. dev. of %s, %s each)",
		FormatDuration(r.Mean), FormatDuration(r.Std),
		formatCount(r.Repeat, "run"), formatCount(r.Loops, "loop"))
}

// HTML gives r as a table of its statistics, the warning [TimeIt] prints if
// the runs varied much, and a [SpreadChart] of its runs.
func (r TimeItResult) HTML() string {
	var b strings.Builder
	tab := Table{Align: "ll"}
	tab.Row("mean ± std. dev.", FormatDuration(r.Mean)+" ± "+FormatDuration(r.Std)+" per loop")
	tab.Row("best / median / worst", FormatDuration(r.Best)+" / "+FormatDuration(r.Median)+" / "+FormatDuration(r.Worst))
	tab.Row("runs", formatCount(r.Repeat, "run")+", "+formatCount(r.Loops, "loop")+" each")
	b.WriteString(tab.HTML())
	if w := r.warning(); w != "" {
		fmt.Fprintf(&b, "<p>%s</p>\n", w)
	}
	if len(r.Runs) > 0 {
		title := fmt.Sprintf("Time per loop of each run (%s each)", formatCount(r.Loops, "loop"))
		b.WriteString(SpreadChart(title, r.Runs).HTML())
	}
	return b.String()
}
