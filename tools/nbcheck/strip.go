package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
)

// Kernel-run residue that strip removes. Outputs and execution counts are
// the obvious part; the rest is metadata that a run rewrites every time.
var (
	// runCellMetadata are cell metadata keys written by nbclient
	// ("execution" timestamps) and by common front-end extensions.
	runCellMetadata = []string{"execution", "ExecuteTime"}
	// runNotebookMetadata are notebook metadata keys that record the run
	// rather than the document (widget state, trust signature).
	runNotebookMetadata = []string{"widgets", "signature"}
)

// Residue lists what a committed notebook should not carry: outputs,
// execution counts and run metadata. An empty result means it is clean.
func Residue(nb *Notebook) []string {
	var outputs, counts, meta int
	for _, c := range nb.Cells() {
		if len(c.Outputs()) > 0 {
			outputs++
		}
		if c["execution_count"] != nil {
			counts++
		}
		for _, k := range runCellMetadata {
			if _, ok := c.Metadata()[k]; ok {
				meta++
				break
			}
		}
	}
	md, _ := nb.Doc["metadata"].(map[string]any)
	for _, k := range runNotebookMetadata {
		if _, ok := md[k]; ok {
			meta++
		}
	}
	if li, ok := md["language_info"].(map[string]any); ok {
		if _, ok := li["version"]; ok {
			meta++
		}
	}
	var r []string
	if outputs > 0 {
		r = append(r, plural(outputs, "cell with outputs", "cells with outputs"))
	}
	if counts > 0 {
		r = append(r, plural(counts, "execution count", "execution counts"))
	}
	if meta > 0 {
		r = append(r, plural(meta, "run-metadata entry", "run-metadata entries"))
	}
	return r
}

// Strip removes outputs, execution counts and run metadata in place, keeping
// everything else (cell tags, ids, attachments, kernelspec).
func Strip(nb *Notebook) {
	for _, c := range nb.Cells() {
		if c.Type() == "code" {
			c["outputs"] = []any{}
			c["execution_count"] = nil
		}
		if md := c.Metadata(); md != nil {
			for _, k := range runCellMetadata {
				delete(md, k)
			}
		}
	}
	md, _ := nb.Doc["metadata"].(map[string]any)
	for _, k := range runNotebookMetadata {
		delete(md, k)
	}
	// The kernel's language version (here the Go toolchain's) differs from
	// machine to machine; the rest of language_info is stable.
	if li, ok := md["language_info"].(map[string]any); ok {
		delete(li, "version")
	}
}

// stripFile strips one file in place and reports whether it changed. The
// file is only rewritten when its bytes change, which makes strip idempotent.
func stripFile(path string) (changed bool, err error) {
	orig, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	nb, err := ParseNotebook(orig)
	if err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	Strip(nb)
	out, err := nb.Marshal()
	if err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(out, orig) {
		return false, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	return true, os.WriteFile(path, out, info.Mode().Perm())
}

// cmdStrip implements `nbcheck strip [-check] [notebooks...]`.
func cmdStrip(args []string) int {
	fs := newFlagSet("strip", "[-check] [-root DIR] [notebooks...]")
	check := fs.Bool("check", false, "do not modify; exit 1 listing notebooks that carry outputs")
	root := fs.String("root", "", "repository root (default: found from the current directory)")
	fs.Parse(args)
	paths, err := notebookArgs(*root, fs.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		return 2
	}
	bad := 0
	for _, p := range paths {
		if *check {
			nb, err := ReadNotebook(p)
			if err != nil {
				fmt.Fprintln(os.Stderr, "nbcheck:", err)
				bad++
				continue
			}
			if r := Residue(nb); len(r) > 0 {
				fmt.Printf("%s: carries %s\n", p, strings.Join(r, ", "))
				bad++
			}
			continue
		}
		changed, err := stripFile(p)
		switch {
		case err != nil:
			fmt.Fprintln(os.Stderr, "nbcheck:", err)
			bad++
		case changed:
			fmt.Println("stripped", p)
		}
	}
	if bad > 0 {
		if *check {
			fmt.Printf("%d of %d notebooks carry outputs; run `nbcheck strip`\n", bad, len(paths))
		}
		return 1
	}
	return 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
