package kit_test

import (
	"fmt"
	"strings"
	"time"

	"parallelgo.dev/course/kit"
)

func ExampleTime() {
	t := kit.Time(func() { time.Sleep(50 * time.Millisecond) })
	// Time printed, for instance:
	//
	//	CPU times: user 120 µs, sys: 31 µs, total: 151 µs
	//	Wall time: 50.1 ms
	//	Parallelism: 0.00 (CPU / wall time)
	//
	// and returned the same numbers.
	_ = t.Wall
}

// Measure is Time without the printing: a cell that times several things
// prints them its own way.
func ExampleMeasure() {
	t := kit.Measure(func() { time.Sleep(20 * time.Millisecond) })
	fmt.Println(t.Wall >= 20*time.Millisecond, t.Parallelism() < 0.5)
	// Output: true true
}

func ExampleTimeCell() {
	// At the top of a cell: time everything the cell does after this line.
	defer kit.TimeCell()()

	time.Sleep(50 * time.Millisecond)
	// When the cell ends, stop prints, for instance:
	//
	//	CPU times: user 98 µs, sys: 12 µs, total: 110 µs
	//	Wall time: 50.1 ms
	//	Parallelism: 0.00 (CPU / wall time)
}

func ExampleTimeIt() {
	r := kit.TimeIt(func() { time.Sleep(time.Millisecond) })
	// TimeIt chose 1000 loops, the first power of 10 for which a run lasts
	// 0.2 s or more, and printed, for instance:
	//
	//	1.06 ms ± 4.31 µs per loop (mean ± std. dev. of 7 runs, 1000 loops each)
	kit.Show(r) // a table and a chart of the runs in a notebook
}

func ExampleTimer() {
	// IPython's %timeit -n100 -r5 -q: 5 runs of 100 calls, nothing printed.
	r := kit.Timer{}.WithLoops(100).WithRepeat(5).WithQuiet().TimeIt(func() {})
	fmt.Println(r.Repeat, "runs of", r.Loops, "loops")
	// Output: 5 runs of 100 loops
}

func ExampleTimer_WithLoops() {
	r := kit.Timer{}.WithLoops(50).WithQuiet().TimeIt(func() {})
	fmt.Println(r.Loops, "loops in each of", r.Repeat, "runs")
	// Output: 50 loops in each of 7 runs
}

func ExampleTimer_WithRepeat() {
	r := kit.Timer{}.WithRepeat(3).WithLoops(10).WithQuiet().TimeIt(func() {})
	fmt.Println(len(r.Runs), "runs")
	// Output: 3 runs
}

func ExampleTimer_WithQuiet() {
	// Nothing is printed; the result is returned as usual.
	r := kit.Timer{}.WithLoops(10).WithQuiet().TimeIt(func() {})
	fmt.Println(r.Best <= r.Median && r.Median <= r.Worst)
	// Output: true
}

func ExampleTimer_TimeIt() {
	// The settings combine in any order; the zero Timer is TimeIt's.
	r := kit.Timer{}.WithQuiet().WithRepeat(2).TimeIt(func() { time.Sleep(20 * time.Millisecond) })
	fmt.Println(r.Repeat, "runs of", r.Loops, "loops") // 10 loops of 20 ms: the first count that lasts 0.2 s
	// Output: 2 runs of 10 loops
}

func ExampleTimeItResult() {
	r := kit.Timer{}.WithLoops(2).WithRepeat(3).WithQuiet().TimeIt(func() { time.Sleep(time.Millisecond) })
	// Every time in r is per loop: a sleep lasts at least what it asks.
	fmt.Println(r.Best >= time.Millisecond, len(r.Runs))
	// Output: true 3
}

func ExampleTimeItResult_String() {
	r := kit.TimeItResult{Loops: 1, Repeat: 7, Mean: 605 * time.Millisecond, Std: 10900 * time.Microsecond}
	fmt.Println(r)
	// Output: 605 ms ± 10.9 ms per loop (mean ± std. dev. of 7 runs, 1 loop each)
}

func ExampleTimeItResult_HTML() {
	r := kit.Timer{}.WithLoops(10).WithRepeat(3).WithQuiet().TimeIt(func() {})
	// In a notebook, kit.Show(r) draws this HTML: a table and a chart.
	fmt.Println(strings.HasPrefix(r.HTML(), "<table"))
	// Output: true
}

func ExampleTiming_String() {
	t := kit.Timing{
		Wall:      2 * time.Second,
		User:      2010 * time.Microsecond,
		Sys:       487 * time.Microsecond,
		ChildUser: 3 * time.Second,
		ChildSys:  500 * time.Millisecond,
	}
	fmt.Println(t)
	// Output:
	// CPU times: user 2.01 ms, sys: 487 µs, total: 2.5 ms
	// Wall time: 2 s
	// Child processes: user 3 s, sys: 500 ms, total: 3.5 s
	// Parallelism: 1.75 (CPU / wall time)
}

func ExampleTiming_HTML() {
	t := kit.Timing{Wall: 100 * time.Millisecond, User: 150 * time.Millisecond, Sys: 50 * time.Millisecond}
	fmt.Println(t.HTML())
	// Output:
	// <table class="kit-table">
	// <tr><th style="text-align:left"></th><th>user</th><th>sys</th><th>total</th></tr>
	// <tr><th style="text-align:left">CPU times</th><td>150 ms</td><td>50 ms</td><td>200 ms</td></tr>
	// <tr><th style="text-align:left">Wall time</th><td></td><td></td><td>100 ms</td></tr>
	// <tr><th style="text-align:left">Parallelism</th><td></td><td></td><td>2.00 (CPU / wall time)</td></tr>
	// </table>
}
