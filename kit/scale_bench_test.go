package kit

import (
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"parallelgo.dev/course/kit/internal/benchfig"
)

// scaleEnv asks a fresh copy of the test binary for one scale measurement:
// "threads:N", "processes:N", "started:N" (Processes(2) started before)
// or "waitgroup:N" (no kit), see TestScaleChild.
const scaleEnv = "KIT_BENCH_SCALE"

// TestScaleChild is not a test: with KIT_BENCH_SCALE=threads:N (or
// processes:N, started:N, waitgroup:N) it maps incTask over N ints on
// Threads(2) (Processes(2), start-up included; a Processes(2) started
// before; two goroutines of a hand-written WaitGroup, the least a Map on
// Threads(2) can cost) after a warm-up map of 1,000 of them, scaleMaps(N)
// times, and prints the best wall time and this process's peak resident
// memory after the first map, as testdata/scale_bench.py does for Python,
// then that map's Startup (zero but on Processes), which Python's output
// lacks:
//
//	wall-ns <ns> maxrss-kb <kB> startup-ns <ns>
func TestScaleChild(t *testing.T) {
	spec := os.Getenv(scaleEnv)
	if spec == "" {
		t.Skip("set " + scaleEnv + "=threads:N, processes:N, started:N or waitgroup:N (TestBenchJSON does)")
	}
	kind, size, _ := strings.Cut(spec, ":")
	n, err := strconv.Atoi(size)
	ex, known := map[string]Executor{"threads": Threads(2), "processes": Processes(2), "started": Processes(2), "waitgroup": {}}[kind]
	if err != nil || n <= 0 || !known {
		t.Fatalf("%s=%q: want threads:N, processes:N, started:N or waitgroup:N", scaleEnv, spec)
	}
	if kind == "started" {
		// The cost per input of the map alone, without any worker's
		// start, first run or shutdown, as on a pool a notebook keeps up.
		ex = ex.Start()
		defer ex.Close()
	}
	xs := inputs(n)
	mapOnce := func(xs []int) (results []int, startup time.Duration) {
		if kind == "waitgroup" {
			return twoHalves(xs), 0
		}
		r := Map(ex, incTask, xs)
		if r.Err != nil {
			t.Fatalf("%s: %v", spec, r.Err)
		}
		return r.Results, r.Startup
	}
	mapOnce(xs[:min(n, 1000)]) // warm up, as Python does
	var wall, startup time.Duration
	peak := 0
	for k := range scaleMaps(n) {
		debug.FreeOSMemory() // each map's memory is new to the process, as a single map's would be
		start := time.Now()
		out, up := mapOnce(xs)
		if d := time.Since(start); k == 0 || d < wall {
			wall, startup = d, up
		}
		if out[n-1] != n {
			t.Fatalf("%s: the last result is %d, not %d", spec, out[n-1], n)
		}
		if k == 0 {
			if peak, err = peakKB(); err != nil { // one map's memory
				t.Fatal(err)
			}
		}
	}
	fmt.Printf("wall-ns %d maxrss-kb %d startup-ns %d\n", wall.Nanoseconds(), peak, startup.Nanoseconds())
}

// scaleMaps is how many maps of n inputs one process of the scale
// benchmark times, in a row, for their best: many of a small size, whose
// map takes less than a millisecond, which one wake-up of a core or one
// moment of another program doubles; one at 10^7. Python's
// (testdata/scale_bench.py) times as many.
func scaleMaps(n int) int { return max(1, min(20, 2_000_000/n)) }

// twoHalves maps incTask over xs on two goroutines of a hand-written
// WaitGroup, each on one half.
func twoHalves(xs []int) []int {
	out := make([]int, len(xs))
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w * len(xs) / 2; i < (w+1)*len(xs)/2; i++ {
				out[i] = incTask.f(xs[i])
			}
		})
	}
	wg.Wait()
	return out
}

// peakKB is this process's peak resident memory in kB, VmHWM in
// /proc/self/status: getrusage's Maxrss would be the parent's if that
// was more, as Linux keeps it across exec (and Go starts children with
// vfork, so the parent's memory is the child's until it execs).
func peakKB() (int, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

// scaleSizes are the input counts of the scale benchmark.
var scaleSizes = []int{1e3, 1e4, 1e5, 1e6, 1e7}

// scaleReps is in how many fresh processes a size is measured: three,
// for their best, but once at 10^7, where one map of Python's Pool takes
// seconds.
func scaleReps(n int) int {
	if n >= 1e7 {
		return 1
	}
	return 3
}

// scaleChildTimeout caps one measurement: Python's Pool at 10^7 inputs
// takes about 6 s here; one that takes longer is left out, and said so.
const scaleChildTimeout = 60 * time.Second

// scaleFigures measures a map of a trivial task over 10^3 ... 10^7 ints
// with two workers, kit's Threads(2) and Processes(2) beside Python's
// ThreadPool(2).map and Pool(2).map (start-up included), each size in
// fresh processes, so that sizes do not share memory: the best wall time
// per input of scaleMaps maps in a row (_ns_per_input), peak resident
// memory of the parent after one map, and that memory per input. For Processes(2) it also records the wall time less the
// run's Startup, per input (_ns_per_input_after_startup): starting two
// worker processes costs milliseconds whatever the size, which no
// per-input figure of a small run can hide (their shutdown, after the
// last result, stays in both figures). On a Processes(2) started before
// (go_started_processes) a map costs neither start-up nor shutdown: what
// each input costs on a pool that stays up. Python's figures are left
// out without python3, or if python is false.
//
// Its ratios: scale_threads_1e6_x_python is how many times faster
// Threads(2) is than ThreadPool(2) at 10^6 inputs (start-up included on
// both sides), _rss_of_python the share of Python's peak memory it takes;
// scale_go_threads_spread_1e4_1e7 is the costliest input over the
// cheapest from 10^4 to 10^7 inputs (1 means flat), and
// scale_go_processes_spread_1e4_1e7 the same after start-up, and
// scale_go_started_processes_spread_1e4_1e7 on a started pool; _growth_
// is the cost per input at 10^7 over that at 10^4 (above 1: it grows).
// go_waitgroup is no kit at all, two goroutines on halves of the inputs:
// its spread is this machine's, which no Map can beat.
func scaleFigures(t *testing.T, python bool) benchfig.Figures {
	fig := benchfig.Figures{}
	py, pyErr := exec.LookPath("python3")
	if pyErr != nil {
		t.Log("python3 not found: no Python figures at scale")
	}
	python = python && pyErr == nil
	// measure runs a measurement of n inputs, the program and its
	// arguments in args, and names its figures after name: the best time
	// of scaleReps runs (other programs share this machine), with and
	// without start-up, and the most memory.
	measure := func(name string, n int, env string, args ...string) {
		wall, work, rss := math.Inf(1), math.Inf(1), 0.0
		for range scaleReps(n) {
			ctx, cancel := context.WithTimeout(context.Background(), scaleChildTimeout)
			cmd := exec.CommandContext(ctx, args[0], args[1:]...)
			cmd.Env = append(os.Environ(), env)
			out, err := cmd.Output()
			cancel()
			var w, r, s float64
			if err == nil {
				_, err = fmt.Sscanf(string(out), "wall-ns %g maxrss-kb %g", &w, &r)
			}
			if err != nil {
				t.Logf("%s at %d inputs: left out: %v", name, n, err)
				return
			}
			if _, rest, ok := strings.Cut(string(out), " startup-ns "); ok {
				fmt.Sscan(rest, &s) // kit's children only
			}
			wall, work, rss = min(wall, w), min(work, w-s), max(rss, r)
		}
		key := fmt.Sprintf("scale_%s_1e%d", name, scaleExp(n))
		fig[key+"_ns_per_input"] = wall / float64(n)
		if name == "go_processes" {
			fig[key+"_ns_per_input_after_startup"] = work / float64(n)
		}
		fig[key+"_rss_mb"] = rss / 1024
		fig[key+"_rss_bytes_per_input"] = rss * 1024 / float64(n)
	}
	script := filepath.Join("testdata", "scale_bench.py")
	for _, n := range scaleSizes {
		for _, kind := range []string{"threads", "processes"} {
			measure("go_"+kind, n, fmt.Sprintf("%s=%s:%d", scaleEnv, kind, n), os.Args[0], "-test.run=^TestScaleChild$")
			if python {
				measure(scalePython[kind], n, "", py, script, kind, strconv.Itoa(n), strconv.Itoa(scaleMaps(n)))
			}
		}
		measure("go_started_processes", n, fmt.Sprintf("%s=started:%d", scaleEnv, n), os.Args[0], "-test.run=^TestScaleChild$")
		measure("go_waitgroup", n, fmt.Sprintf("%s=waitgroup:%d", scaleEnv, n), os.Args[0], "-test.run=^TestScaleChild$")
	}
	for _, n := range scaleSizes {
		for _, kind := range []string{"threads", "processes"} {
			size := fmt.Sprintf("%s_1e%d", kind, scaleExp(n))
			goKey := "scale_go_" + size
			pyKey := fmt.Sprintf("scale_%s_1e%d", scalePython[kind], scaleExp(n))
			fig.Ratio("scale_"+size+"_x_python", pyKey+"_ns_per_input", goKey+"_ns_per_input")
			fig.Ratio("scale_"+size+"_rss_of_python", goKey+"_rss_mb", pyKey+"_rss_mb")
		}
	}
	for kind, figure := range map[string]string{"threads": "_ns_per_input", "processes": "_ns_per_input_after_startup",
		"started_processes": "_ns_per_input", "waitgroup": "_ns_per_input"} {
		lo, hi := math.Inf(1), 0.0
		for _, n := range scaleSizes[1:] {
			if v, ok := fig[fmt.Sprintf("scale_go_%s_1e%d%s", kind, scaleExp(n), figure)]; ok {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		if hi > 0 {
			fig["scale_go_"+kind+"_spread_1e4_1e7"] = hi / lo
		}
		// Whether an input costs more in a big run than in a small one:
		// the spread cannot tell a cost that grows with the run from a
		// small run's fixed cost.
		fig.Ratio("scale_go_"+kind+"_growth_1e4_1e7", fmt.Sprintf("scale_go_%s_1e7%s", kind, figure), fmt.Sprintf("scale_go_%s_1e4%s", kind, figure))
	}
	return fig
}

// TestScaleFigures is not a test: with KIT_BENCH_SCALE_FIGURES=go (or
// all, Python's figures too) it logs the figures of scaleFigures alone,
// the part of `make bench` that takes minutes, to check them quickly:
//
//	KIT_BENCH_SCALE_FIGURES=go go test -run '^TestScaleFigures$' -v ./kit
func TestScaleFigures(t *testing.T) {
	which := os.Getenv("KIT_BENCH_SCALE_FIGURES")
	if which != "go" && which != "all" {
		t.Skip("set KIT_BENCH_SCALE_FIGURES=go or all to measure")
	}
	fig := scaleFigures(t, which == "all")
	for _, k := range slices.Sorted(maps.Keys(fig)) {
		t.Logf("%s %.4g", k, fig[k])
	}
}

// scalePython names Python's pool beside each kit executor.
var scalePython = map[string]string{"threads": "python_threadpool", "processes": "python_pool"}

// scaleExp is the power of ten n is.
func scaleExp(n int) int { return int(math.Round(math.Log10(float64(n)))) }

// BenchmarkMapFixedCost is a Map on Threads(2) of 1 and of 10,000 trivial
// inputs: what a Map costs whatever its size, which the scale benchmark's
// per-input figure at 10^4 inputs shows (scale_go_threads_spread_1e4_1e7).
// Warm memory makes it a lower bound of that cost in a fresh process.
func BenchmarkMapFixedCost(b *testing.B) {
	for _, n := range []int{1, 1e4} {
		xs := inputs(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r := Map(Threads(2), incTask, xs); r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		})
	}
}
