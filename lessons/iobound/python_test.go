package iobound

import (
	"errors"
	"testing"

	"parallelgo.dev/course/kit"
)

// TestQueryPy runs the lesson's Python counterpart, query.py, on the same
// queries as Go: its report must be complete (kit checks every field) and
// every Python executor must return Go's results.
func TestQueryPy(t *testing.T) {
	for _, xs := range [][]float64{Queries, Reordered} {
		py := kit.PythonOn(xs, "query.py")
		if errors.Is(py.Err, kit.ErrNoPython) {
			t.Skip(py.Err)
		}
		if py.Err != nil {
			t.Fatal(py.Err)
		}
		want := kit.Map(kit.Serial(), kit.Task("query", QueryDatabase), xs).Results
		if err := py.Agrees(want); err != nil {
			t.Error(err)
		}
		if len(py.Runs) != 3 || py.Runs[2].Executor != "Python Pool(2)" || py.StartMethod == "" {
			t.Fatalf("runs %v, start method %q", py.Runs, py.StartMethod)
		}
		// Lower bounds only: a busy machine makes a run slower, never faster
		// than its sleeps.
		if got, sum := py.Runs[0].Timing.Wall, kit.Seconds(12.5); got < sum {
			t.Errorf("Python map of %v took %v, less than the sum of its sleeps %v", xs, got, sum)
		}
		for _, r := range py.Runs[1:] {
			if want := kit.Seconds(PredictWall(xs, 2, 1)); r.Trace.Total() < want {
				t.Errorf("%s on %v: its spans end at %v, before the predicted %v", r.Executor, xs, r.Trace.Total(), want)
			}
		}
	}
}
