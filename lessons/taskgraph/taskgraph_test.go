package taskgraph

import (
	"context"
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/lessons/montecarlo"
)

func TestMain(m *testing.M) {
	os.Setenv("KIT_SCALE", "0.01") // before anything reads it
	os.Exit(m.Run())
}

func noLeak(t *testing.T) func() {
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("goroutines: %d before, %d after", before, runtime.NumGoroutine())
			}
		}
	}
}

func TestMapOrderAndLimit(t *testing.T) {
	defer noLeak(t)()
	var now, peak atomic.Int32
	out, err := Map(context.Background(), 2, []int{1, 2, 3, 4, 5, 6}, func(_ context.Context, x int) (int, error) {
		n := now.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		runtime.Gosched()
		now.Add(-1)
		return x * x, nil
	})
	if err != nil || !slices.Equal(out, []int{1, 4, 9, 16, 25, 36}) {
		t.Fatalf("Map = %v, %v", out, err)
	}
	if peak.Load() > 2 {
		t.Errorf("%d calls at once with limit 2", peak.Load())
	}
}

func TestMapCancelsOnFirstError(t *testing.T) {
	defer noLeak(t)()
	boom := errors.New("boom")
	var cancelled atomic.Int32
	_, err := Map(context.Background(), 0, []int{0, 1, 2, 3}, func(ctx context.Context, x int) (int, error) {
		if x == 2 {
			return 0, boom
		}
		<-ctx.Done() // the others wait for the cancellation the error causes
		cancelled.Add(1)
		return 0, ctx.Err()
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "input 2") {
		t.Fatalf("err = %v, want boom from input 2", err)
	}
	if cancelled.Load() == 0 {
		t.Errorf("no call saw the cancellation")
	}
}

func TestFuture(t *testing.T) {
	f := Go(func() (float64, error) { return montecarlo.SampleSeeded(1000, 1), nil })
	a, err := f.Get()
	b, _ := f.Get()
	if err != nil || a != b || a != montecarlo.SampleSeeded(1000, 1) {
		t.Errorf("Get = %v, %v, %v", a, b, err)
	}
}

func add(n int) Step {
	return func(_ context.Context, deps Values) (any, error) {
		s := n
		for _, v := range deps {
			s += v.(int)
		}
		return s, nil
	}
}

func TestRunDiamond(t *testing.T) {
	defer noLeak(t)()
	g := New().
		Add("a", add(1)).
		Add("b", add(10), "a").
		Add("c", add(100), "a").
		Add("d", add(1000), "b", "c")
	for _, limit := range []int{0, 1, 2} {
		tr := kit.NewTrace("graph", 0)
		res, err := g.Run(context.Background(), limit, tr)
		if err != nil || Value[int](res, "d") != 1000+11+101 {
			t.Fatalf("limit %d: %v, %v", limit, res, err)
		}
		spans := tr.Spans()
		if len(spans) != 4 {
			t.Fatalf("%d spans", len(spans))
		}
		end := map[string]time.Duration{}
		start := map[string]time.Duration{}
		for _, s := range spans {
			start[s.Label], end[s.Label] = s.Start, s.End
			if limit > 0 && s.Worker >= limit {
				t.Errorf("limit %d: span on row %d", limit, s.Worker)
			}
		}
		if start["b"] < end["a"] || start["d"] < end["b"] || start["d"] < end["c"] {
			t.Errorf("a step started before its dependencies ended: %v", spans)
		}
	}
}

func TestRunRejectsBadGraphsBeforeRunning(t *testing.T) {
	var ran atomic.Int32
	step := func(context.Context, Values) (any, error) { ran.Add(1); return nil, nil }
	for _, c := range []struct {
		g    *Graph
		want string
	}{
		{New().Add("a", step, "b").Add("b", step, "c").Add("c", step, "a").Add("x", step), "cycle a -> b -> c -> a"},
		{New().Add("a", step).Add("a", step), `step "a" added twice`},
		{New().Add("a", step, "zz"), `depends on "zz", which is not in the graph`},
		{New().Add("self", step, "self"), "cycle self -> self"},
	} {
		if _, err := c.g.Run(context.Background(), 0, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
		if c.g.Validate() == nil {
			t.Errorf("Validate found nothing")
		}
	}
	if ran.Load() != 0 {
		t.Errorf("%d steps ran in invalid graphs", ran.Load())
	}
}

func TestRunStopsOnFirstError(t *testing.T) {
	defer noLeak(t)()
	boom := errors.New("boom")
	var after atomic.Bool
	g := New().
		Add("bad", func(context.Context, Values) (any, error) { return nil, boom }).
		Add("slow", func(ctx context.Context, _ Values) (any, error) { <-ctx.Done(); return nil, ctx.Err() }).
		Add("after", func(context.Context, Values) (any, error) { after.Store(true); return nil, nil }, "bad")
	_, err := g.Run(context.Background(), 0, nil)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), `step "bad"`) {
		t.Fatalf("err = %v", err)
	}
	if after.Load() {
		t.Errorf("a step ran after its dependency failed")
	}
}

func TestCriticalPath(t *testing.T) {
	g := New().Add("load", nil).Add("fast", nil, "load").Add("slow", nil, "load").Add("join", nil, "fast", "slow").Add("side", nil)
	ms := time.Millisecond
	path, total, err := g.CriticalPath(map[string]time.Duration{"load": 2 * ms, "fast": 1 * ms, "slow": 5 * ms, "join": 1 * ms, "side": 7 * ms})
	if err != nil || !slices.Equal(path, []string{"load", "slow", "join"}) || total != 8*ms {
		t.Errorf("CriticalPath = %v, %v, %v", path, total, err)
	}
	if p, d, err := New().CriticalPath(nil); p != nil || d != 0 || err != nil {
		t.Errorf("empty graph: %v %v %v", p, d, err)
	}
	if _, _, err := New().Add("a", nil, "a").CriticalPath(nil); err == nil {
		t.Errorf("cycle not reported")
	}
}

func TestPartitionMeanDoesNotDependOnPartitions(t *testing.T) {
	ns := montecarlo.Inputs()
	want := montecarlo.Mean([]float64{montecarlo.SampleSeeded(ns[0], 5), montecarlo.SampleSeeded(ns[1], 6)})
	for _, p := range []int{1, 2, 5} {
		tr := kit.NewTrace("dask", 0)
		got, err := PartitionMean(context.Background(), ns, p, 5, tr)
		if err != nil || got != want {
			t.Errorf("%d partitions: %v, %v; want %v", p, got, err, want)
		}
		if n := len(tr.Spans()); n != min(p, len(ns))+1 {
			t.Errorf("%d partitions: %d spans", p, n)
		}
	}
}

func TestDurations(t *testing.T) {
	tr := kit.NewTrace("x", 1)
	tr.Add(kit.Span{Label: "a", Start: 1, End: 5})
	if d := Durations(tr); d["a"] != 4 {
		t.Errorf("Durations = %v", d)
	}
}

func BenchmarkPartitionMean(b *testing.B) {
	ns := []int{montecarlo.Small, montecarlo.Large}
	for _, p := range []int{1, 2} {
		b.Run("partitions="+string(rune('0'+p)), func(b *testing.B) {
			for b.Loop() {
				PartitionMean(context.Background(), ns, p, 1, nil)
			}
		})
	}
}

func BenchmarkMapSample(b *testing.B) {
	ns := []int{montecarlo.Small, montecarlo.Large}
	for b.Loop() {
		Map(context.Background(), 0, ns, func(_ context.Context, n int) (float64, error) { return montecarlo.SampleSeeded(n, 1), nil })
	}
}

// The scheduler's own cost: 1000 empty steps in a chain of width 10.
func BenchmarkGraphOverhead(b *testing.B) {
	g := New()
	nop := func(context.Context, Values) (any, error) { return nil, nil }
	for i := range 1000 {
		if i < 10 {
			g.Add(itoa(i), nop)
		} else {
			g.Add(itoa(i), nop, itoa(i-10))
		}
	}
	for b.Loop() {
		g.Run(context.Background(), 0, nil)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
