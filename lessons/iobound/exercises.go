package iobound

import (
	"cmp"
	"slices"
)

// Exercise "Predict, then measure" (lesson 2, exercise 1): before running
// [Queries] and [Reordered] on two workers, predict each wall time on paper.
// PredictWall is the reference solution, a simulation of how Python's pools
// and kit's executors hand work out.
//
// PredictWall returns the wall time, in the same unit as durations, that
// workers need for tasks of the given durations when the tasks are cut into
// chunks of chunk consecutive tasks and each chunk, in input order, goes to
// the next worker to become free. Hand-out and start-up cost nothing here.
//
// chunk <= 0 means Python's default for pool.map: len/(4*workers), rounded
// up. workers <= 0 is taken as 1.
//
// For two workers, Queries take 8 s and Reordered 9.5 s.
func PredictWall(durations []float64, workers int, chunk int) float64 {
	if workers <= 0 {
		workers = 1
	}
	if chunk <= 0 {
		chunk = PythonChunk(len(durations), workers)
	}
	free := make([]float64, workers) // when each worker is next free
	for start := 0; start < len(durations); start += chunk {
		w := slices.Index(free, slices.Min(free)) // the earliest free; lowest id on ties
		for _, d := range durations[start:min(start+chunk, len(durations))] {
			free[w] += d
		}
	}
	return slices.Max(free)
}

// PythonChunk is the chunk size that Python's Pool.map picks when it is given
// none: n tasks shared by workers cut into about four chunks per worker,
// rounded up. For 4 queries and 2 workers it is 1.
func PythonChunk(n, workers int) int {
	c := (n + 4*workers - 1) / (4 * workers)
	return max(c, 1)
}

// Exercise "Fix the imbalance" (lesson 2, exercise 2): reorder the queries so
// that two workers finish [Reordered] in 8 s again. LongestFirst is the
// reference solution: hand out the longest tasks first, so that the short ones
// fill the gaps at the end (the "longest processing time" rule).
//
// It returns a sorted copy; xs is left as it was.
func LongestFirst(xs []float64) []float64 {
	ys := slices.Clone(xs)
	slices.SortStableFunc(ys, func(a, b float64) int { return cmp.Compare(b, a) })
	return ys
}

// Exercise "How many workers?" (lesson 2, exercise 3): the five long tasks
// ([TaskTimes]) cannot finish sooner than the longest of them. What is the
// fewest workers that finish them that soon, in the given order, and longest
// first? WorkersFor is the reference solution: it tries 1, 2, ... workers in
// [PredictWall] (one task at a time, chunk 1) until the predicted wall time is
// at most target.
//
// It returns len(durations) if no smaller pool is fast enough (one worker per
// task is as fast as a pool can be), and 0 for no tasks.
//
// In the given order [5 2 4 1 5] needs 5 workers to finish in 5 s; longest
// first, [5 5 4 2 1], 4 are enough: the short tasks fill one worker's time.
func WorkersFor(durations []float64, target float64) int {
	for n := 1; n < len(durations); n++ {
		if PredictWall(durations, n, 1) <= target {
			return n
		}
	}
	return len(durations)
}
