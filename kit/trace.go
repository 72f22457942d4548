package kit

import (
	"sort"
	"strconv"
	"sync"
	"time"
)

// Span is one piece of work on one worker: which input, from when to when.
// Start and End are offsets from the start of the [Trace], so spans from
// different runs line up at zero.
type Span struct {
	Worker int           // 0-based worker number
	PID    int           // the worker's process id (Processes only; 0 otherwise)
	Host   string        // the worker's machine, for executors that leave this one (kit/cluster)
	Input  int           // index of the input in the run's input slice, or -1
	Label  string        // what a chart writes on the bar, e.g. the input's value
	Start  time.Duration // offset from the trace's start
	End    time.Duration // offset from the trace's start
	Err    bool          // the work failed (a panic, a dead worker)
}

// Duration is how long the span lasted.
func (s Span) Duration() time.Duration { return s.End - s.Start }

// Trace records which worker did what, when. The zero value is not ready to
// use: call [NewTrace], which starts the clock. A Trace is safe for concurrent
// use, so hand-written goroutines can record into one trace.
type Trace struct {
	mu      sync.Mutex
	start   time.Time
	end     time.Duration // set by Stop; 0 while running
	spans   []Span
	label   func(input int) string // labels spans of Map runs when they are read, not while they run
	Name    string                 // what produced it, e.g. "Threads(2)"
	Workers int                    // number of workers, including any that did nothing
}

// NewTrace starts an empty trace for workers numbered 0..workers-1.
func NewTrace(name string, workers int) *Trace {
	return &Trace{start: time.Now(), Name: name, Workers: workers}
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
	t.spans = append(t.spans, s)
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
		last = max(last, s.End)
	}
	return last
}

// Spans returns a copy of the recorded spans, ordered by worker, then start.
func (t *Trace) Spans() []Span {
	t.mu.Lock()
	out := append([]Span(nil), t.spans...)
	t.mu.Unlock()
	if t.label != nil {
		for i, s := range out {
			if s.Label == "" && s.Input >= 0 {
				out[i].Label = t.label(s.Input)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Worker != out[j].Worker {
			return out[i].Worker < out[j].Worker
		}
		return out[i].Start < out[j].Start
	})
	return out
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
	return workerLoads(t.spans, t.Workers, total)
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
		l.Inputs++
		l.Busy += s.Duration()
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
	}
	t.spans = append(t.spans, spans...)
}
