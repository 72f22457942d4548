package kit

import (
	"strings"
	"testing"
	"time"
)

func TestTableCellsByType(t *testing.T) {
	var tab Table
	tab.Row(nil, "s", 1500*time.Microsecond, 0.000584, float32(2.5), 7, int64(-3), uint64(9), struct{ A int }{4})
	got := strings.Fields(tab.String())
	want := []string{"s", "1.5", "ms", "0.000584", "2.5", "7", "-3", "9", "{4}"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("cells = %q, want %q", got, want)
	}
}

func TestTableWarnAndAlign(t *testing.T) {
	tab := Table{Header: []string{"method", "lost"}, Align: "lr"}
	tab.Row("unguarded", tableWarn(int64(12)))
	tab.Row("mutex", int64(0))
	h := tab.HTML()
	if !strings.Contains(h, `<td style="color:`+paletteWarn+`;font-weight:bold">12</td>`) {
		t.Errorf("HTML() = %s\nwant the lost count in the warning colour", h)
	}
	if strings.Count(h, "color:") != 1 {
		t.Errorf("HTML() = %s\nwant exactly one warning", h)
	}
	if s := tab.String(); s != "method     lost\nunguarded    12\nmutex         0\n" {
		t.Errorf("String() = %q", s)
	}
}

func TestTableEmpty(t *testing.T) {
	var tab Table
	if s := tab.String(); s != "" {
		t.Errorf("zero String() = %q, want empty", s)
	}
	if h := tab.HTML(); h != "<table class=\"kit-table\">\n</table>" {
		t.Errorf("zero HTML() = %q", h)
	}
}

func TestTableMultiLineCell(t *testing.T) {
	var tab Table
	tab.Row("blocked", "goroutine 7\ngoroutine 8", "x")
	if s := tab.String(); s != "blocked  goroutine 7  x\n         goroutine 8\n" {
		t.Errorf("String() = %q", s)
	}
	if h := tab.HTML(); !strings.Contains(h, "goroutine 7<br>goroutine 8") {
		t.Errorf("HTML() = %s\nwant the lines broken with <br>", h)
	}
}
