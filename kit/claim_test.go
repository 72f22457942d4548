package kit

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestWantHolds(t *testing.T) {
	cases := []struct {
		w    Want
		x    float64
		want bool
	}{
		{About(2, 0.25), 1.5, true},
		{About(2, 0.25), 2.5, true},
		{About(2, 0.25), 1.49, false},
		{About(2, 0.25), 2.51, false},
		{About(-4, 0.5), -3, true}, // tolerance is of |x|
		{AtLeast(1), 1, true},
		{AtLeast(1), 0.99, false},
		{AtMost(0.1), 0.1, true},
		{AtMost(0.1), 0.2, false},
		{Between(3, 5), 4, true},
		{Between(3, 5), 5.1, false},
		{AtLeast(0), math.NaN(), false},
	}
	for _, c := range cases {
		if got := c.w.Holds(c.x); got != c.want {
			t.Errorf("%v holds for %v = %v, want %v", c.w, c.x, got, c.want)
		}
	}
}

func TestWantPanicsOnAuthorMistakes(t *testing.T) {
	for name, f := range map[string]func(){
		"negative tolerance": func() { About(1, -0.1) },
		"NaN tolerance":      func() { About(1, math.NaN()) },
		"reversed range":     func() { Between(2, 1) },
		"empty claim":        func() { Expect("  ", AtLeast(1)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestVerdictNamesTheReasonsItCanSee(t *testing.T) {
	c := &Claim{says: "Threads(4) about 4x", want: About(4, 0.25), workers: 4}
	quiet := machine{cores: 8, others: 0, wall: time.Second, scale: 1}
	if rec, line := c.verdict(3.9, quiet); !rec.Held || !strings.HasPrefix(line, ClaimHeld) || !strings.Contains(line, "measured 3.9, expected 4 ± 25%") {
		t.Errorf("held claim printed %q, %v", line, rec.Held)
	}
	cases := []struct {
		m    machine
		want []string
	}{
		{machine{cores: 2, others: 0, wall: time.Second, scale: 1}, []string{"gives the program 2 cores, fewer than the 4 workers"}},
		{machine{cores: 8, others: 5.5, wall: time.Second, scale: 1}, []string{"other programs kept 5.5 of the 8 cores busy", "leaving about 2.5 for 4 workers"}},
		{machine{cores: 8, others: 0, wall: time.Second, scale: 0.02}, []string{"KIT_SCALE=0.02"}},
		{machine{cores: 8, others: 0, wall: 20 * time.Millisecond, scale: 1}, []string{"took only 20 ms"}},
		{quiet, []string{"none visible from here"}},
		{machine{cores: 8, others: 0, wall: time.Second, scale: 1, cpuGrowth: 1.9}, []string{"needed 1.9x the CPU time of the serial one"}},
		{machine{cores: 8, others: -1, wall: time.Second, scale: 1}, []string{"none visible"}}, // load unknown: say nothing about it
	}
	for _, tc := range cases {
		rec, line := c.verdict(1.3, tc.m)
		held := rec.Held
		if held || !strings.HasPrefix(line, ClaimMissed) {
			t.Errorf("%+v: %q held=%v", tc.m, line, held)
		}
		for _, w := range tc.want {
			if !strings.Contains(line, w) {
				t.Errorf("%+v: %q lacks %q", tc.m, line, w)
			}
		}
	}
}

// A claim sees this program's own work as its own, not as other load.
func TestSnapshotDoesNotCountOwnWorkAsOthers(t *testing.T) {
	s := takeSnapshot()
	if s.busy < 0 {
		t.Skip("no CPU counters on this system")
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	x := 0.0
	for time.Now().Before(deadline) {
		x += math.Sqrt(x + 1)
	}
	m := s.until(takeSnapshot())
	if m.others < 0 || m.others > m.cores {
		t.Errorf("others = %v of %v cores", m.others, m.cores)
	}
	if m.wall < 300*time.Millisecond {
		t.Errorf("wall = %v", m.wall)
	}
}
