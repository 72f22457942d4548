package memory

// Exercise "Results without sharing" (lesson 4, exercise 1): LongIO writes
// into a map that child processes cannot reach. Rewrite the goroutine version
// so that no worker touches shared memory at all: each one returns its
// result, and one place collects them, the way apply_async(...).get() brings
// results back from processes. FillByReturn is the reference solution.
//
// FillByReturn runs f(id) for every id, each in its own goroutine, and
// returns a map from id to result. The workers send their results over a
// channel and only the calling goroutine writes the map, so it needs no lock.
func FillByReturn(ids []int, f func(int) int) map[int]int {
	type result struct{ id, value int }
	results := make(chan result)
	for _, id := range ids {
		go func() { results <- result{id, f(id)} }()
	}
	m := make(map[int]int, len(ids))
	for range ids {
		r := <-results
		m[r.id] = r.value
	}
	return m
}

// Exercise "How many workers fit?" (lesson 4, exercise 2): with the cost of a
// goroutine from [GoroutineCost] and of a process from [RSS], how many of
// each fit in the memory of a small Binder container (say 2 GiB)?
// Fit is the reference solution: the number of workers of perWorker bytes
// each that fit in budget bytes. A worker that costs nothing (perWorker <= 0)
// is reported as -1, "no limit from memory".
func Fit(budget uint64, perWorker float64) int {
	if perWorker <= 0 {
		return -1
	}
	return int(float64(budget) / perWorker)
}
