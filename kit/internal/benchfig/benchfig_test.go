package benchfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteThenReadAddsFigures(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bench.json")
	f, err := Read(file)
	if err != nil || len(f) != 0 {
		t.Fatalf("Read of a missing file: %v, %v; want no figures and no error", f, err)
	}
	f["a_us"], f["b_us"] = 6, 2
	f.Ratio("a_over_b", "a_us", "b_us")
	f.Ratio("a_over_c", "a_us", "c_us") // c was not measured: no ratio
	if _, err := f.Write(file); err != nil {
		t.Fatal(err)
	}
	g, err := Read(file)
	if err != nil || len(g) != 3 || g["a_over_b"] != 3 {
		t.Fatalf("read back %v, %v; want a_us, b_us and a_over_b = 3", g, err)
	}
	os.WriteFile(file, []byte(`{"a": "fast"}`), 0o644)
	if _, err := Read(file); err == nil || !strings.Contains(err.Error(), "flat object of figures") {
		t.Fatalf("Read of a bad file: err = %v; want one that says what the file should be", err)
	}
}
