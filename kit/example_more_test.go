package kit_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"parallelgo.dev/course/kit"
)

// Examples of the names the other example files leave out: values built by
// hand, so that their output is fixed.

func ExampleTiming() {
	t := kit.Timing{Wall: 100 * time.Millisecond, User: 150 * time.Millisecond, Sys: 50 * time.Millisecond}
	fmt.Println(t)
	// Output:
	// CPU times: user 150 ms, sys: 50 ms, total: 200 ms
	// Wall time: 100 ms
	// Parallelism: 2.00 (CPU / wall time)
}

func ExampleTiming_CPU() {
	t := kit.Timing{Wall: time.Second, User: 700 * time.Millisecond, Sys: 100 * time.Millisecond, ChildUser: 200 * time.Millisecond}
	fmt.Println(kit.FormatDuration(t.CPU())) // this process and its children
	// Output: 1 s
}

func ExampleTiming_Parallelism() {
	// Two cores busy for the whole second: parallelism 2.
	t := kit.Timing{Wall: time.Second, User: 1900 * time.Millisecond, Sys: 100 * time.Millisecond}
	fmt.Printf("%.2f\n", t.Parallelism())
	// Output: 2.00
}

// A hand-made trace: two workers, one of them busy twice as long.
func handTrace() *kit.Trace {
	tr := kit.NewTrace("by hand", 2)
	tr.Add(kit.Span{Worker: 0, Input: 0, Label: "a", Start: 0, End: 20 * time.Millisecond})
	tr.Add(kit.Span{Worker: 0, Input: 2, Label: "c", Start: 20 * time.Millisecond, End: 40 * time.Millisecond})
	tr.Add(kit.Span{Worker: 1, Input: 1, Label: "b", Start: 0, End: 20 * time.Millisecond})
	return tr // not stopped: its Total ends with the last span
}

func ExampleTrace() {
	tr := handTrace()
	for _, s := range tr.Spans() {
		fmt.Println(s.Worker, s.Label, kit.FormatDuration(s.Duration()))
	}
	// Output:
	// 0 a 20 ms
	// 0 c 20 ms
	// 1 b 20 ms
}

func ExampleNewTrace() {
	// Hand-written goroutines can record into a trace and show a timeline.
	tr := kit.NewTrace("two goroutines", 2)
	done := make(chan bool)
	for w := range 2 {
		go func() {
			end := tr.Begin(w, w, fmt.Sprint("input ", w))
			time.Sleep(time.Millisecond)
			end()
			done <- true
		}()
	}
	<-done
	<-done
	tr.Stop()
	fmt.Println(tr.Name, tr.Workers, len(tr.Spans()))
	// Output: two goroutines 2 2
}

func ExampleTrace_Add() {
	tr := kit.NewTrace("by hand", 1)
	tr.Add(kit.Span{Worker: 0, Input: -1, Label: "setup", End: 5 * time.Millisecond})
	fmt.Println(len(tr.Spans()), kit.FormatDuration(tr.Total()))
	// Output: 1 5 ms
}

func ExampleTrace_Begin() {
	tr := kit.NewTrace("begin", 1)
	done := tr.Begin(0, 0, "sleep")
	time.Sleep(2 * time.Millisecond)
	done()
	s := tr.Spans()[0]
	fmt.Println(s.Label, s.Duration() >= 2*time.Millisecond)
	// Output: sleep true
}

func ExampleTrace_Load() {
	for _, l := range handTrace().Load() {
		fmt.Printf("worker %d: %d inputs, busy %s, idle %s\n", l.Worker, l.Inputs, kit.FormatDuration(l.Busy), kit.FormatDuration(l.Idle))
	}
	// Output:
	// worker 0: 2 inputs, busy 40 ms, idle 0 ns
	// worker 1: 1 inputs, busy 20 ms, idle 20 ms
}

func ExampleTrace_Since() {
	tr := kit.NewTrace("since", 1)
	start := tr.Since()
	time.Sleep(time.Millisecond)
	tr.Add(kit.Span{Worker: 0, Input: -1, Label: "by hand", Start: start, End: tr.Since()})
	fmt.Println(tr.Spans()[0].Duration() >= time.Millisecond)
	// Output: true
}

func ExampleTrace_Spans() {
	// Spans come back ordered by worker, then start, whatever order they
	// were added in.
	tr := kit.NewTrace("order", 2)
	tr.Add(kit.Span{Worker: 1, Label: "late", Start: 5, End: 6})
	tr.Add(kit.Span{Worker: 0, Label: "second", Start: 3, End: 4})
	tr.Add(kit.Span{Worker: 0, Label: "first", Start: 1, End: 2})
	for _, s := range tr.Spans() {
		fmt.Print(s.Label, " ")
	}
	fmt.Println()
	// Output: first second late
}

func ExampleTrace_Stop() {
	tr := kit.NewTrace("stop", 1)
	tr.Add(kit.Span{Worker: 0, End: time.Millisecond})
	tr.Stop() // the run ends now: Total no longer grows
	total := tr.Total()
	time.Sleep(time.Millisecond)
	fmt.Println(tr.Total() == total)
	// Output: true
}

func ExampleTrace_Total() {
	fmt.Println(kit.FormatDuration(handTrace().Total()))
	// Output: 40 ms
}

func ExampleSpan() {
	s := kit.Span{Worker: 1, Input: 3, Label: "x=3", Start: 10 * time.Millisecond, End: 25 * time.Millisecond}
	fmt.Printf("worker %d ran input %d (%s) from %s to %s\n", s.Worker, s.Input, s.Label, kit.FormatDuration(s.Start), kit.FormatDuration(s.End))
	// Output: worker 1 ran input 3 (x=3) from 10 ms to 25 ms
}

func ExampleSpan_Duration() {
	s := kit.Span{Start: 10 * time.Millisecond, End: 25 * time.Millisecond}
	fmt.Println(kit.FormatDuration(s.Duration()))
	// Output: 15 ms
}

func ExampleWorkerLoad() {
	l := handTrace().Load()[1]
	fmt.Printf("worker %d idled %.0f%% of the run\n", l.Worker, 100*float64(l.Idle)/float64(l.Busy+l.Idle))
	// Output: worker 1 idled 50% of the run
}

func ExampleSystem() {
	s := kit.System{CPUModel: "Example CPU", PhysicalCores: 2, LogicalCores: 4, GOMAXPROCS: 4, GoVersion: "go1.26", OS: "linux"}
	fmt.Println(s.LogicalCores/s.PhysicalCores, "hardware threads per core")
	// Output: 2 hardware threads per core
}

func ExampleSystem_String() {
	s := kit.System{CPUModel: "Example CPU", PhysicalCores: 2, LogicalCores: 4, GOMAXPROCS: 4,
		MemoryTotal: 8 << 30, MemoryFree: 6 << 30, GoVersion: "go1.26", OS: "linux"}
	fmt.Print(s)
	// Output:
	// This machine
	// CPU                     Example CPU
	// physical cores          2
	// logical cores           4
	// GOMAXPROCS              4
	// container CPU quota     no limit
	// memory                  8.0 GiB total, 6.0 GiB available
	// container memory limit  no limit
	// Go                      go1.26
	// OS                      linux
}

func ExampleSystem_HTML() {
	h := kit.System{CPUModel: "Example <CPU>"}.HTML()
	fmt.Println(strings.Contains(h, "<caption"), strings.Contains(h, "Example &lt;CPU&gt;"))
	// Output: true true
}

func ExampleScale() {
	// KIT_SCALE=0.02 runs every lesson at a fiftieth of its size; unset, it is 1.
	fmt.Println(kit.Scale() > 0)
	// Output: true
}

func ExampleScaleEnv() {
	fmt.Println(kit.ScaleEnv)
	// Output: KIT_SCALE
}

func ExampleScaled() {
	// Scaled(n) is n times Scale, rounded, and never below 1.
	n := kit.Scaled(1000)
	fmt.Println(n == max(1, int(math.Round(1000*kit.Scale()))), kit.Scaled(0) >= 1)
	// Output: true true
}

func ExampleSeconds() {
	// time.sleep(1.5) in the source lessons is time.Sleep(kit.Seconds(1.5)).
	d := kit.Seconds(1.5)
	fmt.Println(d == time.Duration(1.5*kit.Scale()*float64(time.Second)))
	// Output: true
}

func ExampleClaim() {
	c := kit.Expect("a sum of squares is never negative", kit.AtLeast(0))
	c.Check(14)
	// Output: claim held: a sum of squares is never negative (measured 14, expected ≥ 0)
}

func ExampleClaimHeld() {
	// A tool that reads a notebook's outputs counts the lines that start so.
	line := "claim held: two workers about twice as fast (measured 1.9, expected 2 ± 25%)"
	fmt.Println(strings.HasPrefix(line, kit.ClaimHeld))
	// Output: true
}

func ExampleClaimMissed() {
	fmt.Println(kit.ClaimMissed)
	// Output: claim did not hold:
}

func ExampleWant_String() {
	fmt.Println(kit.About(2, 0.25), "|", kit.Between(1, 3), "|", kit.Want{})
	// Output: 2 ± 25% | between 1 and 3 | any value
}

func ExampleXYSeries() {
	// Point 1 was too small to measure: drawn as an open circle at a floor.
	s := kit.XYSeries{Name: "overhead", X: []float64{10, 100, 1000}, Y: []float64{5, 0.01, 0.02}, Hollow: []bool{false, true, false}}
	fmt.Print(kit.XYChart("Overhead", kit.XYAxis{Name: "size", Log: true}, kit.XYAxis{Name: "µs", Log: true}, s))
	// Output:
	// Overhead
	// series    size    µs
	// overhead    10     5
	// overhead   100  0.01
	// overhead  1000  0.02
}

func ExampleXYAxis() {
	// A log axis leaves out what it cannot draw: zero and negative values.
	s := kit.XYSeries{Name: "error", X: []float64{0, 10, 100}, Y: []float64{1, 0.3, 0.1}}
	fmt.Print(kit.XYChart("", kit.XYAxis{Name: "n", Log: true}, kit.XYAxis{Name: "error"}, s))
	// Output:
	// error against n
	// series    n  error
	// error    10    0.3
	// error   100    0.1
}

func ExampleRaceResult_Lost() {
	r := kit.RaceResult{Expected: 1000, Got: 937}
	fmt.Println(r.Lost())
	// Output: 63
}

func ExampleRaceResult_OK() {
	fmt.Println(kit.RaceResult{Expected: 10, Got: 10}.OK(), kit.RaceResult{Expected: 10, Got: 9}.OK())
	// Output: true false
}

func ExampleRaceResult_String() {
	r := kit.RaceResult{Name: "unguarded", Workers: 2, Increments: 500, Expected: 1000, Got: 937, Wall: 1500 * time.Microsecond}
	fmt.Println(r)
	// Output: unguarded        2 workers × 500: expected 1000, got 937  LOST 63 (6.3%)  in 1.5 ms
}

func ExampleRaceResults_HTML() {
	rs := kit.RaceResults{
		{Name: "unguarded", Workers: 2, Increments: 5, Expected: 10, Got: 7},
		{Name: "sync.Mutex", Workers: 2, Increments: 5, Expected: 10, Got: 10},
	}
	// One row per result, the lost updates in the warning colour.
	h := rs.HTML()
	fmt.Println(strings.Count(h, "<tr>"), strings.Count(h, "font-weight:bold"))
	// Output: 3 2
}

func ExampleCrashResult_String() {
	r := kit.CrashResult{Demo: "deadlock", Hung: true, Wall: 2 * time.Second,
		Blocked: []string{"goroutine 6 [sync.Mutex.Lock]", "goroutine 7 [sync.Mutex.Lock]"}}
	fmt.Println(strings.Split(r.String(), "\n")[0])
	// Output: deadlock: the child process hung; stopped after 2 s with SIGQUIT, its goroutines were:
}

func ExampleCrashResult_HTML() {
	r := kit.CrashResult{Demo: "concurrent map writes", Crashed: true, ExitCode: 2, Fatal: "fatal error: concurrent map writes"}
	fmt.Println(strings.Contains(r.HTML(), "font-weight:bold\">fatal error: concurrent map writes</td>"))
	// Output: true
}

func ExamplePythonReport_String() {
	py := kit.PythonReport{Task: "square", Inputs: 2, Runs: []kit.RunStats{
		pythonRow("Python map", 10*time.Millisecond, 10*time.Millisecond, 1),
	}, Python: "CPython 3.11.2 (/usr/bin/python3)", StartMethod: "fork"}
	fmt.Println(py)
	// Output:
	// "square (Python)" on 2 inputs
	// executor     wall    CPU  parallelism  speedup
	// Python map  10 ms  10 ms         1.00    1.00x
	// CPython 3.11.2 (/usr/bin/python3); multiprocessing starts processes by fork
}

func ExamplePythonReport_HTML() {
	py := kit.PythonReport{Task: "square", Inputs: 2, Runs: []kit.RunStats{
		pythonRow("Python map", 10*time.Millisecond, 10*time.Millisecond, 1),
	}}
	h := py.HTML()
	fmt.Println(strings.Contains(h, "<table"), strings.Contains(h, `data-kit-chart="wall"`))
	// Output: true true
}

func ExampleSideBySide_String() {
	goRuns := kit.Comparison{Task: "square", Inputs: 2, Runs: []kit.RunStats{pythonRow("Serial", 5*time.Millisecond, 5*time.Millisecond, 1)}}
	py := kit.PythonReport{Task: "square", Inputs: 2, Runs: []kit.RunStats{pythonRow("Python map", 10*time.Millisecond, 10*time.Millisecond, 1)}}
	fmt.Println(kit.Beside(goRuns, py))
	// Output:
	// "square" on 2 inputs
	// executor     wall    CPU  parallelism  speedup
	// Go Serial    5 ms   5 ms         1.00    1.00x
	// Python map  10 ms  10 ms         1.00    1.00x
	// (speedup: over each language's first run)
}

func ExampleSideBySide_HTML() {
	goRuns := kit.Comparison{Task: "square", Inputs: 2, Runs: []kit.RunStats{pythonRow("Serial", 5*time.Millisecond, 5*time.Millisecond, 1)}}
	py := kit.PythonReport{Task: "square", Inputs: 2, Runs: []kit.RunStats{pythonRow("Python map", 10*time.Millisecond, 10*time.Millisecond, 1)}}
	h := kit.Beside(goRuns, py).HTML()
	fmt.Println(strings.Contains(h, kit.BesideAttr+`="Go Python"`))
	// Output: true
}

// giveUp is a Remote whose one worker joins and then gives every input up:
// a lost attempt with no retry, as kit/cluster reports an input whose
// attempts ran out.
type giveUp struct{}

func (giveUp) String() string { return "GiveUp()" }
func (giveUp) Workers() int   { return 1 }
func (giveUp) Run(ctx context.Context, job kit.RemoteJob) error {
	job.Joined("example:1")
	job.Ready()
	for i := range job.Len() {
		if _, err := job.Input(i); err != nil {
			return err
		}
		now := time.Now()
		job.Done(kit.RemoteOutcome{Input: i, Lost: true, Final: true, Attempt: 1, Worker: "example:1",
			Start: now, End: now, Why: "the example gives up"})
	}
	return nil
}

func ExampleRemote() {
	run := kit.Map(kit.RemoteExecutor(giveUp{}), double, []int{1, 2})
	fmt.Println(run.Executor, run.Trace.Workers, len(run.Results))
	fmt.Println(run.Err != nil)
	// Output:
	// GiveUp() 1 2
	// true
}

func ExampleRemoteJob() {
	run := kit.Map(kit.RemoteExecutor(giveUp{}), double, []int{7})
	fmt.Println(run.Err)
	// Output: kit: task "example-remote-double", input 0 (7): worker process 1 died: the example gives up
}

func ExampleRemoteOutcome() {
	// What a Remote reports when a worker died with input 3 and a retry
	// follows: Lost, not Final.
	o := kit.RemoteOutcome{Input: 3, Lost: true, Attempt: 1, Worker: "host-a:4242"}
	fmt.Println(o.Lost && !o.Final)
	// Output: true
}

// upFor is a RemoteStarter: Start, Close and Startup of an executor made
// from it reach it.
type upFor struct {
	giveUp
	up *bool
}

func (u upFor) Start()                          { *u.up = true }
func (u upFor) Close()                          { *u.up = false }
func (u upFor) Startup() (time.Duration, error) { return 3 * time.Millisecond, nil }

func ExampleRemoteStarter() {
	var up bool
	ex := kit.RemoteExecutor(upFor{up: &up}).Start()
	took, err := ex.Startup()
	fmt.Println(up, kit.FormatDuration(took), err)
	ex.Close()
	fmt.Println(up)
	// Output:
	// true 3 ms <nil>
	// false
}

// A worker program of a Remote serves a task from an init function; this
// example is compiled, not run, since serve ends the process.
func ExampleServeRemote() {
	kit.ServeRemote("example-remote-double", func(run kit.RemoteRunner) {
		payload := readInput() // from wherever the Remote sends inputs
		out, failed := run(0, payload)
		sendResult(out, failed)
		os.Exit(0)
	})
}

// A RemoteRunner turns an encoded input into an encoded result (compiled,
// not run: see ExampleServeRemote).
func ExampleRemoteRunner() {
	var runner kit.RemoteRunner // given to ServeRemote's serve function
	out, failed := runner(0, readInput())
	sendResult(out, failed)
}

func readInput() []byte                { return nil }
func sendResult(out []byte, fail bool) {}
