package main

// nbcheck latency: how long a learner waits for a trivial cell.

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// latencyKinds are the cells measured, each a trivial cell of one kind;
// %d is the cell's number, so that no two cells are the same program.
var latencyKinds = []struct{ name, src string }{
	{"plain", "%%%%\nfmt.Println(%d)"},
	{"kit", "import \"parallelgo.dev/course/kit\"\n\n%%%%\nfmt.Println(%d, kit.Scale())"},
	{"decl", "func latencyDecl%d() int { return 0 }"},
}

// cmdLatency implements `nbcheck latency`: it executes, headless on the
// kernel, a base notebook (the set-up cell and one cell of each kind) and,
// for each kind, the base plus N more cells of that kind; the difference of
// the two run times over N is the time per cell, kernel start-up and the
// first build cancelled out. Every figure comes from one run, so ratios
// compare like with like on a loaded machine.
func cmdLatency(args []string) int {
	fs := newFlagSet("latency", "[-n 10] [-kernel gonb-raw] [-json FILE]")
	n := fs.Int("n", 10, "cells of each kind beyond the base notebook")
	kernel := fs.String("kernel", "gonb-raw", "Jupyter kernel spec (falls back to gonb when gonb-raw is missing)")
	jsonOut := fs.String("json", "", "also merge the figures into this JSON object file (e.g. build/bench.json)")
	root := fs.String("root", "", "repository root (default: found from the current directory)")
	fs.Parse(args)
	if err := latency(*root, *kernel, *n, *jsonOut, fs); err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck latency:", err)
		return 1
	}
	return 0
}

func latency(root, kernel string, n int, jsonOut string, fs *flag.FlagSet) error {
	if n < 1 {
		return fmt.Errorf("-n %d: need at least one cell", n)
	}
	r, err := findRoot(root)
	if err != nil {
		return err
	}
	run := runner{scale: "0.02", cellTimeout: 10 * time.Minute}
	if run.out, err = outDir(root, ""); err != nil {
		return err
	}
	if run.jupyter, err = findJupyter(root, "nbconvert"); err != nil {
		return err
	}
	isDefault := true
	fs.Visit(func(f *flag.Flag) { isDefault = isDefault && f.Name != "kernel" })
	if run.kernel, err = resolveKernel(run.jupyter, kernel, isDefault); err != nil {
		return err
	}
	dir := filepath.Join(run.out, "latency")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The set-up cell names the wiring script by absolute path: the
	// notebooks live in build/latency, not notebooks/.
	base := []string{fmt.Sprintf("!*bash %q", filepath.Join(r, "scripts", "wire-gonb.sh"))}
	for i, k := range latencyKinds {
		base = append(base, fmt.Sprintf(k.src, 1000+i))
	}
	timeOf := func(name string, cells []string) (time.Duration, error) {
		path := filepath.Join(dir, name+".ipynb")
		if err := writeCodeNotebook(path, cells); err != nil {
			return 0, err
		}
		executed := filepath.Join(dir, "executed", name+".ipynb")
		start := time.Now()
		if err := run.execute(path, executed); err != nil {
			return 0, err
		}
		d := time.Since(start)
		nb, err := ReadNotebook(executed)
		if err != nil {
			return 0, err
		}
		for i, c := range nb.Cells() {
			for _, o := range c.Outputs() {
				if o["output_type"] == "error" {
					return 0, fmt.Errorf("%s: cell %d failed: %v %v", executed, i+1, o["ename"], o["evalue"])
				}
			}
		}
		return d, nil
	}

	// The base runs first and last and counts at its mean: its kernel
	// start-up varies by a second or so from run to run.
	base1, err := timeOf("base", base)
	if err != nil {
		return err
	}
	times := make([]time.Duration, len(latencyKinds))
	for j, k := range latencyKinds {
		cells := append([]string(nil), base...)
		for i := range n {
			cells = append(cells, fmt.Sprintf(k.src, i))
		}
		if times[j], err = timeOf(k.name, cells); err != nil {
			return err
		}
	}
	base2, err := timeOf("base", base)
	if err != nil {
		return err
	}
	baseTime := (base1 + base2) / 2
	fmt.Printf("base notebook (%d cells): %.2fs, %.2fs\n", len(base), base1.Seconds(), base2.Seconds())
	fig := map[string]float64{}
	for j, k := range latencyKinds {
		extra := times[j] - baseTime
		fig["cell_"+k.name+"_s"] = extra.Seconds() / float64(n)
		fmt.Printf("%-5s cell: %.3fs per cell  (%d cells in %.2fs more)\n", k.name, fig["cell_"+k.name+"_s"], n, extra.Seconds())
	}
	fig["cell_kit_over_plain"] = fig["cell_kit_s"] / fig["cell_plain_s"]
	fmt.Printf("kit/plain: %.2fx\n", fig["cell_kit_over_plain"])
	if jsonOut == "" {
		return nil
	}
	return mergeJSON(jsonOut, fig)
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
