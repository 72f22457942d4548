package kit_test

import (
	"fmt"
	"strings"

	"parallelgo.dev/course/kit"
)

func ExampleLostUpdates() {
	r := kit.LostUpdates(4, 1000)
	fmt.Println("expected:", r.Expected)
	fmt.Println("some updates lost:", r.Got < r.Expected)
	// Output:
	// expected: 4000
	// some updates lost: true
}

func ExampleCountWithMutex() {
	r := kit.CountWithMutex(4, 1000)
	fmt.Println(r.Name, r.Got, r.OK())
	// Output: sync.Mutex 4000 true
}

func ExampleCountWithAtomic() {
	r := kit.CountWithAtomic(4, 1000)
	fmt.Println(r.Name, r.Got, r.OK())
	// Output: sync/atomic Add 4000 true
}

func ExampleCountWithChannel() {
	r := kit.CountWithChannel(4, 1000)
	fmt.Println(r.Name, r.Got, r.OK())
	// Output: channel owner 4000 true
}

func ExampleCountWithSyncMap() {
	r := kit.CountWithSyncMap(4, 1000)
	fmt.Println(r.Name, r.Got, r.OK())
	// Output: sync.Map 4000 true
}

func ExampleRaceResult() {
	r := kit.RaceResult{Name: "unguarded", Workers: 2, Increments: 5, Expected: 10, Got: 7}
	fmt.Println(r.Lost(), r.OK())
	fmt.Println(r)
	// Output:
	// 3 false
	// unguarded        2 workers × 5: expected 10, got 7  LOST 3 (30.0%)  in 0 ns
}

func ExampleRaceResult_HTML() {
	r := kit.RaceResult{Name: "unguarded", Workers: 2, Increments: 5, Expected: 10, Got: 7}
	fmt.Println(strings.Contains(r.HTML(), `color:#D55E00;font-weight:bold">7</td>`))
	// Output: true
}

func ExampleRaceResults() {
	t := kit.RaceResults{kit.CountWithMutex(2, 10), kit.CountWithAtomic(2, 10)}
	for _, r := range t {
		fmt.Println(r.Name, r.Got)
	}
	fmt.Println(strings.Count(t.HTML(), "<tr>")) // the header and a row each
	// Output:
	// sync.Mutex 20
	// sync/atomic Add 20
	// 3
}

func ExampleRaceResults_String() {
	rs := kit.RaceResults{{Name: "a", Expected: 1, Got: 1}, {Name: "b", Expected: 2, Got: 1}}
	fmt.Println(len(strings.Split(rs.String(), "\n")))
	// Output: 2
}

func ExampleConcurrentMapWrites() {
	r := kit.ConcurrentMapWrites()
	fmt.Println(r.Crashed, r.ExitCode)
	fmt.Println(r.Fatal)
	// Output:
	// true 2
	// fatal error: concurrent map writes
}

// The outcome depends on the build: see [kit.Deadlock].
func ExampleDeadlock() {
	r := kit.Deadlock()
	fmt.Println(r.Crashed || r.Hung)
	// Output: true
}

func ExampleCrashResult() {
	r := kit.CrashResult{Demo: "concurrent map writes", Crashed: true, ExitCode: 2, Fatal: "fatal error: concurrent map writes"}
	fmt.Println(r)
	// Output:
	// concurrent map writes: the child process crashed after 0 ns (exit status 2): fatal error: concurrent map writes
	// this process survived.
}
