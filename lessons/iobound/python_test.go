package iobound

import (
	"testing"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/lessons/internal/pytest"
)

// TestQueryPy runs the lesson's Python counterpart, query.py, on the same
// queries as Go: its report must be complete (kit checks every field) and
// every Python executor must return Go's results.
func TestQueryPy(t *testing.T) {
	for _, xs := range [][]float64{Queries, Reordered} {
		py := pytest.On(t, xs, "query.py")
		runs := pytest.Runs(t, py, "Python map", "Python ThreadPool(2)", "Python Pool(2)")
		want := kit.Map(kit.Serial(), kit.Task("query", QueryDatabase), xs).Results
		if err := py.Agrees(want); err != nil {
			t.Error(err)
		}
		if py.StartMethod == "" || runs["Python Pool(2)"].Startup <= 0 {
			t.Errorf("start method %q, Pool start-up %v", py.StartMethod, runs["Python Pool(2)"].Startup)
		}
		// Lower bounds only: a busy machine makes a run slower, never faster
		// than its sleeps.
		if got, sum := runs["Python map"].Timing.Wall, kit.Seconds(12.5); got < sum {
			t.Errorf("Python map of %v took %v, less than the sum of its sleeps %v", xs, got, sum)
		}
		for _, r := range py.Runs[1:] {
			if want := kit.Seconds(PredictWall(xs, 2, 1)); r.Trace.Total() < want {
				t.Errorf("%s on %v: its spans end at %v, before the predicted %v", r.Executor, xs, r.Trace.Total(), want)
			}
		}
	}
}

// TestSleepsPy runs sleeps.py on the five task times: a loop, then five
// processes started by hand, one task each, every one returning its id.
func TestSleepsPy(t *testing.T) {
	py := pytest.On(t, TaskTimes, "sleeps.py")
	runs := pytest.Runs(t, py, "Python loop", "Python Process×5")
	if err := py.Agrees([]int{0, 1, 2, 3, 4}); err != nil {
		t.Error(err)
	}
	pids := map[int]bool{}
	for _, l := range runs["Python Process×5"].Trace.Load() {
		if l.Inputs != 1 || l.PID == 0 {
			t.Errorf("Process×5 worker %+v: want one task in a process of its own", l)
		}
		pids[l.PID] = true
	}
	if len(pids) != 5 {
		t.Errorf("the five tasks ran in %d processes", len(pids))
	}
}
