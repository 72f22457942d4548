// Package iobound holds the workloads of lesson 2, "I/O-bound work".
//
// It re-creates two examples of the source lessons in Go:
//
//   - the dummy database query (seed 000): a query that only waits, for as many
//     seconds as its argument says, then returns the argument squared. Run over
//     [Queries] one after the other it takes 1+8+1.5+2 = 12.5 s; two workers
//     take 8 s; the same queries in the order of [Reordered] take 9.5 s,
//     because the pool hands the 8 s query out last (load imbalance).
//   - the five long-running tasks (seed 003): sleeps of [TaskTimes] seconds,
//     17 s one after the other, 5 s all at once, finishing shortest first.
//
// Waiting is not computing: a goroutine that sleeps, like a Python thread that
// sleeps, lets the others run. So I/O-bound work speeds up with more workers
// even under a GIL (kit.GIL), and in Go goroutines are cheap enough to start one
// per request ([ManySleeps]).
//
// Every sleep goes through kit.Seconds, so KIT_SCALE=0.01 turns the lesson's
// seconds into hundredths. Durations that the functions print or return as
// float64 seconds ([PredictWall], the lines [LongTask] prints) stay in the
// source's unscaled seconds, so that they read the same at every scale.
package iobound

import (
	"fmt"
	"time"

	"parallelgo.dev/course/kit"
)

// Queries are the source's dummy database queries, in its first order: each
// number is how long the server takes to answer, in seconds.
var Queries = []float64{1, 8, 1.5, 2}

// Reordered are the same queries with the long one last. Two workers now need
// 9.5 s instead of 8 s: the order of the inputs decides who waits.
var Reordered = []float64{1, 1.5, 2, 8}

// TaskTimes are the run times, in seconds, of the five long-running tasks.
var TaskTimes = []float64{5, 2, 4, 1, 5}

// QueryDatabase pretends to ask a database server for a measurement: it waits
// x seconds (the server's work, scaled by KIT_SCALE) and returns x*x.
//
// It uses no CPU while it waits, which is what makes it I/O-bound.
func QueryDatabase(x float64) float64 {
	time.Sleep(kit.Seconds(x))
	return x * x
}

// LongTask is one of the long-running tasks: it waits the given number of
// seconds (scaled by KIT_SCALE), prints a line such as
//
//	task 3 done after 1s
//
// and returns id. The line names the source's unscaled seconds. Started all at
// once, the tasks print in the order they finish, shortest first.
func LongTask(id int, seconds float64) int {
	time.Sleep(kit.Seconds(seconds))
	// One Printf is one write, so lines from concurrent tasks never interleave.
	fmt.Printf("task %d done after %gs\n", id, seconds)
	return id
}

// ManySleeps starts n goroutines that each sleep for d, waits for all of them
// and returns the wall time. Ten thousand sleeps of one second take about one
// second: a goroutine costs a few kilobytes, not an OS thread, so starting one
// per waiting request is normal in Go.
func ManySleeps(n int, d time.Duration) time.Duration {
	start := time.Now()
	done := make(chan struct{})
	for range n {
		go func() {
			time.Sleep(d)
			done <- struct{}{}
		}()
	}
	for range n {
		<-done
	}
	return time.Since(start)
}
