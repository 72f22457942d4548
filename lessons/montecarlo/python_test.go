package montecarlo

import (
	"encoding/json"
	"math"
	"testing"

	"parallelgo.dev/course/lessons/internal/pytest"
)

// TestPiPy runs pi.py on the lesson's inputs: the built-in map, a Pool(2) and
// Dask's two schedulers each estimate pi from their own random points, so
// the estimates differ, but each is close to pi.
func TestPiPy(t *testing.T) {
	py := pytest.On(t, Inputs(), "pi.py")
	runs := pytest.Runs(t, py, "Python map", "Python Pool(2)", "Python Pool(2) spawn", "Python dask threads(2)", "Python dask processes(2)")
	for k := range py.Runs {
		var xs []float64
		if err := json.Unmarshal(py.Results[k], &xs); err != nil {
			t.Fatal(err)
		}
		for i, x := range xs {
			// 1,000 points at this scale: an error over 0.3 is more than six
			// standard deviations away.
			if math.Abs(x-math.Pi) > 0.3 {
				t.Errorf("%s: input %d estimates pi as %v", py.Runs[k].Executor, i, x)
			}
		}
	}
	if py.StartMethod == "" || runs["Python Pool(2) spawn"].Startup <= 0 {
		t.Errorf("start method %q, spawn start-up %v", py.StartMethod, runs["Python Pool(2) spawn"].Startup)
	}
	// Only the Dask runs, as lesson 9 asks for them.
	dask := pytest.On(t, Inputs(), "pi.py", "--only", "dask")
	pytest.Runs(t, dask, "Python dask threads(2)", "Python dask processes(2)")
}
