package cluster

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"parallelgo.dev/course/kit"
)

var (
	cube = kit.Task("cluster-test-cube", func(x int) int { return x * x * x })
	// fragile panics on 13, as a task with a bug would.
	fragile = kit.Task("cluster-test-fragile", func(x int) int {
		if x == 13 {
			panic("unlucky")
		}
		return x
	})
	// diesOnce kills its worker the first time any worker runs input 5, as
	// a machine losing power would: the file named by $KIT_TEST_DIE_MARK
	// remembers that it happened.
	diesOnce = kit.Task("cluster-test-dies-once", func(x int) int {
		if mark := os.Getenv("KIT_TEST_DIE_MARK"); x == 5 && mark != "" {
			if f, err := os.OpenFile(mark, os.O_CREATE|os.O_EXCL, 0o600); err == nil {
				f.Close()
				os.Exit(1) // no result, no acknowledgement
			}
		}
		return x * x
	})
)

func TestLocalMapEqualsSerial(t *testing.T) {
	xs := make([]int, 100)
	for i := range xs {
		xs[i] = i - 50
	}
	want := kit.Map(kit.Serial(), cube, xs)
	got := kit.Map(Local(2, WithStartTimeout(30*time.Second)).WithChunk(3), cube, xs)
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if !slices.Equal(got.Results, want.Results) {
		t.Fatalf("results %v; want %v", got.Results, want.Results)
	}
	if got.Executor != "cluster.Local(2).WithChunk(3)" || got.Startup <= 0 {
		t.Errorf("executor %q, start-up %v; want cluster.Local(2).WithChunk(3) and a start-up", got.Executor, got.Startup)
	}
	loads := got.Trace.Load()
	if len(loads) != 2 || loads[0].Host == "" || loads[0].PID == 0 || loads[0].Inputs+loads[1].Inputs != len(xs) {
		t.Errorf("loads %+v; want two workers named host:pid that ran every input", loads)
	}
}

func TestLocalSubmitAndMapUnordered(t *testing.T) {
	ex := Local(1, WithStartTimeout(30*time.Second))
	if v, err := kit.Submit(ex, cube, 3).Get(); v != 27 || err != nil {
		t.Fatalf("Submit gave %d, %v; want 27", v, err)
	}
	seen := map[int]int{}
	for i, r := range kit.MapUnordered(ex, cube, []int{1, 2, 3, 4}) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		seen[i] = r.Value
	}
	if len(seen) != 4 || seen[3] != 64 {
		t.Fatalf("MapUnordered gave %v; want 4 cubes", seen)
	}
}

func TestLocalPanicFailsOneInput(t *testing.T) {
	run := kit.Map(Local(1, WithStartTimeout(30*time.Second)), fragile, []int{12, 13, 14})
	var te *kit.TaskError
	if !errors.As(run.Err, &te) || te.Input != 1 || !strings.Contains(te.Error(), "unlucky") {
		t.Fatalf("err = %v; want a TaskError for input 1 that says unlucky", run.Err)
	}
	if run.Results[0] != 12 || run.Results[2] != 14 {
		t.Fatalf("results %v; want the others run", run.Results)
	}
}

// A worker killed mid-run: its inputs come back after AckWait, every input
// has exactly one result, and the run says how many were delivered again.
func TestKilledWorkerIsCountedInTheRun(t *testing.T) {
	t.Setenv("KIT_TEST_DIE_MARK", filepath.Join(t.TempDir(), "died"))
	xs := make([]int, 20)
	for i := range xs {
		xs[i] = i
	}
	run := kit.Map(Local(2, WithStartTimeout(30*time.Second), WithAckWait(300*time.Millisecond)).WithChunk(1), diesOnce, xs)
	if run.Err != nil {
		t.Fatal(run.Err)
	}
	for i, v := range run.Results {
		if v != i*i {
			t.Fatalf("results %v; want every square", run.Results)
		}
	}
	if run.Redelivered < 1 || !strings.Contains(run.String(), "delivered again") || !strings.Contains(run.HTML(), "delivered again") {
		t.Fatalf("Redelivered = %d; want input 5 at least, and said in\n%s", run.Redelivered, run)
	}
	t.Logf("%d redelivered, %d duplicates dropped", run.Redelivered, run.Duplicates)
}

func TestConnectWithoutWorkersFailsTheRun(t *testing.T) {
	srv, err := startServer(serverConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	start := time.Now()
	run := kit.Map(Connect(srv.url(), WithStartTimeout(500*time.Millisecond)), cube, []int{1, 2})
	if run.Err == nil || !strings.Contains(run.Err.Error(), "no worker took the run") || !strings.Contains(run.Err.Error(), "kitworker") {
		t.Fatalf("err = %v; want one that says no worker came and how to start a kitworker", run.Err)
	}
	t.Logf("failed after %v: %v", time.Since(start).Round(time.Millisecond), run.Err)
}

func TestStartedLocalKeepsItsServer(t *testing.T) {
	ex := Local(2, WithStartTimeout(30*time.Second)).Start()
	if d, err := ex.Startup(); d <= 0 || err != nil {
		t.Fatalf("Startup() = %v, %v; want a start-up and no error", d, err)
	}
	for range 2 {
		if run := kit.Map(ex, cube, []int{1, 2, 3}); run.Err != nil || !slices.Equal(run.Results, []int{1, 8, 27}) {
			t.Fatalf("run on the started executor: %v, %v", run.Results, run.Err)
		}
	}
	ex.Close()
	if run := kit.Map(ex, cube, []int{1}); run.Err == nil || !strings.Contains(run.Err.Error(), "closed") {
		t.Fatalf("a run after Close: err = %v; want one that says it was closed", run.Err)
	}
}
