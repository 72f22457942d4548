package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parallelgo.dev/course/internal/claims"
	"parallelgo.dev/course/kit"
)

func TestCountAndReport(t *testing.T) {
	dir := t.TempDir()
	nb := `{"cells": [
	 {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stdout",
	   "text": ["x\n", "claim held: A (measured 2, expected 2 ± 25%)\n", "claim did not hold: B (measured 1, expected ≥ 2); likely reason: other programs\n"]}]},
	 {"cell_type": "markdown"},
	 {"cell_type": "code", "outputs": [{"output_type": "stream", "text": "claim held: C (measured 3, expected ≥ 1)\n"}]}
	]}`
	stale := `{"cells": [{"cell_type": "code", "outputs": [
	  {"output_type": "stream", "text": "claim held: D (measured 1, expected 1 ± 0%)\n"},
	  {"output_type": "display_data", "data": {"text/plain":
	  ["D         1 ± 0%  (no such figure)  1 (held)\n", "E renamed          (no such figure)  ` + claims.NotRun + `\n"]}}]}]}`
	empty := `{"cells": [{"cell_type": "code", "outputs": []}]}`
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, err := count(write("01-a.ipynb", nb))
	if err != nil {
		t.Fatal(err)
	}
	if a.held != 2 || len(a.missed) != 1 || a.name != "01-a" {
		t.Fatalf("got %+v", a)
	}
	b, _ := count(write("02-b.ipynb", empty))
	c, err := count(write("03-c.ipynb", stale))
	if err != nil || len(c.unmatched) != 1 || c.held != 1 {
		t.Fatalf("stale reference table: %+v, %v", c, err)
	}
	var staleOut strings.Builder
	if none := report(&staleOut, []tally{c}); none != 1 || !strings.Contains(staleOut.String(), "matches no claim of the run: E renamed") {
		t.Errorf("a stale headline must fail -ran (%d):\n%s", none, staleOut.String())
	}
	var out strings.Builder
	if none := report(&out, []tally{a, b}); none != 1 {
		t.Errorf("notebooks with no claim = %d, want 1", none)
	}
	for _, want := range []string{"01-a", "claims held 2/3", "claims held 0/0", "all notebooks", "claims held 2/3\n", "01-a: claim did not hold: B"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if len(a.claims) != 3 || a.claims[1].Claim != "B" || a.claims[1].Held || a.claims[2].Measured != 3 {
		t.Errorf("claims read back: %+v", a.claims)
	}
	ref := reference([]tally{a, b}, 1, kit.System{LogicalCores: 2, MemoryFree: 5}, time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC))
	refPath := filepath.Join(dir, "reference.json")
	if err := writeReference(refPath, ref); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(refPath); strings.Contains(string(b), "MemoryFree") {
		t.Errorf("the reference records a moment's free memory: %s", b)
	}
	back, err := claims.Load(refPath)
	if err != nil || back.Date != "2026-12-04" || back.Machine.LogicalCores != 2 {
		t.Errorf("reference read back: %+v, %v", back, err)
	}
	if r, ok := back.Find("01-a", "C"); !ok || r.Measured != 3 || !r.Held {
		t.Errorf("claim C in the reference: %+v, %v", r, ok)
	}
	if none := reportHTML(&out, []tally{a, b}, &ref); none != 1 || !strings.Contains(out.String(), "2 logical cores") || !strings.Contains(out.String(), `<a href="01-a.html">01-a</a></td><td>2 of 3`) ||
		!strings.Contains(out.String(), "expected ≥ 2); likely reason") {
		t.Errorf("HTML index (%d without claims):\n%s", none, out.String())
	}
	if _, err := count(write("bad.ipynb", "not json")); err == nil || !strings.Contains(err.Error(), "not a notebook") {
		t.Errorf("bad notebook: %v", err)
	}
}
