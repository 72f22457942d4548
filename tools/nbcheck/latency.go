package main

// nbcheck latency: how long a learner waits for a trivial cell.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The timed cells. A plain and a kit cell print the kernel's clock when
// they run; %d is the cell's number, so that no two cells are the same
// program. A declaration-only cell prints nothing (GoNB builds it but runs
// nothing), so it is timed between two plain cells.
const (
	latencyPlain = "%%%%\nfmt.Println(\"latency\", %d, time.Now().UnixNano())"
	latencyKit   = "import \"parallelgo.dev/course/kit\"\n\n%%%%\nfmt.Println(\"latency\", %d, kit.Scale(), time.Now().UnixNano())"
	latencyDecl  = "func latencyDecl%d() int { return 0 }"
)

// latencyCycle is one repeat of the timed sequence. The difference between
// the clocks two cells print is one whole cell cycle of the later one (the
// earlier one's exit and reply, the request, parse, goimports, go get, build,
// start-up up to its print), so: kit = kit - plain before it; plain = second
// plain - kit; decl + plain = next cycle's first plain - second plain.
// Interleaving cell by cell puts every kind under the same load, and
// medians keep one slow cell (another program's burst) out of the figures.
var latencyCycle = []string{latencyPlain, latencyKit, latencyPlain, latencyDecl}

// cmdLatency implements `nbcheck latency`: it executes, headless on the
// kernel, one notebook: the set-up cell, one warm-up cycle (first builds
// are slower), then -n cycles of latencyCycle and one closing plain cell.
func cmdLatency(args []string) int {
	fs := newFlagSet("latency", "[-n 20] [-magic CELL] [-json FILE] [run's flags]")
	n := fs.Int("n", 20, "cells of each kind, interleaved one by one; the figures are per-kind medians")
	jsonOut := fs.String("json", "", "also merge the figures into this JSON object file (e.g. build/bench.json)")
	magic := fs.String("magic", "", "a cell run after the warm-up cells, before the timed ones, to measure a GoNB setting (e.g. %noautoget)")
	setup := runFlags(fs) // -kernel, -scale, -out, -root, -timeout as for run
	fs.Parse(args)
	if err := latency(setup, fs.Lookup("root").Value.String(), *magic, *n, *jsonOut); err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck latency:", err)
		return 1
	}
	return 0
}

func latency(setup func() (runner, []string, error), root, magic string, n int, jsonOut string) error {
	if n < 2 {
		return fmt.Errorf("-n %d: need at least two cells of each kind for a median", n)
	}
	r, err := findRoot(root)
	if err != nil {
		return err
	}
	run, _, err := setup()
	if err != nil {
		return err
	}
	dir := filepath.Join(run.out, "latency")

	// The set-up cell names the wiring script by absolute path: the
	// notebook lives in build/latency, not notebooks/.
	cells := []string{fmt.Sprintf("!*bash %q", filepath.Join(r, "scripts", "wire-gonb.sh"))}
	number := 100000
	add := func(src string) {
		cells = append(cells, fmt.Sprintf(src, number))
		number++
	}
	for _, src := range latencyCycle { // warm-up, not timed
		add(src)
	}
	if magic != "" {
		cells = append(cells, magic)
	}
	for range n {
		for _, src := range latencyCycle {
			add(src)
		}
	}
	add(latencyPlain) // closes the last cycle's decl + plain
	path := filepath.Join(dir, "latency.ipynb")
	executed := filepath.Join(dir, "executed", "latency.ipynb")
	if err := os.MkdirAll(filepath.Dir(executed), 0o755); err != nil {
		return err
	}
	if err := writeCodeNotebook(path, cells); err != nil {
		return err
	}
	start := time.Now()
	if err := run.execute(path, executed); err != nil {
		return err
	}
	total := time.Since(start)
	clocks, err := latencyClocks(executed)
	if err != nil {
		return err
	}
	// Printing cells: 3 per warm-up cycle and per timed cycle, and the closing one.
	if want := 3*(n+1) + 1; len(clocks) != want {
		return fmt.Errorf("%s: %d cells printed the clock, want %d", executed, len(clocks), want)
	}
	var kit, plain, declPlain []float64
	for c := range n {
		t := clocks[3*(c+1):] // this cycle's plain, kit, plain, then the next plain
		kit = append(kit, seconds(t[1]-t[0]))
		plain = append(plain, seconds(t[2]-t[1]))
		declPlain = append(declPlain, seconds(t[3]-t[2]))
	}
	fig := map[string]float64{
		"cell_plain_s": median(plain),
		"cell_kit_s":   median(kit),
		"cell_decl_s":  median(declPlain) - median(plain),
	}
	fig["cell_kit_over_plain"] = fig["cell_kit_s"] / fig["cell_plain_s"]
	for _, k := range []struct {
		name string
		all  []float64
	}{{"plain", plain}, {"kit", kit}, {"decl", nil}} {
		fmt.Printf("%-5s cell: %.3fs per cell (median)", k.name, fig["cell_"+k.name+"_s"])
		if k.all != nil {
			fmt.Printf(", middle half %.3f-%.3fs", quantile(k.all, 0.25), quantile(k.all, 0.75))
		} else {
			fmt.Print(", timed with the plain cell after it")
		}
		fmt.Println()
	}
	fmt.Printf("kit/plain: %.2fx  (%d cells of each kind, interleaved; notebook run %.1fs in all)\n",
		fig["cell_kit_over_plain"], n, total.Seconds())
	if jsonOut == "" {
		return nil
	}
	return mergeJSON(jsonOut, fig)
}

func seconds(ns int64) float64 { return float64(ns) / 1e9 }

func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile is the q-quantile of xs, interpolating between neighbours.
func quantile(xs []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}

// latencyClocks returns the clock readings, in nanoseconds, the timed cells
// of the executed notebook printed, in order, failing on any cell's error.
func latencyClocks(executed string) ([]int64, error) {
	nb, err := ReadNotebook(executed)
	if err != nil {
		return nil, err
	}
	var clocks []int64
	for i, c := range nb.Cells() {
		for _, o := range c.Outputs() {
			if o["output_type"] == "error" {
				return nil, fmt.Errorf("%s: cell %d failed: %v %v", executed, i+1, o["ename"], o["evalue"])
			}
			f := strings.Fields(joinText(o["text"]))
			if len(f) < 3 || f[0] != "latency" {
				continue
			}
			ns, err := strconv.ParseInt(f[len(f)-1], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: cell %d printed %q: no clock at its end", executed, i+1, strings.Join(f, " "))
			}
			clocks = append(clocks, ns)
		}
	}
	return clocks, nil
}

// writeCodeNotebook writes a notebook of code cells for GoNB.
func writeCodeNotebook(path string, sources []string) error {
	cells := make([]any, len(sources))
	for i, s := range sources {
		cells[i] = map[string]any{
			"cell_type": "code", "execution_count": nil, "metadata": map[string]any{},
			"outputs": []any{}, "source": s,
		}
	}
	nb := &Notebook{Doc: map[string]any{
		"cells":          cells,
		"metadata":       map[string]any{"kernelspec": map[string]any{"display_name": "Go (gonb)", "language": "go", "name": "gonb"}},
		"nbformat":       4,
		"nbformat_minor": 5,
	}}
	b, err := nb.Marshal()
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// mergeJSON adds fig's keys to the JSON object in path (made when missing),
// keeping the figures other tools wrote there.
func mergeJSON(path string, fig map[string]float64) error {
	all := map[string]any{}
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		if err := json.Unmarshal(b, &all); err != nil {
			return fmt.Errorf("%s is not a JSON object: %w", path, err)
		}
	}
	for k, v := range fig {
		all[k] = v
	}
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
