package kit

// Races: the demonstrations of lesson 8, each one call from a notebook cell.
//
// The source lessons only name race conditions as a danger ("it is very easy to
// create race conditions where two threads try to ... modify the same memory
// object"). In Go they are not hypothetical: goroutines run truly in parallel,
// so an unguarded counter loses updates, and two goroutines writing one map
// crash the whole program. The functions here show both, reliably, and the
// fixes next to them with their cost.

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"parallelgo.dev/course/kit/internal/proc"
)

// RaceResult is the outcome of one counting demo: how many increments the
// workers made (Expected) and how many the counter holds at the end (Got).
type RaceResult struct {
	Name       string        // the method, e.g. "unguarded" or "sync.Mutex"
	Workers    int           // goroutines that incremented
	Increments int           // increments per goroutine
	Expected   int64         // Workers × Increments
	Got        int64         // what the counter held at the end
	Wall       time.Duration // wall-clock time of the whole demo
}

// Lost is how many updates vanished: Expected - Got.
func (r RaceResult) Lost() int64 { return r.Expected - r.Got }

// OK reports whether no update was lost.
func (r RaceResult) OK() bool { return r.Got == r.Expected }

// String is one line: method, expected, got, lost and time.
func (r RaceResult) String() string {
	verdict := "ok"
	if !r.OK() {
		verdict = fmt.Sprintf("LOST %d (%.1f%%)", r.Lost(), 100*float64(r.Lost())/float64(max(r.Expected, 1)))
	}
	return fmt.Sprintf("%-16s %d workers × %d: expected %d, got %d  %s  in %v",
		r.Name, r.Workers, r.Increments, r.Expected, r.Got, verdict, FormatDuration(r.Wall))
}

// HTML is a one-row table, the count in the warning colour when updates
// were lost.
func (r RaceResult) HTML() string { return RaceResults{r}.HTML() }

// RaceResults is several results shown as one table, e.g. the broken counter
// next to its three fixes:
//
//	kit.Show(kit.RaceResults{kit.LostUpdates(4, 1000), kit.CountWithMutex(4, 1000)})
type RaceResults []RaceResult

// String is one line per result.
func (rs RaceResults) String() string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = r.String()
	}
	return strings.Join(lines, "\n")
}

// HTML is a table with one row per result.
func (rs RaceResults) HTML() string {
	t := Table{Header: []string{"method", "workers × increments", "expected", "got", "lost", "wall time"}}
	for _, r := range rs {
		got, lost := any(r.Got), any(r.Lost())
		if !r.OK() {
			got, lost = tableWarn(got), tableWarn(lost)
		}
		t.Row(r.Name, fmt.Sprintf("%d × %d", r.Workers, r.Increments), r.Expected, got, lost, r.Wall)
	}
	return t.HTML()
}

// runCounting starts workers goroutines, releases them together, lets each
// call inc increments times and waits for all of them. The start barrier
// matters: without it the first goroutine could finish before the last one is
// even created, and there would be no overlap to see.
func runCounting(name string, workers, increments int, inc func(), read func() int64) RaceResult {
	workers, increments = max(workers, 1), max(increments, 0)
	start := time.Now()
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for range workers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			for range increments {
				inc()
			}
		}()
	}
	ready.Wait()
	close(gate)
	done.Wait()
	return RaceResult{
		Name: name, Workers: workers, Increments: increments,
		Expected: int64(workers) * int64(increments), Got: read(), Wall: time.Since(start),
	}
}

// LostUpdates has workers goroutines each add 1 to a shared, unguarded counter
// increments times, and reports how many of the additions survived.
//
// counter++ is three steps: read the counter, add one, write it back. When two
// goroutines both read 41, both write 42, and one increment is lost. With a
// plain counter++ the window between the read and the write is a nanosecond or
// so, which makes the loss depend on luck, on the number of cores and on what
// the compiler did (it may keep the counter in a register for the whole loop).
// To show the effect every time, each increment here reads the counter, then
// yields the processor with runtime.Gosched, then writes back what it read
// plus one. Every other goroutine gets to run inside that window, on one core
// as on many, so with 2 or more workers and 2 or more increments updates are
// lost on every run in practice (the scheduler could in principle run the
// goroutines one after the other, so a test should allow a retry).
//
// The read and the write are sync/atomic Load and Store, deliberately. Each
// access on its own is then well-defined, so this is a race condition (a
// logic bug: read-modify-write without holding anything) but not a data race
// in the memory-model sense, and the program keeps working under the race
// detector, which would otherwise stop a `go test -race` run with exit status
// 66. Lesson 8 shows the real data race, a plain counter++ in a cell, caught by
// the detector with %goflags -race. Atomic loads and stores do not make the
// increment atomic: only [CountWithAtomic]'s Add (or a lock) does.
func LostUpdates(workers, increments int) RaceResult {
	var counter atomic.Int64
	return runCounting("unguarded", workers, increments, func() {
		v := counter.Load()  // read
		runtime.Gosched()    // let the others run between the read and the write
		counter.Store(v + 1) // write back: overwrites whatever they did meanwhile
	}, counter.Load)
}

// CountWithMutex is [LostUpdates] fixed with a sync.Mutex held from the read to
// the write (the same Gosched inside, so the comparison is fair): the count is
// always right.
func CountWithMutex(workers, increments int) RaceResult {
	var mu sync.Mutex
	var counter int64
	return runCounting("sync.Mutex", workers, increments, func() {
		mu.Lock()
		v := counter
		runtime.Gosched()
		counter = v + 1
		mu.Unlock()
	}, func() int64 {
		mu.Lock()
		defer mu.Unlock()
		return counter
	})
}

// CountWithAtomic is [LostUpdates] fixed with one atomic read-modify-write,
// atomic.Int64.Add: the hardware does the read, add and write as one step, so
// there is no window to yield in. The count is always right.
//
// It is not necessarily the fastest of the fixes here: every demo yields once
// per increment, and the yields cost far more than the update. With the
// atomic add all workers are always ready to run, so every yield switches
// goroutines; with [CountWithMutex] the waiting workers are parked and a
// yield often returns at once, and measured runs have had the Mutex ahead.
// Without the yield, one atomic add costs less than taking and releasing a
// lock, which lesson 8 measures next to this table.
func CountWithAtomic(workers, increments int) RaceResult {
	var counter atomic.Int64
	return runCounting("sync/atomic Add", workers, increments, func() {
		counter.Add(1)
		runtime.Gosched() // same yield as the others, outside the update
	}, counter.Load)
}

// CountWithChannel is [LostUpdates] fixed by sharing memory by communicating:
// one goroutine owns the counter and the workers send it their increments on a
// channel. Nobody else touches the counter, so nothing is lost. It is the
// slowest fix for a counter, and the most general (the owner can keep any
// state, not just a number).
func CountWithChannel(workers, increments int) RaceResult {
	incs := make(chan int64, 64)
	total := make(chan int64)
	go func() { // the owner
		var counter int64
		for d := range incs {
			counter += d
		}
		total <- counter
	}()
	var got int64
	r := runCounting("channel owner", workers, increments, func() {
		runtime.Gosched()
		incs <- 1
	}, func() int64 {
		close(incs)
		got = <-total
		return got
	})
	return r
}

// CountWithSyncMap is the map version of the fix: workers goroutines each store
// increments distinct keys into one sync.Map, and Got is the number of keys
// found at the end. The same writes into a plain map crash the program (see
// [ConcurrentMapWrites]); a map guarded by a sync.Mutex works too. sync.Map
// suits keys written once and read many times; for anything else a
// mutex-guarded map is simpler and usually faster.
func CountWithSyncMap(workers, increments int) RaceResult {
	var m sync.Map
	var next atomic.Int64
	return runCounting("sync.Map", workers, increments, func() {
		m.Store(next.Add(1), true)
	}, func() int64 {
		var n int64
		m.Range(func(any, any) bool { n++; return true })
		return n
	})
}

// CrashResult is what a demo that kills (or hangs) its process did: it ran in
// a child process (a copy of this program), so the notebook survives to show it.
type CrashResult struct {
	Demo     string        // what the child did, e.g. "concurrent map writes"
	Crashed  bool          // the child died with a Go runtime fatal error
	Hung     bool          // the child hung (a deadlock the runtime did not detect) and was stopped with SIGQUIT
	ExitCode int           // the child's exit status (a Go fatal error exits with 2)
	Fatal    string        // the runtime's "fatal error: ..." line
	Blocked  []string      // for a hang: the goroutines of the dump that wait in package sync
	Stderr   string        // the start of what the child wrote to standard error
	Wall     time.Duration // how long the child lived
	Err      error         // the child could not be started, or did nothing expected in time
}

// String says whether the child crashed or hung, and how.
func (c CrashResult) String() string {
	switch {
	case c.Err != nil:
		return fmt.Sprintf("%s: %v", c.Demo, c.Err)
	case c.Crashed:
		return fmt.Sprintf("%s: the child process crashed after %v (exit status %d): %s\nthis process survived.",
			c.Demo, FormatDuration(c.Wall), c.ExitCode, c.Fatal)
	case c.Hung:
		return fmt.Sprintf("%s: the child process hung; stopped after %v with SIGQUIT, its goroutines were:\n  %s\n%s\nthis process survived.",
			c.Demo, FormatDuration(c.Wall), strings.Join(c.Blocked, "\n  "), cgoNote)
	default:
		return fmt.Sprintf("%s: the child exited with status %d and no fatal error", c.Demo, c.ExitCode)
	}
}

// cgoNote explains a hung deadlock demo.
const cgoNote = "The runtime's deadlock detector is off in programs linked with cgo (golang.org/issue/25538):\n" +
	"this one is (every -race build is; so is a program whose os/user or net lookups use C, unless built\n" +
	"with -tags=netgo,osusergo, as the course builds notebook cells), so the deadlock hangs instead of\n" +
	"ending with \"fatal error: all goroutines are asleep - deadlock!\". Without cgo it ends with that error."

// HTML shows the verdict, the fatal error in red and the start of the
// child's standard error.
func (c CrashResult) HTML() string {
	t := Table{Align: "ll"}
	t.Row("demo", c.Demo)
	if c.Err != nil {
		t.Row("error", tableWarn(c.Err.Error()))
	}
	t.Row("exit status", c.ExitCode)
	if c.Fatal != "" {
		t.Row("child said", tableWarn(c.Fatal))
	}
	if c.Hung {
		t.Row("child hung", tableWarn(strings.Join(c.Blocked, "\n")))
		t.Row("why no fatal error", strings.ReplaceAll(cgoNote, "\n", " "))
	}
	t.Row("child lived", c.Wall)
	t.Row("this process", "survived")
	var b strings.Builder
	b.WriteString(t.HTML())
	if c.Stderr != "" {
		fmt.Fprintf(&b, `<details><summary>child's standard error</summary><pre>%s</pre></details>`, html.EscapeString(c.Stderr))
	}
	return b.String()
}

// demoEnv names the environment variable that makes a program built with kit
// run one crashing demo in its init function instead of its main: kit sets
// it for the child processes of [ConcurrentMapWrites] and [Deadlock].
const demoEnv = "KIT_DEMO"

const (
	demoMapWrites = "mapwrites"
	demoDeadlock  = "deadlock"
)

// demoTimeout bounds a child that does not crash; it is generous because the
// map crash normally comes within milliseconds.
const demoTimeout = 30 * time.Second

func init() {
	if d := os.Getenv(demoEnv); d != "" {
		runDemoChild(d) // never returns
	}
}

// runDemoChild is the child side: it does what it was asked and lets the Go
// runtime kill it.
func runDemoChild(demo string) {
	switch demo {
	case demoMapWrites:
		// Two or more threads, even on a one-core machine, so that a write can
		// be caught half-done by another; the runtime notices within moments.
		runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 2))
		time.AfterFunc(demoTimeout/2, func() {
			fmt.Fprintln(os.Stderr, "kit: no crash after", FormatDuration(demoTimeout/2))
			os.Exit(3)
		})
		m := map[int]int{}
		for w := range 4 {
			go func() {
				for i := 0; ; i++ {
					m[i%1000] = w // unguarded writes from four goroutines
				}
			}()
		}
		select {} // the crash ends the process
	case demoDeadlock:
		// The classic: two goroutines take two locks in opposite orders. Each
		// holds one and waits for the other, forever; main waits for both. No
		// timer may be pending here, or the runtime would wait for it instead
		// of declaring the deadlock.
		var a, b sync.Mutex
		var holding, done sync.WaitGroup
		holding.Add(2)
		done.Add(2)
		go func() {
			defer done.Done()
			a.Lock()
			holding.Done()
			holding.Wait() // the other goroutine now holds b
			b.Lock()
		}()
		go func() {
			defer done.Done()
			b.Lock()
			holding.Done()
			holding.Wait() // the other goroutine now holds a
			a.Lock()
		}()
		done.Wait()
		os.Exit(0) // not reached
	default:
		fmt.Fprintf(os.Stderr, "kit: unknown %s=%q\n", demoEnv, demo)
		os.Exit(2)
	}
}

// ConcurrentMapWrites shows that a Go program dies when goroutines write one
// plain map at the same time: "fatal error: concurrent map writes". It cannot
// be recovered: it is not a panic, the runtime stops the whole process. So the
// demo runs in a child process (this program, re-executed with KIT_DEMO set)
// and the result reports the child's exit status and its fatal error; the
// notebook's own process carries on.
//
// Python's dict, guarded by the GIL, never crashes this way; Go chose to crash
// loudly rather than corrupt the map silently. The fixes: a sync.Mutex around
// the map, or a sync.Map ([CountWithSyncMap]).
func ConcurrentMapWrites() CrashResult { return runDemo("concurrent map writes", demoMapWrites, 0) }

// Deadlock shows two goroutines that take two mutexes in opposite orders and
// wait for each other forever, while main waits for both. It runs in a child
// process like [ConcurrentMapWrites]. The fix is to take locks in one fixed
// order everywhere.
//
// What the child does next depends on how this program was built, and the
// result says which happened. A pure-Go program ends at once with "fatal
// error: all goroutines are asleep - deadlock!": the runtime noticed that no
// goroutine can ever run again. So does a notebook cell, which the course's
// kernel builds as pure Go. A program linked with cgo, as any -race build is,
// has that detector switched off and simply hangs; after a short wait kit
// sends the child SIGQUIT, which makes the Go runtime print every goroutine
// and where it waits, and reports those. Either way the lesson is the same: the detector is
// a last resort that sees only total deadlocks of simple programs; a server
// with one goroutine still alive hangs silently.
func Deadlock() CrashResult { return runDemo("deadlock", demoDeadlock, deadlockWait) }

// deadlockWait is how long a deadlocked child may hang before kit stops it: the
// detector, when it is on, fires within milliseconds.
const deadlockWait = 2 * time.Second

// maxStderr bounds what a CrashResult keeps of the child's standard error.
const maxStderr = 4 << 10

// runDemo runs demo in a child process. If hangAfter > 0 and the child is still
// alive then, it is sent SIGQUIT and the result marked Hung.
func runDemo(title, demo string, hangAfter time.Duration) CrashResult {
	res := CrashResult{Demo: title}
	// GORACE is pinned so that, in a binary built with -race, the detector
	// reports the race and lets the runtime's own crash happen; GOTRACEBACK
	// so that a dump lists every goroutine, runtime ones excluded.
	cmd, err := proc.Self(demoEnv+"="+demo, "GORACE=halt_on_error=0", "GOTRACEBACK=all")
	if err != nil {
		res.Err = err
		return res
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// stdout stays unconnected: the child prints nothing there, and the
	// notebook's output must not receive a stray line from it.
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.Err = err
		return res
	}
	var timedOut atomic.Bool
	limit := time.AfterFunc(demoTimeout, func() {
		timedOut.Store(true)
		_ = cmd.Process.Kill()
	})
	defer limit.Stop()
	var hung atomic.Bool
	if hangAfter > 0 {
		t := time.AfterFunc(hangAfter, func() {
			hung.Store(true)
			_ = cmd.Process.Signal(proc.QuitSignal)
		})
		defer t.Stop()
	}
	err = cmd.Wait()
	res.Wall = time.Since(start)
	out := stderr.String()
	res.Stderr = out
	if len(res.Stderr) > maxStderr {
		res.Stderr = res.Stderr[:maxStderr] + "\n…"
	}
	res.Fatal = strings.TrimSpace(fatalErrorLine(out))
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		// "goroutine 7 [sync.Mutex.Lock]:" in a SIGQUIT dump.
		if strings.HasPrefix(line, "goroutine ") && strings.Contains(line, "[sync.") {
			id, _, _ := strings.Cut(strings.TrimPrefix(line, "goroutine "), " ")
			state := line[strings.Index(line, "["):]
			res.Blocked = append(res.Blocked, "goroutine "+id+" "+strings.TrimSuffix(state, ":"))
		}
	}
	res.ExitCode = cmd.ProcessState.ExitCode()
	var exit *exec.ExitError
	switch {
	case timedOut.Load():
		res.Err = fmt.Errorf("the child did nothing expected within %s", FormatDuration(demoTimeout))
	case err != nil && !errors.As(err, &exit):
		res.Err = err
	case hung.Load() && res.Fatal == "":
		res.Hung = true
	}
	if !res.Hung {
		res.Blocked = nil
	}
	res.Crashed = res.Err == nil && !res.Hung && res.Fatal != "" && res.ExitCode != 0
	return res
}
