package cpubound_test

import (
	"fmt"
	"slices"

	"parallelgo.dev/course/lessons/cpubound"
)

func ExampleCrunchNumbers() {
	fmt.Println(cpubound.CrunchNumbers(1.5))
	// Output: 2.25
}

func ExampleCrunchUnit() {
	fmt.Printf("one unit of x is %.0e steps, %gx the source's 1e7\n",
		float64(cpubound.CrunchUnit), cpubound.CrunchUnit/1e7)
	// Output: one unit of x is 1e+09 steps, 100x the source's 1e7
}

func ExampleQueries() {
	var results []float64
	for _, x := range cpubound.Queries {
		results = append(results, cpubound.CrunchNumbers(x))
	}
	fmt.Println(results)
	// Output: [1 64 2.25 4]
}

func ExampleReordered() {
	var results []float64
	for _, x := range cpubound.Reordered {
		results = append(results, cpubound.CrunchNumbers(x))
	}
	fmt.Println(results)
	// Output: [1 2.25 4 64]
}

func ExampleLongCompN() {
	for i := range 4 {
		fmt.Println(i, cpubound.LongCompN(i, cpubound.LongCompSteps))
	}
	// Output:
	// 0 2236.5678097446853
	// 1 2236.5678097446853
	// 2 2236.5678097446853
	// 3 2236.5678097446853
}

func ExampleLongComp() {
	// LongComp runs a KIT_SCALE share of the 5,000,000 steps, so its value
	// depends on the scale; every i still lands on the same number.
	fmt.Println(cpubound.LongComp(0) == cpubound.LongComp(3))
	// Output: true
}

func ExampleLongCompSteps() {
	fmt.Println(cpubound.LongCompSteps)
	// Output: 5000000
}

func ExampleSumRange() {
	fmt.Println(cpubound.SumRange(10), cpubound.SumRange(10_000_000))
	// Output: 45 49999995000000
}

func ExampleJobs() {
	// The tests run at KIT_SCALE=0.01: each job is a hundredth of 1e7.
	jobs := cpubound.Jobs(cpubound.JobCount, cpubound.JobSize)
	fmt.Println(len(jobs), "jobs of", jobs[0])
	// Output: 64 jobs of 100000
}

func ExampleJobCount() {
	fmt.Println(cpubound.JobCount, "jobs of range", cpubound.JobSize)
	// Output: 64 jobs of range 10000000
}

func ExampleRandomRows() {
	for _, row := range cpubound.RandomRows(3, cpubound.Width, 1) {
		fmt.Println(row)
	}
	// Output:
	// [11 1 14 0 14]
	// [11 16 11 6 2]
	// [9 1 19 3 17]
}

func ExampleRows() {
	fmt.Printf("%d x %d values from 0 to %d\n", cpubound.Rows, cpubound.Width, cpubound.High-1)
	// Output: 20000 x 5 values from 0 to 19
}

func ExampleLoopInputs() {
	a, b := cpubound.LoopInputs(1)
	// 2,000 rows each at the tests' KIT_SCALE=0.01, 20,000 at full size.
	fmt.Println(len(a), len(b))
	// Output: 2000 2000
}

func ExampleCountMatches() {
	a := [][]int{{1, 2}, {3, 4}, {5, 6}}
	b := [][]int{{1, 2}, {3, 4}, {1, 2}, {4, 3}}
	fmt.Println(cpubound.CountMatches(a, b))
	// Output: [2 1 0]
}

func ExampleCountMatchesParallel() {
	a, b := cpubound.LoopInputs(1)
	out1 := cpubound.CountMatches(a, b)
	out2 := cpubound.CountMatchesParallel(a, b, 4)
	fmt.Println("Lists agree?", slices.Equal(out1, out2))
	// Output: Lists agree? true
}

func ExampleSumRangeParallel() {
	fmt.Println(cpubound.SumRangeParallel(10_000_000, 4) == cpubound.SumRange(10_000_000))
	// Output: true
}
