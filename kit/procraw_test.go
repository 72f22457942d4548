package kit

import (
	"bufio"
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
)

// rawRun is a run of 10 inputs on a pool of one worker, as the readers of
// its reports see it, with inputs 1 and 6 reported already.
func rawRun(t *testing.T) (*procSession[int, int], *procRun[int, int]) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	xs := inputs(10)
	j := &job[int, int]{ctx: ctx, stop: cancel, inputs: xs, results: make([]int, len(xs)), out: newOutbox[int](len(xs), false, nil),
		trace: newTrace("test", 1), task: incTask}
	for i := range j.results {
		j.results[i] = -1 // no outcome yet
	}
	s := &procSession[int, int]{plainOut: true}
	r := &procRun[int, int]{j: j, s: s, id: 7, reported: newOutcomes(len(xs)), over: make(chan struct{}), cpu: make([]workerCPU, 1)}
	s.run = r
	for _, i := range []int{1, 6} {
		r.reported.claim(i, i+1)
		j.results[i] = 100 + i // the first outcome, which stands
	}
	return s, r
}

// rawReport is a report on inputs 0-2 and 5-6 of run id, one span each.
func rawReport(id runID) *report[int] {
	rep := &report[int]{Run: id}
	for _, i := range []int{0, 1, 2, 5, 6} {
		rep.add(result[int]{Input: i, Value: 10 * i, Start: int64(1000 * i), End: int64(1000*i + 500)})
	}
	return rep
}

func TestRawReportsGoInPlace(t *testing.T) {
	s, r := rawRun(t)
	var wire []byte
	wire = appendRawReport(wire, rawReport(6)) // on a run that is over: skipped whole
	wire = appendRawReport(wire, rawReport(7))
	c := &child{results: bufio.NewReader(bytes.NewReader(wire)), pid: 1}
	var rep report[int]
	for range 2 {
		raw, err := nextIsRaw(c.results)
		if err != nil || !raw {
			t.Fatalf("a raw report should be next: %v, %v", raw, err)
		}
		if err := s.readRaw(0, c, &rep); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.results.Peek(1); err == nil {
		t.Error("bytes left after the two reports")
	}
	// Fresh inputs get the report's values; 1 and 6 keep their first.
	want := []int{0, 101, 20, -1, -1, 50, 106, -1, -1, -1}
	if !slices.Equal(r.j.results, want) {
		t.Errorf("results %v, want %v", r.j.results, want)
	}
	batches := r.j.out.take(nil)
	n := 0
	for _, b := range batches {
		if !b.inPlace || &b.values[0] != &r.j.results[b.lo] {
			t.Errorf("batch at %d is not the results' own memory", b.lo)
		}
		n += len(b.values)
	}
	if n != 3 || int(r.claimed.Load()) != 3 {
		t.Errorf("%d values delivered, %d claimed; want 3 fresh ones", n, r.claimed.Load())
	}
	if spans := r.j.trace.Spans(); len(spans) != 3 {
		t.Errorf("%d spans; want one per fresh input: %v", len(spans), spans)
	}
}

func TestBrokenRawReportIsAnError(t *testing.T) {
	s, _ := rawRun(t)
	rep := rawReport(7)
	rep.Runs = append(rep.Runs, 3, 1) // a run of inputs without its value
	c := &child{results: bufio.NewReader(bytes.NewReader(appendRawReport(nil, rep))), pid: 1}
	err := s.readRaw(0, c, &report[int]{})
	if err == nil || !strings.Contains(err.Error(), "broken report") {
		t.Errorf("a report with more inputs than values: err = %v", err)
	}
	huge := appendRawReport(nil, rawReport(7))
	huge[8*8] = 0xff // the values' byte count, far more than 10 inputs have
	c = &child{results: bufio.NewReader(bytes.NewReader(huge)), pid: 1}
	err = s.readRaw(0, c, &report[int]{})
	if err == nil || !strings.Contains(err.Error(), "for a run of 10 inputs") {
		t.Errorf("a report of more bytes than the run's results: err = %v", err)
	}
}

func TestRawCallsCarryTheTaskAndTheInput(t *testing.T) {
	wire := appendRawCall(nil, "test-square", asBytes([]int{7}))
	wire = appendRawCall(wire, "test-sum", nil)
	r := bufio.NewReader(bytes.NewReader(wire))
	for _, want := range []struct {
		task  string
		bytes int
	}{{"test-square", 8}, {"test-sum", 0}} {
		if raw, err := nextIsRaw(r); err != nil || !raw {
			t.Fatalf("a raw call should be next: %v, %v", raw, err)
		}
		task, input, err := readRawCall(r)
		if err != nil || task != want.task || len(input) != want.bytes {
			t.Errorf("read %q with %d bytes, %v; want %q with %d", task, len(input), err, want.task, want.bytes)
		}
	}
	broken := appendRawCall(nil, "test-square", asBytes([]int{7}))
	broken[11] = 0xff // an input of 4 GB
	if _, _, err := readRawCall(bufio.NewReader(bytes.NewReader(broken))); err == nil || !strings.Contains(err.Error(), "broken call header") {
		t.Errorf("a call of a 4 GB input: err = %v", err)
	}
}

func TestOnlySmallPlainInputsTravelAsRawCalls(t *testing.T) {
	// A task of such a big input is not registered here: every worker
	// process would check at its start, in a few ms, that gob carries it.
	for _, c := range []struct {
		raw, want bool
	}{
		{callTravelsRaw[int](), true},
		{callTravelsRaw[[maxRawCall / 8]int64](), true},
		{callTravelsRaw[[maxRawCall/8 + 1]int64](), false},
		{callTravelsRaw[string](), false},
	} {
		if c.raw != c.want {
			t.Errorf("case %+v", c)
		}
	}
}

func TestCutRawReportLeavesItsInputsToRunAgain(t *testing.T) {
	s, r := rawRun(t)
	wire := appendRawReport(nil, rawReport(7))
	wire = wire[:len(wire)-12] // the worker died while writing its values
	c := &child{results: bufio.NewReader(bytes.NewReader(wire)), pid: 1}
	if err := s.readRaw(0, c, &report[int]{}); err == nil {
		t.Fatal("a cut report read without an error")
	}
	for i := range 10 {
		// Only 1 and 6 had outcomes before the report: the others are
		// handed out again, as if it never came.
		if want := i == 1 || i == 6; r.reported.has(i) != want {
			t.Errorf("input %d reported: %v, want %v", i, r.reported.has(i), want)
		}
	}
	if got := r.j.out.take(nil); len(got) != 0 || r.claimed.Load() != 0 {
		t.Errorf("a cut report delivered %d batches, claimed %d", len(got), r.claimed.Load())
	}
}

func TestRawAnswersCarryTheResult(t *testing.T) {
	wire := appendRawAnswer(nil, 2.5)
	r := bufio.NewReader(bytes.NewReader(wire))
	if raw, err := nextIsRaw(r); err != nil || !raw {
		t.Fatalf("a raw answer should be next: %v, %v", raw, err)
	}
	if v, err := readRawAnswer[float64](r); v != 2.5 || err != nil {
		t.Errorf("read %v, %v; want 2.5", v, err)
	}
	if _, err := readRawAnswer[float64](bufio.NewReader(bytes.NewReader(wire[:5]))); err == nil {
		t.Error("a cut answer read without an error")
	}
}
