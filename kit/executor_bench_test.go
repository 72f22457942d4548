package kit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Benchmarks for the executors' costs and the lessons' claims. Run them
// one at a time on an idle machine, e.g.
//
//	go test -run xxx -bench 'Overhead|Baseline' ./kit
//	go test -run xxx -bench 'Processes' ./kit
//	go test -run xxx -bench 'CPUBound|Sleeps' -benchtime 5x ./kit
//	go test -run xxx -bench Python -benchtime 1x -v ./kit

var (
	identityTask = Task("bench-identity", func(x int) int { return x })
	// crunchTask is CPU-bound work: about 20 ms for an input of 20_000_000
	// on this project's machines.
	crunchTask = Task("bench-crunch", func(n int) int {
		s := 0
		for i := range n {
			s += i * i % 7
		}
		return s
	})
)

const trivialInputs = 10_000

// BenchmarkThreadsOverhead is Map with Threads(2) on 10,000 inputs that do
// nothing: the cost of the pool, its chunks, its trace and its recovers.
func BenchmarkThreadsOverhead(b *testing.B) {
	xs := inputs(trivialInputs)
	for b.Loop() {
		if r := Map(Threads(2), identityTask, xs); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*trivialInputs), "ns/input")
}

// BenchmarkWaitGroupBaseline is the same work as a learner would write it
// by hand: a goroutine per input and a sync.WaitGroup.
func BenchmarkWaitGroupBaseline(b *testing.B) {
	xs := inputs(trivialInputs)
	f := identityTask.f
	for b.Loop() {
		results := make([]int, len(xs))
		var wg sync.WaitGroup
		for i, x := range xs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = f(x)
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*trivialInputs), "ns/input")
}

// BenchmarkProcessesStartup is a Processes(2) run of two trivial inputs; the
// startup-ms metric is the time until both workers reported ready.
func BenchmarkProcessesStartup(b *testing.B) {
	var startup time.Duration
	for b.Loop() {
		r := Map(Processes(2), identityTask, []int{1, 2})
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		startup += r.Startup
	}
	b.ReportMetric(float64(startup.Microseconds())/1000/float64(b.N), "startup-ms")
}

// BenchmarkProcessesRoundTrip is the cost per input of sending it to a
// worker process and its result back, one at a time and in Pool.map's
// chunks. Like Python's pool.map on a pool already started, it counts from
// the first input handed out to the last result in: the run's Trace.
func BenchmarkProcessesRoundTrip(b *testing.B) {
	xs := inputs(2000)
	for _, ex := range []Executor{Processes(2).WithChunk(1), Processes(2)} {
		b.Run(ex.String(), func(b *testing.B) {
			var work time.Duration
			for b.Loop() {
				work += roundTrip(b, ex, xs)
			}
			b.ReportMetric(float64(work.Nanoseconds())/float64(b.N*len(xs)), "ns/input")
		})
	}
}

// roundTrip is the time a Map of the identity on xs took, start-up and
// shutdown of the workers left out.
func roundTrip(b *testing.B, ex Executor, xs []int) time.Duration {
	r := Map(ex, identityTask, xs)
	if r.Err != nil {
		b.Fatal(r.Err)
	}
	return r.Trace.Total()
}

// BenchmarkCPUBound runs the same CPU-bound inputs on each executor and
// reports each one's speedup over Serial measured in the same iteration.
func BenchmarkCPUBound(b *testing.B) {
	xs := []int{20_000_000, 20_000_000, 20_000_000, 20_000_000, 20_000_000, 20_000_000, 20_000_000, 20_000_000}
	exs := []Executor{Serial(), Threads(2), GIL(2), Processes(2)}
	walls := make([]time.Duration, len(exs))
	for b.Loop() {
		for k, ex := range exs {
			r := Map(ex, crunchTask, xs)
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			walls[k] += r.Timing.Wall
		}
	}
	for k, ex := range exs[1:] {
		b.ReportMetric(float64(walls[0])/float64(walls[k+1]), strings.ToLower(strings.TrimSuffix(ex.String(), "(2)"))+"-speedup")
	}
}

// BenchmarkSleeps compares GIL(2) with Threads(2) on sleeps, where the GIL
// does not matter: the ratio should be about 1.
func BenchmarkSleeps(b *testing.B) {
	xs := []int{20, 20, 20, 20, 20, 20}
	var gilWall, threadsWall time.Duration
	for b.Loop() {
		gilWall += Map(GIL(2), sleepTask, xs).Timing.Wall
		threadsWall += Map(Threads(2), sleepTask, xs).Timing.Wall
	}
	b.ReportMetric(float64(gilWall)/float64(threadsWall), "gil/threads")
}

// BenchmarkPythonPool runs testdata/pool_bench.py, the same measures with
// Python's multiprocessing (fork and spawn), and reports how many times
// faster kit is: start-up, then the cost per input at chunk size 1 and at
// each side's default chunks (the same rule). It skips when python3 is
// missing.
func BenchmarkPythonPool(b *testing.B) {
	py, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("python3 not found")
	}
	script, _ := filepath.Abs(filepath.Join("testdata", "pool_bench.py"))
	xs := inputs(2000)
	// Start-up: the mean of five; per input, the best of five, as the
	// script measures Python's.
	const reps = 5
	var startup, chunk1, chunkDefault time.Duration
	for k := range reps {
		r := Map(Processes(2), identityTask, xs[:2])
		startup += r.Startup
		one, dflt := roundTrip(b, Processes(2).WithChunk(1), xs), roundTrip(b, Processes(2), xs)
		if k == 0 || one < chunk1 {
			chunk1 = one
		}
		if k == 0 || dflt < chunkDefault {
			chunkDefault = dflt
		}
	}
	goStartupMs := float64(startup.Microseconds()) / 1000 / reps
	perInputUs := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 / float64(len(xs)) }
	goChunk1Us, goDefaultUs := perInputUs(chunk1), perInputUs(chunkDefault)
	for b.Loop() {
		out, err := exec.Command(py, script, strconv.Itoa(len(xs))).Output()
		if err != nil {
			b.Skipf("%s failed: %v", script, err)
		}
		// Lines: "<method> startup-ms <x> roundtrip-us <y> default-us <z> apply-us <a>"
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			if len(f) < 7 {
				continue
			}
			pyStartup, _ := strconv.ParseFloat(f[2], 64)
			pyChunk1, _ := strconv.ParseFloat(f[4], 64)
			pyDefault, _ := strconv.ParseFloat(f[6], 64)
			b.Logf("%-5s start-up: Python %5.1f ms, Go %4.1f ms (%4.1fx faster); per input at chunk 1: Python %5.1f µs, Go %5.2f µs (%4.1fx); "+
				"at the default chunks: Python %5.2f µs, Go %5.2f µs (%4.1fx)",
				f[0], pyStartup, goStartupMs, pyStartup/goStartupMs, pyChunk1, goChunk1Us, pyChunk1/goChunk1Us,
				pyDefault, goDefaultUs, pyDefault/goDefaultUs)
			b.ReportMetric(pyStartup/goStartupMs, f[0]+"-startup-x")
			b.ReportMetric(pyChunk1/goChunk1Us, f[0]+"-chunk1-x")
			b.ReportMetric(pyDefault/goDefaultUs, f[0]+"-default-x")
		}
	}
	_ = os.Stdout.Sync()
}

// BenchmarkSubmitRoundTrip is one Submit and its Get on a started
// Processes(2), one after another, as make bench's submit_roundtrip_us:
// the cost of a call to a worker process and its answer back.
func BenchmarkSubmitRoundTrip(b *testing.B) {
	ex := Processes(2).Start()
	defer ex.Close()
	for i := range 100 { // both workers have compiled their gob streams
		if _, err := Submit(ex, identityTask, i).Get(); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		if v, err := Submit(ex, identityTask, i).Get(); err != nil || v != i {
			b.Fatal(v, err)
		}
		i++
	}
}
