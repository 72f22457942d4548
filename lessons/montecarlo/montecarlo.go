// Package montecarlo holds the workloads and exercise solutions of lesson 5,
// "Monte-Carlo pi", which re-creates the sample(n) example of the source's
// background lesson (seed 001): estimate pi from n random points in the unit
// square, run it over the inputs 10**5 and 20**5 (pandas' Series.apply, then
// multiprocessing's Pool().map), and weigh the pool's start-up cost against
// the work. Lesson 9 (package taskgraph) re-creates the Dask half of the same
// example with these functions.
//
// Go differs from the source in two ways worth a measurement. Goroutines run
// sample in parallel with no pool of processes to start, so the fixed cost the
// source warns about is microseconds, not a second. And random numbers need a
// decision Python hides: which generator each goroutine draws from (see
// [SampleSeeded]).
package montecarlo

import (
	"math"
	"math/rand/v2"
	"sync"

	"parallelgo.dev/course/kit"
)

// The source's inputs: 10**5 and 20**5 (= 3,200,000) points.
const (
	Small = 100_000
	Large = 3_200_000
)

// Inputs is the source's pd.Series([10**5, 20**5]), shrunk by KIT_SCALE.
func Inputs() []int { return []int{kit.Scaled(Small), kit.Scaled(Large)} }

// Sample estimates pi from n random points: the fraction that falls inside
// the quarter circle x²+y² < 1, times 4. Each call draws a fresh seed and
// uses its own generator, so calls may run in as many goroutines as you like.
// For a result you can reproduce, use [SampleSeeded].
func Sample(n int) float64 { return SampleSeeded(n, rand.Uint64()) }

// SampleSeeded is [Sample] with its generator seeded explicitly: the same n
// and seed give the same estimate on every machine and every run.
//
// Why a generator per call, and never one *rand.Rand shared by goroutines: a
// *rand.Rand is not safe for concurrent use. Its state is a couple of words
// that every draw reads and rewrites, so two goroutines drawing at once race
// on it (the race detector says so) and may hand out the same number twice.
// math/rand/v2's top-level functions (rand.Float64) are safe, and fast, but
// cannot be seeded, so a parallel run could never be repeated; and with any
// shared generator, which goroutine gets which number depends on the
// scheduler, so the split of the work changes the answer. One PCG generator
// per call costs 16 bytes, needs no lock, and makes each piece of work a pure
// function of (n, seed).
func SampleSeeded(n int, seed uint64) float64 {
	if n <= 0 {
		return math.NaN()
	}
	return 4 * float64(Inside(n, seed)) / float64(n)
}

// Inside counts how many of n points drawn from a PCG generator seeded with
// seed fall inside the quarter circle. Counts add up across pieces of work;
// estimates of pieces of different sizes do not simply average.
func Inside(n int, seed uint64) int {
	r := rand.New(rand.NewPCG(seed, seedStream))
	inside := 0
	for range n {
		x, y := r.Float64(), r.Float64()
		if x*x+y*y < 1 {
			inside++
		}
	}
	return inside
}

// seedStream is PCG's second seed word, fixed: the first word alone selects
// the sequence.
const seedStream = 0x5eed

// Split divides total items into chunks pieces whose sizes differ by at most
// one, larger ones first: Split(10, 3) is [4 3 3]. It never returns an empty
// piece, so with more chunks than items there are only total pieces of 1.
// chunks < 1 counts as 1; total < 1 gives no pieces.
func Split(total, chunks int) []int {
	if total < 1 {
		return nil
	}
	chunks = min(max(chunks, 1), total)
	sizes := make([]int, chunks)
	for i := range sizes {
		sizes[i] = total / chunks
		if i < total%chunks {
			sizes[i]++
		}
	}
	return sizes
}

// Estimate is the exercise "a parallel estimate you can reproduce": it splits
// total points into chunks pieces, draws piece i from its own generator seeded
// with seed+i, runs the pieces on workers goroutines (workers <= 0: one per
// piece) and adds up the counts. Which goroutine runs which piece does not
// matter, so the answer depends on (total, chunks, seed) only: the same with 1
// worker as with 16. Change chunks and you draw different points, so a
// different (equally good) estimate.
func Estimate(total, chunks, workers int, seed uint64) float64 {
	sizes := Split(total, chunks)
	if len(sizes) == 0 {
		return math.NaN()
	}
	if workers <= 0 || workers > len(sizes) {
		workers = len(sizes)
	}
	counts := make([]int, len(sizes)) // one slot per piece: no sharing, no lock
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				counts[i] = Inside(sizes[i], seed+uint64(i))
			}
		}()
	}
	for i := range sizes {
		next <- i
	}
	close(next)
	wg.Wait()
	inside := 0
	for _, c := range counts {
		inside += c
	}
	return 4 * float64(inside) / float64(total)
}

// Mean is the arithmetic mean of xs (NaN for none): what the source does with
// the two estimates, ds.apply(sample).mean().
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
