package cluster

import (
	"testing"
	"time"

	"parallelgo.dev/course/kit"
)

// Benchmarks of the network path against Processes' pipes, on trivial tasks
// so that only the machinery is measured. Run with
//
//	go test -run '^$' -bench . -benchtime 3x ./kit/cluster/
var trivial = kit.Task("cluster-bench-trivial", func(x int) int { return x + 1 })

func inputs(n int) []int {
	xs := make([]int, n)
	for i := range xs {
		xs[i] = i
	}
	return xs
}

// benchMap reports, per run of n inputs, the time per input after start-up
// and the start-up itself.
func benchMap(b *testing.B, ex kit.Executor, n int) {
	xs := inputs(n)
	var work, startup time.Duration
	for b.Loop() {
		run := kit.Map(ex, trivial, xs)
		if run.Err != nil {
			b.Fatal(run.Err)
		}
		work += run.Timing.Wall - run.Startup
		startup += run.Startup
	}
	b.ReportMetric(float64(work.Microseconds())/float64(b.N*n), "us/input")
	b.ReportMetric(float64(n*b.N)/work.Seconds(), "inputs/s")
	b.ReportMetric(float64(startup.Milliseconds())/float64(b.N), "startup-ms")
}

func BenchmarkChunk1Local2(b *testing.B)      { benchMap(b, Local(2).WithChunk(1), 2000) }
func BenchmarkChunk1Processes2(b *testing.B)  { benchMap(b, kit.Processes(2).WithChunk(1), 2000) }
func BenchmarkTenThousandLocal2(b *testing.B) { benchMap(b, Local(2), 10000) }

// A started Local keeps its server: each run starts only its workers.
func BenchmarkTenThousandStartedLocal2(b *testing.B) {
	ex := Local(2).Start()
	defer ex.Close()
	benchMap(b, ex, 10000)
}
func BenchmarkTenThousandProcesses2(b *testing.B) { benchMap(b, kit.Processes(2), 10000) }

// BenchmarkFirstResultLocal2 is the time from the call to the first result,
// server and workers' start included.
func BenchmarkFirstResultLocal2(b *testing.B) {
	var first time.Duration
	for b.Loop() {
		start := time.Now()
		for _, r := range kit.MapUnordered(Local(2), trivial, []int{1}) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			first += time.Since(start)
		}
	}
	b.ReportMetric(float64(first.Microseconds())/1000/float64(b.N), "ms-to-first")
}
