package kit_test

import (
	"fmt"
	"strings"
	"time"

	"parallelgo.dev/course/kit"
)

const ms = time.Millisecond

// In a notebook cell, Show draws any kit value; in a test or a terminal it
// prints the value's text form.
func ExampleShow() {
	kit.Show(kit.SpreadChart("Time per loop", []time.Duration{605 * ms, 598 * ms, 611 * ms}))
	// Output:
	// Time per loop
	// run  per loop (ms)
	// 1              605
	// 2              598
	// 3              611
	// 3 runs · mean 605 ms ± 5.31 ms · best 598 ms · worst 611 ms (1.02x the best)
}

func ExampleInNotebook() {
	fmt.Println(kit.InNotebook()) // true only in a GoNB cell
	// Output: false
}

func ExampleHTMLer() {
	var v any = kit.WallChart("", []kit.WallBar{{Name: "Serial()", Wall: time.Second}})
	if h, ok := v.(kit.HTMLer); ok {
		fmt.Println("rich form:", strings.Contains(h.HTML(), `class="kit-chart"`))
	}
	// Output: rich form: true
}

func ExampleChart() {
	c := kit.SpeedupChart("Speedup of crunch", []kit.SpeedupPoint{
		{Workers: 1, Wall: 1000 * ms},
		{Workers: 2, Wall: 550 * ms},
		{Workers: 4, Wall: 325 * ms},
	})
	fmt.Println(c.Title)
	// Output: Speedup of crunch
}

func ExampleChart_String() {
	c := kit.WallChart("Threads against processes", []kit.WallBar{
		{Name: "Threads(2)", Wall: 640 * ms, Parallelism: 1.93},
		{Name: "Processes(2)", Wall: 700 * ms, Parallelism: 1.85},
	})
	fmt.Print(c.String())
	// Output:
	// Threads against processes
	// executor      wall (ms)  speedup  parallelism
	// Threads(2)          640    1.00x         1.93
	// Processes(2)        700    0.91x         1.85
}

// HTML is what a notebook shows: an element sized for the cell and the
// script that draws in it. The first chart of a process also carries the
// charting library.
func ExampleChart_HTML() {
	h := kit.SpreadChart("", []time.Duration{ms, 2 * ms}).HTML()
	fmt.Println(strings.Contains(h, `<div id="kit-chart-`), strings.Contains(h, "window.echarts"))
	// Output: true true
}

func ExampleWallBar() {
	bar := kit.WallBar{Name: "Threads(4)", Wall: 300 * ms, Speedup: 3.6, Parallelism: 3.8}
	fmt.Print(kit.WallChart("One bar", []kit.WallBar{bar}))
	// Output:
	// One bar
	// executor    wall (ms)  speedup  parallelism
	// Threads(4)        300    3.60x         3.80
}

func ExampleXYChart() {
	fmt.Print(kit.XYChart("Error of the estimate", kit.XYAxis{Name: "samples", Log: true}, kit.XYAxis{Name: "error", Log: true},
		kit.XYSeries{Name: "π", X: []float64{100, 10000}, Y: []float64{0.2, 0.02}}))
	// Output:
	// Error of the estimate
	// series  samples  error
	// π           100    0.2
	// π         10000   0.02
}

func ExampleWallChart() {
	fmt.Print(kit.WallChart("Crunch, 8 inputs", []kit.WallBar{
		{Name: "Serial()", Wall: 1200 * ms, Parallelism: 0.99},
		{Name: "GIL(2)", Wall: 1180 * ms, Parallelism: 1.01},
		{Name: "Threads(2)", Wall: 640 * ms, Parallelism: 1.93},
	}))
	// Output:
	// Crunch, 8 inputs
	// executor    wall (s)  speedup  parallelism
	// Serial()        1.20    1.00x         0.99
	// GIL(2)          1.18    1.02x         1.01
	// Threads(2)      0.64    1.88x         1.93
}

func ExampleTimelineChart() {
	tr := kit.NewTrace("Threads(2)", 2)
	tr.Add(kit.Span{Worker: 0, Input: 0, Label: "3", Start: 0, End: 300 * ms})
	tr.Add(kit.Span{Worker: 1, Input: 1, Label: "1", Start: 0, End: 100 * ms})
	tr.Add(kit.Span{Worker: 1, Input: 2, Label: "1", Start: 100 * ms, End: 200 * ms, Err: true})
	// Without Stop, the total is when the last span ended.
	fmt.Print(kit.TimelineChart(tr))
	// Output:
	// Timeline of Threads(2)
	// 3 inputs on 2 workers · workers busy 83% of the time · total 300 ms
	// worker  inputs  busy (ms)  idle (ms)  busy
	// 0            1        300       0.00  100%
	// 1            2        200        100   67%
	//
	// worker  input  start (ms)  end (ms)
	// 0       3            0.00       300
	// 1       1            0.00       100
	// 1       1             100       200  failed
}

func ExampleSpeedupPoint() {
	p := kit.SpeedupPoint{Workers: 4, Wall: 325 * ms}
	fmt.Println(p.Workers, "workers:", p.Wall)
	// Output: 4 workers: 325ms
}

func ExampleSpeedupChart() {
	fmt.Print(kit.SpeedupChart("Speedup of crunch", []kit.SpeedupPoint{
		{Workers: 1, Wall: 1000 * ms},
		{Workers: 2, Wall: 550 * ms},
		{Workers: 4, Wall: 325 * ms},
		{Workers: 8, Wall: 212 * ms},
	}))
	// Output:
	// Speedup of crunch
	// speedup over 1 worker (1 s)
	// workers  wall (s)  speedup  ideal  Amdahl
	// 1            1.00    1.00x  1.00x   1.00x
	// 2            0.55    1.82x  2.00x   1.82x
	// 4            0.33    3.08x  4.00x   3.08x
	// 8            0.21    4.72x  8.00x   4.72x
	// Amdahl fit: serial fraction s = 0.099, so at most 10.1x with unlimited workers
}

func ExampleFitAmdahl() {
	s, ok := kit.FitAmdahl([]kit.SpeedupPoint{
		{Workers: 1, Wall: 1000 * ms},
		{Workers: 2, Wall: 600 * ms},
		{Workers: 4, Wall: 400 * ms},
	})
	fmt.Printf("serial fraction %.2f (%v): at most %.1fx however many workers\n", s, ok, 1/s)
	// Output: serial fraction 0.20 (true): at most 5.0x however many workers
}

func ExampleSpreadChart() {
	runs := []time.Duration{605 * ms, 598 * ms, 611 * ms, 640 * ms, 602 * ms, 600 * ms, 607 * ms}
	fmt.Print(kit.SpreadChart("TimeIt of crunch", runs))
	// Output:
	// TimeIt of crunch
	// run  per loop (ms)
	// 1              605
	// 2              598
	// 3              611
	// 4              640
	// 5              602
	// 6              600
	// 7              607
	// 7 runs · mean 609 ms ± 13.3 ms · best 598 ms · worst 640 ms (1.07x the best)
}

func ExampleCPUInterval() {
	fmt.Println("a sample every", kit.CPUInterval)
	// Output: a sample every 50ms
}

func ExampleWatchCPU() {
	u := kit.WatchCPU(func() {
		for start := time.Now(); time.Since(start) < 200*ms; {
			// keep one core busy
		}
	})
	// u.ProgramCores() is about 1 here; kit.Show(u) draws each core over time.
	fmt.Println(u.Err == nil, len(u.Samples) > 0, len(u.MeanBusy()) == u.Cores)
	// Output: true true true
}

// cpuUsage is a watch of two cores over half a second: one core busy, then
// both.
func cpuUsage() kit.CPUUsage {
	u := kit.CPUUsage{Cores: 2, Interval: 100 * ms}
	for i, busy := range [][]float64{{100, 0}, {96, 4}, {100, 2}, {98, 100}, {100, 98}} {
		program := (busy[0] + busy[1]) / 100 * 0.9 // a little went to other programs
		u.Samples = append(u.Samples, kit.CPUSample{At: time.Duration(i+1) * 100 * ms, Busy: busy, Program: program})
	}
	return u
}

func ExampleCPUSample() {
	s := kit.CPUSample{At: 100 * ms, Busy: []float64{100, 4}, Program: 0.98}
	fmt.Printf("by %v: core 0 %.0f%%, core 1 %.0f%%, this program %.2f cores\n", s.At, s.Busy[0], s.Busy[1], s.Program)
	// Output: by 100ms: core 0 100%, core 1 4%, this program 0.98 cores
}

func ExampleCPUUsage() {
	u := cpuUsage()
	fmt.Printf("%d cores, %d samples, %.2f cores busy on average\n", u.Cores, len(u.Samples), u.BusyCores())
	// Output: 2 cores, 5 samples, 1.40 cores busy on average
}

func ExampleCPUUsage_String() {
	fmt.Print(cpuUsage())
	// Output:
	// CPU use per core over 500 ms, sampled every 100 ms (every process on the machine)
	// core  mean   max  over time
	// 0      99%  100%  █████
	// 1      41%  100%  ▁▁▁██
	// the machine: 1.40 of 2 cores busy on average
	// this program: 1.26 cores on average  ▄▄▄██
}

func ExampleCPUUsage_HTML() {
	h := cpuUsage().HTML()
	fmt.Println(strings.Contains(h, "CPU use per core"), strings.Contains(h, "window.echarts"))
	// Output: true true
}

func ExampleCPUUsage_Chart() {
	c := cpuUsage().Chart()
	fmt.Println(c.Title)
	// Output: CPU use per core
}

func ExampleCPUUsage_MeanBusy() {
	fmt.Println(cpuUsage().MeanBusy())
	// Output: [98.8 40.8]
}

func ExampleCPUUsage_ProgramCores() {
	fmt.Printf("%.2f\n", cpuUsage().ProgramCores())
	// Output: 1.26
}

func ExampleCPUUsage_BusyCores() {
	fmt.Printf("%.2f\n", cpuUsage().BusyCores())
	// Output: 1.40
}
