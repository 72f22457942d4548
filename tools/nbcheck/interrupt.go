package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// interruptCells is the scratch notebook of the interrupt check: the
// set-up cell every course notebook starts with, a task that sleeps, a
// kit.Processes run of it that would take minutes, and a cell that must
// run once the run is interrupted: a short run again, long enough (2 s)
// for kit's progress bar to show, which must end showing its final count.
var interruptCells = []string{
	`!*bash "$GONB_DIR/../scripts/wire-gonb.sh"`,
	"import (\n\t\"time\"\n\n\t\"parallelgo.dev/course/kit\"\n)\n\nvar nap = kit.Task(\"nap\", func(i int) int { time.Sleep(time.Second); return i })",
	"%%\nrun := kit.Map(kit.Processes(2), nap, make([]int, 600))\nfmt.Println(len(run.Results))",
	"%%\nrun := kit.Map(kit.Processes(2), nap, make([]int, 4))\nfmt.Println(\"kernel still usable:\", len(run.Results), \"results\")",
}

// interruptLimit is how soon the interrupted cell must stop.
const interruptLimit = 5 * time.Second

// checkInterrupt runs a long kit.Processes cell in JupyterLab, presses the
// toolbar's interrupt button once the cell's worker processes are up, and
// checks that the cell stops within interruptLimit, that the next cell
// runs, and that none of the cell's processes is left. It returns the line
// to print after PASS or FAIL.
func (ls *labSession) checkInterrupt() (string, bool) {
	fail := func(format string, args ...any) (string, bool) {
		return "interrupt: " + fmt.Sprintf(format, args...), false
	}
	if !canListProcesses {
		return fail("needs Linux's /proc to find the worker processes")
	}
	rel := "notebooks/nbcheck-interrupt.ipynb"
	if err := writeScratch(filepath.Join(ls.srv.dir, filepath.FromSlash(rel)), interruptCells); err != nil {
		return fail("%v", err)
	}
	defer ls.srv.shutdownKernels()
	page, err := ls.openNotebook(rel)
	if err != nil {
		return fail("%v", err)
	}
	defer closePage(page)
	// runCell runs cell i as a learner does (select it, Shift-Enter's
	// command) without waiting for it.
	runCell := func(i int) error {
		_, err := page.Eval(`(i) => {
			const w = jupyterapp.shell.currentWidget;
			w.content.activeCellIndex = i;
			jupyterapp.commands.execute('notebook:run-cell');
		}`, i)
		return err
	}
	for i := 0; i < 2; i++ {
		if err := runCell(i); err != nil {
			return fail("running cell %d: %v", i+1, err)
		}
		if err := waitIdle(ls.ctx, page, 5*time.Minute); err != nil {
			return fail("cell %d: %v", i+1, err)
		}
	}
	if err := runCell(2); err != nil {
		return fail("running the kit.Processes cell: %v", err)
	}
	// The cell's binary and its 2 workers (re-executions of it) share one
	// executable: wait for the three to be up.
	var procs []int
	deadline := time.Now().Add(3 * time.Minute)
	for len(procs) < 3 {
		if time.Now().After(deadline) {
			return fail("the kit.Processes cell's workers did not start within 3 minutes")
		}
		select {
		case <-ls.ctx.Done():
			return fail("%v", ls.ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
		procs = sameExeDescendants(ls.srv.cmd.Process.Pid)
	}
	time.Sleep(time.Second) // the run is under way, not starting

	// The screenshot shows the end: the interrupted cell and the one after.
	defer screenshot(page, filepath.Join(ls.o.out, "screenshots", "nbcheck-interrupt.png"))
	// A real mouse click in the middle of the toolbar's interrupt button.
	res, err := page.Eval(`() => {
		const b = document.querySelector('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]');
		if (!b) return null;
		const r = b.getBoundingClientRect();
		return {x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, tag: b.tagName};
	}`)
	if err != nil || res.Value.Nil() {
		return fail("no interrupt button in the notebook's toolbar (%v)", err)
	}
	at := proto.NewPoint(res.Value.Get("x").Num(), res.Value.Get("y").Num())
	if res.Value.Get("w").Num() == 0 {
		return fail("the interrupt button (%s) has no size", res.Value.Get("tag").Str())
	}
	if err := page.Mouse.MoveTo(at); err != nil {
		return fail("moving to the interrupt button: %v", err)
	}
	clicked := time.Now()
	if err := page.Mouse.Click(proto.InputMouseButtonLeft, 1); err != nil {
		return fail("clicking the interrupt button: %v", err)
	}
	if err := waitIdle(ls.ctx, page, interruptLimit); err != nil {
		return fail("the cell did not stop within %v of the click: %v", interruptLimit, err)
	}
	stopped := time.Since(clicked)

	if err := runCell(3); err != nil {
		return fail("running the cell after: %v", err)
	}
	if err := waitIdle(ls.ctx, page, 2*time.Minute); err != nil {
		return fail("the cell after the interrupt: %v", err)
	}
	nb, err := liveNotebook(page)
	if err != nil {
		return fail("reading the notebook: %v", err)
	}
	var after Cell
	for _, c := range nb.Cells() {
		after = c
	}
	const want = "kernel still usable: 4 results"
	if out := cellText(after); !strings.Contains(out, want) {
		return fail("the cell after the interrupt printed %q, want %q", clip(out), want)
	}
	if hasEmptyDisplay(after) {
		return fail("the progress bar of the run after the interrupt left an empty output")
	}
	if !strings.Contains(cellText(after), "<progress") {
		return fail("the 2 s run after the interrupt showed no progress bar")
	}
	if left := alive(procs); len(left) > 0 {
		return fail("stopped in %.1fs, but %d of the cell's %d processes are still running: %v", stopped.Seconds(), len(left), len(procs), left)
	}
	return fmt.Sprintf("interrupt: the kit.Processes cell stopped %.1fs after the click, its %d processes (cell and workers) are gone, the next run worked and its progress bar stayed",
		stopped.Seconds(), len(procs)), true
}

// writeScratch writes a notebook of Go code cells for the Go kernel.
func writeScratch(path string, sources []string) error {
	cells := make([]any, len(sources))
	for i, src := range sources {
		cells[i] = map[string]any{"cell_type": "code", "execution_count": nil, "metadata": map[string]any{},
			"outputs": []any{}, "source": src}
	}
	doc := map[string]any{
		"cells": cells,
		"metadata": map[string]any{
			"kernelspec": map[string]any{"display_name": "Go (gonb)", "language": "go", "name": "gonb"},
		},
		"nbformat": 4, "nbformat_minor": 5,
	}
	data, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// cellText is everything a cell printed or displayed as text.
func cellText(c Cell) string {
	var b strings.Builder
	for _, o := range c.Outputs() {
		b.WriteString(joinText(o["text"]))
		if d, ok := o["data"].(map[string]any); ok {
			b.WriteString(joinText(d["text/plain"]))
			b.WriteString(joinText(d["text/html"]))
		}
	}
	return b.String()
}
