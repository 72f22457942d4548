// Package concurrency holds the runnable pieces of lesson 1, "Concurrency and
// parallelism: processes, threads, goroutines, the GIL and Go".
//
// The lesson's live GIL demonstration needs a function that only computes; it
// uses cpubound.CrunchNumbers, run under kit.GIL (one goroutine at a time, as
// CPython threads), kit.Threads (every core) and kit.Processes, so this
// package does not repeat it.
//
// What this package adds are the three models of parallel work that the
// background lesson (seed 001) names, each as a tiny function that adds up the
// same numbers and returns the same answer:
//
//   - [SumSplit]: embarrassingly parallel. Each worker adds up its own part,
//     alone; the parts are combined at the end.
//   - [SumShared]: shared memory. Every worker adds into one total that all
//     of them can see, so each addition must hold a lock.
//   - [SumMessages]: message passing. Workers share nothing; numbers reach
//     them over a channel and their partial sums come back over another.
//
// Threads (and goroutines) can use all three models; separate processes, which
// share no memory, only the first and the last. Python's multiprocessing.Pool
// is message passing under the hood: inputs and results are pickled and sent.
package concurrency

import (
	"runtime"
	"sync"
)

// Numbers returns 1, 2, ..., n: the input of the three models. Their sum is
// n(n+1)/2.
func Numbers(n int) []int {
	xs := make([]int, max(n, 0))
	for i := range xs {
		xs[i] = i + 1
	}
	return xs
}

// workerCount turns the workers argument into a number of goroutines: one per
// logical CPU for workers <= 0, never more than the items, never fewer than one.
func workerCount(items, workers int) int {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	return max(1, min(workers, items))
}

// SumSplit adds up xs with workers goroutines, the embarrassingly parallel way:
// goroutine w adds up its own contiguous block of xs into its own slot of a
// slice, and the slots are added at the end. No goroutine waits for another
// until the end, which is why this model scales best. workers <= 0 means one
// per logical CPU.
func SumSplit(xs []int, workers int) int {
	workers = workerCount(len(xs), workers)
	parts := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		block := xs[w*len(xs)/workers : (w+1)*len(xs)/workers]
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := 0
			for _, x := range block {
				s += x
			}
			parts[w] = s // each goroutine writes only its own slot
		}()
	}
	wg.Wait()
	total := 0
	for _, s := range parts {
		total += s
	}
	return total
}

// SumShared adds up xs with workers goroutines that all add into one shared
// total, each addition under a mutex.
//
// Without the lock, two goroutines could read the same old total and both
// write back their own sum, losing one addition (a race condition, lesson 8).
// With it the answer is right, but the goroutines queue for the lock at every
// number, so this model is usually slower than one goroutine alone: sharing
// is easy to write and costly to run. workers <= 0 means one per logical CPU.
func SumShared(xs []int, workers int) int {
	workers = workerCount(len(xs), workers)
	var (
		mu    sync.Mutex
		total int
		wg    sync.WaitGroup
	)
	for w := range workers {
		block := xs[w*len(xs)/workers : (w+1)*len(xs)/workers]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, x := range block {
				mu.Lock()
				total += x
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return total
}

// SumMessages adds up xs with workers goroutines that share no variables:
// the numbers are sent to them over one channel, in batches, and each worker
// sends its partial sum back over another when the first is closed. This is
// how processes cooperate, since they cannot share memory; in Go it is the
// idiom "share memory by communicating". workers <= 0 means one per logical
// CPU.
func SumMessages(xs []int, workers int) int {
	workers = workerCount(len(xs), workers)
	const batch = 1024 // one message per number would measure the channel, not the work
	work := make(chan []int, workers)
	sums := make(chan int)
	for range workers {
		go func() {
			s := 0
			for b := range work {
				for _, x := range b {
					s += x
				}
			}
			sums <- s
		}()
	}
	for lo := 0; lo < len(xs); lo += batch {
		work <- xs[lo:min(lo+batch, len(xs))]
	}
	close(work)
	total := 0
	for range workers {
		total += <-sums
	}
	return total
}
