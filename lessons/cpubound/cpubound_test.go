package cpubound

import (
	"fmt"
	"os"
	"slices"
	"testing"

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

func TestCrunchNumbers(t *testing.T) {
	for _, x := range append(slices.Clone(Queries), 0, -1) {
		if got := CrunchNumbers(x); got != x*x {
			t.Errorf("CrunchNumbers(%v) = %v, want %v", x, got, x*x)
		}
	}
}

// The source prints 2236.5678097446853 for i = 0..3. Go's float64 arithmetic
// gives the same number bit for bit; the full 5,000,000 steps take a few tens
// of milliseconds in Go, so the test runs them, whatever KIT_SCALE says.
func TestLongCompFullSizeMatchesSource(t *testing.T) {
	const want = 2236.5678097446853
	for i := range 4 {
		if got := LongCompN(i, LongCompSteps); got != want {
			t.Errorf("LongCompN(%d, %d) = %v, want %v", i, LongCompSteps, got, want)
		}
	}
}

func TestLongCompIsScaled(t *testing.T) {
	steps := kit.Scaled(LongCompSteps)
	if steps != 50_000 {
		t.Fatalf("kit.Scaled(LongCompSteps) = %d at KIT_SCALE=0.01", steps)
	}
	for i := range 4 {
		if got, want := LongComp(i), LongCompN(i, steps); got != want {
			t.Errorf("LongComp(%d) = %v, want LongCompN(%d, %d) = %v", i, got, i, steps, want)
		}
	}
}

// The first steps, worked by hand from the rule: x = 2 is even, so
// (2-0)² = 4; 4 is even, so (4-1)² = 9; 9 is odd, so √(9+2).
func TestLongCompFirstSteps(t *testing.T) {
	for _, c := range []struct {
		i, steps int
		want     float64
	}{
		{2, 0, 2}, {2, 1, 4}, {2, 2, 9}, {0, 2, 1}, {1, 1, 1}, {3, 1, 1.7320508075688772},
	} {
		if got := LongCompN(c.i, c.steps); got != c.want {
			t.Errorf("LongCompN(%d, %d) = %v, want %v", c.i, c.steps, got, c.want)
		}
	}
}

func TestJobsAndSumRange(t *testing.T) {
	jobs := Jobs(JobCount, JobSize)
	if len(jobs) != 64 || jobs[0] != 100_000 || jobs[63] != 100_000 {
		t.Fatalf("Jobs(64, 1e7) at KIT_SCALE=0.01 = %d jobs of %d", len(jobs), jobs[0])
	}
	for _, n := range []int{-3, 0, 1, 2, 10, 100_000, JobSize} {
		want := 0
		if n > 0 {
			want = n * (n - 1) / 2
		}
		if got := SumRange(n); got != want {
			t.Errorf("SumRange(%d) = %d, want %d", n, got, want)
		}
		for _, w := range []int{0, 1, 2, 3, 7, 100} {
			if got := SumRangeParallel(n, w); got != want {
				t.Errorf("SumRangeParallel(%d, %d) = %d, want %d", n, w, got, want)
			}
		}
	}
}

func TestRandomRows(t *testing.T) {
	a := RandomRows(1000, Width, 1)
	if len(a) != 1000 || len(a[0]) != Width {
		t.Fatalf("shape %dx%d", len(a), len(a[0]))
	}
	seen := make(map[int]bool)
	for _, row := range a {
		for _, v := range row {
			if v < 0 || v >= High {
				t.Fatalf("value %d outside [0, %d)", v, High)
			}
			seen[v] = true
		}
	}
	if len(seen) != High {
		t.Errorf("only %d distinct values in 5000 draws", len(seen))
	}
	if b := RandomRows(1000, Width, 1); !slices.EqualFunc(a, b, slices.Equal) {
		t.Error("same seed, different rows")
	}
	if b := RandomRows(1000, Width, 2); slices.EqualFunc(a, b, slices.Equal) {
		t.Error("different seeds, same rows")
	}
}

func TestLoopInputsAreScaled(t *testing.T) {
	a, b := LoopInputs(7)
	if len(a) != 2000 || len(b) != 2000 {
		t.Errorf("LoopInputs at KIT_SCALE=0.01: %d and %d rows, want 2000 (sqrt scaling)", len(a), len(b))
	}
}

func TestCountMatchesSmall(t *testing.T) {
	a := [][]int{{1, 2}, {3, 4}, {5, 6}}
	b := [][]int{{1, 2}, {3, 4}, {1, 2}, {4, 3}}
	want := []int{2, 1, 0}
	if got := CountMatches(a, b); !slices.Equal(got, want) {
		t.Errorf("CountMatches = %v, want %v", got, want)
	}
	if got := CountMatches(nil, b); len(got) != 0 {
		t.Errorf("CountMatches(nil, b) = %v", got)
	}
}

// CountMatches must agree with counting through a map, and the parallel
// version must agree with the serial one for any number of workers.
func TestCountMatchesAgree(t *testing.T) {
	a, b := LoopInputs(42)
	// Make sure some rows do match.
	copy(a[:50], b[100:150])
	freq := make(map[string]int)
	for _, row := range b {
		freq[fmt.Sprint(row)]++
	}
	serial := CountMatches(a, b)
	for i, row := range a {
		if serial[i] != freq[fmt.Sprint(row)] {
			t.Fatalf("row %d %v: CountMatches says %d, a map says %d", i, row, serial[i], freq[fmt.Sprint(row)])
		}
	}
	if serial[0] == 0 {
		t.Fatal("planted match not found")
	}
	for _, w := range []int{0, 1, 2, 3, 4, 7, 5000} {
		if got := CountMatchesParallel(a, b, w); !slices.Equal(got, serial) {
			t.Errorf("CountMatchesParallel(workers=%d) disagrees with CountMatches", w)
		}
	}
}

func BenchmarkCrunchNumbers(b *testing.B) {
	for b.Loop() {
		CrunchNumbers(1)
	}
}

func BenchmarkLongComp(b *testing.B) {
	for b.Loop() {
		LongComp(0)
	}
}

func BenchmarkSumRange(b *testing.B) {
	for b.Loop() {
		SumRange(JobSize)
	}
}

func BenchmarkSumRangeParallel(b *testing.B) {
	for b.Loop() {
		SumRangeParallel(JobSize, 0)
	}
}

func BenchmarkCountMatches(b *testing.B) {
	x, y := LoopInputs(1)
	for b.Loop() {
		CountMatches(x, y)
	}
}

func BenchmarkCountMatchesParallel(b *testing.B) {
	x, y := LoopInputs(1)
	for b.Loop() {
		CountMatchesParallel(x, y, 0)
	}
}
