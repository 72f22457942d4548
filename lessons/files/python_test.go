package files

import (
	"testing"

	"parallelgo.dev/course/lessons/internal/pytest"
)

// TestCSVReadPy runs csvread.py on Go's file: pandas, in a loop and in three
// threads, counts the rows Go's ReadCSV counts.
func TestCSVReadPy(t *testing.T) {
	path := testFile(t, Rows())
	rows, err := ReadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	py := pytest.On(t, []string{path, path, path}, "csvread.py")
	pytest.Runs(t, py, "Python loop", "Python Thread×3")
	if err := py.Agrees([]int{rows, rows, rows}); err != nil {
		t.Error(err)
	}
}
