// Package pytest runs a lesson's Python counterpart from the lesson's tests:
// it skips the test where this machine has no Python at all, and fails it on
// any other problem, so that a broken program or report never passes.
package pytest

import (
	"errors"
	"testing"

	"parallelgo.dev/course/kit"
)

// On runs the Python program file (relative to the test's package folder) on
// inputs with kit.PythonOn, or with its own inputs when inputs is nil, and
// returns its report, which kit has checked field by field.
func On(t testing.TB, inputs any, file string, args ...string) kit.PythonReport {
	t.Helper()
	var py kit.PythonReport
	if inputs == nil {
		py = kit.Python(file, args...)
	} else {
		py = kit.PythonOn(inputs, file, args...)
	}
	if errors.Is(py.Err, kit.ErrNoPython) {
		t.Skipf("no Python on this machine: %v", py.Err)
	}
	if py.Err != nil {
		t.Fatal(py.Err)
	}
	return py
}

// Runs checks that py ran exactly the executors named, in that order, each
// with a span per input and a trace, and returns them by name.
func Runs(t testing.TB, py kit.PythonReport, names ...string) map[string]kit.RunStats {
	t.Helper()
	byName := map[string]kit.RunStats{}
	if len(py.Runs) != len(names) {
		t.Fatalf("%s ran %d executors, want %d (%v)", py.Program, len(py.Runs), len(names), names)
	}
	for i, r := range py.Runs {
		if r.Executor != names[i] {
			t.Errorf("%s: run %d is %q, want %q", py.Program, i, r.Executor, names[i])
		}
		if n := len(r.Trace.Spans()); n != py.Inputs {
			t.Errorf("%s: %s has %d spans, want one per input (%d)", py.Program, r.Executor, n, py.Inputs)
		}
		byName[r.Executor] = r
	}
	return byName
}
