// Package cpubound holds the workloads of lesson 3, "CPU-bound work".
//
// It re-creates, in Go, the compute-heavy examples of the source lessons:
//
//   - number crunching (seed 000): [CrunchNumbers] counts down from a large
//     number and returns x*x. Over [Queries] the source needs 9.9 s alone,
//     10.3 s on two threads (the GIL lets only one count at a time) and 6.7 s
//     on two processes (7.8 s reordered).
//   - the long computation (seed 004): [LongComp], a 5,000,000-step loop that
//     ends on 2236.5678097446853 for every i from 0 to 3.
//   - sixty-four sums (seed 002): [Jobs] and [SumRange], the source's 64 jobs of
//     range(10_000_000), 7.1 s on a process pool of 4 and 25.2 s on a thread
//     pool of 4.
//   - the nested comparison loop (seed 002): [RandomRows], [LoopInputs] and
//     [CountMatches], 20,000 rows compared with 20,000 rows, 11.4 s serially
//     and 4.3 s on four processes, with the same answer.
//
// Counting is computing: a worker that counts holds a core the whole time. In
// CPython the GIL lets one thread count at a time, so threads do not help;
// in Go goroutines run on every core (compare kit.Threads with kit.GIL, which
// imitates the GIL), and child processes (kit.Processes) help in both.
//
// Loop counts go through kit.Scaled (or its square root, for the nested loop),
// so KIT_SCALE=0.01 makes the lesson a hundred times shorter.
package cpubound

import (
	"math"
	"runtime"

	"parallelgo.dev/course/kit"
)

// Queries are the source's dummy simulations: the same numbers as lesson 2's
// database queries, here counted instead of slept.
var Queries = []float64{1, 8, 1.5, 2}

// Reordered are the same simulations with the longest last.
var Reordered = []float64{1, 1.5, 2, 8}

// CrunchUnit is how many steps [CrunchNumbers] counts down per unit of x.
//
// The source counts down from x*1e7 and takes about 0.8 s per unit in CPython.
// Compiled Go runs the same loop roughly a hundred times faster (0.7 ns a step
// on the machine this course was written on, where CPython needs about 80 ns),
// so counting down from 1e7 would be over in a blink. To keep the lesson's
// timings of the same order as the source's, one unit here is 1e9 steps,
// a hundred times the source's count: CrunchNumbers(1) takes about 0.7 s.
const CrunchUnit = 1_000_000_000

// CrunchNumbers pretends to run a long simulation: it counts down from
// x*CrunchUnit (scaled by KIT_SCALE) one step at a time, then returns x*x.
//
// It only computes, which makes it CPU-bound: two of them in parallel need
// two cores.
func CrunchNumbers(x float64) float64 {
	n := x * float64(kit.Scaled(CrunchUnit))
	for n > 0 {
		n--
	}
	// The loop has no visible effect, and an optimising compiler may delete
	// such a loop. Go's compiler does not today, but KeepAlive makes the
	// final count a value the program needs, so the loop must run in every
	// version: a benchmark that measures nothing would teach nothing.
	runtime.KeepAlive(n)
	return x * x
}

// LongCompSteps is the length of the source's long computation.
const LongCompSteps = 5_000_000

// LongComp is the source's long computation: LongCompSteps steps (scaled by
// KIT_SCALE) of [LongCompN]. At full size it returns 2236.5678097446853 for
// i = 0, 1, 2, 3, the value the source prints; a scaled-down run ends on a
// different number.
func LongComp(i int) float64 {
	return LongCompN(i, kit.Scaled(LongCompSteps))
}

// LongCompN runs the long computation for the given number of steps: starting
// from x = i, step y replaces x with (x-y)² when x is an even integer and with
// √(x+y) otherwise.
//
// Python starts with the integer i and switches to floats at the first square
// root; float64 from the start gives the same numbers, bit for bit, as long as
// the integers stay below 2⁵³ (every i below about 9e7).
func LongCompN(i, steps int) float64 {
	x := float64(i)
	for y := range steps {
		fy := float64(y)
		// x is an even integer exactly when x/2 is an integer: halving a
		// float64 is exact. This is Python's x % 2 == 0 for x >= 0, and it
		// avoids math.Mod, which is slow.
		if h := x / 2; h == math.Trunc(h) {
			d := x - fy
			x = d * d
		} else {
			x = math.Sqrt(x + fy)
		}
	}
	return x
}

// JobCount and JobSize are the source's 64 jobs of range(10_000_000).
const (
	JobCount = 64
	JobSize  = 10_000_000
)

// Jobs returns n jobs, each the length of a range to sum with [SumRange]:
// Jobs(JobCount, JobSize) is the source's [range(10_000_000)]*64. The size is
// scaled by KIT_SCALE.
func Jobs(n, size int) []int {
	jobs := make([]int, n)
	for i := range jobs {
		jobs[i] = kit.Scaled(size)
	}
	return jobs
}

// SumRange adds up 0, 1, ..., n-1, one number at a time, as Python's
// sum(range(n)) does. The formula n(n-1)/2 would be instant; the loop is the
// point, it is the work.
func SumRange(n int) int {
	s := 0
	for i := range n {
		s += i
	}
	return s
}
