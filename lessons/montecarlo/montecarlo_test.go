package montecarlo

import (
	"math"
	"os"
	"slices"
	"testing"
)

func TestMain(m *testing.M) {
	os.Setenv("KIT_SCALE", "0.01") // before anything reads it
	os.Exit(m.Run())
}

func TestInputsAreScaled(t *testing.T) {
	if got := Inputs(); !slices.Equal(got, []int{1000, 32000}) {
		t.Errorf("Inputs() = %v at KIT_SCALE=0.01, want [1000 32000]", got)
	}
}

func TestSampleSeededIsReproducibleAndClose(t *testing.T) {
	a, b := SampleSeeded(200_000, 7), SampleSeeded(200_000, 7)
	if a != b {
		t.Fatalf("same seed, different estimates: %v, %v", a, b)
	}
	// Six standard errors: a seeded, deterministic check, not a lucky one.
	if err := math.Abs(a - math.Pi); err > 6*ExpectedError(200_000) {
		t.Errorf("estimate %v is %v off pi", a, err)
	}
	if SampleSeeded(200_000, 8) == a {
		t.Errorf("different seeds gave the same estimate")
	}
	if !math.IsNaN(SampleSeeded(0, 1)) {
		t.Errorf("SampleSeeded(0) should be NaN")
	}
}

func TestSampleIsInRange(t *testing.T) {
	for range 10 {
		if p := Sample(1000); p < 0 || p > 4 {
			t.Fatalf("Sample(1000) = %v", p)
		}
	}
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		total, chunks int
		want          []int
	}{
		{10, 3, []int{4, 3, 3}},
		{9, 3, []int{3, 3, 3}},
		{2, 5, []int{1, 1}},
		{5, 0, []int{5}},
		{0, 4, nil},
	} {
		if got := Split(c.total, c.chunks); !slices.Equal(got, c.want) {
			t.Errorf("Split(%d, %d) = %v, want %v", c.total, c.chunks, got, c.want)
		}
	}
	for total := 1; total < 50; total++ {
		for chunks := 1; chunks < 12; chunks++ {
			s, sum := Split(total, chunks), 0
			for _, n := range s {
				sum += n
				if n < 1 || n > s[0] || s[0]-n > 1 {
					t.Fatalf("Split(%d, %d) = %v: uneven", total, chunks, s)
				}
			}
			if sum != total {
				t.Fatalf("Split(%d, %d) = %v: sums to %d", total, chunks, s, sum)
			}
		}
	}
}

func TestEstimateDoesNotDependOnWorkers(t *testing.T) {
	want := Estimate(100_000, 8, 1, 42)
	for _, w := range []int{0, 2, 3, 8, 100} {
		if got := Estimate(100_000, 8, w, 42); got != want {
			t.Errorf("Estimate with %d workers = %v, with 1 = %v", w, got, want)
		}
	}
	// One chunk is exactly SampleSeeded with the same seed.
	if Estimate(50_000, 1, 4, 9) != SampleSeeded(50_000, 9) {
		t.Errorf("one chunk differs from SampleSeeded")
	}
	if !math.IsNaN(Estimate(0, 3, 1, 1)) {
		t.Errorf("Estimate of 0 points should be NaN")
	}
}

func TestErrorVsSamples(t *testing.T) {
	tab := ErrorVsSamples(6, 8, 1)
	if len(tab) != 5 || tab[0].N != 100 || tab[4].N != 1_000_000 {
		t.Fatalf("rows: %+v", tab)
	}
	for _, r := range tab {
		if r.Err > 6*r.StdErr {
			t.Errorf("n=%d: error %v, more than 6 standard errors (%v)", r.N, r.Err, r.StdErr)
		}
	}
	if tab[0].StdErr/tab[4].StdErr < 99.9 || tab[0].StdErr/tab[4].StdErr > 100.1 {
		t.Errorf("expected error should shrink like 1/sqrt(n)")
	}
	// The measured errors must show the law the lesson teaches, not only the formula.
	if s := tab.Slope(); s < -0.65 || s > -0.35 {
		t.Errorf("slope of log error against log n = %v, want about -0.5", s)
	}
	if !math.IsNaN(tab[:1].Slope()) {
		t.Errorf("slope of one row should be NaN")
	}
}

func TestMean(t *testing.T) {
	if Mean([]float64{3, 4}) != 3.5 || !math.IsNaN(Mean(nil)) {
		t.Errorf("Mean wrong")
	}
}

func BenchmarkSample100k(b *testing.B) {
	for b.Loop() {
		SampleSeeded(Small, 1)
	}
}

// Per-goroutine generators scale with the cores: compare ns/op with -cpu 1,2,4.
func BenchmarkSampleParallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			SampleSeeded(10_000, 1)
		}
	})
}

func BenchmarkEstimate(b *testing.B) {
	for _, w := range []int{1, 2, 4} {
		b.Run("workers="+itoa(w), func(b *testing.B) {
			for b.Loop() {
				Estimate(1_000_000, 8, w, 1)
			}
		})
	}
}

// Task size against overhead: the same million points in 1, 100 or 10,000
// pieces. Tiny pieces pay the hand-over per piece.
func BenchmarkChunkSize(b *testing.B) {
	for _, chunks := range []int{1, 100, 10_000} {
		b.Run("chunks="+itoa(chunks), func(b *testing.B) {
			for b.Loop() {
				Estimate(1_000_000, chunks, 2, 1)
			}
		})
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
