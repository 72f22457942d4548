package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func copyFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResidue(t *testing.T) {
	if r := Residue(mustRead(t, "clean.ipynb")); len(r) != 0 {
		t.Errorf("clean notebook: residue %q", r)
	}
	r := strings.Join(Residue(mustRead(t, "committed-outputs.ipynb")), ", ")
	want := "1 cell with outputs, 1 execution count, 2 run-metadata entries"
	if r != want {
		t.Errorf("committed notebook: residue %q, want %q", r, want)
	}
}

// Stripping the committed notebook gives, byte for byte, the clean one as
// nbformat writes it: tags kept, formatting Jupyter's.
func TestStripFormatting(t *testing.T) {
	p := copyFixture(t, "committed-outputs.ipynb")
	changed, err := stripFile(p)
	if err != nil || !changed {
		t.Fatalf("stripFile = %v, %v; want true, nil", changed, err)
	}
	got, _ := os.ReadFile(p)
	want, _ := os.ReadFile(filepath.Join("testdata", "clean.ipynb"))
	if string(got) != string(want) {
		t.Errorf("stripped file differs from testdata/clean.ipynb:\n%s", got)
	}
}

func TestStripIdempotent(t *testing.T) {
	for _, name := range []string{"executed-raw-error.ipynb", "executed-html-error.ipynb", "declarations-pass.ipynb"} {
		p := copyFixture(t, name)
		if _, err := stripFile(p); err != nil {
			t.Fatal(err)
		}
		once, _ := os.ReadFile(p)
		changed, err := stripFile(p)
		if err != nil || changed {
			t.Errorf("%s: second strip changed = %v, err = %v", name, changed, err)
		}
		twice, _ := os.ReadFile(p)
		if string(once) != string(twice) {
			t.Errorf("%s: second strip changed the bytes", name)
		}
		nb := mustReadPath(t, p)
		if r := Residue(nb); len(r) != 0 {
			t.Errorf("%s: residue after strip: %q", name, r)
		}
		if !nb.Cells()[4].HasTag(TagRaisesException) && name != "declarations-pass.ipynb" {
			t.Errorf("%s: strip lost a cell tag", name)
		}
	}
}

// A notebook as Jupyter wrote it (escapes, non-ASCII, HTML) and with nothing
// to strip is left byte for byte as it is.
func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"clean.ipynb", "executed-raw-error.ipynb", "executed-html-error.ipynb"} {
		data, _ := os.ReadFile(filepath.Join("testdata", name))
		nb, err := ParseNotebook(data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := nb.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(data) {
			t.Errorf("%s: re-encoding changed the file", name)
		}
	}
}

func mustReadPath(t *testing.T, p string) *Notebook {
	t.Helper()
	nb, err := ReadNotebook(p)
	if err != nil {
		t.Fatal(err)
	}
	return nb
}
