package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// findRoot returns the repository root: dir if given, else the nearest
// directory, from the current one upwards, that holds a notebooks/ folder.
func findRoot(dir string) (string, error) {
	if dir != "" {
		return filepath.Abs(dir)
	}
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if fi, err := os.Stat(filepath.Join(d, "notebooks")); err == nil && fi.IsDir() {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no notebooks/ folder in the current directory or its parents; use -root")
		}
		d = parent
	}
}

// notebookArgs returns the notebooks named on the command line, or, when
// there are none, every notebooks/*.ipynb of the repository root.
func notebookArgs(root string, args []string) ([]string, error) {
	if len(args) > 0 {
		return args, nil
	}
	r, err := findRoot(root)
	if err != nil {
		return nil, err
	}
	paths, err := filepath.Glob(filepath.Join(r, "notebooks", "*.ipynb"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no notebooks in %s", filepath.Join(r, "notebooks"))
	}
	sort.Strings(paths)
	return paths, nil
}

// outDir resolves -out: relative to the repository root when not given, so
// that `go run ./nbcheck` from tools/ still writes to the root's build/.
func outDir(root, out string) (string, error) {
	if out != "" {
		return filepath.Abs(out)
	}
	r, err := findRoot(root)
	if err != nil {
		// Explicit notebooks outside a repository: build/ beside us.
		return filepath.Abs("build")
	}
	return filepath.Join(r, "build"), nil
}

// findJupyter returns a jupyter command whose subcommand sub works: the
// repository's .venv/bin/jupyter (what scripts/install.sh makes from
// requirements.txt) first, then the one on PATH (Binder's conda
// environment, or a Jupyter of your own).
func findJupyter(root, sub string) (string, error) {
	var cands []string
	if r, err := findRoot(root); err == nil {
		cands = append(cands, filepath.Join(r, ".venv", "bin", "jupyter"))
	}
	if p, err := exec.LookPath("jupyter"); err == nil {
		cands = append(cands, p)
	}
	for _, c := range cands {
		if err := exec.Command(c, sub, "--version").Run(); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("jupyter %s not found (tried .venv/bin/jupyter and PATH): run scripts/install.sh test, which installs requirements.txt into .venv", sub)
}

// resolveKernel checks that the kernel spec exists; the default gonb-raw
// falls back to gonb, with a note, when only the learners' spec is there.
func resolveKernel(jupyter, kernel string, isDefault bool) (string, error) {
	out, err := exec.Command(jupyter, "kernelspec", "list", "--json").Output()
	if err != nil {
		return "", fmt.Errorf("jupyter kernelspec list: %w", err)
	}
	var specs struct {
		Kernelspecs map[string]json.RawMessage `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &specs); err != nil {
		return "", fmt.Errorf("jupyter kernelspec list: %w", err)
	}
	if _, ok := specs.Kernelspecs[kernel]; ok {
		return kernel, nil
	}
	if _, ok := specs.Kernelspecs["gonb"]; ok && isDefault {
		fmt.Fprintf(os.Stderr, "nbcheck: note: kernel %s is not installed; using gonb (errors as HTML)\n", kernel)
		return "gonb", nil
	}
	names := make([]string, 0, len(specs.Kernelspecs))
	for n := range specs.Kernelspecs {
		names = append(names, n)
	}
	sort.Strings(names)
	return "", fmt.Errorf("kernel %s is not installed (installed: %s); install GoNB: gonb --install", kernel, strings.Join(names, ", "))
}
