package kit_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"parallelgo.dev/course/kit"
)

// A lesson's Python program runs with the course's Python, on the same
// inputs as Go; its report prints as a table and draws with kit.Show. (This
// example has no fixed output: its times are measured.)
func ExamplePython() {
	py := kit.Python("testdata/square.py") // its own inputs: [1, 2, 3, 4]
	if py.Err != nil {
		fmt.Println(py.Err) // no Python, or the program failed: the report says why
		return
	}
	for _, r := range py.Runs {
		fmt.Printf("%-22s wall %v, start-up %v\n", r.Executor, r.Timing.Wall, r.Startup)
	}
}

// PythonOn sends Go's inputs to the program as JSON, so that both languages
// work on exactly the same values; Agrees then checks Python's results
// against Go's.
func ExamplePythonOn() {
	xs := []int{3, 1, 4}
	py := kit.PythonOn(xs, "testdata/square.py")
	fmt.Println(py.Err, py.Agrees([]int{9, 1, 16}))
}

// The environment variable KIT_PYTHON chooses the Python that kit.Python
// runs; without it, the course's .venv, else python3 on PATH.
func ExamplePythonEnv() {
	fmt.Println(kit.PythonEnv)
	// Output: KIT_PYTHON
}

// pythonRow is a row as kit.Python makes one from a program's report.
func pythonRow(name string, wall, cpu time.Duration, speedup float64) kit.RunStats {
	return kit.RunStats{Executor: name, Timing: kit.Timing{Wall: wall, User: cpu}, Speedup: speedup}
}

// A report prints as a table: one row per Python executor, each labelled
// with the language.
func ExamplePythonReport() {
	py := kit.PythonReport{Task: "crunch", Inputs: 4, Runs: []kit.RunStats{
		pythonRow("Python map", 2*time.Second, 2*time.Second, 1),
		pythonRow("Python ThreadPool(2)", 2100*time.Millisecond, 2100*time.Millisecond, 2.0/2.1),
	}}
	fmt.Println(py)
	// Output:
	// "crunch (Python)" on 4 inputs
	// executor               wall    CPU  parallelism  speedup
	// Python map              2 s    2 s         1.00    1.00x
	// Python ThreadPool(2)  2.1 s  2.1 s         1.00    0.95x
}

// Agrees decodes each run's results into the type of Go's results and
// compares them, naming the first input that differs.
func ExamplePythonReport_Agrees() {
	py := kit.PythonReport{
		Runs:    []kit.RunStats{{Executor: "Python map"}, {Executor: "Python Pool(2)"}},
		Results: []json.RawMessage{json.RawMessage(`[1, 64, 2.25, 4]`), json.RawMessage(`[1, 64, 2.25, 4.5]`)},
	}
	fmt.Println(py.Agrees([]float64{1, 64, 2.25, 4}))
	// Output: kit: results differ: input 3: Python Pool(2) gave 4.5, Go 4
}

// Beside puts Go's comparison and Python's report in one table; shown in a
// notebook, one wall-time chart holds both languages' bars (Go's blue,
// Python's orange) and each run's timeline follows.
func ExampleBeside() {
	goRuns := kit.Comparison{Task: "query", Inputs: 4, Runs: []kit.RunStats{
		{Executor: "Serial", Timing: kit.Timing{Wall: 12500 * time.Millisecond}, Speedup: 1},
		{Executor: "Threads(2)", Timing: kit.Timing{Wall: 8 * time.Second}, Speedup: 12.5 / 8},
	}}
	py := kit.PythonReport{Task: "query", Inputs: 4, Runs: []kit.RunStats{
		{Executor: "Python map", Timing: kit.Timing{Wall: 12500 * time.Millisecond}, Speedup: 1},
		{Executor: "Python ThreadPool(2)", Timing: kit.Timing{Wall: 8 * time.Second}, Speedup: 12.5 / 8},
	}}
	fmt.Println(kit.Beside(goRuns, py))
	// Output:
	// "query" on 4 inputs
	// executor                wall   CPU  parallelism  speedup
	// Go Serial             12.5 s  0 ns         0.00    1.00x
	// Go Threads(2)            8 s  0 ns         0.00    1.56x
	// Python map            12.5 s  0 ns         0.00    1.00x
	// Python ThreadPool(2)     8 s  0 ns         0.00    1.56x
	// (speedup: over each language's first run)
}

// SideBySide is what Beside returns: its Runs are Go's rows then Python's,
// and its Err says what went wrong on either side.
func ExampleSideBySide() {
	s := kit.Beside(kit.Comparison{Task: "crunch", Runs: []kit.RunStats{{Executor: "Serial"}}},
		kit.PythonReport{Program: "crunch.py", Err: fmt.Errorf("kit: no Python found")})
	for _, r := range s.Runs {
		fmt.Println(r.Executor)
	}
	fmt.Println(s.Err)
	// Output:
	// Go Serial
	// kit: no Python found
}

// BesideAttr marks the element around a side-by-side chart, listing the
// languages whose bars it must show; the course's browser check reads it.
func ExampleBesideAttr() {
	fmt.Println(kit.BesideAttr)
	// Output: data-kit-beside
}

// A test that needs Python skips where there is none at all, and fails on
// every other problem.
func ExampleErrNoPython() {
	py := kit.Python("testdata/square.py")
	if errors.Is(py.Err, kit.ErrNoPython) {
		fmt.Println("skip:", py.Err)
	}
}
