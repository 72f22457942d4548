package kit

import (
	"io"
	"os"
	"strings"
	"testing"
)

// showOutput returns what Show(v) prints.
func showOutput(t *testing.T, v any) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = stdout }()
	Show(v)
	w.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestShowOutsideNotebook(t *testing.T) {
	if InNotebook() {
		t.Skip("running in a GoNB cell")
	}
	c := WallChart("Compare", sampleWallBars())
	if got := showOutput(t, c); got != c.String()+"\n" || strings.Contains(got, "<") {
		t.Errorf("Show(chart) printed %q, want its text form", got)
	}
	if got := showOutput(t, 42); got != "42\n" {
		t.Errorf("Show(42) printed %q", got)
	}
}
