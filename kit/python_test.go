package kit

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// needPython skips a test when this machine has no Python at all, the one
// case where the Python side cannot be tested.
func needPython(t *testing.T) {
	t.Helper()
	if _, err := pythonInterpreter(); err != nil {
		t.Skipf("no Python interpreter on this machine: %v", err)
	}
}

const squarePy = "testdata/square.py"

func TestPythonOnSquares(t *testing.T) {
	needPython(t)
	py := PythonOn([]int{3, 1, 4, 1, 5}, squarePy)
	if py.Err != nil {
		t.Fatal(py.Err)
	}
	if py.Task != "square" || py.Inputs != 5 || py.StartMethod == "" || !strings.Contains(py.Python, "Python") {
		t.Errorf("report header: task %q, inputs %d, start method %q, python %q", py.Task, py.Inputs, py.StartMethod, py.Python)
	}
	if py.Scale != Scale() {
		t.Errorf("the program read KIT_SCALE=%v, kit %v", py.Scale, Scale())
	}
	var names []string
	for _, r := range py.Runs {
		names = append(names, r.Executor)
	}
	if got := strings.Join(names, ", "); got != "Python map, Python ThreadPool(2), Python Pool(2)" {
		t.Errorf("runs %s", got)
	}
	if err := py.Agrees([]int{9, 1, 16, 1, 25}); err != nil {
		t.Errorf("Agrees with the right squares: %v", err)
	}
	if err := py.Agrees([]int{9, 1, 16, 1, 24}); err == nil || !strings.Contains(err.Error(), "input 4") {
		t.Errorf("Agrees with a wrong last square: %v, want an error naming input 4", err)
	}
	if err := py.Agrees([]string{"a", "b", "c", "d", "e"}); err == nil {
		t.Error("Agrees with strings: no error")
	}
	for _, r := range py.Runs {
		spans := r.Trace.Spans()
		if len(spans) != 5 {
			t.Errorf("%s: %d spans, want one per input", r.Executor, len(spans))
			continue
		}
		seen := map[int]bool{}
		for _, s := range spans {
			seen[s.Input] = true
			if s.End < s.Start || s.Start < 0 || s.End > r.Timing.Wall {
				t.Errorf("%s: span %+v outside its run of %v", r.Executor, s, r.Timing.Wall)
			}
		}
		if len(seen) != 5 {
			t.Errorf("%s: spans cover inputs %v", r.Executor, seen)
		}
	}
	pool := py.Runs[2]
	if pool.Startup <= 0 {
		t.Errorf("Pool(2) start-up %v, want > 0", pool.Startup)
	}
	for _, l := range pool.Trace.Load() {
		if l.Inputs > 0 && (l.PID == 0 || l.PID == os.Getpid()) {
			t.Errorf("Pool(2) worker %d ran in pid %d", l.Worker, l.PID)
		}
	}
	if py.Runs[0].Startup != 0 || py.Runs[1].Startup != 0 {
		t.Errorf("map and ThreadPool report a start-up: %v, %v", py.Runs[0].Startup, py.Runs[1].Startup)
	}
	if py.Runs[0].Speedup != 1 {
		t.Errorf("the first run's speedup is %v, want 1", py.Runs[0].Speedup)
	}
}

func TestPythonProblemsAreErrors(t *testing.T) {
	needPython(t)
	for _, c := range []struct {
		name string
		py   func() PythonReport
		want string
	}{
		{"missing program", func() PythonReport { return Python("testdata/no-such-program.py") }, "not found"},
		{"crash", func() PythonReport { return Python(squarePy, "--crash") }, "this program crashed on purpose"},
		{"missing module", func() PythonReport { return Python(squarePy, "--missing") }, "make lab"},
		{"failing input", func() PythonReport { return Python(squarePy, "--fail", "3") }, "no square for 3"},
		{"missing field", func() PythonReport { return Python(squarePy, "--drop", "child_user") }, "child_user"},
		{"bad inputs", func() PythonReport { return PythonOn(func() {}, squarePy) }, "cannot be sent as JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			py := c.py()
			if py.Err == nil || !strings.Contains(py.Err.Error(), c.want) {
				t.Fatalf("Err = %v, want it to mention %q", py.Err, c.want)
			}
			// A failed report still prints and draws, showing the error.
			if !strings.Contains(py.String(), c.want) || !strings.Contains(py.HTML(), "ERROR") {
				t.Errorf("the report does not show its error:\n%s", py)
			}
		})
	}
}

func TestPythonFailingInputKeepsTheRun(t *testing.T) {
	needPython(t)
	py := Python(squarePy, "--fail", "3")
	if len(py.Runs) != 3 {
		t.Fatalf("%d runs, want 3: %v", len(py.Runs), py.Err)
	}
	for _, r := range py.Runs {
		failed := 0
		for _, s := range r.Trace.Spans() {
			if s.Err {
				failed++
			}
		}
		if r.Err == nil || failed != 1 {
			t.Errorf("%s: err %v, %d failed spans; want an error and 1", r.Executor, r.Err, failed)
		}
	}
}

func TestPythonWithoutInterpreter(t *testing.T) {
	t.Setenv(PythonEnv, "/no/such/python3")
	py := Python(squarePy)
	if !errors.Is(py.Err, ErrNoPython) || !strings.Contains(py.Err.Error(), PythonEnv) {
		t.Fatalf("Err = %v, want ErrNoPython naming %s", py.Err, PythonEnv)
	}
	if len(py.Runs) != 0 || !strings.Contains(Beside(Comparison{Task: "t"}, py).String(), PythonEnv) {
		t.Errorf("a report without Python shows no error beside Go: %v", Beside(Comparison{Task: "t"}, py))
	}
}

func TestPythonScaleMatchesKit(t *testing.T) {
	needPython(t)
	py, _ := pythonInterpreter()
	prog := `import sys; sys.path.insert(0, "."); import kit; print(kit.scaled(1), kit.scaled(25), kit.scaled(3), kit.scaled(10_000_000), kit.seconds(1.5))`
	for _, c := range []struct {
		scale string
		want  string
	}{
		{"", "1 25 3 10000000 1.5"},
		{"0.02", "1 1 1 200000 0.03"},
		{"0.1", "1 3 1 1000000 0.15000000000000002"}, // 2.5 rounds up, as Go's math.Round
		{"nonsense", "1 25 3 10000000 1.5"},
	} {
		cmd := exec.Command(py, "-c", prog)
		cmd.Env = append(os.Environ(), ScaleEnv+"="+c.scale)
		out, err := cmd.CombinedOutput()
		got := strings.TrimSpace(string(out))
		if err != nil || !strings.HasSuffix(got, c.want) {
			t.Errorf("KIT_SCALE=%q: kit.py says %q (%v), want %q", c.scale, got, err, c.want)
		}
		if s, err := parseScale(c.scale); err == nil {
			goSide := []int{scaledBy(1, s), scaledBy(25, s), scaledBy(3, s), scaledBy(10_000_000, s)}
			b, _ := json.Marshal(goSide)
			if !strings.HasPrefix(c.want, strings.Trim(strings.ReplaceAll(string(b), ",", " "), "[]")) {
				t.Errorf("KIT_SCALE=%q: Go scales to %v, kit.py to %q", c.scale, goSide, c.want)
			}
		}
	}
}

// scaledBy is Scaled at scale s.
func scaledBy(n int, s float64) int {
	m := int(float64(n)*s + 0.5)
	return max(m, 1)
}

// pythonReportJSON is a report as kit.py writes one, for tests that need no
// Python: a map and a Pool(2) run over two inputs.
const pythonReportJSON = `{"format": "kit-python/1", "program": "t.py", "python": "3.11.7",
 "implementation": "CPython", "executable": "/py", "start_method": "fork", "scale": 1, "cpus": 2,
 "task": "t", "inputs": 2, "labels": ["a", "b"], "agree": true,
 "runs": [
  {"executor": "map", "kind": "serial", "workers": 1, "start_method": null, "wall": 2.0,
   "user": 1.9, "sys": 0.1, "child_user": 0, "child_sys": 0, "startup": 0,
   "spans": [{"worker": 0, "pid": 0, "input": 0, "start": 0, "end": 1, "error": false},
             {"worker": 0, "pid": 0, "input": 1, "start": 1, "end": 2, "error": false}],
   "results": [1, 4], "after": {"0": 1}, "error": null},
  {"executor": "Pool(2)", "kind": "processes", "workers": 2, "start_method": "fork", "wall": 1.25,
   "user": 0.01, "sys": 0.01, "child_user": 2.0, "child_sys": 0, "startup": 0.05,
   "spans": [{"worker": 0, "pid": 11, "input": 0, "start": 0, "end": 1, "error": false},
             {"worker": 1, "pid": 12, "input": 1, "start": 0, "end": 1.1, "error": false}],
   "results": [1, 4], "after": {}, "error": null}]}`

func parsedReport(t *testing.T, doc string) PythonReport {
	t.Helper()
	var p PythonReport
	p.Err = p.parse([]byte(doc))
	return p
}

func TestPythonParse(t *testing.T) {
	p := parsedReport(t, pythonReportJSON)
	if p.Err != nil {
		t.Fatal(p.Err)
	}
	pool := p.Runs[1]
	if pool.Executor != "Python Pool(2)" || pool.Timing.Wall != 1250*time.Millisecond ||
		pool.Timing.ChildUser != 2*time.Second || pool.Startup != 50*time.Millisecond || pool.Speedup != 1.6 {
		t.Errorf("Pool(2) row: %+v", pool)
	}
	if l := pool.Trace.Load(); len(l) != 2 || l[1].PID != 12 || l[1].Busy != 1100*time.Millisecond {
		t.Errorf("Pool(2) load: %+v", l)
	}
	if s := p.Runs[0].Trace.Spans(); s[1].Label != "b" {
		t.Errorf("span labels: %+v", s)
	}
	if string(p.After[0]) != `{"0": 1}` || !strings.Contains(p.String(), `after Python map: {"0": 1}`) {
		t.Errorf("after: %s\n%s", p.After, p)
	}
}

func TestPythonParseRejects(t *testing.T) {
	for _, c := range []struct{ edit, want string }{
		{`"format": "kit-python/1"|"format": "kit-python/9"`, "kit-python/9"},
		{`"results": [1, 4], "after": {}|"results": [1, 5], "after": {}`, "results differ: input 1"},
		{`"results": [1, 4], "after": {}|"results": [1], "after": {}`, "not a list of 2 values"},
		{`"input": 1, "start": 0, "end": 1.1|"input": 7, "start": 0, "end": 1.1`, "input 7 of 2"},
		{`"runs": [|"runz": [`, "lacks the field(s) runs"},
		{`"wall": 1.25,|`, `run "Pool(2)" lacks the field(s) wall`},
		{`"worker": 1, "pid": 12,|"pid": 12,`, "a span of run \"Pool(2)\" lacks the field(s) worker"},
	} {
		from, to, _ := strings.Cut(c.edit, "|")
		doc := strings.Replace(pythonReportJSON, from, to, 1)
		if doc == pythonReportJSON {
			t.Fatalf("edit %q changed nothing", from)
		}
		p := parsedReport(t, doc)
		if p.Err == nil || !strings.Contains(p.Err.Error(), c.want) {
			t.Errorf("edit %q: Err = %v, want it to mention %q", c.edit, p.Err, c.want)
		}
	}
	// With "agree": false, differing results are expected.
	doc := strings.Replace(strings.Replace(pythonReportJSON, `"agree": true`, `"agree": false`, 1),
		`"results": [1, 4], "after": {}`, `"results": [1, 5], "after": {}`, 1)
	if p := parsedReport(t, doc); p.Err != nil {
		t.Errorf("agree false: %v", p.Err)
	}
}

// wallChartID finds the element of the wall-time chart in a page.
var wallChartID = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`id="(kit-chart-[0-9a-f]+)" class="kit-chart" data-kit-chart="wall"`)
})

func TestBesideDrawsBothLanguages(t *testing.T) {
	sq := Task("beside-square", func(x int) int { return x * x })
	cmp := Compare(sq, []int{1, 2}, Serial(), Threads(2))
	s := Beside(cmp, parsedReport(t, pythonReportJSON))
	if s.Err != nil {
		t.Fatal(s.Err)
	}
	var names []string
	for _, r := range s.Runs {
		names = append(names, r.Executor)
	}
	if got := strings.Join(names, ", "); got != "Go Serial, Go Threads(2), Python map, Python Pool(2)" {
		t.Errorf("rows %s", got)
	}
	if cmp.Runs[1].Executor != "Threads(2)" || cmp.Runs[1].Trace.Name != "Threads(2)" {
		t.Errorf("Beside renamed Go's own comparison: %q, trace %q", cmp.Runs[1].Executor, cmp.Runs[1].Trace.Name)
	}
	if s.Runs[1].Trace.Name != "Go Threads(2)" || len(s.Runs[1].Trace.Spans()) != 2 {
		t.Errorf("Go's timeline in Beside: %q, %d spans", s.Runs[1].Trace.Name, len(s.Runs[1].Trace.Spans()))
	}
	page := s.HTML()
	if !strings.Contains(page, BesideAttr+`="Go Python"`) {
		t.Errorf("no %s attribute", BesideAttr)
	}
	bars := besideBars(t, page)
	want := map[string]string{"Go Serial": paletteSeries[0], "Go Threads(2)": paletteSeries[0],
		"Python map": paletteSeries[1], "Python Pool(2)": paletteSeries[1]}
	for name, color := range want {
		if bars[name] != color {
			t.Errorf("bar %q: colour %q, want %q (bars: %v)", name, bars[name], color, bars)
		}
	}
	if !strings.Contains(page, "speedup over each language's first run (Go Serial, Python map)") {
		t.Error("the chart's subtitle does not say what the speedups are over")
	}

	// Without Python's runs, the chart has Go's bars only: what the
	// browser check catches in a notebook.
	t.Setenv(PythonEnv, "/no/such/python3")
	bars = besideBars(t, Beside(cmp, Python(squarePy)).HTML())
	for name := range bars {
		if strings.HasPrefix(name, "Python") {
			t.Errorf("a failed Python report drew bar %q", name)
		}
	}
}

// besideBars reads the wall chart of a side-by-side page: each bar's name and colour.
func besideBars(t *testing.T, page string) map[string]string {
	t.Helper()
	id := wallChartID().FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no wall chart in the page")
	}
	m := regexp.MustCompile(`(?s)\("` + id[1] + `", (\{.*?\})\);</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no option for the wall chart %s", id[1])
	}
	var opt struct {
		YAxis  []struct{ Data []string } `json:"yAxis"`
		Series []struct {
			Data []struct {
				ItemStyle struct{ Color string } `json:"itemStyle"`
			}
		}
	}
	if err := json.Unmarshal([]byte(strings.ReplaceAll(m[1], `<\/`, `</`)), &opt); err != nil {
		t.Fatalf("the wall chart's option is not JSON: %v\n%s", err, m[1])
	}
	bars := map[string]string{}
	for i, name := range opt.YAxis[0].Data {
		bars[name] = opt.Series[0].Data[i].ItemStyle.Color
	}
	return bars
}
