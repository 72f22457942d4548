package cpubound

import (
	"testing"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/lessons/internal/pytest"
)

// The lesson's Python counterparts run on the same inputs as Go; kit checks
// every field of their reports, and each Python executor must return Go's
// results.

func TestCrunchPy(t *testing.T) {
	py := pytest.On(t, Queries, "crunch.py")
	runs := pytest.Runs(t, py, "Python map", "Python ThreadPool(2)", "Python Pool(2)")
	if err := py.Agrees(kit.Map(kit.Serial(), kit.Task("crunch", CrunchNumbers), Queries).Results); err != nil {
		t.Error(err)
	}
	// Counting holds a core: the serial run's CPU time is most of its wall
	// time (a ratio, not a timing: both shrink together on a busy machine).
	if m := runs["Python map"].Timing; m.CPU() < m.Wall/4 {
		t.Errorf("Python map: CPU %v over wall %v: is it counting?", m.CPU(), m.Wall)
	}
	if p := runs["Python Pool(2)"].Trace.Load(); len(p) != 2 || p[0].PID == p[1].PID {
		t.Errorf("Pool(2) workers: %+v", p)
	}
}

func TestJobsPy(t *testing.T) {
	jobs := Jobs(8, JobSize)
	py := pytest.On(t, jobs, "jobs.py", "--workers", "2")
	pytest.Runs(t, py, "Python map", "Python ThreadPool(2)", "Python Pool(2)")
	if err := py.Agrees(kit.Map(kit.Serial(), kit.Task("sum-range", SumRange), jobs).Results); err != nil {
		t.Error(err)
	}
}

func TestLoopPy(t *testing.T) {
	a, b := LoopInputs(2024)
	a, b = a[:300], b[:300] // a few hundred rows are enough to compare answers
	const blocks = 4
	want := make([][]int, blocks)
	for k := range blocks {
		want[k] = CountMatches(a[k*len(a)/blocks:(k+1)*len(a)/blocks], b)
	}
	in := map[string]any{"rows": a, "against": b, "blocks": blocks}
	py := pytest.On(t, in, "loop.py", "--workers", "2")
	pytest.Runs(t, py, "Python map", "Python Pool(2)", "Python ThreadPool(2)")
	if err := py.Agrees(want); err != nil {
		t.Error(err)
	}
}
