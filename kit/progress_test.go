package kit

import (
	"strings"
	"testing"
)

func TestProgressIsSilentInTests(t *testing.T) {
	if p := startProgress("Threads(2)", "x", 10, false, func() int { return 0 }); p != nil {
		t.Error("progress would draw in a test")
	}
	var p *progress // what a silent run holds: every method is a no-op
	p.done()
}

func TestTraceShowsItself(t *testing.T) {
	r := Map(Threads(2).WithChunk(1), sleepTask, []int{1, 1, 1})
	text := r.Trace.String()
	for _, want := range []string{"Threads(2).WithChunk(1)", "3 spans on 2 workers", "worker 0:", "worker 1:"} {
		if !strings.Contains(text, want) {
			t.Errorf("Trace.String() lacks %q:\n%s", want, text)
		}
	}
	if h := r.Trace.HTML(); !strings.Contains(h, "<table") {
		t.Errorf("Trace.HTML() has no load table: %s", h)
	}
	if s := r.String(); !strings.Contains(s, "results: [1 1 1]") {
		t.Errorf("Run.String():\n%s", s)
	}
}

func TestChildrenCPUIsCounted(t *testing.T) {
	r := Map(Processes(2), crunchTask, []int{3_000_000, 3_000_000})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if r.Timing.ChildUser+r.Timing.ChildSys == 0 {
		t.Errorf("no child CPU time in %+v", r.Timing)
	}
	if r.Startup <= 0 || r.Startup > r.Timing.Wall {
		t.Errorf("Startup %v outside wall %v", r.Startup, r.Timing.Wall)
	}
}

func TestBreakingOutOfMapUnorderedEndsTheRun(t *testing.T) {
	n := 0
	for i, r := range MapUnordered(Processes(2).WithChunk(1), sleepTask, []int{1, 60_000, 60_000}) {
		if i != 0 || r.Err != nil {
			t.Fatalf("first result: %d %+v", i, r)
		}
		n++
		break
	}
	if n != 1 {
		t.Fatal("nothing yielded")
	}
	// Every input is yielded once, failures and never-run inputs included.
	seen := map[int]bool{}
	for i := range MapUnordered(Threads(2).WithFailFast().WithChunk(1), panicTask, inputs(6)) {
		seen[i] = true
	}
	if len(seen) != 6 {
		t.Errorf("yielded %d of 6 inputs", len(seen))
	}
}
