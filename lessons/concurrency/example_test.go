package concurrency_test

import (
	"fmt"
	"time"

	"parallelgo.dev/course/lessons/concurrency"
)

func ExampleNumbers() {
	fmt.Println(concurrency.Numbers(5))
	// Output: [1 2 3 4 5]
}

func ExampleSumSplit() {
	fmt.Println(concurrency.SumSplit(concurrency.Numbers(100_000), 4))
	// Output: 5000050000
}

func ExampleSumShared() {
	fmt.Println(concurrency.SumShared(concurrency.Numbers(100_000), 4))
	// Output: 5000050000
}

func ExampleSumMessages() {
	fmt.Println(concurrency.SumMessages(concurrency.Numbers(100_000), 4))
	// Output: 5000050000
}

func ExampleClassify() {
	// The source's %%time figures: four database queries, then four simulations.
	fmt.Println(concurrency.Classify(2500*time.Microsecond, 12500*time.Millisecond))
	fmt.Println(concurrency.Classify(9900*time.Millisecond, 9900*time.Millisecond))
	// Output:
	// I/O-bound
	// CPU-bound
}

func ExampleKind() {
	fmt.Println(concurrency.CPUBound, "and", concurrency.IOBound)
	// Output: CPU-bound and I/O-bound
}

func ExampleAmdahl() {
	for _, n := range []int{1, 2, 4, 1000} {
		fmt.Println(n, "workers:", concurrency.Amdahl(0.9, n))
	}
	// Output:
	// 1 workers: 1.00x
	// 2 workers: 1.82x
	// 4 workers: 3.08x
	// 1000 workers: 9.91x
}

func ExampleSpeedup() {
	fmt.Println(concurrency.Speedup(9.9 / 6.74)) // the source's process pool
	// Output: 1.47x
}
