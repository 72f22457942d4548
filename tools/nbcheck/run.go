package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// result is the outcome of one notebook's run.
type result struct {
	name     string
	cells    int
	elapsed  time.Duration
	problems []Problem
}

func (r result) String() string {
	stats := fmt.Sprintf("%d cells  %.1fs", r.cells, r.elapsed.Seconds())
	if len(r.problems) == 0 {
		return fmt.Sprintf("PASS %s  %s", r.name, stats)
	}
	// The first problem on the FAIL line, any others indented below it.
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL %s  %s  (%s)", r.name, r.problems[0], stats)
	for _, p := range r.problems[1:] {
		fmt.Fprintf(&b, "\n     %s", p)
	}
	return b.String()
}

// runner holds what every notebook's run shares.
type runner struct {
	jupyter, kernel, scale string
	cellTimeout            time.Duration
	out                    string // OUT; executed notebooks go to OUT/executed, HTML to OUT/html
}

// cmdRun implements `nbcheck run`.
func cmdRun(args []string) int {
	fs := newFlagSet("run", "[flags] [notebooks...]")
	setup := runFlags(fs)
	fs.Parse(args)
	r, paths, err := setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		return 2
	}
	passed := 0
	results := r.runAll(paths)
	for _, res := range results {
		if res.ok() {
			passed++
		}
	}
	return summary(passed, len(results)-passed)
}

// runFlags declares run's flags on fs (`nbcheck all` shares them) and
// returns the function that, once fs is parsed, makes the runner and lists
// the notebooks to run.
func runFlags(fs *flag.FlagSet) func() (runner, []string, error) {
	scale := fs.String("scale", "0.02", "KIT_SCALE for the run: shrinks the lessons' sleeps and loop counts")
	out := fs.String("out", "", "output folder (default: build/ at the repository root)")
	kernel := fs.String("kernel", "gonb-raw", "Jupyter kernel spec (falls back to gonb when gonb-raw is missing)")
	timeout := fs.Duration("timeout", 10*time.Minute, "time limit per cell (a cold Go build cache makes the first cell slow)")
	root := fs.String("root", "", "repository root (default: found from the current directory)")
	return func() (runner, []string, error) {
		r := runner{scale: *scale, cellTimeout: *timeout}
		if _, err := strconv.ParseFloat(*scale, 64); err != nil {
			return r, nil, fmt.Errorf("-scale %q is not a number", *scale)
		}
		paths, err := notebookArgs(*root, fs.Args())
		if err != nil {
			return r, nil, err
		}
		if r.out, err = outDir(*root, *out); err != nil {
			return r, nil, err
		}
		if r.jupyter, err = findJupyter(*root, "nbconvert"); err != nil {
			return r, nil, err
		}
		isDefault := true
		fs.Visit(func(f *flag.Flag) { isDefault = isDefault && f.Name != "kernel" })
		if r.kernel, err = resolveKernel(r.jupyter, *kernel, isDefault); err != nil {
			return r, nil, err
		}
		for _, d := range []string{"executed", "html"} {
			if err := os.MkdirAll(filepath.Join(r.out, d), 0o755); err != nil {
				return r, nil, err
			}
		}
		return r, paths, nil
	}
}

// runAll runs the notebooks one at a time (each cell is a Go build, and the
// machines have 2 cores), printing each one's PASS or FAIL line.
func (r runner) runAll(paths []string) []result {
	var results []result
	for _, p := range paths {
		res := r.runOne(p)
		fmt.Println(res)
		results = append(results, res)
	}
	return results
}

// ok reports whether the notebook passed every check of its run.
func (r result) ok() bool { return len(r.problems) == 0 }

// summary prints the closing line every command ends with and returns the
// exit status: 1 when anything failed.
func summary(passed, failed int) int {
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

// runOne checks the committed file, executes it, checks the executed copy
// and exports that to HTML.
func (r runner) runOne(path string) result {
	res := result{name: filepath.Base(path)}
	src, err := ReadNotebook(path)
	if err != nil {
		res.problems = append(res.problems, Problem{Msg: err.Error()})
		return res
	}
	res.cells = len(src.Cells())
	if rs := Residue(src); len(rs) > 0 {
		res.problems = append(res.problems, Problem{Msg: "committed with " + strings.Join(rs, ", ") + "; run nbcheck strip"})
	}

	executed := filepath.Join(r.out, "executed", res.name)
	os.Remove(executed) // never check a stale copy from an earlier run
	start := time.Now()
	err = r.execute(path, executed)
	res.elapsed = time.Since(start)
	if err != nil {
		res.problems = append(res.problems, Problem{Msg: err.Error()})
		return res
	}
	nb, err := ReadNotebook(executed)
	if err != nil {
		res.problems = append(res.problems, Problem{Msg: err.Error()})
		return res
	}
	res.problems = append(res.problems, CheckExecuted(nb)...)
	if err := r.exportHTML(executed); err != nil {
		res.problems = append(res.problems, Problem{Msg: err.Error()})
	}
	return res
}

// execute runs the notebook headless into executed. The kernel's log goes to
// executed's name with .log, to keep the report short but the detail at hand.
func (r runner) execute(path, executed string) error {
	secs := int(r.cellTimeout.Round(time.Second) / time.Second)
	cmd := exec.Command(r.jupyter, "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name="+r.kernel,
		"--ExecutePreprocessor.timeout="+strconv.Itoa(secs),
		"--allow-errors", // errors are judged by the checks, cell tags included
		"--output-dir", filepath.Dir(executed),
		path)
	cmd.Env = append(os.Environ(), "KIT_SCALE="+r.scale)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	err := cmd.Run()
	logPath := strings.TrimSuffix(executed, ".ipynb") + ".log"
	os.WriteFile(logPath, log.Bytes(), 0o644)
	if err != nil {
		return fmt.Errorf("nbconvert --execute failed (%v): %s (log: %s)", err, lastLine(log.String()), logPath)
	}
	return nil
}

// exportHTML writes OUT/html/NAME.html from the executed notebook. Exported
// HTML runs the outputs' scripts (charts) without a trust step.
func (r runner) exportHTML(executed string) error {
	cmd := exec.Command(r.jupyter, "nbconvert", "--to", "html",
		"--output-dir", filepath.Join(r.out, "html"), executed)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("nbconvert --to html failed (%v): %s", err, lastLine(string(out)))
	}
	return nil
}

// lastLine picks the most telling line of a Python tool's log: the last
// exception line when there is one (e.g. "CellTimeoutError: ..."), else
// the last non-empty line.
func lastLine(s string) string {
	lines := nonEmptyLines(s)
	for i := len(lines) - 1; i >= 0; i-- {
		if l := lines[i]; strings.Contains(l, "Error:") || strings.Contains(l, "Exception:") {
			return clip(l)
		}
	}
	return clip(lines[len(lines)-1])
}
