package cpubound

import (
	"runtime"
	"sync"
)

// Exercise "Split the loop" (lesson 3, exercise 1): make the nested comparison
// loop use every core, and check that the answer does not change ("Lists
// agree? true"). CountMatchesParallel is the reference solution.
//
// CountMatchesParallel gives each of workers goroutines a contiguous block of
// a's rows; each compares its rows with all of b and writes their counts.
// The goroutines write to different elements of one slice, which is safe
// without a lock: no two touch the same element, and wg.Wait makes all the
// writes visible to the caller. workers <= 0 means one per logical CPU.
func CountMatchesParallel(a, b [][]int, workers int) []int {
	counts := make([]int, len(a))
	workers = workerCount(len(a), workers)
	forBlocks(len(a), workers, func(_, lo, hi int) { countRange(a, b, counts, lo, hi) })
	return counts
}

// Exercise "One big job" (lesson 3, exercise 2): a pool speeds up 64 jobs, but
// what about one? Split a single sum over range(n) across goroutines.
// SumRangeParallel is the reference solution: each goroutine sums a block of
// the range into its own slot, and the slots are added at the end, so no
// goroutine waits for a lock. It returns what SumRange(n) returns.
// workers <= 0 means one per logical CPU.
func SumRangeParallel(n, workers int) int {
	workers = workerCount(n, workers)
	partial := make([]int, workers)
	forBlocks(n, workers, func(w, lo, hi int) {
		s := 0
		for i := lo; i < hi; i++ {
			s += i
		}
		partial[w] = s
	})
	total := 0
	for _, s := range partial {
		total += s
	}
	return total
}

// forBlocks cuts [0, n) into workers contiguous blocks of nearly equal size
// and runs f(w, lo, hi) for block w in its own goroutine, returning when all
// are done. workers must come from workerCount.
func forBlocks(n, workers int, f func(w, lo, hi int)) {
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
}

// workerCount turns the workers argument into a number of goroutines: one per
// logical CPU for workers <= 0, never more than n items, never fewer than one.
func workerCount(n, workers int) int {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	return max(1, min(workers, n))
}
