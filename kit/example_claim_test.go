package kit_test

import (
	"fmt"
	"math"
	"time"

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

// About is a value with a relative tolerance: About(2, 0.25) accepts 1.5 to 2.5.
func ExampleAbout() {
	w := kit.About(2, 0.25)
	fmt.Println(w, w.Holds(1.5), w.Holds(2.6))
	// Output: 2 ± 25% true false
}

// AtLeast and AtMost are one-sided bounds, for "faster than" and "at most".
func ExampleAtLeast() {
	fmt.Println(kit.AtLeast(1), kit.AtLeast(1).Holds(1.2), kit.AtMost(1000).Holds(1001))
	// Output: ≥ 1 true false
}

// AtMost is an upper bound.
func ExampleAtMost() {
	fmt.Println(kit.AtMost(0.5), kit.AtMost(0.5).Holds(0.5))
	// Output: ≤ 0.5 true
}

// Between is a range with both ends included.
func ExampleBetween() {
	w := kit.Between(2.5, 3)
	fmt.Println(w, w.Holds(3), w.Holds(2.4))
	// Output: between 2.5 and 3 true false
}

// Holds reports whether a number meets the expectation; NaN never does.
func ExampleWant_Holds() {
	fmt.Println(kit.AtLeast(0).Holds(math.NaN()), kit.About(1, 0.1).Holds(1.05))
	// Output: false true
}

// Check prints the claim's line and reports whether it held, so that a cell
// can act on it.
func ExampleClaim_Check() {
	c := kit.Expect("every result came back", kit.About(100, 0))
	if c.Check(100) {
		fmt.Println("go on")
	}
	// Output:
	// claim held: every result came back (measured 100, expected 100 ± 0%)
	// go on
}

// CheckSpeedup takes the two timings of the same work, on one core and on
// several, checks the speedup, and, if it misses, also blames the workers
// when they needed more CPU time than one core did (here: none missed).
func ExampleClaim_CheckSpeedup() {
	c := kit.Expect("two goroutines about twice as fast as one", kit.About(2, 0.25)).WithWorkers(2)
	one := kit.Timing{Wall: 100 * time.Millisecond, User: 100 * time.Millisecond}
	two := kit.Timing{Wall: 52 * time.Millisecond, User: 103 * time.Millisecond} // as kit.Measure returns them
	c.CheckSpeedup(one, two)
	// Output: claim held: two goroutines about twice as fast as one (measured 1.92, expected 2 ± 25%)
}
