package kit

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// incTask is a trivial task, the scale benchmark's as well as Python's
// (testdata/scale_bench.py).
var incTask = Task("bench-inc", func(x int) int { return x + 1 })

// spanInputs is how many inputs spans stand for, and the most one span does.
func spanInputs(spans []Span) (total, most int) {
	for _, s := range spans {
		total += s.count()
		most = max(most, s.count())
	}
	return total, most
}

func TestSmallRunHasASpanPerInput(t *testing.T) {
	r := Map(Threads(2), incTask, inputs(timelineMaxBars))
	spans := r.Trace.Spans()
	if total, most := spanInputs(spans); len(spans) != timelineMaxBars || total != timelineMaxBars || most != 1 {
		t.Fatalf("%d spans for %d inputs, up to %d inputs a span; want one per input", len(spans), total, most)
	}
}

func TestBigRunRecordsAFewSpansPerWorker(t *testing.T) {
	const n = 10_000
	r := Map(Threads(2), incTask, inputs(n))
	spans := r.Trace.Spans()
	// A span per inputsPerSpan inputs, and a short one at the end of each
	// of the 8 chunks at most.
	if total, _ := spanInputs(spans); total != n || len(spans) > 2*mapSpansPerWorker+8 {
		t.Fatalf("%d spans for %d inputs; want %d inputs in at most %d spans", len(spans), total, n, 2*mapSpansPerWorker+8)
	}
}

func TestBigRunHasABoundedTrace(t *testing.T) {
	const n = 200_000
	for _, ex := range []Executor{Threads(2), Threads(2).WithChunk(1), Processes(2)} {
		t.Run(ex.String(), func(t *testing.T) {
			r := Map(ex, incTask, inputs(n))
			if r.Err != nil || r.Results[n-1] != n {
				t.Fatalf("Err %v, last result %d", r.Err, r.Results[n-1])
			}
			spans := r.Trace.Spans()
			total, most := spanInputs(spans)
			if total != n || len(spans) > traceMaxSpans || most < 2 {
				t.Fatalf("%d spans for %d inputs (want %d), up to %d a span; want at most %d spans",
					len(spans), total, n, most, traceMaxSpans)
			}
			ran, busy := 0, time.Duration(0)
			for _, l := range r.Trace.Load() {
				ran, busy = ran+l.Inputs, busy+l.Busy
				if l.Busy > r.Trace.Total() { // a worker may get no chunk: the other took them all
					t.Errorf("worker %d busy %v in a run of %v", l.Worker, l.Busy, r.Trace.Total())
				}
			}
			if ran != n || busy <= 0 {
				t.Errorf("Load counts %d inputs, busy %v; want %d inputs", ran, busy, n)
			}
			if text := TimelineChart(r.Trace).text; !strings.Contains(text, "200,000 inputs") && !strings.Contains(text, "200000 inputs") {
				t.Errorf("the timeline does not count every input:\n%s", text)
			}
		})
	}
}

func TestTraceMergesSpansPastItsBoundAndKeepsLoadExact(t *testing.T) {
	const n = 3*traceMaxSpans + 1
	tr := NewTrace("by hand", 2)
	// Worker w runs input i from 2i µs to 2i+1 µs: busy half the time.
	for i := range n {
		tr.Add(Span{Worker: i % 2, Input: i, Label: "x" + strings.Repeat("y", i%3),
			Start: time.Duration(2*i) * time.Microsecond, End: time.Duration(2*i+1) * time.Microsecond})
	}
	tr.Stop()
	spans := tr.Spans()
	if total, _ := spanInputs(spans); len(spans) > traceMaxSpans || total != n {
		t.Fatalf("%d spans standing for %d inputs; want at most %d for %d", len(spans), total, traceMaxSpans, n)
	}
	loads := tr.Load()
	if loads[0].Inputs != (n+1)/2 || loads[1].Inputs != n/2 {
		t.Errorf("Load counts %d and %d inputs, want %d and %d", loads[0].Inputs, loads[1].Inputs, (n+1)/2, n/2)
	}
	if want := time.Duration(n/2) * time.Microsecond; loads[1].Busy != want {
		t.Errorf("worker 1 busy %v, want %v: merging must not count the gaps", loads[1].Busy, want)
	}
	if l := timelineLabel(spans[0]); l != "x…"+spans[0].lastLabel || spans[0].lastLabel == "" {
		t.Errorf("a merged span is labelled %q, want its first and last inputs'", l)
	}
}

func TestMergedSpanOfAMapNamesFirstAndLastInput(t *testing.T) {
	n := 3 * timelineMaxBars
	r := Map(Serial(), incTask, inputs(n))
	s, per := r.Trace.Spans()[0], inputsPerSpan(n, 1)
	want := fmt.Sprintf("0…%d", s.Inputs-1)
	// Trivial inputs: the span went on past per (see spanGoesOn).
	if got := timelineLabel(s); s.Input != 0 || s.Inputs%per != 0 || s.Inputs > quickSpanMerge*per || got != want {
		t.Errorf("first span: input %d, %d inputs, label %q; want 0, a multiple of %d up to %d, %q",
			s.Input, s.Inputs, got, per, quickSpanMerge*per, want)
	}
}

// spinTask keeps its worker busy for d, and returns it.
var spinTask = Task("trace-spin", func(d time.Duration) time.Duration {
	for start := time.Now(); time.Since(start) < d; {
	}
	return d
})

func TestQuickSpansGoOnSlowOnesDoNot(t *testing.T) {
	for _, c := range []struct {
		perSpan, size int
		lasted        time.Duration
		next          int
		goOn          bool
	}{
		{1, 1, 0, 1, false},                                                 // a small run: a span per input
		{10, 10, quickSpan / 2, 20, true},                                   // quick: twice the inputs
		{10, 40, quickSpan / 2, 80, true},                                   // and again
		{10, 80, quickSpan / 2, 80, false},                                  // up to quickSpanMerge times perSpan, and the next starts as long
		{10, 10, quickSpan, 10, false},                                      // slow enough to keep
		{10, 20, 10 * quickSpan, 10, false},                                 // slower
		{500, 500, time.Microsecond, 1000, true},                            // big spans of quick inputs too
		{500, 8 * 500, time.Microsecond, 8 * 500, false},                    // but no more than 8 of them
		{2, 2, quickSpan - time.Nanosecond, 4, true},                        // just under
		{2, 4, quickSpan + time.Nanosecond, 2, false},                       // just over
		{3, quickSpanMerge * 3, time.Nanosecond, quickSpanMerge * 3, false}, // the cap
		{3, quickSpanMerge * 3, quickSpan, 3, false},                        // a slow one after it: perSpan again
	} {
		next, goOn := spanGoesOn(c.perSpan, c.size, c.lasted)
		if next != c.next || goOn != c.goOn {
			t.Errorf("spanGoesOn(%d, %d, %v) = %d, %v; want %d, %v", c.perSpan, c.size, c.lasted, next, goOn, c.next, c.goOn)
		}
	}
	// Inputs slower than quickSpan a span keep their spans of perSpan
	// inputs (fewer at a chunk's end), on goroutines and in worker
	// processes alike.
	n := 3 * timelineMaxBars
	per := inputsPerSpan(n, 1)
	slow := make([]time.Duration, n)
	for i := range slow {
		slow[i] = quickSpan/time.Duration(per) + time.Microsecond
	}
	for _, ex := range []Executor{Serial(), Processes(1)} {
		r := Map(ex, spinTask, slow)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		for _, s := range r.Trace.Spans() {
			if s.Inputs > per {
				t.Errorf("%s: a span of %d inputs from input %d; want %d at most", ex, s.Inputs, s.Input, per)
				break
			}
		}
	}
}

// BenchmarkTraceAdd is adding spans one by one to a trace past its bound:
// the merges must keep the cost per span flat.
func BenchmarkTraceAdd(b *testing.B) {
	tr := NewTrace("bench", 2)
	i := 0
	for b.Loop() {
		tr.Add(Span{Worker: i % 2, Input: i, Start: time.Duration(i), End: time.Duration(i + 1)})
		i++
	}
}

func TestChartsDownsampleBigSeries(t *testing.T) {
	const n = 100_000
	x, y := make([]float64, n), make([]float64, n)
	runs := make([]time.Duration, n)
	for i := range n {
		x[i], y[i] = float64(i), float64(i%7)
		runs[i] = time.Millisecond + time.Duration(i%5)*time.Microsecond
	}
	y[12_345] = 1000                    // a peak
	runs[54_321] = 9 * time.Millisecond // an outlier
	xy := XYChart("", XYAxis{Name: "x"}, XYAxis{Name: "y"}, XYSeries{Name: "s", X: x, Y: y})
	spread := SpreadChart("", runs)
	for _, c := range []struct {
		chart      Chart
		says, peak string
	}{
		{xy, "2000 of 100000 points drawn", "[12345,1000]"},
		{spread, "2000 runs drawn", "[54322,9]"},
	} {
		if !strings.Contains(c.chart.String(), c.says) {
			t.Errorf("%s does not say it was downsampled:\n%.300s", c.chart.Title, c.chart.String())
		}
		if !strings.Contains(c.chart.option, c.peak) {
			t.Errorf("%s lost its extreme point %s", c.chart.Title, c.peak)
		}
		if len(c.chart.HTML()) > 300_000 {
			t.Errorf("%s: %d bytes of HTML", c.chart.Title, len(c.chart.HTML()))
		}
	}
}
