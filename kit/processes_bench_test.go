package kit

import (
	"testing"
)

// Benchmarks of Processes' data path, for the figures make bench takes
// (bench_json_test.go, scale_bench_test.go), one piece at a time:
//
//	go test -run '^$' -bench 'StartedMap|Processes1e6' -count 5 ./kit

// BenchmarkStartedMap is a Map of the identity on a started Processes(2),
// warmed by two maps, as TestBenchJSON measures it: Tiny (10 inputs) is
// the fixed cost of a Map, Default and Chunk1 the cost per input of 2,000.
func BenchmarkStartedMap(b *testing.B) {
	pool := Processes(2).Start()
	defer pool.Close()
	for _, c := range []struct {
		name string
		ex   Executor
		n    int
	}{
		{"Tiny", pool, 10},
		{"Default", pool, 2000},
		{"Chunk1", pool.WithChunk(1), 2000},
	} {
		b.Run(c.name, func(b *testing.B) {
			xs := inputs(c.n)
			for range 2 {
				Map(c.ex, identityTask, xs)
			}
			for b.Loop() {
				if r := Map(c.ex, identityTask, xs); r.Err != nil {
					b.Fatal(r.Err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/float64(b.N*c.n), "us/input")
		})
	}
}

// BenchmarkProcesses1e6 is the scale benchmark's Processes(2) run of a
// million ints, start-up and shutdown included.
func BenchmarkProcesses1e6(b *testing.B) {
	xs := inputs(1_000_000)
	Map(Processes(2), incTask, xs[:1000])
	for b.Loop() {
		if r := Map(Processes(2), incTask, xs); r.Err != nil || r.Results[len(xs)-1] != len(xs) {
			b.Fatal(r.Err)
		}
	}
}
