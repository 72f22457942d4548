package cluster

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/kit/internal/benchfig"
)

// TestBenchJSON is not a test: `make bench` runs it after kit's own, with
// KIT_BENCH_JSON set to the same file, and it adds the network path's
// figures to that file beside Python Dask's LocalCluster, measured in the
// same run. Per-task figures are the time from the workers being ready to
// the last result, per task (a run's Trace.Total), the best of a few runs,
// as dask_bench.py's are: what a task costs once the workers are up.
// The Dask side runs with $KIT_DASK_PYTHON, or the repository's .venv.
func TestBenchJSON(t *testing.T) {
	out := os.Getenv("KIT_BENCH_JSON")
	if out == "" {
		t.Skip("set KIT_BENCH_JSON=file to measure (make bench does)")
	}
	fig, err := benchfig.Read(out)
	if err != nil {
		t.Fatal(err)
	}

	const reps = 3
	perTask := func(ex kit.Executor, n int) float64 {
		xs := inputs(n)
		best := time.Duration(-1)
		for range reps {
			r := kit.Map(ex, trivial, xs)
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if d := r.Trace.Total(); best < 0 || d < best {
				best = d
			}
		}
		return float64(best.Nanoseconds()) / 1e3 / float64(n)
	}
	local := Local(2).Start() // the server stays up; each run starts its workers
	defer local.Close()
	procs := kit.Processes(2).Start()
	defer procs.Close()
	fig["cluster_chunk1_us"] = perTask(local.WithChunk(1), 2000)
	fig["processes2_chunk1_us"] = perTask(procs.WithChunk(1), 2000)
	fig["cluster_10k_per_task_us"] = perTask(local, 10_000)
	fig["processes2_10k_per_task_us"] = perTask(procs, 10_000)

	// From cluster.Local(2) to the first result: the server's start, the
	// workers' and one round trip.
	var first time.Duration
	for range reps {
		start := time.Now()
		for _, r := range kit.MapUnordered(Local(2), trivial, []int{1}) {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			first += time.Since(start)
		}
	}
	fig["cluster_first_result_ms"] = float64(first.Nanoseconds()) / 1e6 / reps

	for k, v := range daskFigures(t, 10_000) {
		fig[k] = v
	}
	fig.Ratio("cluster_10k_x_dask", "dask_per_task_us", "cluster_10k_per_task_us")
	fig.Ratio("cluster_chunk1_x_dask", "dask_per_task_us", "cluster_chunk1_us")
	fig.Ratio("cluster_first_result_x_dask", "dask_first_result_ms", "cluster_first_result_ms")
	fig.Ratio("cluster_10k_over_processes2", "cluster_10k_per_task_us", "processes2_10k_per_task_us")
	fig.Ratio("cluster_chunk1_over_processes2", "cluster_chunk1_us", "processes2_chunk1_us")

	b, err := fig.Write(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s:\n%s", out, b)
}

// daskFigures runs testdata/dask_bench.py on n tasks and names its figures;
// none, said in the log, if there is no Python with Dask.
func daskFigures(t *testing.T, n int) map[string]float64 {
	py := os.Getenv("KIT_DASK_PYTHON")
	if py == "" {
		py = filepath.Join("..", "..", ".venv", "bin", "python")
	}
	if _, err := os.Stat(py); err != nil {
		t.Logf("no Dask figures: no %s (make the .venv with scripts/install.sh, or set KIT_DASK_PYTHON)", py)
		return nil
	}
	cmd := exec.Command(py, filepath.Join("testdata", "dask_bench.py"), strconv.Itoa(n))
	var stderr bytes.Buffer // Dask's logging, shown only if it fails
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("dask_bench.py: %v\n%s", err, stderr.Bytes())
	}
	var d struct {
		FirstResultMS float64 `json:"first_result_ms"`
		PerTaskUS     float64 `json:"per_task_us"`
	}
	if err := json.Unmarshal(b, &d); err != nil || d.PerTaskUS <= 0 {
		t.Fatalf("dask_bench.py said %q (%v)", b, err)
	}
	return map[string]float64{"dask_first_result_ms": d.FirstResultMS, "dask_per_task_us": d.PerTaskUS}
}
