package main

// nbcheck latency: how long a learner waits for a trivial cell.

import (
	"encoding/json"
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

// latencyMark is the cell that prints the kernel's clock between blocks;
// it is itself a plain cell, which the arithmetic below accounts for.
const latencyMark = "%%\nfmt.Println(\"latency-mark\", time.Now().UnixNano())"

// cmdLatency implements `nbcheck latency`: it executes, headless on the
// kernel, one notebook: the set-up cell, one warm-up cell of each kind,
// then, -rounds times, a block of N cells of each kind, with a mark cell
// printing the kernel's clock before and after every block. A block's time
// is the difference of its marks, so kernel start-up (seconds, and varying
// by seconds) drops out, and every kind is measured in the same run,
// interleaved, so that the ratios compare like with like on a loaded
// machine. The span of a block holds its N cells and one mark cell, a plain
// cell: plain = span/(N+1); another kind = (span - plain)/N.
func cmdLatency(args []string) int {
	fs := newFlagSet("latency", "[-n 10] [-rounds 2] [-magic CELL] [-json FILE] [run's flags]")
	n := fs.Int("n", 10, "cells of each kind per block")
	rounds := fs.Int("rounds", 2, "blocks of each kind, interleaved; the figures are per-kind means")
	jsonOut := fs.String("json", "", "also merge the figures into this JSON object file (e.g. build/bench.json)")
	magic := fs.String("magic", "", "a cell run after the warm-up cells, before the timed ones, to measure a GoNB setting (e.g. %noautoget)")
	setup := runFlags(fs) // -kernel, -scale, -out, -root, -timeout as for run
	fs.Parse(args)
	if err := latency(setup, fs.Lookup("root").Value.String(), *magic, *n, *rounds, *jsonOut); err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck latency:", err)
		return 1
	}
	return 0
}

func latency(setup func() (runner, []string, error), root, magic string, n, rounds int, jsonOut string) error {
	if n < 1 || rounds < 1 {
		return fmt.Errorf("-n %d -rounds %d: need at least one cell and one round", n, rounds)
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
	for i, k := range latencyKinds {
		cells = append(cells, fmt.Sprintf(k.src, 100000+i)) // warm-up: first builds are slower
	}
	if magic != "" {
		cells = append(cells, magic)
	}
	cells = append(cells, latencyMark)
	for round := range rounds {
		for _, k := range latencyKinds {
			for i := range n {
				cells = append(cells, fmt.Sprintf(k.src, (round*len(latencyKinds)+1)*1000+i))
			}
			cells = append(cells, latencyMark)
		}
	}
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
	marks, err := latencyMarks(executed)
	if err != nil {
		return err
	}
	if want := rounds*len(latencyKinds) + 1; len(marks) != want {
		return fmt.Errorf("%s: %d mark cells printed the clock, want %d", executed, len(marks), want)
	}

	// spans[k] sums kind k's block spans over the rounds.
	spans := make([]float64, len(latencyKinds))
	for i := 1; i < len(marks); i++ {
		spans[(i-1)%len(latencyKinds)] += float64(marks[i]-marks[i-1]) / 1e9 / float64(rounds)
	}
	fig := map[string]float64{}
	plain := spans[0] / float64(n+1) // latencyKinds[0] is the plain cell
	for j, k := range latencyKinds {
		per := plain
		if j > 0 {
			per = (spans[j] - plain) / float64(n)
		}
		fig["cell_"+k.name+"_s"] = per
		fmt.Printf("%-5s cell: %.3fs per cell\n", k.name, per)
	}
	fig["cell_kit_over_plain"] = fig["cell_kit_s"] / fig["cell_plain_s"]
	fmt.Printf("kit/plain: %.2fx  (%d rounds of %d cells of each kind; notebook run %.1fs in all)\n",
		fig["cell_kit_over_plain"], rounds, n, total.Seconds())
	if jsonOut == "" {
		return nil
	}
	return mergeJSON(jsonOut, fig)
}

// latencyMarks returns the clock readings, in nanoseconds, the mark cells
// of the executed notebook printed, failing on any cell's error.
func latencyMarks(executed string) ([]int64, error) {
	nb, err := ReadNotebook(executed)
	if err != nil {
		return nil, err
	}
	var marks []int64
	for i, c := range nb.Cells() {
		for _, o := range c.Outputs() {
			if o["output_type"] == "error" {
				return nil, fmt.Errorf("%s: cell %d failed: %v %v", executed, i+1, o["ename"], o["evalue"])
			}
			var ns int64
			if _, err := fmt.Sscanf(joinText(o["text"]), "latency-mark %d", &ns); err == nil {
				marks = append(marks, ns)
			}
		}
	}
	return marks, nil
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
