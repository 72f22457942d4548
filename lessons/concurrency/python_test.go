package concurrency

import (
	"testing"

	"parallelgo.dev/course/lessons/internal/pytest"
)

// TestCostsPy runs costs.py, the Python side of notebook 00's cheat sheet:
// every Python tool squares the same numbers, and each process pool reports
// its start-up.
func TestCostsPy(t *testing.T) {
	xs := []int{3, 1, 4, 1, 5, 9, 2, 6}
	py := pytest.On(t, xs, "costs.py")
	runs := pytest.Runs(t, py, "Python map(f, xs)", "Python ThreadPool(2).map", "Python Pool(2).map",
		"Python Pool(2).imap_unordered", "Python Pool(2).apply_async", "Python ThreadPoolExecutor(2).submit",
		"Python ProcessPoolExecutor(2).map", "Python Pool(2).map, spawn")
	if err := py.Agrees([]int{9, 1, 16, 1, 25, 81, 4, 36}); err != nil {
		t.Error(err)
	}
	for _, name := range []string{"Python Pool(2).map", "Python Pool(2).apply_async", "Python ProcessPoolExecutor(2).map", "Python Pool(2).map, spawn"} {
		if runs[name].Startup <= 0 {
			t.Errorf("%s: no start-up", name)
		}
	}
	for _, name := range []string{"Python map(f, xs)", "Python ThreadPool(2).map", "Python ThreadPoolExecutor(2).submit"} {
		if runs[name].Startup != 0 {
			t.Errorf("%s: start-up %v, want none (no process)", name, runs[name].Startup)
		}
	}
}
