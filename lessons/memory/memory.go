// Package memory holds the workloads of lesson 4, "Memory: shared vs
// separate".
//
// It re-creates the source's demonstration (seed 004) that threads share
// memory and processes do not: [LongIO] (two seconds of waiting) and
// [LongComp] (a 5,000,000-step computation) each write their result into a
// results map passed to them. Run in goroutines, like Python threads, they
// fill the caller's map; run in child processes (kit.Processes, like
// multiprocessing.Pool) they fill a copy that lives and dies in the child, and
// the caller's map stays empty. The results come back only as return values,
// as they do from apply_async(...).get().
//
// It also measures what a worker costs in memory (seed 003: processes copy
// the parent's memory, threads share it): [GoroutineCost] for a goroutine,
// [RSS] for a whole process, and [BigInput] builds a large input whose
// copying to a child process the lesson times.
package memory

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/lessons/cpubound"
)

// Progress receives the "function 0 started at ..." lines that LongIO and
// LongComp print, so that a cell shows when each one ran. It is standard
// output unless set otherwise; set it to io.Discard to silence them.
var Progress io.Writer = os.Stdout

// resultsMu guards every write that LongIO and LongComp make into a results
// map, whichever map it is.
//
// A Python dict survives concurrent writes because the GIL lets one thread
// at a time touch it. A Go map has no such protection: two goroutines writing
// to one map at the same time can corrupt it, so the runtime checks for it and
// stops the whole program with "fatal error: concurrent map writes", an error
// that recover cannot catch. The lock makes the writes take turns. The caller
// reads the map only after all the goroutines are done (after wg.Wait), which
// orders those reads after every write.
var resultsMu sync.Mutex

func progress(format string, args ...any) {
	fmt.Fprintf(Progress, format, args...)
}

func now() string { return time.Now().Format("15:04:05.000") }

// LongIO stands for slow input or output (a file, the network, a user): it
// waits two seconds (scaled by KIT_SCALE), stores i*2 in res[i] and returns
// i*2. It prints when it starts and when it finishes.
//
// Four of them in four goroutines take two seconds, not eight, and fill res.
func LongIO(i int, res map[int]int) int {
	progress("function %d started at %s\n", i, now())
	time.Sleep(kit.Seconds(2))
	r := i * 2
	resultsMu.Lock()
	res[i] = r
	resultsMu.Unlock()
	progress("function %d finished at %s\n", i, now())
	return r
}

// LongComp is the source's heavy computation, cpubound.LongComp, with the
// side effect of storing its result in res[i]. It prints when it starts and
// when it finishes.
//
// In Go, four of them in four goroutines run on four cores at once; under
// kit.GIL, as in CPython threads, they take turns and need four times as long.
func LongComp(i int, res map[int]float64) float64 {
	progress("function %d started at %s\n", i, now())
	x := cpubound.LongComp(i)
	resultsMu.Lock()
	res[i] = x
	resultsMu.Unlock()
	progress("function %d finished at %s\n", i, now())
	return x
}
