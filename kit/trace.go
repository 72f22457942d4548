package kit

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Span is one piece of work on one worker: which input, from when to when.
// Start and End are offsets from the start of the [Trace], so spans from
// different runs line up at zero.
//
// A span stands for one input, unless the run was big: then it stands for
// Inputs inputs that one worker ran one after another, Input being the
// first (see [Trace]).
type Span struct {
	Worker int           // 0-based worker number
	PID    int           // the worker's process id (Processes only; 0 otherwise)
	Host   string        // the worker's machine, for executors that leave this one (kit/cluster)
	Input  int           // index of the input in the run's input slice, or -1
	Label  string        // what a chart writes on the bar, e.g. the input's value
	Start  time.Duration // offset from the trace's start
	End    time.Duration // offset from the trace's start
	Err    bool          // the work failed (a panic, a dead worker); for several inputs, one of them did
	// Inputs is how many inputs the span stands for: 0 or 1 for one (the
	// span of a small run, or one added by hand), more for a big run's.
	Inputs int

	busy time.Duration // time at work inside Start..End, if spans were merged; 0: all of it
	last int           // the last input merged in, if Inputs > 1
	// lastLabel is the label of the last span merged in, so that a merged
	// span reads "first…last".
	lastLabel string
}

// Duration is how long the span lasted.
func (s Span) Duration() time.Duration { return s.End - s.Start }

// count is how many inputs s stands for.
func (s Span) count() int { return max(s.Inputs, 1) }

// busyTime is how long s was at work: its duration, less the gaps between
// the spans merged into it.
func (s Span) busyTime() time.Duration {
	if s.busy > 0 {
		return s.busy
	}
	return s.Duration()
}

// merge makes s stand for b too: b is the same worker's next span.
func (s *Span) merge(b Span) {
	s.busy = s.busyTime() + b.busyTime()
	s.End = max(s.End, b.End)
	s.Err = s.Err || b.Err
	s.Inputs = s.count() + b.count()
	s.last, s.lastLabel = b.Input, b.Label
	if b.Inputs > 1 {
		s.last, s.lastLabel = b.last, b.lastLabel
	}
}

// sameRow reports whether a and b ran on the same worker, in the same process.
func sameRow(a, b Span) bool { return a.Worker == b.Worker && a.PID == b.PID && a.Host == b.Host }

// Trace records which worker did what, when. The zero value is not ready to
// use: call [NewTrace], which starts the clock. A Trace is safe for concurrent
// use, so hand-written goroutines can record into one trace.
//
// A trace's memory is bounded, whatever the number of inputs: it keeps up to
// 10,000 spans, one per input. Past that, it merges each worker's
// neighbouring spans two by two, as many times as it takes, so that a span
// stands for several inputs run one after another ([Span.Inputs]); the
// counts of inputs and busy times of [Trace.Load] stay exact. Runs of
// [Map] over more than 2,000 inputs, more than a timeline draws one by one
// ([TimelineChart]), record such spans from the start: about 128 per
// worker, 2,000 at most.
type Trace struct {
	mu      sync.Mutex
	start   time.Time
	end     time.Duration // set by Stop; 0 while running
	spans   []spanRec
	texts   []spanTexts            // of the spans that have any
	label   func(input int) string // labels spans of Map runs when they are read, not while they run
	Name    string                 // what produced it, e.g. "Threads(2)"
	Workers int                    // number of workers, including any that did nothing
}

// NewTrace starts an empty trace for workers numbered 0..workers-1.
func NewTrace(name string, workers int) *Trace {
	t := newTrace(name, workers)
	return &t
}

// newTrace is NewTrace's trace as a value, for a run's job to hold.
func newTrace(name string, workers int) Trace {
	return Trace{start: time.Now(), Name: name, Workers: workers}
}

// Begin records that worker started on input (its index, or -1) and returns
// the function to call when the work ends:
//
//	done := tr.Begin(w, i, fmt.Sprint(x))
//	work(x)
//	done()
func (t *Trace) Begin(worker, input int, label string) (done func()) {
	start := time.Since(t.start)
	return func() {
		t.Add(Span{Worker: worker, Input: input, Label: label, Start: start, End: time.Since(t.start)})
	}
}

// Add records a finished span. Spans may arrive in any order.
func (t *Trace) Add(s Span) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.Worker >= t.Workers {
		t.Workers = s.Worker + 1
	}
	t.spans = append(t.spans, t.record(s))
	t.bound()
}

// Since is the time elapsed from the trace's start to now, handy for spans
// recorded by hand with [Trace.Add].
func (t *Trace) Since() time.Duration { return time.Since(t.start) }

// Stop marks the end of the traced run; [Trace.Total] is then fixed.
func (t *Trace) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.end == 0 {
		t.end = time.Since(t.start)
	}
}

// Total is the length of the traced run: until Stop, or until the last span
// ended if Stop was not called.
func (t *Trace) Total() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.end != 0 {
		return t.end
	}
	var last time.Duration
	for _, s := range t.spans {
		last = max(last, s.end)
	}
	return last
}

// Spans returns a copy of the recorded spans, ordered by worker, then start.
func (t *Trace) Spans() []Span {
	t.mu.Lock()
	out := t.spansLocked()
	t.mu.Unlock()
	if t.label != nil {
		for i, s := range out {
			if s.Label == "" && s.Input >= 0 {
				out[i].Label = t.label(s.Input)
			}
			if s.count() > 1 && s.lastLabel == "" && s.last >= 0 {
				out[i].lastLabel = t.label(s.last)
			}
		}
	}
	sortSpans(out)
	return out
}

// mergeSpans merges each run of up to n neighbouring spans of one worker
// into one span, in place, and returns the merged spans.
func mergeSpans(spans []Span, n int) []Span {
	out := spans[:0]
	for i := 0; i < len(spans); {
		s, j := spans[i], i+1
		for ; j < len(spans) && j < i+n && sameRow(s, spans[j]); j++ {
			s.merge(spans[j])
		}
		out = append(out, s)
		i = j
	}
	return out
}

// mapSpansPerWorker is about how many spans a big run records per
// worker: more bars than a timeline's row shows apart at a notebook's
// width. Each span costs a read of the clock and 64 bytes of fresh
// memory (a page fault per 64 spans): 2,000 of them would make a Map of
// 10^4 trivial inputs cost several times what its inputs do.
const mapSpansPerWorker = 128

// inputsPerSpan is how many inputs a span of a run over n inputs on
// workers workers stands for: one up to timelineMaxBars inputs, the most a
// timeline draws one by one; past that, enough for about
// mapSpansPerWorker spans a worker, timelineMaxBars at most in all, since
// timing each input would cost more than the input.
func inputsPerSpan(n, workers int) int {
	if n <= timelineMaxBars {
		return 1
	}
	spans := min(mapSpansPerWorker*max(workers, 1), timelineMaxBars)
	return (n + spans - 1) / spans
}

// A big run's span whose perSpan inputs took less than quickSpan goes on
// for as many inputs again, and again, up to quickSpanMerge times perSpan
// inputs: a timeline cannot show such spans apart, and recording each
// one costs more than its inputs when they are trivial (a Map of 10^4
// of them took 85 µs instead of 50). The spans after one that got there
// start that long, as long as their inputs stay quick. Slower inputs keep
// their spans, and small runs their span per input.
const (
	quickSpan      = 20 * time.Microsecond
	quickSpanMerge = 8
)

// spanGoesOn says whether a span of a run with perSpan inputs a span,
// which has run size inputs in lasted, goes on, and for how many inputs
// in all; or, if it ends, how many inputs the next span runs before the
// clock is read. A quick span doubles its inputs, so that a worker reads
// the clock once per doubling; one that got to quickSpanMerge times
// perSpan ends, and the next starts as long: a worker whose inputs stay
// quick reads the clock once per quickSpanMerge times perSpan inputs, not
// four times. A slow span ends, and the next starts at perSpan again. A
// run of perSpan 1 (a small run) always ends its span.
func spanGoesOn(perSpan, size int, lasted time.Duration) (next int, goOn bool) {
	switch {
	case perSpan <= 1 || lasted >= quickSpan:
		return perSpan, false
	case size >= quickSpanMerge*perSpan:
		return size, false
	}
	return 2 * size, true
}

// sortSpans orders spans by worker, then start.
func sortSpans(spans []Span) {
	slices.SortStableFunc(spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(a.Worker, b.Worker), cmp.Compare(a.Start, b.Start))
	})
}

// traceMaxSpans is how many spans a trace keeps before it merges them: the
// run sizes up to which a trace has one span per input.
const traceMaxSpans = 10_000

// bound merges neighbouring spans of each worker two by two until the
// trace holds no more than traceMaxSpans: each merge halves it, so that
// adding a span costs the same on average however many came before.
// Called with t.mu held.
func (t *Trace) bound() {
	if len(t.spans) > traceMaxSpans {
		t.merge()
	}
}

// merge is bound's work, out of line: bound is called from workers'
// goroutines, whose small stacks merge's frame would make grow.
func (t *Trace) merge() {
	spans := t.spansLocked()
	sortSpans(spans)
	for len(spans) > traceMaxSpans {
		out := mergeSpans(spans, 2)
		if len(out) == len(spans) {
			break // one span per worker: nothing left to merge
		}
		spans = out
	}
	t.spans, t.texts = t.spans[:0], t.texts[:0]
	for _, s := range spans {
		t.spans = append(t.spans, t.record(s))
	}
}

// WorkerLoad is how one worker spent a traced run.
type WorkerLoad struct {
	Worker int
	PID    int
	Host   string        // with PID, where a remote worker ran: "" for this machine
	Inputs int           // how many inputs it ran
	Busy   time.Duration // time inside spans
	Idle   time.Duration // the rest of the run's total
}

// Load reports, per worker, how many inputs it ran and its busy and idle time
// over the run's [Trace.Total]: the numbers behind load imbalance.
func (t *Trace) Load() []WorkerLoad {
	total := t.Total()
	t.mu.Lock()
	defer t.mu.Unlock()
	return workerLoads(t.spansLocked(), t.Workers, total)
}

// workerLoads is how each of workers spent a run of length total, from its
// spans. Spans naming no such worker are left out rather than trusted.
func workerLoads(spans []Span, workers int, total time.Duration) []WorkerLoad {
	loads := make([]WorkerLoad, workers)
	for i := range loads {
		loads[i].Worker = i
	}
	for _, s := range spans {
		if s.Worker < 0 || s.Worker >= workers {
			continue
		}
		l := &loads[s.Worker]
		l.Inputs += s.count()
		l.Busy += s.busyTime()
		if s.PID != 0 {
			l.PID, l.Host = s.PID, s.Host
		}
	}
	for i := range loads {
		loads[i].Idle = max(total-loads[i].Busy, 0)
	}
	return loads
}

// process names the worker's process: "" if none, "pid 123", or, for a
// worker on another machine, "host:123".
func (l WorkerLoad) process() string {
	switch {
	case l.PID == 0:
		return ""
	case l.Host != "":
		return l.Host + ":" + strconv.Itoa(l.PID)
	}
	return "pid " + strconv.Itoa(l.PID)
}

// addSpans records several finished spans at once, for executors that
// report a chunk of inputs together.
func (t *Trace) addSpans(spans []Span) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range spans {
		t.Workers = max(t.Workers, s.Worker+1)
		t.spans = append(t.spans, t.record(s))
	}
	t.bound()
}

// addRecs records spans as the trace keeps them, with no texts.
func (t *Trace) addRecs(spans []spanRec) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range spans {
		t.Workers = max(t.Workers, int(s.worker)+1)
	}
	t.spans = append(t.spans, spans...)
	t.bound()
}

// reserve makes room for n more spans: in room, if the trace has no spans
// yet and room has space for n (nil is none).
func (t *Trace) reserve(n int, room []spanRec) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.spans) == 0 && cap(room) >= n {
		t.spans = room[:0]
		return
	}
	t.spans = slices.Grow(t.spans, n)
}

// spanRec is a Span as a trace keeps it: half the size, and no pointers,
// so that the garbage collector has nothing to look at in a trace of
// thousands of spans, and a Map of 2,000 inputs on a started pool makes
// half as much garbage. The texts of the few spans that have any (spans
// added by hand, a cluster's) are kept aside.
type spanRec struct {
	start, end, busy time.Duration
	input, last      int
	worker, pid      int32
	inputs           int32
	text             int32 // 1 + its texts' index in Trace.texts; 0 if none
	err              bool
}

// appendSpan appends s, standing for n inputs from s.input on.
func appendSpan(spans []spanRec, s spanRec, n int) []spanRec {
	if n > 1 {
		s.inputs, s.last = int32(min(n, math.MaxInt32)), s.input+n-1
	}
	return append(spans, s)
}

// spanTexts is what a span says in words.
type spanTexts struct{ host, label, lastLabel string }

// record is s as the trace keeps it. Called with t.mu held.
func (t *Trace) record(s Span) spanRec {
	r := spanRec{start: s.Start, end: s.End, busy: s.busy, input: s.Input, last: s.last,
		worker: int32(s.Worker), pid: int32(s.PID), inputs: int32(min(s.Inputs, math.MaxInt32)), err: s.Err}
	if s.Host != "" || s.Label != "" || s.lastLabel != "" {
		t.texts = append(t.texts, spanTexts{s.Host, s.Label, s.lastLabel})
		r.text = int32(len(t.texts))
	}
	return r
}

// spansLocked is a copy of the spans, in the order they came. Called with
// t.mu held.
func (t *Trace) spansLocked() []Span {
	out := make([]Span, len(t.spans))
	for i, r := range t.spans {
		out[i] = Span{Worker: int(r.worker), PID: int(r.pid), Input: r.input, Start: r.start, End: r.end, Err: r.err,
			Inputs: int(r.inputs), busy: r.busy, last: r.last}
		if r.text > 0 {
			x := t.texts[r.text-1]
			out[i].Host, out[i].Label, out[i].lastLabel = x.host, x.label, x.lastLabel
		}
	}
	return out
}
