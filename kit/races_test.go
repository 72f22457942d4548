package kit

import (
	"strings"
	"testing"
)

// The lost updates come from a read, a yield and a write (see LostUpdates), so
// they show on every run in practice; the scheduler is still free to run the
// goroutines back to back, so the test allows a few attempts before it fails.
func TestLostUpdatesLoseUpdates(t *testing.T) {
	const attempts = 5
	for i := range attempts {
		r := LostUpdates(4, 1000)
		if r.Expected != 4000 {
			t.Fatalf("Expected = %d, want 4000", r.Expected)
		}
		if r.Got > r.Expected || r.Got < 1 {
			t.Fatalf("Got = %d, impossible for %d increments", r.Got, r.Expected)
		}
		if r.Got < r.Expected {
			if r.OK() || r.Lost() != r.Expected-r.Got {
				t.Fatalf("OK/Lost inconsistent: %+v", r)
			}
			return
		}
		t.Logf("attempt %d: no update lost (%v)", i+1, r)
	}
	t.Fatalf("no lost update in %d attempts", attempts)
}

func TestFixesAreExact(t *testing.T) {
	for _, fix := range []func(int, int) RaceResult{CountWithMutex, CountWithAtomic, CountWithChannel, CountWithSyncMap} {
		for _, wk := range [][2]int{{1, 1}, {2, 500}, {8, 1000}, {3, 0}} {
			r := fix(wk[0], wk[1])
			if !r.OK() || r.Got != int64(wk[0]*wk[1]) {
				t.Errorf("%s(%d, %d) = %v, want exact", r.Name, wk[0], wk[1], r)
			}
		}
	}
}

func TestRaceResultPrints(t *testing.T) {
	bad := RaceResult{Name: "unguarded", Workers: 2, Increments: 5, Expected: 10, Got: 7}
	if s := bad.String(); !strings.Contains(s, "LOST 3") {
		t.Errorf("String() = %q, want the loss", s)
	}
	if h := bad.HTML(); !strings.Contains(h, "color:#D55E00") || !strings.Contains(h, "<td") {
		t.Errorf("HTML() = %q, want a table with the loss in red", h)
	}
	good := RaceResult{Name: "a<b", Expected: 10, Got: 10}
	if h := good.HTML(); strings.Contains(h, "color:#D55E00") || !strings.Contains(h, "a&lt;b") {
		t.Errorf("HTML() = %q, want no red and an escaped name", h)
	}
	if s := (RaceResults{bad, good}).String(); strings.Count(s, "\n") != 1 {
		t.Errorf("RaceResults String() = %q, want two lines", s)
	}
}

func TestConcurrentMapWritesCrashesTheChildOnly(t *testing.T) {
	r := ConcurrentMapWrites()
	// Built with the race detector, the child crashes within half a
	// second most times, but in about one run in fifteen the runtime's
	// check does not catch the writers before the demo gives up (15 s).
	// A notebook's cell, built without it, crashes within milliseconds.
	for try := 1; raceOn && try < 3 && !r.Crashed && r.Err == nil; try++ {
		t.Logf("try %d: %v; again", try, r)
		r = ConcurrentMapWrites()
	}
	if !r.Crashed || r.Err != nil {
		t.Fatalf("no crash observed: %+v", r)
	}
	if r.Fatal != "fatal error: concurrent map writes" || r.ExitCode != 2 {
		t.Errorf("Fatal = %q, exit %d; want the map crash, exit 2\n%s", r.Fatal, r.ExitCode, r.Stderr)
	}
	if !strings.Contains(r.String(), "survived") || !strings.Contains(r.HTML(), "concurrent map writes") {
		t.Errorf("the result does not say so: %v", r)
	}
	// Reaching this line is the other half of the test: the parent survived.
}

// The child is this test binary. Linked with cgo (always with -race, and
// where a C compiler exists unless built with -tags=netgo,osusergo or
// CGO_ENABLED=0) the runtime's deadlock detector is off, the child hangs and
// kit stops it; without cgo the runtime ends it with the deadlock error. Both
// are right; anything else is not.
func TestDeadlockIsSeenInTheChild(t *testing.T) {
	r := Deadlock()
	switch {
	case r.Crashed:
		if r.Fatal != "fatal error: all goroutines are asleep - deadlock!" || r.ExitCode != 2 {
			t.Fatalf("crashed, but not with the deadlock error: %+v", r)
		}
	case r.Hung:
		locks := 0
		for _, g := range r.Blocked {
			if strings.Contains(g, "[sync.Mutex.Lock") {
				locks++
			}
		}
		if locks != 2 || !strings.Contains(r.String(), "cgo") {
			t.Fatalf("hung, but the dump does not show two goroutines waiting for a lock: %v\n%s", r, r.Stderr)
		}
		t.Logf("this binary links cgo; the deadlock hung and was stopped:\n%v", r)
	default:
		t.Fatalf("no deadlock observed: %+v", r)
	}
}

func BenchmarkLostUpdates(b *testing.B) {
	for b.Loop() {
		LostUpdates(4, 1000)
	}
}

func BenchmarkCountWithMutex(b *testing.B) {
	for b.Loop() {
		CountWithMutex(4, 1000)
	}
}

func BenchmarkCountWithAtomic(b *testing.B) {
	for b.Loop() {
		CountWithAtomic(4, 1000)
	}
}

func BenchmarkCountWithChannel(b *testing.B) {
	for b.Loop() {
		CountWithChannel(4, 1000)
	}
}

func BenchmarkCountWithSyncMap(b *testing.B) {
	for b.Loop() {
		CountWithSyncMap(4, 1000)
	}
}
