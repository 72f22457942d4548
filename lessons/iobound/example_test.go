package iobound_test

import (
	"fmt"
	"slices"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/lessons/iobound"
)

func ExampleQueryDatabase() {
	fmt.Println(iobound.QueryDatabase(1.5))
	// Output: 2.25
}

func ExampleQueries() {
	var results []float64
	for _, x := range iobound.Queries {
		results = append(results, iobound.QueryDatabase(x))
	}
	fmt.Println(results)
	// Output: [1 64 2.25 4]
}

func ExampleReordered() {
	fmt.Println(iobound.Reordered, "on 2 workers:", iobound.PredictWall(iobound.Reordered, 2, 1), "s")
	// Output: [1 1.5 2 8] on 2 workers: 9.5 s
}

func ExampleTaskTimes() {
	fmt.Println(iobound.TaskTimes, "one after the other:", iobound.PredictWall(iobound.TaskTimes, 1, 1), "s")
	// Output: [5 2 4 1 5] one after the other: 17 s
}

func ExampleLongTask() {
	for id, s := range iobound.TaskTimes {
		iobound.LongTask(id, s)
	}
	// Output:
	// task 0 done after 5s
	// task 1 done after 2s
	// task 2 done after 4s
	// task 3 done after 1s
	// task 4 done after 5s
}

func ExampleManySleeps() {
	wall := iobound.ManySleeps(10_000, kit.Seconds(1))
	fmt.Println("10,000 sleeps took at least one sleep:", wall >= kit.Seconds(1))
	// Output: 10,000 sleeps took at least one sleep: true
}

func ExamplePredictWall() {
	fmt.Println(iobound.PredictWall(iobound.Queries, 2, 1))
	fmt.Println(iobound.PredictWall(iobound.Reordered, 2, 1))
	// Output:
	// 8
	// 9.5
}

func ExamplePythonChunk() {
	fmt.Println(iobound.PythonChunk(4, 2), iobound.PythonChunk(64, 4))
	// Output: 1 4
}

func ExampleLongestFirst() {
	xs := iobound.LongestFirst(iobound.Reordered)
	fmt.Println(xs, iobound.PredictWall(xs, 2, 1))
	// Output: [8 2 1.5 1] 8
}

func ExampleWorkersFor() {
	longest := slices.Max(iobound.TaskTimes)
	fmt.Println("in the given order:", iobound.WorkersFor(iobound.TaskTimes, longest))
	fmt.Println("longest first:     ", iobound.WorkersFor(iobound.LongestFirst(iobound.TaskTimes), longest))
	// Output:
	// in the given order: 5
	// longest first:      4
}
