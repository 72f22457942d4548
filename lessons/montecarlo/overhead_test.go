package montecarlo

import (
	"strings"
	"testing"
	"time"
)

func TestMinTaskSize(t *testing.T) {
	for _, c := range []struct {
		overhead, perPoint time.Duration
		fraction           float64
		want               int
	}{
		{50 * time.Microsecond, 10 * time.Nanosecond, 0.1, 50_000},
		{time.Microsecond, 10 * time.Nanosecond, 0.01, 10_000},
		{0, 10 * time.Nanosecond, 0.1, 1},
		{time.Microsecond, 0, 0.1, 0},
		{time.Microsecond, time.Nanosecond, 0, 0},
	} {
		if got := MinTaskSize(c.overhead, c.perPoint, c.fraction); got != c.want {
			t.Errorf("MinTaskSize(%v, %v, %v) = %d, want %d", c.overhead, c.perPoint, c.fraction, got, c.want)
		}
	}
	// The answer keeps the overhead within budget, and one point fewer would not.
	n := MinTaskSize(37*time.Microsecond, 13*time.Nanosecond, 0.05)
	if float64(37*time.Microsecond) > 0.05*float64(n)*13 || float64(37*time.Microsecond) <= 0.05*float64(n-1)*13 {
		t.Errorf("MinTaskSize not minimal: %d", n)
	}
}

func TestOverheads(t *testing.T) {
	o := Overhead{Executor: "Threads(2)", Tasks: 100, TaskSize: 10, Wall: 3 * time.Millisecond, Ideal: 2 * time.Millisecond}
	if o.PerTask() != 10*time.Microsecond {
		t.Errorf("PerTask = %v", o.PerTask())
	}
	if s := o.Share(); s < 0.333 || s > 0.334 {
		t.Errorf("Share = %v", s)
	}
	tab := Overheads{
		{Executor: "Threads(2)", Tasks: 2, TaskSize: 1000, Wall: time.Millisecond, Ideal: 2 * time.Millisecond},
		o,
		{Executor: "Processes(2)", Tasks: 100, TaskSize: 10, Wall: 10 * time.Millisecond, Ideal: 2 * time.Millisecond},
	}
	h := tab.HTML()
	// A kit chart (drawn and checked like the others), the negative
	// overhead as an open circle at the floor, then the table.
	for _, want := range []string{`data-kit-chart="xy"`, "Processes(2)", "emptyCircle", "<table"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if got := strings.Count(tab.String(), "\n"); got != 4 {
		t.Errorf("String has %d lines, want 4", got)
	}
	if !strings.Contains(Overheads(nil).HTML(), "no measurements") {
		t.Errorf("empty table")
	}
}
