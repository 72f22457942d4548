package kit_test

import (
	"parallelgo.dev/course/kit"
)

// A cell states what the lesson expects before it measures, and checks the
// measurement after; the line printed says whether this run agreed.
func ExampleExpect() {
	c := kit.Expect("two workers share 8 tasks evenly", kit.About(4, 0))
	tasks := []int{0, 0}
	for i := range 8 {
		tasks[i%2]++
	}
	c.Check(float64(tasks[0]))
	// Output: claim held: two workers share 8 tasks evenly (measured 4, expected 4 ± 0%)
}

// A parallel claim says how many workers it needs: if it misses, the line
// names the free cores and the load of other programs during the run.
func ExampleClaim_WithWorkers() {
	c := kit.Expect("Threads(2) about twice as fast as Serial", kit.About(2, 0.25)).WithWorkers(2)
	serial, threads := 1.0, 0.52 // seconds, measured by the cell in a lesson
	c.Check(serial / threads)
	// Output: claim held: Threads(2) about twice as fast as Serial (measured 1.92, expected 2 ± 25%)
}

// The bounds a claim can state.
func ExampleWant() {
	kit.Expect("the error shrinks with more samples", kit.AtLeast(1)).Check(3.1)
	kit.Expect("the lock costs at most a microsecond", kit.AtMost(1000)).Check(22)
	kit.Expect("best partition count", kit.Between(2, 4)).Check(2)
	// Output:
	// claim held: the error shrinks with more samples (measured 3.1, expected ≥ 1)
	// claim held: the lock costs at most a microsecond (measured 22, expected ≤ 1000)
	// claim held: best partition count (measured 2, expected between 2 and 4)
}
