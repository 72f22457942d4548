package files

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	os.Setenv("KIT_SCALE", "0.001") // before anything reads it: 10,000 rows
	os.Exit(m.Run())
}

func testFile(t testing.TB, rows int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data.csv")
	if err := WriteCSV(p, rows); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWriteCSVFormat(t *testing.T) {
	p := testFile(t, 3)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "line,data,0\nline,data,1\nline,data,2\n" {
		t.Errorf("file = %q", b)
	}
}

func TestReaders(t *testing.T) {
	if Rows() != 10_000 {
		t.Fatalf("Rows() = %d at KIT_SCALE=0.001", Rows())
	}
	p := testFile(t, Rows())
	if n, err := ReadCSV(p); n != Rows() || err != nil {
		t.Errorf("ReadCSV = %d, %v", n, err)
	}
	if n, err := ReadSerial(p, 3); n != 3*Rows() || err != nil {
		t.Errorf("ReadSerial = %d, %v", n, err)
	}
	if n, err := ReadConcurrent(p, 3); n != 3*Rows() || err != nil {
		t.Errorf("ReadConcurrent = %d, %v", n, err)
	}
	for _, parts := range []int{0, 1, 2, 3, 7, 64, 1 << 20} {
		if n, err := ReadSplit(p, parts); n != Rows() || err != nil {
			t.Errorf("ReadSplit(%d) = %d, %v", parts, n, err)
		}
	}
}

func TestReadSplitSmallFiles(t *testing.T) {
	for rows := range 20 {
		p := testFile(t, rows)
		for parts := 1; parts < 6; parts++ {
			if n, err := ReadSplit(p, parts); n != rows || err != nil {
				t.Errorf("rows %d, ReadSplit(%d) = %d, %v", rows, parts, n, err)
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.csv")
	if _, err := ReadConcurrent(missing, 2); err == nil {
		t.Error("ReadConcurrent of a missing file: no error")
	}
	if _, err := ReadSerial(missing, 2); err == nil {
		t.Error("ReadSerial of a missing file: no error")
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("line,data,0\nline,data,x\n"), 0o644)
	if n, err := ReadCSV(bad); n != 1 || err == nil {
		t.Errorf("ReadCSV of a bad number = %d, %v", n, err)
	}
}

func TestHead(t *testing.T) {
	h, rows, err := Head(testFile(t, 10), 5)
	if err != nil || !slices.Equal(h, []string{"line", "data", "0"}) || len(rows) != 5 || rows[0][2] != "1" {
		t.Errorf("Head = %v, %v, %v", h, rows, err)
	}
}

func TestThroughput(t *testing.T) {
	tp, err := MeasureThroughput(testFile(t, Rows()))
	if err != nil || tp.Bytes != 148890 || tp.Raw <= 0 || tp.Parse <= 0 {
		t.Fatalf("MeasureThroughput = %+v, %v", tp, err)
	}
	// Only the form is checked: which is faster is what the lesson measures.
	if s := tp.String(); !strings.Contains(s, "MB/s") {
		t.Errorf("String() = %q", s)
	}
	fake := Throughput{Bytes: 1e6, Raw: time.Millisecond, Parse: 10 * time.Millisecond}
	if !fake.CPUBound() || fake.Ratio() != 10 || fake.RawMBps() != 1000 || fake.ParseMBps() != 100 {
		t.Errorf("arithmetic wrong: %v", fake)
	}
}

func benchFile(b *testing.B) string {
	return testFile(b, 1_000_000)
}

func BenchmarkReadCSV(b *testing.B) {
	p := benchFile(b)
	for b.Loop() {
		ReadCSV(p)
	}
}

func BenchmarkReadSerial3(b *testing.B) {
	p := benchFile(b)
	for b.Loop() {
		ReadSerial(p, 3)
	}
}

func BenchmarkReadConcurrent3(b *testing.B) {
	p := benchFile(b)
	for b.Loop() {
		ReadConcurrent(p, 3)
	}
}

func BenchmarkReadSplit2(b *testing.B) {
	p := benchFile(b)
	for b.Loop() {
		ReadSplit(p, 2)
	}
}

func BenchmarkWriteCSV(b *testing.B) {
	p := filepath.Join(b.TempDir(), "w.csv")
	for b.Loop() {
		WriteCSV(p, 1_000_000)
	}
}
