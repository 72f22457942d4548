package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// labOpts are the flags of `nbcheck lab` (`nbcheck all` shares them).
type labOpts struct {
	root, out, scale, jupyter, chromium, selector string
	timeout                                       time.Duration
	pages                                         bool
}

func (o *labOpts) flags(fs *flag.FlagSet) {
	fs.StringVar(&o.root, "root", "", "repository root (default: found from the current directory)")
	fs.StringVar(&o.out, "out", "", "output folder for screenshots, saved notebooks, HTML and logs (default: build/ at the repository root)")
	fs.StringVar(&o.scale, "scale", "0.02", "KIT_SCALE for the kernels: shrinks the lessons' sleeps and loop counts")
	fs.StringVar(&o.jupyter, "jupyter", "", "jupyter command (default: the repository's .venv/bin/jupyter, else jupyter on PATH)")
	fs.StringVar(&o.chromium, "chromium", "", "Chromium binary (default: /usr/bin/chromium, else chromium on PATH)")
	fs.StringVar(&o.selector, "charts", ChartSelector, "CSS selector of chart containers")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "time limit for one notebook's run (a cold Go build cache makes the first cell slow)")
	fs.BoolVar(&o.pages, "pages", true, "also export each saved notebook to HTML and check its charts from file://")
}

// labSession is one JupyterLab server and one headless Chromium, shared by
// the notebooks a command checks.
type labSession struct {
	o    labOpts
	root string
	srv  *server
	br   *browser
	ctx  context.Context
	done func()
}

// openLab resolves the options, starts Chromium and JupyterLab, and checks
// that the server refuses requests without its token.
func openLab(o labOpts) (*labSession, error) {
	root, err := findRoot(o.root)
	if err != nil {
		return nil, err
	}
	if o.out, err = outDir(o.root, o.out); err != nil {
		return nil, err
	}
	if _, err := strconv.ParseFloat(o.scale, 64); err != nil {
		return nil, fmt.Errorf("-scale %q is not a number", o.scale)
	}
	jupyter := o.jupyter
	if jupyter == "" {
		if jupyter, err = findJupyter(o.root, "lab"); err != nil {
			return nil, err
		}
	} else if err := exec.Command(jupyter, "lab", "--version").Run(); err != nil {
		return nil, fmt.Errorf("-jupyter %s: 'lab --version' failed: %v", jupyter, err)
	}
	ctx, br, done, err := openBrowser(o.chromium)
	if err != nil {
		return nil, err
	}
	srv, err := startServer(ctx, jupyter, root, o.out, o.scale)
	if err != nil {
		done()
		return nil, err
	}
	br.allow("127.0.0.1:" + strconv.Itoa(srv.port))
	ls := &labSession{o: o, root: root, srv: srv, br: br, ctx: ctx}
	ls.done = func() { srv.stop(); done() }
	return ls, nil
}

// place puts a notebook into the server's mirror and returns its path
// there, relative to the server's root, and whether it is one of the
// repository's notebooks, which are there already. Any other is copied
// into the mirror's notebooks/, where its set-up cell finds the course as
// the course's own notebooks do.
func (ls *labSession) place(path string) (rel string, ours bool, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false, err
	}
	if r, err := filepath.Rel(filepath.Join(ls.root, "notebooks"), abs); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(filepath.Join("notebooks", r)), true, nil
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return "", false, err
	}
	rel = filepath.Join("notebooks", filepath.Base(abs))
	return filepath.ToSlash(rel), false, os.WriteFile(filepath.Join(ls.srv.dir, rel), data, 0o644)
}

// labResult is what one notebook's live run found.
type labResult struct {
	name     string
	cells    int
	charts   int // drawn in JupyterLab
	elapsed  time.Duration
	problems []string
	shot     string
}

func (r labResult) String() string {
	stats := fmt.Sprintf("%d cells  %s drawn  %.1fs", r.cells, plural(r.charts, "chart", "charts"), r.elapsed.Seconds())
	if len(r.problems) == 0 {
		return fmt.Sprintf("PASS %s  %s  screenshot %s", r.name, stats, r.shot)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL %s  %s  (%s)", r.name, r.problems[0], stats)
	for _, p := range r.problems[1:] {
		fmt.Fprintf(&b, "\n     %s", p)
	}
	return b.String()
}

// cmdLab implements `nbcheck lab`.
func cmdLab(args []string) int { return labCommand("lab", args, false) }

// labCommand parses a lab-like command's flags, opens the lab session and
// checks the notebooks, then, with interrupt, the interrupt check.
func labCommand(name string, args []string, interrupt bool) int {
	fs := newFlagSet(name, "[flags] [notebooks...]")
	var o labOpts
	o.flags(fs)
	fs.Parse(args)
	paths, err := notebookArgs(o.root, fs.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		return 2
	}
	ls, err := openLab(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		return 2
	}
	defer ls.done()
	passed, failed := ls.checkAll(paths)
	if interrupt && ls.ctx.Err() == nil {
		if line, ok := ls.checkInterrupt(); ok {
			fmt.Println("PASS " + line)
			passed++
		} else {
			fmt.Println("FAIL " + line)
			failed++
		}
	}
	return summary(passed, failed)
}

// checkAll runs the security check and then every notebook, printing a
// line for each; the security check counts as a failure of its own.
func (ls *labSession) checkAll(paths []string) (passed, failed int) {
	if err := ls.srv.checkAuth(); err != nil {
		fmt.Println("FAIL security:", err)
		failed++
	} else {
		fmt.Println("PASS security: the server refuses requests without its token")
	}
	for _, p := range paths {
		if ls.ctx.Err() != nil {
			fmt.Println("FAIL interrupted")
			return passed, failed + 1
		}
		res := ls.check(p)
		fmt.Println(res)
		if len(res.problems) == 0 {
			passed++
		} else {
			failed++
		}
	}
	return passed, failed
}

// check runs one notebook live in JupyterLab and checks it:
//   - all cells are run with JupyterLab's "Run All Cells" command and the
//     live notebook model, read back as nbformat JSON, goes through
//     [CheckExecuted], as a headless run does;
//   - every chart container holds a drawn canvas, and there is at least one
//     when the notebook's code uses kit's charts;
//   - the source of every cell tagged solution is hidden;
//   - the notebook is saved, then opened afresh in Notebook 7, where the
//     same charts must draw again (a learner reopening their work);
//   - with -pages, the saved notebook is exported to HTML, whose charts must
//     draw from file:// too.
func (ls *labSession) check(path string) (res labResult) {
	res.name = filepath.Base(path)
	start := time.Now()
	defer func() { res.elapsed = time.Since(start) }()
	fail := func(format string, args ...any) labResult {
		res.problems = append(res.problems, fmt.Sprintf(format, args...))
		return res
	}
	src, err := ReadNotebook(path)
	if err != nil {
		return fail("%v", err)
	}
	rel, ours, err := ls.place(path)
	if err != nil {
		return fail("%v", err)
	}
	// The course's notebooks are committed without outputs.
	if rs := Residue(src); ours && len(rs) > 0 {
		res.problems = append(res.problems, "committed with "+strings.Join(rs, ", ")+"; run nbcheck strip")
	}
	defer ls.srv.shutdownKernels() // the next notebook starts from no kernel

	page, err := ls.openNotebook(rel)
	if err != nil {
		return fail("%v", err)
	}
	defer closePage(page)

	if _, err := page.Eval(`() => jupyterapp.commands.execute('notebook:run-all-cells')`); err != nil {
		return fail("running all cells: %v", err)
	}
	if err := waitIdle(ls.ctx, page, ls.o.timeout); err != nil {
		res.problems = append(res.problems, "waiting for the cells to finish: "+err.Error())
	}

	nb, err := liveNotebook(page)
	if err != nil {
		return fail("reading the notebook: %v", err)
	}
	res.cells = len(nb.Cells())
	for _, p := range CheckExecuted(nb) {
		res.problems = append(res.problems, p.String())
	}
	charts, probs := ls.checkCharts(page, nb, "", 0)
	res.charts = len(charts)
	res.problems = append(res.problems, probs...)
	res.problems = append(res.problems, hiddenSolutions(page)...)

	if res.shot, err = screenshot(page, filepath.Join(ls.o.out, "screenshots", strings.TrimSuffix(res.name, ".ipynb")+".png")); err != nil {
		res.problems = append(res.problems, "screenshot: "+err.Error())
	}
	if _, err := page.Eval(`() => jupyterapp.commands.execute('docmanager:save')`); err != nil {
		return fail("saving: %v", err)
	}
	if err := waitTrue(ls.ctx, page, `() => !jupyterapp.shell.currentWidget.context.model.dirty`, 30*time.Second); err != nil {
		return fail("saving: %v", err)
	}
	closePage(page)
	ls.srv.shutdownKernels()

	saved := filepath.Join(ls.srv.dir, filepath.FromSlash(rel))
	res.problems = append(res.problems, ls.checkReopened(rel, len(charts))...)
	if ls.o.pages {
		res.problems = append(res.problems, ls.checkExported(saved, len(charts))...)
	}
	return res
}

// openNotebook opens a notebook in JupyterLab in a new tab and waits until
// its kernel is idle. ?reset starts from an empty workspace, so that no
// notebook checked before is reopened.
func (ls *labSession) openNotebook(rel string) (*rod.Page, error) {
	page, err := ls.br.b.Page(proto.TargetCreateTarget{})
	if err != nil {
		return nil, err
	}
	page = page.Context(ls.ctx)
	// A wide window: the screenshot shows the notebook, not a phone view.
	page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 900, DeviceScaleFactor: 1})
	u := ls.srv.base() + "/lab/tree/" + rel + "?reset&token=" + ls.srv.token
	if err := page.Navigate(u); err != nil {
		closePage(page)
		return nil, fmt.Errorf("opening %s: %w", rel, err)
	}
	// The notebook is the current widget, loaded, its kernel started and
	// idle; until then the state says what is missing.
	const state = `(path) => {
		const app = window.jupyterapp;
		if (!app) return 'JupyterLab not loaded (no window.jupyterapp)';
		const w = app.shell.currentWidget;
		if (!w || !w.context || !w.sessionContext) return 'no notebook open';
		if (w.context.path !== path) return 'another document open: ' + w.context.path;
		if (!w.context.isReady) return 'notebook loading';
		const k = w.sessionContext.session && w.sessionContext.session.kernel;
		if (!k) return 'no kernel (' + (w.sessionContext.kernelDisplayStatus || '') + ')';
		if (k.connectionStatus !== 'connected') return 'kernel ' + k.connectionStatus;
		// GoNB reports no status until a cell runs: 'unknown' is ready too.
		return k.status === 'idle' || k.status === 'unknown' ? '' : 'kernel ' + k.status;
	}`
	if err := waitState(ls.ctx, page, state, 2*time.Minute, rel); err != nil {
		closePage(page)
		return nil, fmt.Errorf("waiting for %s and its kernel: %w", rel, err)
	}
	return page, nil
}

// waitIdle waits until no cell of the current notebook is running or
// queued and the kernel is idle, twice in a row, so that the gap between
// two cells is not taken for the end. A dead kernel ends the wait at once.
func waitIdle(ctx context.Context, page *rod.Page, limit time.Duration) error {
	const state = `() => {
		const w = jupyterapp.shell.currentWidget;
		const k = w.sessionContext.session && w.sessionContext.session.kernel;
		if (!k || k.status === 'dead') return 'dead';
		const busy = w.content.widgets.some(c => c.model.type === 'code' && c.model.executionState === 'running');
		return busy || k.status !== 'idle' ? 'busy' : 'idle';
	}`
	deadline := time.Now().Add(limit)
	idle := 0
	for {
		res, err := page.Eval(state)
		if err != nil {
			return err
		}
		switch res.Value.Str() {
		case "dead":
			return fmt.Errorf("the kernel died")
		case "idle":
			if idle++; idle >= 2 {
				return nil
			}
		default:
			idle = 0
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up after %v", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// waitTrue polls a JavaScript predicate, called with args, until it is
// true, the limit passes, or ctx ends.
func waitTrue(ctx context.Context, page *rod.Page, js string, limit time.Duration, args ...any) error {
	return waitState(ctx, page, `(...a) => (`+js+`)(...a) ? '' : 'not yet'`, limit, args...)
}

// waitState polls a JavaScript function, called with args, until it
// returns ” (ready), the limit passes, or ctx ends. Until then it returns
// what it is waiting for, which the error on giving up quotes.
func waitState(ctx context.Context, page *rod.Page, js string, limit time.Duration, args ...any) error {
	deadline := time.Now().Add(limit)
	last := ""
	for {
		res, err := page.Eval(js, args...)
		if err == nil && res.Value.Str() == "" {
			return nil
		}
		if err != nil {
			last = err.Error()
		} else {
			last = res.Value.Str()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up after %v: %s", limit, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// liveNotebook reads the current notebook's model as nbformat JSON.
func liveNotebook(page *rod.Page) (*Notebook, error) {
	res, err := page.Eval(`() => JSON.stringify(jupyterapp.shell.currentWidget.content.model.toJSON())`)
	if err != nil {
		return nil, err
	}
	return ParseNotebook([]byte(res.Value.Str()))
}

// checkCharts waits for the page's charts and lists those that did not
// draw, and the lack of any chart on a page whose notebook model holds one.
// where names the view in the messages ("" for JupyterLab).
func (ls *labSession) checkCharts(page *rod.Page, nb *Notebook, where string, atLeast int) ([]chart, []string) {
	charts, err := waitCharts(ls.ctx, page, ls.o.selector, atLeast, 30*time.Second)
	if err != nil {
		return nil, []string{where + "charts: " + err.Error()}
	}
	var probs []string
	for _, p := range chartProblems(charts) {
		probs = append(probs, where+p)
	}
	if len(charts) == 0 && nb != nil && drawsCharts(nb) {
		probs = append(probs, where+"no chart ("+ls.o.selector+") although the notebook draws one")
	}
	return charts, probs
}

// drawsCharts reports whether the notebook model holds a kit chart output,
// so that a page showing none has lost it.
func drawsCharts(nb *Notebook) bool {
	for _, c := range nb.Cells() {
		for _, o := range c.Outputs() {
			if d, ok := o["data"].(map[string]any); ok && strings.Contains(joinText(d["text/html"]), "data-kit-chart") {
				return true
			}
		}
	}
	return false
}

// hiddenSolutions checks that every cell tagged solution shows no source:
// JupyterLab collapses the input of a cell whose metadata has
// jupyter.source_hidden, and none of its source lines may be visible text.
func hiddenSolutions(page *rod.Page) []string {
	const js = `() => {
		const w = jupyterapp.shell.currentWidget, out = [];
		let n = 0;
		w.content.widgets.forEach((c, i) => {
			if (c.model.type === 'code') n++;
			const tags = c.model.getMetadata('tags') || [];
			if (!tags.includes('solution')) return;
			const where = (c.model.type === 'code' ? 'cell ' + n : 'cell #' + (i + 1)) + ' (solution): ';
			if (!c.inputHidden) { out.push(where + 'source not hidden (set metadata jupyter.source_hidden)'); return; }
			const text = c.node.innerText;
			const lines = c.model.sharedModel.getSource().split('\n').map(l => l.trim());
			const line = lines.find(l => l.length >= 8 && text.includes(l));
			// A collapsed cell still previews its first line: a solution starts with %% or an empty line.
			if (line) out.push(where + 'source shows: ' + line + (line === lines[0] ? ' (JupyterLab previews the first line of a hidden cell: start it with %% or an empty line)' : ''));
		});
		return out;
	}`
	res, err := page.Eval(js)
	if err != nil {
		return []string{"solutions: " + err.Error()}
	}
	var probs []string
	for _, v := range res.Value.Arr() {
		probs = append(probs, v.Str())
	}
	return probs
}

// checkReopened opens the saved notebook afresh in Notebook 7 (a new page
// load, as a learner reopening their work) and requires its charts to draw
// again: saving signed the notebook, so its outputs are trusted.
func (ls *labSession) checkReopened(rel string, want int) []string {
	page, err := ls.br.b.Page(proto.TargetCreateTarget{})
	if err != nil {
		return []string{"reopened in Notebook 7: " + err.Error()}
	}
	defer closePage(page)
	defer ls.srv.shutdownKernels()
	page = page.Context(ls.ctx)
	page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 900, DeviceScaleFactor: 1})
	if err := page.Navigate(ls.srv.base() + "/notebooks/" + rel + "?token=" + ls.srv.token); err != nil {
		return []string{"reopened in Notebook 7: " + err.Error()}
	}
	if err := waitTrue(ls.ctx, page, `() => document.querySelectorAll('.jp-Notebook .jp-Cell').length > 0`, time.Minute); err != nil {
		return []string{"reopened in Notebook 7: no cells: " + err.Error()}
	}
	return drewAgain(ls, page, "reopened in Notebook 7: ", want)
}

// checkExported exports the saved notebook to OUT/html and checks that its
// charts draw from file:// with the network off. It also keeps the saved
// notebook in OUT/executed for a look.
func (ls *labSession) checkExported(saved string, want int) []string {
	name := filepath.Base(saved)
	if data, err := os.ReadFile(saved); err == nil {
		os.MkdirAll(filepath.Join(ls.o.out, "executed"), 0o755)
		os.WriteFile(filepath.Join(ls.o.out, "executed", name), data, 0o644)
	}
	html := filepath.Join(ls.o.out, "html")
	cmd := exec.Command(ls.srv.jupyter, "nbconvert", "--to", "html", "--output-dir", html, saved)
	if out, err := cmd.CombinedOutput(); err != nil {
		return []string{fmt.Sprintf("exported HTML: nbconvert failed (%v): %s", err, lastLine(string(out)))}
	}
	page, err := ls.br.b.Page(proto.TargetCreateTarget{})
	if err != nil {
		return []string{"exported HTML: " + err.Error()}
	}
	defer closePage(page)
	page = page.Context(ls.ctx)
	u := (&url.URL{Scheme: "file", Path: filepath.Join(html, strings.TrimSuffix(name, ".ipynb")+".html")}).String()
	if err := page.Timeout(60 * time.Second).Navigate(u); err == nil {
		err = page.Timeout(60 * time.Second).WaitLoad()
	}
	ls.br.takeBlocked() // nbconvert's template asks CDNs for RequireJS and MathJax; charts need neither
	if err != nil {
		return []string{"exported HTML: loading: " + err.Error()}
	}
	return drewAgain(ls, page, "exported HTML: ", want)
}

// drewAgain requires want drawn charts on a page showing a saved
// notebook, as many as drew live.
func drewAgain(ls *labSession, page *rod.Page, where string, want int) []string {
	charts, err := waitCharts(ls.ctx, page, ls.o.selector, want, 30*time.Second)
	if err != nil {
		return []string{where + "charts: " + err.Error()}
	}
	var probs []string
	for _, p := range chartProblems(charts) {
		probs = append(probs, where+p)
	}
	if len(charts) != want {
		probs = append(probs, fmt.Sprintf("%s%d charts, %d drawn live", where, len(charts), want))
	}
	return probs
}

// closePage closes a tab without running its beforeunload handlers: a
// notebook with unsaved changes would otherwise ask "leave the page?" and
// wait for an answer nobody gives.
func closePage(page *rod.Page) {
	proto.TargetCloseTarget{TargetID: page.TargetID}.Call(page.Browser())
}
