package concurrency

import (
	"math"
	"testing"
	"time"
)

// Nothing in this package sleeps or reads KIT_SCALE, so the tests need no
// TestMain: they run in milliseconds at any scale.

func TestNumbers(t *testing.T) {
	xs := Numbers(5)
	if len(xs) != 5 || xs[0] != 1 || xs[4] != 5 {
		t.Errorf("Numbers(5) = %v", xs)
	}
	if len(Numbers(0)) != 0 || len(Numbers(-2)) != 0 {
		t.Error("Numbers of nothing is not empty")
	}
}

func TestThreeModelsAgree(t *testing.T) {
	models := map[string]func([]int, int) int{
		"SumSplit": SumSplit, "SumShared": SumShared, "SumMessages": SumMessages,
	}
	for _, n := range []int{0, 1, 2, 1023, 1024, 1025, 20_000} {
		want := n * (n + 1) / 2
		for name, sum := range models {
			for _, w := range []int{-1, 0, 1, 2, 3, 8, 200_000} {
				if got := sum(Numbers(n), w); got != want {
					t.Errorf("%s(Numbers(%d), %d) = %d, want %d", name, n, w, got, want)
				}
			}
		}
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		cpu, wall time.Duration
		want      Kind
	}{
		{2 * time.Millisecond, 12500 * time.Millisecond, IOBound}, // the source's database queries
		{9900 * time.Millisecond, 9900 * time.Millisecond, CPUBound},
		{10 * time.Second, 6 * time.Second, CPUBound}, // two cores busy
		{time.Second, 2 * time.Second, CPUBound},      // the boundary
		{time.Second, 3 * time.Second, IOBound},
		{0, 0, CPUBound}, // nothing measured: nothing waited either
	} {
		if got := Classify(c.cpu, c.wall); got != c.want {
			t.Errorf("Classify(%v, %v) = %v, want %v", c.cpu, c.wall, got, c.want)
		}
	}
}

func TestAmdahl(t *testing.T) {
	for _, c := range []struct {
		p    float64
		n    int
		want float64
	}{
		{0.9, 2, 1 / 0.55}, {1, 4, 4}, {0, 64, 1}, {0.5, 1, 1}, {0.9, 0, 1},
		{1.5, 2, 2}, {-1, 2, 1}, {0.9, 1 << 30, 10},
	} {
		if got := float64(Amdahl(c.p, c.n)); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("Amdahl(%v, %d) = %v, want %v", c.p, c.n, got, c.want)
		}
	}
	if s := Amdahl(0.9, 2).String(); s != "1.82x" {
		t.Errorf("Amdahl(0.9, 2) prints %q", s)
	}
}

func benchmarkModel(b *testing.B, sum func([]int, int) int) {
	xs := Numbers(1_000_000)
	for b.Loop() {
		sum(xs, 0)
	}
}

func BenchmarkSumSplit(b *testing.B)    { benchmarkModel(b, SumSplit) }
func BenchmarkSumShared(b *testing.B)   { benchmarkModel(b, SumShared) }
func BenchmarkSumMessages(b *testing.B) { benchmarkModel(b, SumMessages) }

func BenchmarkSumSerial(b *testing.B) {
	benchmarkModel(b, func(xs []int, _ int) int { return SumSplit(xs, 1) })
}
