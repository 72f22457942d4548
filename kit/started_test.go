package kit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var pidSleepTask = Task("test-pid-sleep", func(ms int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return os.Getpid()
})

// pids is the set of process ids a run's results name.
func pids(t *testing.T, r Run[int]) map[int]bool {
	t.Helper()
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	set := map[int]bool{}
	for _, pid := range r.Results {
		set[pid] = true
	}
	return set
}

func TestStartedPoolKeepsItsWorkers(t *testing.T) {
	ex := Processes(2).WithChunk(1).Start()
	defer ex.Close()
	if d, err := ex.Startup(); err != nil || d <= 0 {
		t.Fatalf("Startup() = %v, %v", d, err)
	}
	if ex.String() != "Processes(2).Start().WithChunk(1)" {
		t.Errorf("String() = %q", ex.String())
	}
	first := Map(ex, pidTask, inputs(40))
	seen := pids(t, first)
	if first.Startup != 0 {
		t.Errorf("a run on a started pool has Startup %v", first.Startup)
	}
	// Another task, with another result type, on the same workers.
	if r := Map(ex, wordTask, inputs(5)); r.Err != nil || r.Results[3] != "www" {
		t.Fatalf("second task: %v %v", r.Results, r.Err)
	}
	for pid := range pids(t, Map(ex, pidTask, inputs(40))) {
		seen[pid] = true
	}
	if len(seen) > 2 {
		t.Errorf("the runs used %d processes, want the pool's 2: %v", len(seen), seen)
	}
	for i, r := range collectUnordered(MapUnordered(ex, squareTask, inputs(30))) {
		if r.Err != nil || r.Value != i*i {
			t.Fatalf("MapUnordered: input %d gave %v, %v", i, r.Value, r.Err)
		}
	}
	// The workers are not waited for, so they report their CPU time.
	if r := Map(ex, crunchTask, []int{2_000_000, 2_000_000}); r.Err != nil || r.Timing.ChildUser+r.Timing.ChildSys <= 0 {
		t.Errorf("a started pool's run shows no CPU time of its workers: %+v, %v", r.Timing, r.Err)
	}
	if c := Compare(squareTask, inputs(30), Serial(), ex); c.Err != nil || c.Runs[1].Startup != 0 {
		t.Errorf("Compare on a started pool: %v", c)
	}
}

func collectUnordered(seq func(func(int, Result[int]) bool)) map[int]Result[int] {
	out := map[int]Result[int]{}
	for i, r := range seq {
		out[i] = r
	}
	return out
}

func TestSubmitQueuesOnTheStartedPool(t *testing.T) {
	ex := Processes(2).Start()
	defer ex.Close()
	seen := pids(t, Map(ex.WithChunk(1), pidTask, inputs(20)))
	futures := make([]*Future[int], 8)
	for i := range futures {
		futures[i] = Submit(ex, pidTask, i)
	}
	for i, f := range futures {
		pid, err := f.Get()
		if err != nil {
			t.Errorf("Submit %d: %v", i, err)
		}
		seen[pid] = true
	}
	if len(seen) > 2 {
		t.Errorf("Map and Submit used %d processes, want the pool's 2: %v", len(seen), seen)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := Submit(ex, squareTask, i).Get(); v != i*i || err != nil {
				t.Errorf("Submit(%d) = %d, %v", i, v, err)
			}
		}()
	}
	wg.Wait()
	// A burst of Submits runs on both workers at once.
	a, b := Submit(ex, pidSleepTask, 100), Submit(ex, pidSleepTask, 100)
	pa, _ := a.Get()
	pb, _ := b.Get()
	if pa == pb {
		t.Errorf("two Submits made together ran one after the other in process %d", pa)
	}
	if _, err := Submit(ex, panicTask, 3).Get(); err == nil {
		t.Error("a panic in a submitted task must fail its future")
	}
}

func TestStartedPoolAfterAFailureAndClose(t *testing.T) {
	ex := Processes(2).Start()
	before := pids(t, Map(ex.WithChunk(1), pidTask, inputs(20)))
	// A run stopped early kills the workers; the next starts new ones.
	if r := Map(ex.WithFailFast().WithChunk(1), slowPanicTask, inputs(50)); r.Err == nil {
		t.Fatal("want the panic")
	}
	again := Map(ex.WithChunk(1), pidTask, inputs(20))
	after := pids(t, again)
	if again.Startup == 0 {
		t.Error("a run that restarts the workers must show their start-up")
	}
	for pid := range after {
		if before[pid] {
			t.Errorf("process %d survived a stopped run", pid)
		}
	}
	ex.Close()
	ex.Close()
	for pid := range after {
		if processAlive(pid) {
			t.Errorf("worker %d runs after Close", pid)
		}
	}
	if r := Map(ex, squareTask, inputs(3)); r.Err == nil {
		t.Error("a run on a closed pool must fail")
	}
}

func TestStartAndCloseAreHarmlessOnGoroutines(t *testing.T) {
	for _, ex := range []Executor{Serial(), Threads(2), GIL(2)} {
		s := ex.Start()
		if s.String() != ex.String() {
			t.Errorf("%v.Start() is %v", ex, s)
		}
		if d, err := s.Startup(); d != 0 || err != nil {
			t.Errorf("%v: Startup() = %v, %v", ex, d, err)
		}
		if r := Map(s, squareTask, inputs(5)); r.Err != nil || !slices.Equal(r.Results, []int{0, 1, 4, 9, 16}) {
			t.Errorf("%v: %v", ex, r)
		}
		s.Close()
		s.Close()
	}
}

func TestStartFailureIsReported(t *testing.T) {
	t.Setenv("KIT_TEST_SLOW_START", "1")
	ex := Processes(1).WithStartTimeout(300 * time.Millisecond).Start()
	defer ex.Close()
	if _, err := ex.Startup(); err == nil {
		t.Fatal("Startup() reports no error")
	}
	if r := Map(ex, squareTask, inputs(2)); r.Err == nil || !strings.Contains(r.Err.Error(), "did not report ready") {
		t.Errorf("a run on a pool that cannot start: %v", r.Err)
	}
}

func TestSubmitOnAStartedPoolSurvivesDeathsAndContexts(t *testing.T) {
	ex := Processes(2).Start()
	defer ex.Close()
	// A worker that dies fails its own Submit only, and is replaced.
	var te *TaskError
	if _, err := Submit(ex, dieTask, 1).Get(); !errors.As(err, &te) || te.Exit == "" || te.PID == 0 {
		t.Errorf("a Submit whose worker died: %v", err)
	}
	if _, err := Submit(ex, dieTask, 2).Get(); !errors.As(err, &te) || !strings.HasPrefix(te.Stderr, "fatal error: concurrent map writes\n") {
		t.Errorf("a Submit whose worker crashed must carry the runtime's report: %v", err)
	}
	for i := range 6 {
		if v, err := Submit(ex, dieTask, 10+i).Get(); v != 10+i || err != nil {
			t.Errorf("Submit after a death = %d, %v", v, err)
		}
	}
	// Inputs of interface type travel, and one gob cannot send fails alone.
	for _, x := range mixedArgs {
		if v, err := Submit(ex, kindTask, x).Get(); err != nil || v != fmt.Sprintf("%T", x) {
			t.Errorf("Submit(kindTask, %v) = %q, %v", x, v, err)
		}
	}
	type unregistered struct{ X int }
	if _, err := Submit(ex, kindTask, any(unregistered{2})).Get(); err == nil || !strings.Contains(err.Error(), "cannot be sent") {
		t.Errorf("an input gob cannot send: %v", err)
	}
	if v, err := Submit(ex, kindTask, any(3)).Get(); err != nil || v != "int" {
		t.Errorf("a Submit after a failed encoding = %q, %v", v, err)
	}
	// A context that ends stops a running Submit and one still queued.
	ctx, cancel := context.WithCancel(context.Background())
	running := []*Future[int]{SubmitCtx(ctx, ex, sleepTask, 10_000), SubmitCtx(ctx, ex, sleepTask, 10_000)}
	queued := SubmitCtx(ctx, ex, sleepTask, 10_000)
	time.Sleep(50 * time.Millisecond)
	cancel()
	for _, f := range append(running, queued) {
		select {
		case <-f.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("a cancelled Submit did not stop")
		}
		if _, err := f.Get(); !errors.Is(err, context.Canceled) {
			t.Errorf("a cancelled Submit: %v", err)
		}
	}
	// The pool is whole again, for Submits and runs.
	if r := Map(ex.WithChunk(1), pidTask, inputs(20)); r.Err != nil || len(pids(t, r)) > 2 {
		t.Errorf("a run after cancelled Submits: %v", r.Err)
	}
	if v, err := Submit(ex, squareTask, 9).Get(); v != 81 || err != nil {
		t.Errorf("Submit after cancelled ones = %d, %v", v, err)
	}
}

func TestSubmitReturnsAtOnceWhileARunHoldsThePool(t *testing.T) {
	ex := Processes(1).Start()
	defer ex.Close()
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		Map(ex, sleepTask, []int{300})
	}()
	time.Sleep(100 * time.Millisecond) // the run holds the pool
	returned := make(chan *Future[int])
	go func() { returned <- Submit(ex, squareTask, 4) }()
	select {
	case f := <-returned:
		if v, err := f.Get(); v != 16 || err != nil {
			t.Errorf("Submit = %d, %v", v, err)
		}
	case <-ran:
		t.Error("Submit waited for the run to end before it returned")
	}
	<-ran
}

// unsendable is a type gob was not told of: a result holding it in an
// interface cannot travel back from a worker.
type unsendable struct{ X int }

var anyResultTask = Task("test-any-result", func(x int) any {
	if x < 0 {
		return unsendable{x}
	}
	return x
})

func TestSubmitResultThatCannotTravel(t *testing.T) {
	ex := Processes(1).Start()
	defer ex.Close()
	if _, err := Submit(ex, anyResultTask, -1).Get(); err == nil || !strings.Contains(err.Error(), "cannot be sent to the parent") {
		t.Errorf("a Submit whose result gob cannot send: %v", err)
	}
	if v, err := Submit(ex, anyResultTask, 2).Get(); err != nil || v != 2 {
		t.Errorf("the Submit after it = %v, %v", v, err)
	}
}

// TestRunsOfOneTaskKeepTheWorkersReading checks that runs of one task in a
// row on a started pool share one session (the workers go on reading the
// queue, with no order before a run and no word after it), that another
// task, a Submit or a worker killed between runs ends it, and that every
// run's results are right throughout.
func TestRunsOfOneTaskKeepTheWorkersReading(t *testing.T) {
	ex := Processes(2).Start()
	defer ex.Close()
	sessions := func() int {
		ex.pool.turn.Lock()
		defer ex.pool.turn.Unlock()
		return ex.pool.sessions
	}
	check := func(r Run[int], n int) {
		t.Helper()
		if r.Err != nil || len(r.Results) != n {
			t.Fatalf("run of %d: %d results, %v", n, len(r.Results), r.Err)
		}
		for i, v := range r.Results {
			if v != i*i {
				t.Fatalf("run of %d: input %d gave %d", n, i, v)
			}
		}
	}
	for _, n := range []int{40, 40, 7, 40} { // 7 inputs: frames of the same size
		check(Map(ex, squareTask, inputs(n)), n)
	}
	if got := sessions(); got != 1 {
		t.Errorf("4 runs of one task made %d sessions, want 1", got)
	}
	if r := Map(ex, wordTask, inputs(5)); r.Err != nil || r.Results[4] != "wwww" {
		t.Fatalf("another task: %q, %v", r.Results, r.Err)
	}
	check(Map(ex, squareTask, inputs(40)), 40)
	if got := sessions(); got != 3 {
		t.Errorf("square, word, square made %d sessions, want 3", got)
	}
	if v, err := Submit(ex, squareTask, 9).Get(); err != nil || v != 81 {
		t.Fatalf("Submit between runs: %v, %v", v, err)
	}
	check(Map(ex, squareTask, inputs(40)), 40)
	if got := sessions(); got != 4 {
		t.Errorf("a Submit must end the session: %d sessions, want 4", got)
	}

	// A worker killed while it waits between runs is replaced by the next.
	before := pids(t, Map(ex.WithChunk(1), pidSleepTask, []int{20, 20, 20, 20}))
	for pid := range before {
		p, err := os.FindProcess(pid)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Kill(); err != nil {
			t.Fatal(err)
		}
		break
	}
	after := pids(t, Map(ex.WithChunk(1), pidSleepTask, []int{20, 20, 20, 20}))
	if len(after) != 2 {
		t.Errorf("after a worker was killed between runs, the run used %d processes: %v", len(after), after)
	}
	check(Map(ex, squareTask, inputs(40)), 40)
}
