package workqueue

import (
	"bytes"
	"context"
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"parallelgo.dev/course/kit"
)

func TestMain(m *testing.M) {
	os.Setenv("KIT_SCALE", "0.001") // before anything reads it: 1 s becomes 1 ms
	os.Exit(m.Run())
}

// noLeak fails the test if goroutines started during it are still running
// after a grace period: the runtime.NumGoroutine stand-in for goleak.
func noLeak(t *testing.T) func() {
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second) // generous: only a leak waits this long
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
			}
			time.Sleep(time.Millisecond)
		}
	}
}

func TestRandomTasks(t *testing.T) {
	a := RandomTasks(100, 11, 2, 6, 1)
	if len(a) != 11 || a[0].ID != 100 || a[10].ID != 110 {
		t.Fatalf("ids: %v", a)
	}
	seen := map[float64]bool{}
	for _, x := range RandomTasks(0, 1000, 1, 5, 7) {
		if x.Seconds < 1 || x.Seconds > 5 || x.Seconds != float64(int(x.Seconds)) {
			t.Fatalf("out of range: %v", x)
		}
		seen[x.Seconds] = true
	}
	if len(seen) != 5 {
		t.Errorf("1..5 should all appear in 1000 draws: %v", seen)
	}
	b := RandomTasks(100, 11, 2, 6, 1)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different tasks")
		}
	}
}

func TestShutdownLosesNothing(t *testing.T) {
	defer noLeak(t)()
	var out bytes.Buffer
	tr := kit.NewTrace("pool", 3)
	p := StartWithOutput(context.Background(), 3, tr, &out)
	tasks := append(RandomTasks(0, 15, 1, 5, 1), RandomTasks(100, 11, 2, 6, 1)...)
	for _, x := range tasks {
		if err := p.Submit(x); err != nil {
			t.Fatal(err)
		}
	}
	res := p.Shutdown()
	if len(res) != len(tasks) {
		t.Fatalf("%d results for %d tasks", len(res), len(tasks))
	}
	seen := map[int]int{}
	for _, r := range res {
		seen[r.Task.ID]++
		if r.Err != nil || r.Worker < 0 || r.Worker > 2 || r.End < r.Start {
			t.Errorf("bad result %+v", r)
		}
	}
	for _, x := range tasks {
		if seen[x.ID] != 1 {
			t.Errorf("task %d seen %d times", x.ID, seen[x.ID])
		}
	}
	if n := strings.Count(out.String(), " finished task "); n != len(tasks) {
		t.Errorf("%d 'finished' lines, want %d:\n%s", n, len(tasks), out.String())
	}
	if n := strings.Count(out.String(), " shutting down\n"); n != 3 {
		t.Errorf("%d 'shutting down' lines, want 3", n)
	}
	if spans := tr.Spans(); len(spans) != len(tasks) {
		t.Errorf("%d spans traced, want %d", len(spans), len(tasks))
	}
	if again := p.Shutdown(); len(again) != len(res) {
		t.Errorf("second Shutdown gave %d results", len(again))
	}
	if err := p.Submit(Task{ID: 1}); !errors.Is(err, ErrClosed) {
		t.Errorf("Submit after Shutdown = %v", err)
	}
}

// Submitters racing with Shutdown: every Submit that returned nil has exactly
// one result, and none other does.
func TestConcurrentSubmitAndShutdown(t *testing.T) {
	defer noLeak(t)()
	p := StartWithOutput(context.Background(), 2, nil, discard{})
	var mu sync.Mutex
	accepted := map[int]bool{}
	var wg sync.WaitGroup
	for s := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				id := s*1000 + i
				if p.Submit(Task{ID: id}) == nil {
					mu.Lock()
					accepted[id] = true
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(time.Millisecond) // let some submissions in; the outcome is checked either way
	res := p.Shutdown()
	wg.Wait()
	if len(res) != len(accepted) {
		t.Fatalf("%d results, %d accepted submissions", len(res), len(accepted))
	}
	for _, r := range res {
		if !accepted[r.Task.ID] || r.Err != nil {
			t.Errorf("unexpected result %+v", r)
		}
		delete(accepted, r.Task.ID)
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func TestCancelStopsPromptly(t *testing.T) {
	defer noLeak(t)()
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	p := StartWithOutput(ctx, 2, nil, &out)
	for i := range 5 {
		// A million seconds is 1000 s even at KIT_SCALE=0.001: none can
		// finish, so the test only returns if cancellation works.
		if err := p.Submit(Task{ID: i, Seconds: 1e6}); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	res := p.Shutdown()
	if len(res) != 5 {
		t.Fatalf("%d results, want 5 (each task accounted for)", len(res))
	}
	for _, r := range res {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("task %d: Err = %v, want context.Canceled", r.Task.ID, r.Err)
		}
	}
	if err := p.Submit(Task{ID: 9}); err == nil {
		t.Errorf("Submit after cancel succeeded")
	}
}

func TestSumOfSquares(t *testing.T) {
	defer noLeak(t)()
	for _, w := range []int{0, 1, 3, 16} {
		if got := SumOfSquares(context.Background(), 100, w); got != 338350 {
			t.Errorf("SumOfSquares(100, %d) = %d", w, got)
		}
	}
}

func TestPipelineStopsWhenConsumerGivesUp(t *testing.T) {
	defer noLeak(t)()
	ctx, cancel := context.WithCancel(context.Background())
	nums := make([]int, 10_000)
	out := Merge(ctx, FanOut(ctx, Generate(ctx, nums...), 4, Square)...)
	for range 3 {
		<-out
	}
	cancel() // the stages blocked on sends must all return: noLeak checks
	for range out {
	}
}

func BenchmarkPool(b *testing.B) {
	for b.Loop() {
		p := StartWithOutput(context.Background(), 4, nil, discard{})
		for i := range 1000 {
			p.Submit(Task{ID: i})
		}
		p.Shutdown()
	}
}

func BenchmarkSumOfSquares(b *testing.B) {
	for _, w := range []int{1, 4} {
		b.Run("workers="+string(rune('0'+w)), func(b *testing.B) {
			for b.Loop() {
				SumOfSquares(context.Background(), 10_000, w)
			}
		})
	}
}
