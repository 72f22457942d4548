package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func mustRead(t *testing.T, name string) *Notebook {
	t.Helper()
	nb, err := ReadNotebook(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

func TestCheckExecuted(t *testing.T) {
	tests := []struct {
		file string
		want []string // one substring per expected problem, in order
	}{
		{"untagged-error.ipynb", []string{"cell 2: error in an untagged cell: panic: boom (exit status 2)"}},
		{"tagged-did-not-fail.ipynb", []string{"cell 1: tagged raises-exception but did not fail"}},
		{"missing-output.ipynb", []string{"cell 1: no output"}},
		{"declarations-pass.ipynb", nil},
		// A progress bar blanked at the end, beside the run's own output.
		{"empty-display.ipynb", []string{"cell 1: an empty display output"}},
		// Real runs of the same probe notebook on GoNB with and without
		// --raw_error: compile error (tagged), panic, os.Exit(1), stderr
		// only (fine), undefined name, then an empty %% cell.
		{"executed-raw-error.ipynb", []string{
			"cell 5: error in an untagged cell: panic: boom (exit status 2)",
			"cell 6: error in an untagged cell: exit status 1",
			"cell 8: error in an untagged cell: Cell[8]: Line 2: undefined: undefinedThing",
			"cell 11: no output",
		}},
		{"executed-html-error.ipynb", []string{
			"cell 5: error in an untagged cell: panic: boom (exit status 2)",
			"cell 6: error in an untagged cell: exit status 1",
			"cell 8: error in an untagged cell: Cell[8]: Line 2: undefined: undefinedThing",
			"cell 11: no output",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			probs := CheckExecuted(mustRead(t, tt.file))
			if len(probs) != len(tt.want) {
				t.Fatalf("got %d problems %q, want %d", len(probs), probs, len(tt.want))
			}
			for i, p := range probs {
				if !strings.Contains(p.String(), tt.want[i]) {
					t.Errorf("problem %d = %q, want it to contain %q", i, p, tt.want[i])
				}
			}
		})
	}
}

func TestExpectsOutput(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{`import "fmt"`, false},
		{"import (\n\t\"fmt\"\n\t\"os\"\n)\nfunc f() {}", false},
		{"type T struct{}\nfunc (T) String() string { return \"\" }", false},
		{"var x = 1\nconst y = 2 // why", false},
		{"%goflags -race", false},
		{"%env KIT_SCALE 0.1\n!*go mod tidy", false},
		{"", false},
		{"%%\nfmt.Println(1)", true},
		{"%% --flag=1\nfmt.Println(1)", true},
		{"func main() { fmt.Println(1) }", true},
		{"%main", true},
		{"%test", true},
		{"fmt.Println(1)", true}, // not a declaration: must show something
	}
	for _, tt := range tests {
		if got := ExpectsOutput(tt.src); got != tt.want {
			t.Errorf("ExpectsOutput(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

// A build failure in an imported package: the message, not go build's
// "# package" header line.
func TestErrorSummaryPackageHeader(t *testing.T) {
	nb, err := ParseNotebook([]byte(`{"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {},
	 "source": "%%\nkit.Show(kit.SysInfo())", "outputs": [{"output_type": "error", "ename": "ERROR",
	 "evalue": "# parallelgo.dev/course/kit\n/work/main/kit/chart.go:108:4: unknown field AxisTick\n",
	 "traceback": ["# parallelgo.dev/course/kit", "/work/main/kit/chart.go:108:4: unknown field AxisTick", ""]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := ErrorSummary(nb.Cells()[0])
	if want := "/work/main/kit/chart.go:108:4: unknown field AxisTick"; got != want {
		t.Errorf("ErrorSummary = %q, want %q", got, want)
	}
}
