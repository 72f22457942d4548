package kit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Tasks used by the tests. They are package-level vars, so that the test
// binary, started again as a worker, finds them.
var (
	squareTask = Task("test-square", func(x int) int { return x * x })
	sleepTask  = Task("test-sleep", func(ms int) int {
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return ms
	})
	panicTask = Task("test-panic", func(x int) int {
		if x == 3 {
			panic(fmt.Sprintf("boom on %d", x))
		}
		return x
	})
	// slowPanicTask is panicTask taking a millisecond per input, so that a
	// run stopped by the panic surely has inputs left.
	slowPanicTask = Task("test-slow-panic", func(x int) int {
		time.Sleep(time.Millisecond)
		return panicTask.f(x)
	})
	// dieTask dies in the way its input says, on inputs 1 to 3.
	dieTask = Task("test-die", func(x int) int {
		switch x {
		case 1:
			os.Exit(7)
		case 2:
			crashWithMapWrites()
		case 3:
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Second)
		}
		return x
	})
	procsTask = Task("test-gomaxprocs", func(int) int { return runtime.GOMAXPROCS(0) })
	pidTask   = Task("test-pid", func(int) int { return os.Getpid() })
	// printPIDTask tells the test which process runs it, then blocks.
	printPIDTask = Task("test-print-pid", func(int) int {
		fmt.Printf("kit-test-worker-pid %d\n", os.Getpid())
		time.Sleep(time.Minute)
		return 0
	})
	// slowStartTask hangs a worker's initialisation when the test asks.
	slowStartTask = func() *TaskFunc[int, int] {
		if isWorker() && os.Getenv("KIT_TEST_SLOW_START") != "" {
			time.Sleep(time.Minute)
		}
		return Task("test-slow-start", func(x int) int { return x })
	}()
	wordTask       = Task("test-word", func(x int) string { return strings.Repeat("w", x) })
	funcResultTask = Task("test-func-result", func(x int) func() int { return func() int { return x } })
	dupTask        = Task("test-square", func(x int) int { return x })
)

func crashWithMapWrites() {
	m := map[int]int{}
	for g := range 4 {
		go func() {
			for i := 0; ; i++ {
				m[i%100] = g
			}
		}()
	}
	time.Sleep(10 * time.Second)
}

func allExecutors() []Executor {
	return []Executor{Serial(), Threads(2), GIL(2), Processes(2)}
}

func inputs(n int) []int {
	xs := make([]int, n)
	for i := range xs {
		xs[i] = i
	}
	return xs
}

func TestChunkSizeIsPythons(t *testing.T) {
	for _, c := range []struct{ n, workers, want int }{
		{4, 2, 1}, {8, 2, 1}, {9, 2, 2}, {100, 2, 13}, {10000, 2, 1250}, {1, 8, 1},
	} {
		if got := Threads(c.workers).chunkSize(c.n); got != c.want {
			t.Errorf("chunk for %d inputs on %d workers = %d, want %d", c.n, c.workers, got, c.want)
		}
	}
	if got := Threads(2).WithChunk(7).chunkSize(100); got != 7 {
		t.Errorf("WithChunk(7) gave chunks of %d", got)
	}
}

func TestExecutorNames(t *testing.T) {
	for ex, want := range map[Executor]string{
		Serial(): "Serial", Threads(2): "Threads(2)", GIL(3): "GIL(3)",
		Processes(2).WithChunk(4): "Processes(2).WithChunk(4)", {}: "Serial",
	} {
		if ex.String() != want {
			t.Errorf("got %q, want %q", ex, want)
		}
	}
	if Threads(0).Workers() != runtime.NumCPU() {
		t.Errorf("Threads(0) has %d workers, want one per CPU", Threads(0).Workers())
	}
}

func TestMapKeepsInputOrder(t *testing.T) {
	for _, ex := range allExecutors() {
		for _, chunk := range []int{0, 1, 7} {
			ex := ex.WithChunk(chunk)
			t.Run(ex.String(), func(t *testing.T) {
				r := Map(ex, squareTask, inputs(50))
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				for i, v := range r.Results {
					if v != i*i {
						t.Fatalf("Results[%d] = %d, want %d", i, v, i*i)
					}
				}
				spans := r.Trace.Spans()
				if len(spans) != 50 {
					t.Fatalf("%d spans, want 50", len(spans))
				}
				for _, s := range spans {
					if ex.kind == processesKind && (s.PID == 0 || s.PID == os.Getpid()) {
						t.Fatalf("span %+v does not name a worker process", s)
					}
				}
			})
		}
	}
}

func TestEmptyInputs(t *testing.T) {
	for _, ex := range allExecutors() {
		r := Map(ex, squareTask, nil)
		if r.Err != nil || len(r.Results) != 0 || r.Startup != 0 {
			t.Errorf("%v on no inputs: %+v", ex, r)
		}
	}
}

// TestLoadImbalance checks who runs what, as in the lessons: sleeps of
// [1, 8, 1.5, 2] and [1, 1.5, 2, 8] units on two workers.
func TestLoadImbalance(t *testing.T) {
	const unit = 50 // ms: long enough that a busy machine's scheduling delays do not reorder them
	for _, c := range []struct {
		sleeps []int
		want   string // inputs grouped by the worker that ran them
	}{
		{[]int{1 * unit, 8 * unit, 3 * unit / 2, 2 * unit}, "[[0 2 3] [1]]"},
		{[]int{1 * unit, 3 * unit / 2, 2 * unit, 8 * unit}, "[[0 2] [1 3]]"},
	} {
		for _, ex := range []Executor{Threads(2), GIL(2), Processes(2)} {
			r := Map(ex, sleepTask, c.sleeps)
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			groups := make([][]int, 2)
			for _, s := range r.Trace.Spans() {
				groups[s.Worker] = append(groups[s.Worker], s.Input)
			}
			slices.SortFunc(groups, func(a, b []int) int { return a[0] - b[0] })
			if fmt.Sprint(groups) != c.want {
				t.Errorf("%v on %v: workers ran %v, want %v\n%v", ex, c.sleeps, groups, c.want, r.Trace)
			}
		}
	}
}

func TestPanicFailsOnlyItsInput(t *testing.T) {
	for _, ex := range allExecutors() {
		t.Run(ex.String(), func(t *testing.T) {
			r := Map(ex.WithChunk(2), panicTask, inputs(8))
			var te *TaskError
			if !errors.As(r.Err, &te) {
				t.Fatalf("Err = %v, want a *TaskError", r.Err)
			}
			if te.Input != 3 || fmt.Sprint(te.Panic) != "boom on 3" || !strings.Contains(te.Stack, "executor_test.go") {
				t.Errorf("TaskError = %+v", te)
			}
			if !strings.Contains(r.Err.Error(), "input 3") || !strings.Contains(r.Err.Error(), "boom on 3") {
				t.Errorf("the error does not name the input and the panic: %v", r.Err)
			}
			for i, v := range r.Results {
				if i != 3 && v != i {
					t.Errorf("Results[%d] = %d: the other inputs must still run", i, v)
				}
			}
		})
	}
}

func TestFailFastStops(t *testing.T) {
	for _, ex := range allExecutors() {
		r := Map(ex.WithFailFast().WithChunk(1), slowPanicTask, inputs(200))
		var te *TaskError
		if !errors.As(r.Err, &te) || te.Input != 3 {
			t.Fatalf("%v: Err = %v", ex, r.Err)
		}
		if n := len(r.Trace.Spans()); n > 100 {
			t.Errorf("%v: %d inputs ran after a failure with WithFailFast", ex, n)
		}
	}
}

// A goroutine still running an input when a run stops early finishes in
// the background: its result is dropped, never written into the Results
// the caller has by then (under -race, that write would be a data race).
func TestStragglerLeavesResultsAlone(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	task := Task("test-straggler", func(x int) int {
		if x == 0 {
			<-started // input 1 is running, and will straggle
			panic("stop")
		}
		close(started)
		<-release
		return x + 1
	})
	before := runtime.NumGoroutine()
	r := Map(Threads(2).WithFailFast().WithChunk(1), task, inputs(2))
	close(release)
	// Wait for the straggler to end without synchronising with it
	// (NumGoroutine does not), so that a write of its result into
	// r.Results would race with the reads and writes below.
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the straggling goroutine never ended")
		}
	}
	if r.Err == nil || r.Results[1] != 0 {
		t.Errorf("Err = %v, Results = %v: want the panic, and input 1's result dropped", r.Err, r.Results)
	}
	r.Results[1] = 7
}

func TestDeadWorkerIsReplaced(t *testing.T) {
	started := Processes(2).WithChunk(2).Start()
	defer started.Close()
	for _, ex := range []Executor{Processes(2).WithChunk(2), started} {
		t.Run(ex.String(), func(t *testing.T) { testDeadWorkerIsReplaced(t, ex) })
	}
}

func testDeadWorkerIsReplaced(t *testing.T, ex Executor) {
	r := Map(ex, dieTask, inputs(8))
	want := map[int]string{1: "exit status 7", 2: "exit status 2", 3: "signal: killed"}
	var tes []*TaskError
	for _, e := range r.Err.(interface{ Unwrap() []error }).Unwrap() {
		var te *TaskError
		if !errors.As(e, &te) {
			t.Fatalf("not a *TaskError: %v", e)
		}
		tes = append(tes, te)
	}
	if len(tes) != 3 {
		t.Fatalf("want 3 errors, got %v", r.Err)
	}
	for _, te := range tes {
		if te.Exit != want[te.Input] {
			t.Errorf("input %d: Exit = %q, want %q", te.Input, te.Exit, want[te.Input])
		}
		if te.PID == 0 {
			t.Errorf("input %d: no PID", te.Input)
		}
	}
	// The runtime's own report, whole: under go test -race, the child's
	// stderr has race reports in the middle of it.
	if !strings.HasPrefix(tes[1].Stderr, "fatal error: concurrent map writes\n") || !strings.Contains(tes[1].Error(), "\t\tfatal error: concurrent map writes\n") {
		t.Errorf("the map crash's error lacks the runtime's report: %v\n\tStderr:\n%s", tes[1], tes[1].Stderr)
	}
	for _, i := range []int{0, 4, 5, 6, 7} {
		if r.Results[i] != i {
			t.Errorf("Results[%d] = %d: the other inputs must run on a new worker", i, r.Results[i])
		}
	}
}

// TestFatalErrorLineAroundRaceReports gives fatalErrorLine the three
// shapes of stderr that workers built with -race printed as they died of
// concurrent map writes (TestDeadWorkerIsReplaced under go test -race).
func TestFatalErrorLineAroundRaceReports(t *testing.T) {
	report := raceReportStart + "Write at 0x1 by goroutine 10:\n  main.f()\n\nGoroutine 10 (running) created at:\n  main.main()" + raceReportEnd
	stack := "\ngoroutine 24 [running]:\nmain.f()\n"
	for name, stderr := range map[string]string{
		"a report between the line and the stack": "fatal error: concurrent map writes\n" + report + stack,
		"a report in the middle of the line":      "fatal error: " + report + "concurrent map writes\n" + stack,
		"the line in the middle of a report":      report[:60] + "fatal error: concurrent map writes\n" + report[60:] + stack,
	} {
		if got := fatalErrorLine(report + stderr); got != "fatal error: concurrent map writes\n" {
			t.Errorf("%s: got %q", name, got)
		}
	}
	if got := fatalErrorLine(report + stack); got != "" {
		t.Errorf("no fatal error: got %q", got)
	}
}

func TestBadTasks(t *testing.T) {
	local := Task("test-local", func(x int) int { return x })
	if r := Map(Threads(2), local, inputs(3)); r.Err != nil {
		t.Errorf("a task made in a function must run on Threads: %v", r.Err)
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"not package level", Map(Processes(2), local, inputs(3)).Err, "declare it at package level: var t = kit.Task("},
		{"func result", Map(Processes(2), funcResultTask, inputs(3)).Err, "func"},
		{"duplicate name", Map(Serial(), dupTask, inputs(3)).Err, "used twice"},
		{"nil function", Map(Serial(), Task[int, int]("test-nil", nil), inputs(3)).Err, "nil function"},
		{"no name", Map(Serial(), Task("", func(x int) int { return x }), inputs(3)).Err, "needs a name"},
		{"zero TaskFunc", Map(Serial(), &TaskFunc[int, int]{}, inputs(3)).Err, "no task"},
		{"nil TaskFunc", Map(Serial(), (*TaskFunc[int, int])(nil), inputs(3)).Err, "no task"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: Err = %v, want it to mention %q", c.name, c.err, c.want)
		}
	}
	if r := Map(Threads(2), funcResultTask, inputs(3)); r.Err != nil || r.Results[2]() != 2 {
		t.Errorf("funcs can be results of in-process executors: %v", r.Err)
	}
}

func TestWorkerThatNeverStartsIsKilled(t *testing.T) {
	t.Setenv("KIT_TEST_SLOW_START", "1")
	start := time.Now()
	r := Map(Processes(1).WithStartTimeout(300*time.Millisecond), slowStartTask, inputs(2))
	if r.Err == nil || !strings.Contains(r.Err.Error(), "did not report ready") {
		t.Fatalf("Err = %v", r.Err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestGILSetsAndRestoresGOMAXPROCS(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	r := Map(GIL(2), procsTask, inputs(4))
	if fmt.Sprint(r.Results) != "[1 1 1 1]" {
		t.Errorf("GOMAXPROCS under GIL: %v", r.Results)
	}
	if runtime.GOMAXPROCS(0) != before {
		t.Errorf("GOMAXPROCS is %d after a GIL run, was %d", runtime.GOMAXPROCS(0), before)
	}
}

func TestMapCtxStopsPromptly(t *testing.T) {
	for _, ex := range []Executor{Threads(2), Processes(2)} {
		// Long enough for workers to start under -race on a busy machine.
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		start := time.Now()
		r := MapCtx(ctx, ex.WithChunk(1), sleepTask, []int{50, 50, 5000, 5000, 5000, 5000})
		cancel()
		if !errors.Is(r.Err, context.DeadlineExceeded) {
			t.Errorf("%v: Err = %v", ex, r.Err)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("%v: returned after %v", ex, d)
		}
		if r.Results[0] != 50 || r.Results[1] != 50 {
			t.Errorf("%v: the inputs done before the stop are lost: %v", ex, r.Results)
		}
	}
}

func TestCompareFindsDifferences(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs 2 CPUs for GOMAXPROCS to differ")
	}
	c := Compare(procsTask, inputs(3), Threads(2), GIL(2))
	if c.Err == nil || !strings.Contains(c.Err.Error(), "input 0") || !strings.Contains(c.String(), "ERROR") {
		t.Errorf("mismatch not reported: %v", c)
	}
	c = Compare(squareTask, inputs(20), Serial(), Threads(2), GIL(2), Processes(2))
	if c.Err != nil || len(c.Runs) != 4 || c.Runs[0].Speedup != 1 {
		t.Errorf("%v", c)
	}
	if !strings.Contains(c.HTML(), "Processes(2)") {
		t.Errorf("HTML lacks a run")
	}
}

func TestSubmitAndUnordered(t *testing.T) {
	for _, ex := range allExecutors() {
		f := Submit(ex, squareTask, 7)
		if v, err := f.Get(); v != 49 || err != nil {
			t.Errorf("%v: Get() = %v, %v", ex, v, err)
		}
		if _, err := Submit(ex, panicTask, 3).Get(); err == nil {
			t.Errorf("%v: a panic gave no error", ex)
		}
	}
	var order []int
	for i, r := range MapUnordered(Threads(2).WithChunk(1), sleepTask, []int{300, 1}) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		order = append(order, i)
	}
	if fmt.Sprint(order) != "[1 0]" {
		t.Errorf("completion order %v, want [1 0]", order)
	}
	// Breaking out early ends the run.
	for range MapUnordered(Processes(2).WithChunk(1), sleepTask, []int{1, 5000, 5000}) {
		break
	}
}

func TestLabelNamesLargeInputsWithoutFormattingThem(t *testing.T) {
	cases := []struct {
		x    any
		want string
	}{
		{1.5, "1.5"},
		{[]int{1, 2, 3}, "[1 2 3]"},
		{"short", "short"},
		{make([]float64, 1<<20), "[]float64 (len 1048576)"},
		{strings.Repeat("x", 100), "string (len 100)"},
		{map[int]int{}, "map[]"},
		{strings.Repeat("ab", 30), strings.Repeat("ab", 18) + "a..."},
	}
	for _, c := range cases {
		if got := label(c.x); got != c.want {
			t.Errorf("label(%T) = %q, want %q", c.x, got, c.want)
		}
	}
}

func TestInputSetMatchesBools(t *testing.T) {
	const n = 300
	s, want := newInputSet(n, nil), make([]bool, n)
	for k, r := range [][2]int{{0, 0}, {5, 6}, {60, 70}, {64, 128}, {130, 299}, {299, 300}, {3, 200}} {
		lo, hi := r[0], r[1]
		if got := s.anyIn(lo, hi); got != slices.Contains(want[lo:hi], true) {
			t.Fatalf("step %d: anyIn(%d, %d) = %v", k, lo, hi, got)
		}
		s.addRange(lo, hi)
		for i := lo; i < hi; i++ {
			want[i] = true
		}
		for i, w := range want {
			if s.has(i) != w {
				t.Fatalf("step %d, after addRange(%d, %d): has(%d) = %v", k, lo, hi, i, !w)
			}
		}
	}
	s.add(1)
	if !s.has(1) || s.has(2) || !s.anyIn(1, 2) || s.anyIn(2, 3) {
		t.Error("add(1) is not just 1")
	}
}
