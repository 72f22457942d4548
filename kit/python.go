package kit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"parallelgo.dev/course/kit/internal/proc"
)

// Python beside Go: every lesson has Python programs (lessons/*/*.py) that
// run the source lessons' examples with Python's own tools (map, ThreadPool,
// Pool, Dask) and measure them with kit/kit.py, the Python side of kit.
// [Python] runs one and returns its [PythonReport]; [Beside] draws it next to
// a Go [Comparison], in one table, one wall-time chart and one timeline per
// run, each row labelled by language: "Go Threads(2)", "Python ThreadPool(2)".

// PythonEnv names the Python interpreter [Python] runs, when set. Otherwise
// kit uses the course's own .venv (made by `make lab` from requirements.txt),
// else python3 on PATH.
const PythonEnv = "KIT_PYTHON"

// ErrNoPython is the error of a [PythonReport] made where no Python
// interpreter was found: errors.Is(report.Err, kit.ErrNoPython).
var ErrNoPython = errors.New("kit: no Python found")

// PythonReport is what a Python program measured: one row per executor, as in
// a [Comparison], with Python's results. It prints itself; [Show] draws it,
// and [Beside] draws it next to Go's runs.
//
// A program that could not run (no Python, a missing file, an exception)
// gives a report with Err set and no runs: shown, it says what went wrong,
// and the rest of the lesson runs on.
type PythonReport struct {
	Program     string  // the program, as given to Python
	Python      string  // which Python ran it, e.g. "CPython 3.11.7 (/course/.venv/bin/python)"
	StartMethod string  // how its multiprocessing starts processes: "fork", "spawn" or "forkserver"
	Scale       float64 // KIT_SCALE as the program read it
	Task        string  // what the program calls its work, e.g. "query"
	Inputs      int     // how many inputs each run had
	// Runs has one row per executor, labelled "Python " and the program's
	// name for it: "Python map", "Python Pool(2)". Speedup is over the
	// first run; Startup is, for pools of processes, the time until the
	// first input began; Trace has one span per input, timed by the program.
	Runs []RunStats
	// Results[k] is Runs[k]'s results as the program printed them: a JSON
	// list, one value per input in input order. See [PythonReport.Agrees].
	Results []json.RawMessage
	// After[k], if not empty, is what the program reported about its own
	// variables after Runs[k] (say, the dict its workers wrote into), as JSON.
	After []json.RawMessage
	// Err is nil if the program ran, every run succeeded and, unless the
	// program said results may differ, all runs gave the same results.
	Err error
}

// Python runs the Python program file with the course's Python and returns
// what it measured. file is relative to the working directory (a notebook's
// folder) or, if not found there, to the course's root folder:
//
//	py := kit.Python("lessons/iobound/query.py")
//	kit.Show(py)
//
// The program gets KIT_SCALE as kit read it, so both languages run the same
// sizes, and args on its command line. What it prints reaches the cell, as a
// Go program's output does. The interpreter is $KIT_PYTHON if set, else the
// course's .venv/bin/python, else python3 on PATH.
//
// Python never panics: a missing Python or program, or a program that fails,
// gives a report whose Err says what went wrong and how to fix it.
func Python(file string, args ...string) PythonReport {
	return runPython(nil, file, args...)
}

// PythonOn is [Python] on the same inputs as Go: it sends inputs to the
// program as JSON on its standard input (and adds "--inputs -" to its
// arguments, which kit.py's inputs() reads), so that both languages work on
// exactly the same values:
//
//	py := kit.PythonOn(iobound.Reordered, "lessons/iobound/query.py")
func PythonOn(inputs any, file string, args ...string) PythonReport {
	data, err := json.Marshal(inputs)
	if err != nil {
		return PythonReport{Program: file, Err: fmt.Errorf("kit: the inputs for %s cannot be sent as JSON: %w", file, err)}
	}
	return runPython(data, file, append([]string{"--inputs", "-"}, args...)...)
}

func runPython(stdin []byte, file string, args ...string) PythonReport {
	rep := PythonReport{Program: file}
	interp, err := pythonInterpreter()
	if err != nil {
		rep.Err = err
		return rep
	}
	path, err := pythonProgram(file)
	if err != nil {
		rep.Err = err
		return rep
	}
	out, err := os.CreateTemp("", "kit-python-*.json")
	if err != nil {
		rep.Err = fmt.Errorf("kit: no room for %s's report: %w", file, err)
		return rep
	}
	out.Close()
	defer os.Remove(out.Name())

	// It dies with the cell, and never talks to the kernel.
	cmd := proc.Command(interp, append([]string{path}, args...),
		ScaleEnv+"="+strconv.FormatFloat(Scale(), 'g', -1, 64), // as kit read it, even if set after start
		"KIT_JSON_FILE="+out.Name(),
		"PYTHONUNBUFFERED=1", // its lines reach the cell as they are printed
	)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.Stdout = os.Stdout
	stderr := &proc.Tail{To: os.Stderr, Max: stderrTail}
	cmd.Stderr = stderr
	// A process the program left behind may hold its stderr open: do not
	// wait for it long once the program itself has ended.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Run(); err != nil {
		rep.Err = fmt.Errorf("kit: %s %s failed: %v%s%s", filepath.Base(interp), file, err, pythonStderr(stderr.String()),
			pythonHint(interp, stderr.String()))
		return rep
	}
	data, err := os.ReadFile(out.Name())
	if err == nil && len(data) == 0 {
		err = errors.New("it wrote no report: does it call report.done()?")
	}
	if err == nil {
		err = rep.parse(data)
	}
	if err != nil {
		rep.Err = fmt.Errorf("kit: %s %s: %w", filepath.Base(interp), file, err)
	}
	return rep
}

// pythonStderr is the end of what a failed program wrote to stderr, ready
// to follow an error message: a Python traceback ends with the exception.
func pythonStderr(s string) string {
	if tail := lastLines(s, 8); strings.TrimSpace(tail) != "" {
		return "\n\tits stderr ended with:\n\t\t" + strings.ReplaceAll(tail, "\n", "\n\t\t")
	}
	return ""
}

// pythonHint says how to fix the commonest failure, a Python without the
// course's packages (pandas, Dask): one other than the course's .venv.
func pythonHint(interp, stderr string) string {
	if !strings.Contains(stderr, "ModuleNotFoundError") {
		return ""
	}
	return fmt.Sprintf("\n\t%s lacks a package the program imports: `make lab` installs the course's "+
		"requirements.txt into .venv, which kit then uses (or set %s to a Python that has them)", interp, PythonEnv)
}

// courseRoot is the folder holding kit/ and lessons/: the one this file was
// compiled from (a notebook builds kit from the clone it sits in), else the
// first folder up from the working directory that has kit/kit.py.
var courseRoot = sync.OnceValue(func() string {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(filepath.Dir(file)))
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			starts = append(starts, dir)
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	for _, dir := range starts {
		if _, err := os.Stat(filepath.Join(dir, "kit", "kit.py")); err == nil {
			return dir
		}
	}
	return ""
})

// pythonInterpreter finds the Python to run: $KIT_PYTHON, the course's
// .venv, python3 on PATH.
func pythonInterpreter() (string, error) {
	if p := os.Getenv(PythonEnv); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%w: %s=%q: %v", ErrNoPython, PythonEnv, p, err)
		}
		return path, nil
	}
	var tried []string
	if root := courseRoot(); root != "" {
		venv := filepath.Join(root, ".venv", "bin", "python")
		if _, err := os.Stat(venv); err == nil {
			return venv, nil
		}
		tried = append(tried, venv)
	}
	for _, name := range []string{"python3", "python"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
		tried = append(tried, name+" on PATH")
	}
	return "", fmt.Errorf("%w (tried %s): install Python 3 and run `make lab` once, "+
		"which makes the course's .venv, or set %s to a Python 3", ErrNoPython, strings.Join(tried, ", "), PythonEnv)
}

// pythonProgram finds file in the working directory, else in the course's root.
func pythonProgram(file string) (string, error) {
	if _, err := os.Stat(file); err == nil {
		return filepath.Abs(file)
	}
	tried := []string{file}
	if root := courseRoot(); root != "" && !filepath.IsAbs(file) {
		p := filepath.Join(root, file)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("kit: Python program %s not found (looked for %s)", file, strings.Join(tried, " and "))
}

// pythonDoc is the JSON document kit.py writes (format kit-python/1; see
// kit/kit.py). Times are in seconds.
type pythonDoc struct {
	Format         string      `json:"format"`
	Python         string      `json:"python"`
	Implementation string      `json:"implementation"`
	Executable     string      `json:"executable"`
	StartMethod    string      `json:"start_method"`
	Scale          float64     `json:"scale"`
	Task           string      `json:"task"`
	Inputs         int         `json:"inputs"`
	Labels         []string    `json:"labels"`
	Agree          *bool       `json:"agree"`
	Runs           []pythonRun `json:"runs"`
}

type pythonRun struct {
	Executor  string          `json:"executor"`
	Kind      string          `json:"kind"`
	Workers   int             `json:"workers"`
	Wall      float64         `json:"wall"`
	User      float64         `json:"user"`
	Sys       float64         `json:"sys"`
	ChildUser float64         `json:"child_user"`
	ChildSys  float64         `json:"child_sys"`
	Startup   float64         `json:"startup"`
	Spans     []pythonSpan    `json:"spans"`
	Results   json.RawMessage `json:"results"`
	After     json.RawMessage `json:"after"`
	Error     *string         `json:"error"`
}

type pythonSpan struct {
	Worker int     `json:"worker"`
	PID    int     `json:"pid"`
	Input  int     `json:"input"`
	Start  float64 `json:"start"`
	End    float64 `json:"end"`
	Error  bool    `json:"error"`
}

// The fields every report and every run must have: a program that leaves
// one out is not measuring what kit shows.
var (
	pythonDocFields  = []string{"format", "python", "implementation", "start_method", "scale", "task", "inputs", "labels", "runs"}
	pythonRunFields  = []string{"executor", "kind", "workers", "wall", "user", "sys", "child_user", "child_sys", "startup", "spans", "results", "error"}
	pythonSpanFields = []string{"worker", "pid", "input", "start", "end"}
)

// pythonFormat is the version of the JSON document this kit reads.
const pythonFormat = "kit-python/1"

// parse fills the report from a program's JSON document and checks it.
func (p *PythonReport) parse(data []byte) error {
	if err := requireFields(data, "the report", pythonDocFields); err != nil {
		return err
	}
	var doc pythonDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("its report is not kit.py's JSON: %w", err)
	}
	if doc.Format != pythonFormat {
		return fmt.Errorf("its report has format %q; this kit reads %q", doc.Format, pythonFormat)
	}
	var raw struct{ Runs []json.RawMessage }
	_ = json.Unmarshal(data, &raw) // it parsed above
	p.Python = fmt.Sprintf("%s %s (%s)", doc.Implementation, doc.Python, doc.Executable)
	p.StartMethod, p.Scale, p.Task, p.Inputs = doc.StartMethod, doc.Scale, doc.Task, doc.Inputs
	if len(doc.Runs) == 0 {
		return errors.New("it reported no runs")
	}
	var errs []string
	for k, r := range doc.Runs {
		if err := r.check(raw.Runs[k], doc.Inputs); err != nil {
			return err
		}
		s := RunStats{
			Executor: "Python " + r.Executor,
			Timing: Timing{Wall: pySeconds(r.Wall), User: pySeconds(r.User), Sys: pySeconds(r.Sys),
				ChildUser: pySeconds(r.ChildUser), ChildSys: pySeconds(r.ChildSys)},
			Startup: pySeconds(r.Startup),
			Trace:   NewTrace("Python "+r.Executor, r.Workers),
		}
		for _, sp := range r.Spans {
			label := ""
			if sp.Input < len(doc.Labels) {
				label = doc.Labels[sp.Input]
			}
			s.Trace.Add(Span{Worker: sp.Worker, PID: sp.PID, Input: sp.Input, Label: label,
				Start: pySeconds(sp.Start), End: pySeconds(sp.End), Err: sp.Error})
		}
		if r.Error != nil {
			s.Err = fmt.Errorf("%s", *r.Error)
			errs = append(errs, fmt.Sprintf("%s failed: %s", s.Executor, *r.Error))
		}
		if s.Timing.Wall > 0 && len(p.Runs) > 0 {
			s.Speedup = float64(p.Runs[0].Timing.Wall) / float64(s.Timing.Wall)
		} else if len(p.Runs) == 0 {
			s.Speedup = 1
		}
		p.Runs = append(p.Runs, s)
		p.Results = append(p.Results, r.Results)
		if string(r.After) == "null" {
			r.After = nil
		}
		p.After = append(p.After, r.After)
	}
	if doc.Agree == nil || *doc.Agree {
		if msg := p.disagreement(); msg != "" {
			errs = append(errs, msg)
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// check says what is wrong with one run of a report, if anything.
func (r pythonRun) check(raw json.RawMessage, inputs int) error {
	if err := requireFields(raw, "run "+strconv.Quote(r.Executor), pythonRunFields); err != nil {
		return err
	}
	var spans struct{ Spans []json.RawMessage }
	_ = json.Unmarshal(raw, &spans)
	for _, s := range spans.Spans {
		if err := requireFields(s, "a span of run "+strconv.Quote(r.Executor), pythonSpanFields); err != nil {
			return err
		}
	}
	for _, s := range r.Spans {
		if s.Worker < 0 || s.Input < 0 || s.Input >= inputs || s.End < s.Start {
			return fmt.Errorf("run %q has a span that makes no sense: worker %d, input %d of %d, from %gs to %gs",
				r.Executor, s.Worker, s.Input, inputs, s.Start, s.End)
		}
	}
	var results []json.RawMessage
	if err := json.Unmarshal(r.Results, &results); err != nil || len(results) != inputs {
		return fmt.Errorf("run %q: its results are not a list of %d values: %s", r.Executor, inputs, clip(string(r.Results), 80))
	}
	return nil
}

// requireFields checks that the JSON object data has every one of names.
func requireFields(data []byte, what string, names []string) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return fmt.Errorf("%s is not a JSON object: %w", what, err)
	}
	var missing []string
	for _, n := range names {
		if _, ok := obj[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks the field(s) %s (see kit/kit.py for the format)", what, strings.Join(missing, ", "))
	}
	return nil
}

// disagreement says which run's results differ from the first's, if any.
func (p *PythonReport) disagreement() string {
	var first []any
	for k, res := range p.Results {
		if p.Runs[k].Err != nil {
			continue
		}
		var vs []any
		_ = json.Unmarshal(res, &vs) // checked: a list
		if first == nil {
			first = vs
			continue
		}
		if i := firstDifference(reflect.ValueOf(first), reflect.ValueOf(vs)); i >= 0 {
			return fmt.Sprintf("results differ: input %d: %s gave %s, %s gave %s", i,
				p.Runs[0].Executor, jsonText(first[i]), p.Runs[k].Executor, jsonText(vs[i]))
		}
	}
	return ""
}

// firstDifference is the index of the first element where two lists differ,
// or -1 if they are equal.
func firstDifference(a, b reflect.Value) int {
	for i := range max(a.Len(), b.Len()) {
		if i >= a.Len() || i >= b.Len() || !reflect.DeepEqual(a.Index(i).Interface(), b.Index(i).Interface()) {
			return i
		}
	}
	return -1
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return clip(string(b), 60)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

// pySeconds converts Python's float seconds.
func pySeconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Agrees checks every successful run's results against want, Go's results
// for the same inputs (a slice, one value per input): it decodes Python's
// JSON into want's type and compares them with reflect.DeepEqual. It returns
// nil if they all agree, else an error naming the first input that differs.
//
//	run := kit.Map(kit.Threads(2), query, iobound.Queries)
//	fmt.Println("Python agrees with Go:", kit.PythonOn(iobound.Queries, "lessons/iobound/query.py").Agrees(run.Results) == nil)
func (p PythonReport) Agrees(want any) error {
	if p.Err != nil && len(p.Runs) == 0 {
		return p.Err
	}
	w := reflect.ValueOf(want)
	if w.Kind() != reflect.Slice {
		return fmt.Errorf("kit: Agrees wants Go's results as a slice, one per input, not %T", want)
	}
	checked := 0
	for k, res := range p.Results {
		if p.Runs[k].Err != nil {
			continue
		}
		got := reflect.New(w.Type())
		if err := json.Unmarshal(res, got.Interface()); err != nil {
			return fmt.Errorf("kit: %s's results do not fit Go's %T: %w", p.Runs[k].Executor, want, err)
		}
		if i := firstDifference(got.Elem(), w); i >= 0 {
			if i >= got.Elem().Len() || i >= w.Len() {
				return fmt.Errorf("kit: %s gave %d results, Go %d", p.Runs[k].Executor, got.Elem().Len(), w.Len())
			}
			return fmt.Errorf("kit: results differ: input %d: %s gave %#v, Go %#v",
				i, p.Runs[k].Executor, got.Elem().Index(i).Interface(), w.Index(i).Interface())
		}
		checked++
	}
	if checked == 0 {
		return fmt.Errorf("kit: %s has no successful run to compare with Go's", p.Program)
	}
	return nil
}

// comparison is the report as a [Comparison], which draws it.
func (p PythonReport) comparison() Comparison {
	task := p.Task
	if task == "" {
		task = p.Program
	}
	return Comparison{Task: task + " (Python)", Inputs: p.Inputs, Runs: p.Runs, Err: p.Err}
}

// String is the report as a text table, with which Python ran it.
func (p PythonReport) String() string {
	return p.comparison().String() + p.notes("\n", func(s string) string { return s })
}

// HTML is the report as a table, a bar chart of wall times and each run's
// timeline.
func (p PythonReport) HTML() string {
	notes := p.notes("<br>", html.EscapeString)
	if notes != "" {
		notes = "<p style=\"font-size:12px;color:" + paletteMuted + "\">" + strings.TrimPrefix(notes, "<br>") + "</p>"
	}
	return p.comparison().HTML() + notes
}

// notes are the lines under the table: which Python, how it starts
// processes, and what the program's variables held after each run.
func (p PythonReport) notes(sep string, escape func(string) string) string {
	var b strings.Builder
	if p.Python != "" {
		fmt.Fprintf(&b, "%s%s; multiprocessing starts processes by %s", sep, escape(p.Python), escape(p.StartMethod))
	}
	for k, a := range p.After {
		if len(a) > 0 {
			fmt.Fprintf(&b, "%safter %s: %s", sep, escape(p.Runs[k].Executor), escape(string(a)))
		}
	}
	return b.String()
}

// SideBySide is Go's runs and Python's of the same work in one table, made by
// [Beside]. It prints itself; [Show] draws one wall-time chart with a bar per
// run, Go's in one colour and Python's in another, and each run's timeline.
type SideBySide struct {
	Task   string
	Inputs int
	// Runs holds Go's rows, labelled "Go Serial", "Go Threads(2)", ..., then
	// each Python report's rows, "Python map", "Python ThreadPool(2)", ....
	// Each language's Speedup is over its own first run.
	Runs []RunStats
	// Err joins Go's comparison error and each Python report's, nil if
	// there are none.
	Err error
}

// Beside puts a Go comparison and Python reports of the same work side by
// side:
//
//	cmp := kit.Compare(query, iobound.Queries, kit.Serial(), kit.Threads(2), kit.Processes(2))
//	kit.Show(kit.Beside(cmp, kit.PythonOn(iobound.Queries, "lessons/iobound/query.py")))
//
// A Python report that failed still shows Go's rows, with Python's error.
func Beside(goRuns Comparison, py ...PythonReport) SideBySide {
	s := SideBySide{Task: goRuns.Task, Inputs: goRuns.Inputs}
	var errs []error
	if goRuns.Err != nil {
		errs = append(errs, goRuns.Err)
	}
	for _, r := range goRuns.Runs {
		r.Executor = "Go " + r.Executor
		if r.Trace != nil {
			r.Trace = r.Trace.renamed(r.Executor)
		}
		s.Runs = append(s.Runs, r)
	}
	for _, p := range py {
		s.Runs = append(s.Runs, p.Runs...)
		if p.Err != nil {
			errs = append(errs, p.Err)
		}
	}
	s.Err = errors.Join(errs...)
	return s
}

// renamed is a copy of t under another name: the same spans and total.
func (t *Trace) renamed(name string) *Trace {
	c := NewTrace(name, t.Workers)
	c.addSpans(t.Spans())
	t.mu.Lock()
	c.end = t.end
	t.mu.Unlock()
	return c
}

// String is the side-by-side table as text.
func (s SideBySide) String() string {
	return Comparison{Task: s.Task, Inputs: s.Inputs, Runs: s.Runs, Err: s.Err}.String() +
		"\n(speedup: over each language's first run)"
}

// BesideAttr is the attribute of the element around a [SideBySide]'s charts:
// its value lists the languages whose bars the wall-time chart must show
// ("Go Python"), which the course's browser check verifies.
const BesideAttr = "data-kit-beside"

// HTML is the side-by-side table, one wall-time chart with Go's and Python's
// bars, and each run's timeline.
func (s SideBySide) HTML() string {
	c := Comparison{Task: s.Task, Inputs: s.Inputs, Runs: s.Runs, Err: s.Err}
	var firsts []string
	colors := make([]string, len(s.Runs))
	seen := map[string]bool{}
	for i, r := range s.Runs {
		lang := languageOf(r.Executor)
		colors[i] = paletteSeries[0]
		if lang == "Python" {
			colors[i] = paletteSeries[1]
		}
		if !seen[lang] {
			seen[lang] = true
			firsts = append(firsts, r.Executor)
		}
	}
	subtitle := "speedup over each language's first run (" + strings.Join(firsts, ", ") +
		"); parallelism = CPU time ÷ wall time (cores busy on average)"
	wall := wallChart(s.Task+": Go and Python, wall time", subtitle, c.wallBars(), colors)
	return fmt.Sprintf(`<div class="kit-beside" %s="Go Python">`, BesideAttr) + c.html(wall) + "</div>"
}

// languageOf is the first word of a side-by-side row's name: "Go" or "Python".
func languageOf(executor string) string {
	lang, _, _ := strings.Cut(executor, " ")
	return lang
}
