package kit

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"parallelgo.dev/course/kit/internal/benchfig"
)

// TestBenchJSON is not a test: `make bench` runs it with KIT_BENCH_JSON set
// to a file, and it measures kit beside Python's multiprocessing in one run
// and writes the figures there as one flat JSON object, the units in the
// names, so that runs can be compared. Per-input figures of Processes are
// wall time per input of a whole Map on a pool already started, the best
// of several, as Python's are.
func TestBenchJSON(t *testing.T) {
	out := os.Getenv("KIT_BENCH_JSON")
	if out == "" {
		t.Skip("set KIT_BENCH_JSON=file to measure (make bench does)")
	}
	fig := benchfig.Figures{}
	xs := inputs(2000)

	// Start-up of Processes(2), beside the floor: starting and reaping two
	// empty static Go programs. The two alternate, and each figure is the
	// median of its starts (see BenchmarkStartupBesideFloor): a mean lets
	// one start that another program delayed decide the ratio.
	const startReps = 31
	bin := buildEmpty(t)
	var ups, floors []float64
	for range startReps {
		ex := Processes(2).Start()
		d, err := ex.Startup()
		ex.Close()
		if err != nil {
			t.Fatal(err)
		}
		ups = append(ups, ms(d))
		floors = append(floors, ms(startTwo(t, bin)))
	}
	fig["processes_startup_ms"] = median(ups)
	fig["exec_floor_ms"] = median(floors)

	// A started pool, warmed by two maps, as Python's is.
	pool := Processes(2).Start()
	defer pool.Close()
	for range 2 {
		Map(pool, identityTask, xs)
	}
	// Per input, a Map's best of five; a Submit's round trip, the best of
	// five means of 500 in a row: as Python's pool_bench.py measures its
	// own, so that each side has as many tries. The two take turns, three
	// rounds, and each figure is its side's best round: a slow moment of
	// this machine (another program on a core) then costs one round of
	// one side, not the ratio.
	keepBest := func(name string, v float64) {
		if old, ok := fig[name]; !ok || v < old {
			fig[name] = v
		}
	}
	perInput := func(ex Executor) float64 {
		fastest := time.Duration(math.MaxInt64)
		for range 5 {
			r := Map(ex, identityTask, xs)
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			fastest = min(fastest, r.Timing.Wall)
		}
		return us(fastest) / float64(len(xs))
	}
	submitUs := func() float64 {
		const submits = 500
		fastest := math.Inf(1)
		for range 5 {
			start := time.Now()
			for i := range submits {
				if _, err := Submit(pool, identityTask, i).Get(); err != nil {
					t.Fatal(err)
				}
			}
			fastest = min(fastest, us(time.Since(start))/submits)
		}
		return fastest
	}
	for range 3 {
		keepBest("go_warm_default_us", perInput(pool))
		keepBest("go_chunk1_us", perInput(pool.WithChunk(1)))
		keepBest("submit_roundtrip_us", submitUs())
		for k, v := range pythonPool(t, len(xs)) {
			keepBest(k, v)
		}
	}

	// CPU-bound work of about 150 ms: Serial against the started pool, and
	// against Threads(2), the same work on the same two cores without
	// processes: what this machine allows. Each side's best of the reps,
	// taken in turns: a sum lets one slow moment (another process on a
	// core, which halves a two-core side's speed but not Serial's) decide
	// the ratio; the best is each side as the machine lets it run.
	crunch := []int{20_000_000, 20_000_000, 20_000_000, 20_000_000, 20_000_000, 20_000_000, 20_000_000, 20_000_000}
	var serial, threads, procs time.Duration
	best := func(d *time.Duration, ex Executor) {
		r := Map(ex, crunchTask, crunch)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if *d == 0 || r.Timing.Wall < *d {
			*d = r.Timing.Wall
		}
	}
	for range 5 {
		best(&serial, Serial())
		best(&threads, Threads(2))
		best(&procs, pool)
	}
	fig["started_processes2_cpu_speedup"] = float64(serial) / float64(procs)
	fig["threads2_cpu_speedup"] = float64(serial) / float64(threads)

	// Goroutines: Map on Threads(2) against a hand-written WaitGroup.
	fig["threads_ns_per_input"] = nsPerInput(testing.Benchmark(BenchmarkThreadsOverhead))
	fig["waitgroup_ns_per_input"] = nsPerInput(testing.Benchmark(BenchmarkWaitGroupBaseline))

	fig.Ratio("default_x_python_fork", "python_fork_warm_default_us", "go_warm_default_us")
	fig.Ratio("default_x_python_spawn", "python_spawn_warm_default_us", "go_warm_default_us")
	fig.Ratio("chunk1_x_python", "python_chunk1_us", "go_chunk1_us")
	fig.Ratio("submit_x_python", "python_apply_async_us", "submit_roundtrip_us")
	fig.Ratio("startup_x_floor", "processes_startup_ms", "exec_floor_ms")
	fig.Ratio("threads_x_waitgroup", "threads_ns_per_input", "waitgroup_ns_per_input")

	// 10^3 to 10^7 inputs beside Python, each size in a fresh process.
	for k, v := range scaleFigures(t, true) {
		fig[k] = v
	}

	b, err := fig.Write(out) // the first figures of `make bench`: a new file
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s:\n%s", out, b)
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

func nsPerInput(r testing.BenchmarkResult) float64 { return r.Extra["ns/input"] }

// buildEmpty builds an empty static Go program and returns its path.
func buildEmpty(tb testing.TB) string {
	dir := tb.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	bin := filepath.Join(dir, "empty")
	build := exec.Command("go", "build", "-o", bin, src)
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("building an empty program: %v\n%s", err, out)
	}
	return bin
}

// pythonPool runs testdata/pool_bench.py once and names its figures;
// Python's chunk-1 and apply_async figures are the better of fork and
// spawn.
func pythonPool(t *testing.T, n int) map[string]float64 {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Log("python3 not found: no Python figures")
		return nil
	}
	out, err := exec.Command(py, filepath.Join("testdata", "pool_bench.py"), strconv.Itoa(n)).Output()
	if err != nil {
		t.Fatalf("pool_bench.py: %v", err)
	}
	fig := map[string]float64{}
	best := func(name string, v float64) {
		if old, ok := fig[name]; !ok || v < old {
			fig[name] = v
		}
	}
	// Lines: "<method> startup-ms <x> roundtrip-us <y> default-us <z> apply-us <a>"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) != 9 {
			t.Fatalf("pool_bench.py said %q", line)
		}
		v := make([]float64, 4)
		for k := range v {
			if v[k], err = strconv.ParseFloat(f[2+2*k], 64); err != nil {
				t.Fatalf("pool_bench.py said %q", line)
			}
		}
		method := f[0]
		fig[fmt.Sprintf("python_%s_startup_ms", method)] = v[0]
		fig[fmt.Sprintf("python_%s_chunk1_us", method)] = v[1]
		fig[fmt.Sprintf("python_%s_warm_default_us", method)] = v[2]
		fig[fmt.Sprintf("python_%s_apply_async_us", method)] = v[3]
		best("python_chunk1_us", v[1])
		best("python_apply_async_us", v[3])
	}
	return fig
}
