package concurrency

import (
	"fmt"
	"time"
)

// Kind names what a piece of work spends its time on.
type Kind string

// The two kinds of work the course tells apart.
const (
	CPUBound Kind = "CPU-bound" // computing: more cores make it faster
	IOBound  Kind = "I/O-bound" // waiting: more workers make it faster, cores or not
)

// Exercise "CPU-bound or I/O-bound?" (lesson 1, exercise 1): time
// iobound.QueryDatabase and cpubound.CrunchNumbers with kit.Time and decide
// from the numbers alone which kind each is. Classify is the reference
// solution.
//
// Classify compares the CPU time a piece of work used (user + system) with
// its wall time. Work that keeps a core busy at least half of the time it
// takes is CPU-bound; work that mostly waits is I/O-bound. CPU time above the
// wall time means several cores were busy: CPU-bound too.
func Classify(cpu, wall time.Duration) Kind {
	if wall <= 0 || 2*cpu >= wall {
		return CPUBound
	}
	return IOBound
}

// Exercise "How fast can it get?" (lesson 1, exercise 2): a program spends a
// fraction p of its serial run time in work that parallelises perfectly and
// the rest in work that does not. Amdahl is the reference solution.
//
// Amdahl returns the speedup on n workers by Amdahl's law,
// 1 / ((1-p) + p/n). With p = 0.9, 2 workers give 1.8x and no number of
// workers gives more than 10x. p is clamped to [0, 1] and n <= 0 is taken
// as 1.
func Amdahl(p float64, n int) Speedup {
	p = min(max(p, 0), 1)
	n = max(n, 1)
	return Speedup(1 / ((1 - p) + p/float64(n)))
}

// Speedup is how many times faster a run is than the serial one. It prints
// itself as "1.82x".
type Speedup float64

// String formats s with two decimals and an x, as "1.82x".
func (s Speedup) String() string { return fmt.Sprintf("%.2fx", float64(s)) }
