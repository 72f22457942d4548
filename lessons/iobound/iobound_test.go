package iobound

import (
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"parallelgo.dev/course/kit"
)

// TestMain shrinks the lesson a hundredfold. kit reads KIT_SCALE once per
// process, the first time anything asks for it, so t.Setenv in a test would
// come too late: the variable is set here, before any test or example runs.
func TestMain(m *testing.M) {
	os.Setenv(kit.ScaleEnv, "0.01")
	os.Exit(m.Run())
}

func TestScaleIsSmall(t *testing.T) {
	if got := kit.Scale(); got != 0.01 {
		t.Fatalf("kit.Scale() = %v, want 0.01 (set in TestMain)", got)
	}
}

func TestQueryDatabase(t *testing.T) {
	for _, x := range Queries {
		start := time.Now()
		got := QueryDatabase(x)
		if wall := time.Since(start); wall < kit.Seconds(x) {
			t.Errorf("QueryDatabase(%v) returned after %v, before its %v sleep", x, wall, kit.Seconds(x))
		}
		if got != x*x {
			t.Errorf("QueryDatabase(%v) = %v, want %v", x, got, x*x)
		}
	}
}

// pool runs f over xs with workers goroutines that take the inputs in order,
// one at a time, as Python's ThreadPool.map does with chunk size 1.
func pool(xs []float64, workers int, f func(float64) float64) []float64 {
	out := make([]float64, len(xs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = f(xs[i])
			}
		}()
	}
	for i := range xs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// The timing tests assert lower bounds only: a loaded machine can make any run
// slower, never faster than its sleeps.
func TestSerialTakesTheSum(t *testing.T) {
	start := time.Now()
	got := pool(Queries, 1, QueryDatabase)
	wall := time.Since(start)
	if want := kit.Seconds(12.5); wall < want {
		t.Errorf("serial wall %v < sum of sleeps %v", wall, want)
	}
	if !slices.Equal(got, []float64{1, 64, 2.25, 4}) {
		t.Errorf("results %v", got)
	}
}

func TestTwoWorkersAtLeastPredicted(t *testing.T) {
	for _, xs := range [][]float64{Queries, Reordered} {
		start := time.Now()
		pool(xs, 2, QueryDatabase)
		wall := time.Since(start)
		if want := kit.Seconds(PredictWall(xs, 2, 1)); wall < want {
			t.Errorf("%v on 2 workers: wall %v < predicted %v", xs, wall, want)
		}
	}
}

func TestPredictWall(t *testing.T) {
	for _, c := range []struct {
		xs            []float64
		workers, size int
		want          float64
	}{
		{Queries, 2, 1, 8},
		{Reordered, 2, 1, 9.5},
		{Queries, 2, 0, 8}, // Python's default chunk is 1 here
		{Queries, 1, 1, 12.5},
		{Queries, 0, 1, 12.5}, // workers <= 0 is one worker
		{Queries, 4, 1, 8},
		{Queries, 2, 2, 9},    // chunks [1 8] and [1.5 2]
		{Reordered, 2, 2, 10}, // chunks [1 1.5] and [2 8]
		{LongestFirst(Reordered), 2, 1, 8},
		{TaskTimes, 1, 1, 17},
		{TaskTimes, 5, 1, 5},
		{TaskTimes, 2, 1, 11}, // 5 and 2, then 4 at 2 s, 1 at 5 s, the last 5 at 6 s
		{nil, 2, 1, 0},
	} {
		if got := PredictWall(c.xs, c.workers, c.size); got != c.want {
			t.Errorf("PredictWall(%v, %d, %d) = %v, want %v", c.xs, c.workers, c.size, got, c.want)
		}
	}
}

func TestPythonChunk(t *testing.T) {
	for _, c := range []struct{ n, w, want int }{
		{4, 2, 1}, {0, 2, 1}, {64, 4, 4}, {65, 4, 5}, {20000, 4, 1250},
	} {
		if got := PythonChunk(c.n, c.w); got != c.want {
			t.Errorf("PythonChunk(%d, %d) = %d, want %d", c.n, c.w, got, c.want)
		}
	}
}

func TestLongestFirst(t *testing.T) {
	in := slices.Clone(Reordered)
	got := LongestFirst(in)
	if !slices.Equal(got, []float64{8, 2, 1.5, 1}) {
		t.Errorf("LongestFirst(%v) = %v", in, got)
	}
	if !slices.Equal(in, Reordered) {
		t.Errorf("LongestFirst changed its input to %v", in)
	}
}

func TestManySleeps(t *testing.T) {
	d := kit.Seconds(1)
	wall := ManySleeps(10_000, d)
	if wall < d {
		t.Errorf("ManySleeps(10000, %v) = %v, shorter than one sleep", d, wall)
	}
	if ManySleeps(0, d) >= d {
		t.Errorf("ManySleeps(0, %v) slept", d)
	}
}

func BenchmarkQueryDatabase(b *testing.B) {
	for b.Loop() {
		QueryDatabase(0.1)
	}
}

func BenchmarkManySleeps(b *testing.B) {
	for b.Loop() {
		ManySleeps(10_000, time.Millisecond)
	}
}

func BenchmarkPredictWall(b *testing.B) {
	xs := make([]float64, 10_000)
	for i := range xs {
		xs[i] = float64(i % 7)
	}
	for b.Loop() {
		PredictWall(xs, 8, 1)
	}
}

func TestWorkersFor(t *testing.T) {
	for _, c := range []struct {
		xs     []float64
		target float64
		want   int
	}{
		{TaskTimes, 5, 5},
		{LongestFirst(TaskTimes), 5, 4},
		{TaskTimes, 17, 1}, // one worker does it all in the sum
		{TaskTimes, 11, 2}, // [5 2 4 1 5] on 2: 11
		{TaskTimes, 8, 3},  // on 3: 8
		{TaskTimes, 6, 4},  // on 4: 6
		{TaskTimes, 1, 5},  // impossible: one per task is the best a pool can do
		{Queries, 8, 2},    // the source's two threads
		{Reordered, 8, 4},  // the long query waits for a free worker: 1+8 on 3
		{nil, 1, 0},
	} {
		if got := WorkersFor(c.xs, c.target); got != c.want {
			t.Errorf("WorkersFor(%v, %v) = %d, want %d", c.xs, c.target, got, c.want)
		}
	}
}
