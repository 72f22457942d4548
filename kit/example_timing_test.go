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

func ExampleLoops() {
	r := kit.TimeIt(func() {}, kit.Loops(50), kit.Quiet())
	fmt.Println(r.Loops, "loops in each of", r.Repeat, "runs")
	// Output: 50 loops in each of 7 runs
}

func ExampleRepeat() {
	r := kit.TimeIt(func() {}, kit.Repeat(3), kit.Loops(10), kit.Quiet())
	fmt.Println(len(r.Runs), "runs")
	// Output: 3 runs
}

func ExampleQuiet() {
	// Nothing is printed; the result is returned as usual.
	r := kit.TimeIt(func() {}, kit.Loops(10), kit.Quiet())
	fmt.Println(r.Best <= r.Median && r.Median <= r.Worst)
	// Output: true
}

func ExampleTimeItOption() {
	// Options combine in any order.
	opts := []kit.TimeItOption{kit.Loops(100), kit.Repeat(5), kit.Quiet()}
	r := kit.TimeIt(func() {}, opts...)
	fmt.Println(r.Repeat, "runs of", r.Loops, "loops")
	// Output: 5 runs of 100 loops
}

func ExampleTimeItResult() {
	r := kit.TimeIt(func() { time.Sleep(time.Millisecond) }, kit.Loops(2), kit.Repeat(3), kit.Quiet())
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
	r := kit.TimeIt(func() {}, kit.Loops(10), kit.Repeat(3), kit.Quiet())
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
