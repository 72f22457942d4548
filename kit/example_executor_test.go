package kit_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"parallelgo.dev/course/kit"
)

// Tasks are package-level vars, so that Processes can run them: a worker is
// this program started again, and it finds the task by name.
var (
	square = kit.Task("square", func(x int) int { return x * x })
	nap    = kit.Task("nap", func(ms int) int {
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return ms
	})
	fragile = kit.Task("fragile", func(x int) int {
		if x == 2 {
			panic("two is not allowed")
		}
		return x
	})
	isWorkerProcess = kit.Task("is-worker-process", func(parent int) bool { return os.Getpid() != parent })
	mean            = kit.Task("mean", func(xs []float64) float64 {
		var sum float64
		for _, x := range xs {
			sum += x
		}
		return sum / float64(len(xs))
	})
)

func ExampleSerial() {
	run := kit.Map(kit.Serial(), square, []int{1, 2, 3})
	fmt.Println(run.Results, run.Err)
	// Output: [1 4 9] <nil>
}

func ExampleThreads() {
	run := kit.Map(kit.Threads(2), square, []int{1, 2, 3, 4})
	fmt.Println(run.Results, run.Trace.Workers)
	// Output: [1 4 9 16] 2
}

func ExampleGIL() {
	// Sleeps overlap under the GIL, as in Python: four 50 ms naps on four
	// workers take about 50 ms, not 200 ms.
	run := kit.Map(kit.GIL(4), nap, []int{50, 50, 50, 50})
	fmt.Println(run.Results, run.Timing.Wall < 150*time.Millisecond)
	// Output: [50 50 50 50] true
}

func ExampleProcesses() {
	run := kit.Map(kit.Processes(2), isWorkerProcess, []int{os.Getpid(), os.Getpid()})
	fmt.Println(run.Results, run.Err)
	// Output: [true true] <nil>
}

func ExampleExecutor_Start() {
	// Like Python's `with Pool(2) as pool:`: the workers stay up for
	// every run until Close.
	pool := kit.Processes(2).Start()
	defer pool.Close()
	a := kit.Map(pool, square, []int{1, 2, 3})
	b := kit.Map(pool, isWorkerProcess, []int{os.Getpid()})
	fmt.Println(a.Executor, a.Results, a.Startup, b.Results)
	// Output: Processes(2).Start() [1 4 9] 0s [true]
}

func ExampleExecutor_Close() {
	pool := kit.Processes(1).Start()
	pool.Close()
	fmt.Println(kit.Map(pool, square, []int{1}).Err)
	// Output: kit: this started Processes executor was closed
}

func ExampleExecutor_Startup() {
	pool := kit.Processes(2).Start()
	defer pool.Close()
	took, err := pool.Startup()
	fmt.Println(took > 0, err)
	// Output: true <nil>
}

func ExampleExecutor_WithChunk() {
	// One input at a time: the best balance for uneven work.
	run := kit.Map(kit.Threads(2).WithChunk(1), square, []int{1, 2, 3})
	fmt.Println(run.Executor, run.Results)
	// Output: Threads(2).WithChunk(1) [1 4 9]
}

func ExampleExecutor_WithFailFast() {
	run := kit.Map(kit.Serial().WithFailFast(), fragile, []int{1, 2, 3, 4})
	fmt.Println(run.Results)
	// Output: [1 0 0 0]
}

func ExampleExecutor_WithStartTimeout() {
	ex := kit.Processes(2).WithStartTimeout(30 * time.Second) // a slow machine
	fmt.Println(kit.Map(ex, square, []int{5}).Results)
	// Output: [25]
}

func ExampleExecutor_Workers() {
	fmt.Println(kit.Serial().Workers(), kit.Threads(3).Workers())
	// Output: 1 3
}

func ExampleExecutor_String() {
	fmt.Println(kit.Serial(), kit.GIL(2), kit.Processes(4).WithChunk(8))
	// Output: Serial GIL(2) Processes(4).WithChunk(8)
}

func ExampleTask() {
	// At package level:
	//
	//	var square = kit.Task("square", func(x int) int { return x * x })
	fmt.Println(kit.Map(kit.Processes(2), square, []int{1, 2, 3}).Results)
	// Output: [1 4 9]
}

func ExampleTaskFunc_Name() {
	fmt.Println(square.Name())
	// Output: square
}

func ExampleMap() {
	// The lesson's load imbalance: [1, 8, 1.5, 2] units on two workers
	// take 8 units, [1, 1.5, 2, 8] take 9.5.
	for _, naps := range [][]int{{10, 80, 15, 20}, {10, 15, 20, 80}} {
		run := kit.Map(kit.Threads(2), nap, naps)
		fmt.Println(run.Results, run.Err)
	}
	// Output:
	// [10 80 15 20] <nil>
	// [10 15 20 80] <nil>
}

func ExampleMapCtx() {
	// Stop after a second: the 10 ms nap is done, the long ones are not.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	run := kit.MapCtx(ctx, kit.Processes(2).WithChunk(1), nap, []int{10, 60_000, 60_000})
	fmt.Println(run.Results[0], errors.Is(run.Err, context.DeadlineExceeded))
	// Output: 10 true
}

func ExampleRun() {
	run := kit.Map(kit.Threads(2), square, []int{1, 2, 3})
	fmt.Println(run.Results, len(run.Trace.Spans()), run.Timing.Wall > 0)
	// Output: [1 4 9] 3 true
}

func ExampleTaskError() {
	run := kit.Map(kit.Processes(2), fragile, []int{1, 2, 3})
	var te *kit.TaskError
	if errors.As(run.Err, &te) {
		fmt.Println(te.Input, te.Panic)
	}
	fmt.Println(run.Results)
	// Output:
	// 1 two is not allowed
	// [1 0 3]
}

func ExampleSubmit() {
	f := kit.Submit(kit.Processes(1), square, 12)
	// ... other work while the task runs ...
	v, err := f.Get()
	fmt.Println(v, err)
	// Output: 144 <nil>
}

func ExampleSubmitCtx() {
	pool := kit.Processes(2).Start()
	defer pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	quick := kit.SubmitCtx(ctx, pool, square, 12)
	slow := kit.SubmitCtx(ctx, pool, nap, 10_000) // its worker is killed at 50 ms, and replaced
	fmt.Println(quick.Get())
	_, err := slow.Get()
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output:
	// 144 <nil>
	// true
}

func ExampleFuture_Get() {
	futures := []*kit.Future[int]{
		kit.Submit(kit.Threads(1), square, 2),
		kit.Submit(kit.Threads(1), fragile, 2),
	}
	for _, f := range futures {
		fmt.Println(f.Get())
	}
	// Output:
	// 4 <nil>
	// 0 kit: task "fragile", input 0 (2): panic: two is not allowed [kit_test.init.func3 at example_executor_test.go:26]
}

func ExampleFuture_Done() {
	f := kit.Submit(kit.Threads(1), nap, 10)
	select {
	case <-f.Done():
		fmt.Println(f.Get())
	case <-time.After(10 * time.Second):
		fmt.Println("too slow")
	}
	// Output: 10 <nil>
}

func ExampleMapUnordered() {
	// The longest nap is handed out first and finishes last.
	naps := []int{300, 10, 20}
	for i, r := range kit.MapUnordered(kit.Threads(3).WithChunk(1), nap, naps) {
		fmt.Println(i, r.Value, r.Err)
	}
	// Output:
	// 1 10 <nil>
	// 2 20 <nil>
	// 0 300 <nil>
}

func ExampleResult() {
	for _, r := range kit.MapUnordered(kit.Serial(), fragile, []int{2}) {
		fmt.Println(r.Value, r.Err != nil)
	}
	// Output: 0 true
}

func ExampleCompare() {
	c := kit.Compare(square, []int{1, 2, 3, 4}, kit.Serial(), kit.Threads(2), kit.GIL(2), kit.Processes(2))
	for _, r := range c.Runs {
		fmt.Println(r.Executor, r.Err)
	}
	fmt.Println(c.Err)
	// Output:
	// Serial <nil>
	// Threads(2) <nil>
	// GIL(2) <nil>
	// Processes(2) <nil>
	// <nil>
}

func ExampleCompareFunc() {
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(a) }
	data := [][]float64{{0.1, 0.2, 0.3}, {1e10, 1, -1e10}}
	c := kit.CompareFunc(mean, data, close, kit.Serial(), kit.Processes(2))
	fmt.Println(c.Err)
	// Output: <nil>
}

func ExampleComparison() {
	// A result that depends on where the task runs: Compare notices.
	c := kit.Compare(isWorkerProcess, []int{os.Getpid()}, kit.Threads(1), kit.Processes(1))
	fmt.Println(c.Err != nil, strings.Contains(c.Err.Error(), "results differ: input 0"))
	fmt.Println(strings.Contains(c.Err.Error(), "Threads(1) gave false, Processes(1) gave true"))
	// Output:
	// true true
	// true
}

func ExampleRunStats() {
	c := kit.Compare(nap, []int{50, 50}, kit.Serial(), kit.Threads(2))
	for _, r := range c.Runs {
		// Speedup is about 2 for Threads(2): the naps overlap.
		fmt.Println(r.Executor, r.Err, r.Speedup > 0)
	}
	// Output:
	// Serial <nil> true
	// Threads(2) <nil> true
}

// A worker pool written by hand records into a Trace as kit's executors do,
// and gets the same timeline.
func ExampleTrace_String() {
	jobs := []int{30, 10, 10, 10}
	tr := kit.NewTrace("two goroutines over a channel", 2)
	queue := make(chan int)
	done := make(chan bool)
	for w := range 2 {
		go func() {
			for i := range queue {
				end := tr.Begin(w, i, fmt.Sprint(jobs[i]))
				time.Sleep(time.Duration(jobs[i]) * time.Millisecond)
				end()
			}
			done <- true
		}()
	}
	for i := range jobs {
		queue <- i
	}
	close(queue)
	<-done
	<-done
	tr.Stop()
	loads := tr.Load()
	slices.SortFunc(loads, func(a, b kit.WorkerLoad) int { return a.Inputs - b.Inputs })
	fmt.Println(len(tr.Spans()), loads[0].Inputs, loads[1].Inputs)
	// fmt.Println(tr) prints each worker's load; kit.Show(tr) draws the timeline.
	// Output: 4 1 3
}

func ExampleTrace_HTML() {
	run := kit.Map(kit.Threads(2), square, []int{1, 2})
	// In a notebook, kit.Show(run.Trace) draws the timeline above a table
	// of each worker's load.
	h := run.Trace.HTML()
	fmt.Println(strings.Contains(h, `data-kit-chart="timeline"`), strings.Contains(h, "<table"))
	// Output: true true
}

func ExampleExecutor() {
	// The zero Executor is Serial; the With... methods return changed copies.
	var ex kit.Executor
	fast := kit.Threads(4).WithChunk(2).WithFailFast()
	fmt.Println(ex, fast)
	// Output: Serial Threads(4).WithChunk(2)
}

func ExampleTaskFunc() {
	// A task made inside a function runs on Serial, Threads and GIL; only
	// Processes needs it at package level.
	double := kit.Task("double", func(x int) int { return 2 * x })
	fmt.Println(kit.Map(kit.Threads(2), double, []int{1, 2}).Results)
	fmt.Println(kit.Map(kit.Processes(2), double, []int{1, 2}).Err != nil)
	// Output:
	// [2 4]
	// true
}

func ExampleRun_String() {
	// A run as Map returns it prints its executor, task, timing, results and
	// each worker's load; this one is made by hand, so its times are fixed.
	run := kit.Run[int]{Executor: "Serial", Task: "square", Results: []int{1, 4, 9},
		Timing: kit.Timing{Wall: 3 * time.Millisecond, User: 3 * time.Millisecond}}
	fmt.Println(run)
	// Output:
	// Serial ran "square" on 3 inputs: wall 3 ms, CPU 3 ms, parallelism 1.00
	// results: [1 4 9]
}

func ExampleRun_HTML() {
	run := kit.Map(kit.Threads(2), nap, []int{10, 20, 30})
	// In a notebook, kit.Show(run) draws a table and the timeline chart.
	h := run.HTML()
	fmt.Println(strings.Contains(h, "<table"), strings.Contains(h, `data-kit-chart="timeline"`))
	// Output: true true
}

func ExampleTaskError_Error() {
	err := &kit.TaskError{Task: "crunch", Input: 4, Arg: "400", PID: 1234, Exit: "signal: killed"}
	fmt.Println(err)
	// Output: kit: task "crunch", input 4 (400): worker process 1234 died: signal: killed
}

func ExampleFuture() {
	var futures []*kit.Future[int]
	for x := range 3 {
		futures = append(futures, kit.Submit(kit.Threads(1), square, x))
	}
	for _, f := range futures {
		v, _ := f.Get()
		fmt.Print(v, " ")
	}
	// Output: 0 1 4
}

func ExampleComparison_String() {
	// Compare's result prints as a table; this one is made by hand, so its
	// times are fixed.
	c := kit.Comparison{Task: "crunch", Inputs: 4, Runs: []kit.RunStats{
		{Executor: "Serial", Timing: kit.Timing{Wall: 2 * time.Second, User: 2 * time.Second}, Speedup: 1},
		{Executor: "Processes(2)", Timing: kit.Timing{Wall: 1100 * time.Millisecond, ChildUser: 2 * time.Second},
			Startup: 15 * time.Millisecond, Speedup: 2 / 1.1},
	}}
	fmt.Println(c)
	// Output:
	// "crunch" on 4 inputs
	// executor       wall  CPU  parallelism  speedup  start-up
	// Serial          2 s  2 s         1.00    1.00x
	// Processes(2)  1.1 s  2 s         1.82    1.82x     15 ms
}

func ExampleComparison_HTML() {
	c := kit.Compare(nap, []int{10, 10}, kit.Serial(), kit.GIL(2), kit.Threads(2))
	// In a notebook, kit.Show(c) draws the table, a wall-time chart and
	// each run's timeline.
	h := c.HTML()
	fmt.Println(strings.Count(h, `data-kit-chart="timeline"`), strings.Count(h, `data-kit-chart="wall"`))
	// Output: 3 1
}
