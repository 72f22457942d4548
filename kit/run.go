package kit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Run is the outcome of [Map]: the results in input order, what failed, what
// it cost and who did what when. It prints itself; [Show] draws it.
type Run[R any] struct {
	Executor string // e.g. "Threads(2)"
	Task     string // the task's name
	Results  []R    // Results[i] is the task's result for inputs[i]; the zero R if it failed
	// Err is nil if every input succeeded; otherwise it joins (errors.Join)
	// one *TaskError per failed input, in input order, or says why the run
	// could not start or was stopped (errors.Is(Err, context.Canceled)).
	Err error
	// Timing is the whole run, worker start-up and shutdown included, with
	// the CPU time of the worker processes: waited for at the end of the
	// run, or, in a started pool, as they report it.
	Timing Timing
	// Startup is the part of Timing.Wall spent starting worker processes
	// before the first input was handed out (Processes only; zero on a
	// started pool whose workers are up, see [Executor.Start]).
	Startup time.Duration
	// Trace records which worker ran which input, from when to when; it
	// starts when the first input is handed out, after Startup, and stops
	// when the last result is in, before the workers are shut down.
	Trace *Trace
	// Redelivered and Duplicates count what at-least-once delivery did on
	// an executor that delivers over a network (kit/cluster's; always zero
	// on the others). Redelivered is how many inputs got their outcome from
	// a delivery after the first, because a worker died or went silent.
	// Duplicates is how many results came for an input that already had
	// one, and were dropped: Results still holds exactly one per input.
	Redelivered int
	Duplicates  int
}

// TaskError is how one input failed: the task panicked, or the worker
// process running it died. Find it in [Run.Err] with errors.As.
type TaskError struct {
	Task   string // the task's name
	Input  int    // index of the input in the slice given to Map
	Arg    string // the input's value, as text
	Worker int    // the worker that ran it
	PID    int    // the worker's process id (Processes only)
	Panic  any    // what the task panicked with (as text for Processes); nil if a process died
	Stack  string // the stack of the panicking goroutine
	Exit   string // how the worker process died, e.g. "exit status 2", "signal: killed"
	// Stderr explains a dead worker process: the Go runtime's report if it
	// crashed ("fatal error: ..." or "panic: ..." and a stack), else the
	// last 16 kB it wrote to its standard error.
	Stderr string
}

// Error says which input failed and why, in a few lines: the panic and where
// it happened, or how the worker process died and the end of its stderr.
func (e *TaskError) Error() string {
	if e.Panic == nil && e.Exit != "" {
		s := fmt.Sprintf("kit: task %q, input %d (%s): worker process %d died: %s", e.Task, e.Input, e.Arg, e.PID, e.Exit)
		if e.PID == 0 {
			s = fmt.Sprintf("kit: task %q, input %d (%s): not run: %s", e.Task, e.Input, e.Arg, e.Exit)
		}
		if tail := stderrSummary(e.Stderr); tail != "" {
			s += "\n\tits stderr ended with:\n\t\t" + strings.ReplaceAll(tail, "\n", "\n\t\t")
		}
		return s
	}
	s := fmt.Sprintf("kit: task %q, input %d (%s): panic: %v", e.Task, e.Input, e.Arg, e.Panic)
	if at := panicSite(e.Stack); at != "" {
		s += " [" + at + "]"
	}
	return s
}

// Map runs t on every input with ex and waits for all of them, like Python's
// pool.map: inputs are handed out in order, a chunk at a time (see
// [Executor.WithChunk]), to whichever worker is free. Results come back in
// input order. A panic fails only its own input: the others still run
// (unless [Executor.WithFailFast]). An empty inputs gives empty Results.
func Map[T, R any](ex Executor, t *TaskFunc[T, R], inputs []T) Run[R] {
	return run(context.Background(), ex, t, inputs, runOptions[R]{})
}

// MapCtx is [Map] that stops when ctx is done: no more inputs are handed out,
// worker processes are killed, and it returns at once with an Err that
// matches ctx's error (errors.Is(run.Err, context.Canceled)). Goroutines
// already running an input cannot be stopped: they finish in the background
// and their results are dropped.
func MapCtx[T, R any](ctx context.Context, ex Executor, t *TaskFunc[T, R], inputs []T) Run[R] {
	return run(ctx, ex, t, inputs, runOptions[R]{})
}

type runOptions[R any] struct {
	quiet bool                        // never show progress
	each  func(i int, v R, err error) // called in completion order, on the caller's goroutine
}

func run[T, R any](parent context.Context, ex Executor, t *TaskFunc[T, R], inputs []T, opt runOptions[R]) Run[R] {
	r := Run[R]{Executor: ex.String(), Task: t.Name()}
	workers := ex.Workers()
	// notRun is the run that ran nothing: each input fails with err.
	notRun := func(err error) Run[R] {
		r.Err = err
		r.Trace = NewTrace(r.Executor, workers)
		r.Trace.Stop()
		if opt.each != nil {
			var zero R
			for i := range inputs {
				opt.each(i, zero, err)
			}
		}
		return r
	}
	if err := t.usable(ex); err != nil {
		return notRun(err)
	}
	r.Results = make([]R, len(inputs))
	if len(inputs) == 0 {
		return notRun(nil)
	}

	clock := readCPUClock()
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	j := &job[T, R]{ctx: ctx, stop: cancel, ex: ex, task: t, inputs: inputs, results: r.Results, chunk: ex.chunkSize(len(inputs)),
		perSpan: inputsPerSpan(len(inputs), workers)}
	j.out = newOutbox(len(inputs), opt.each != nil, j.room.batches[:0])
	be := newBackend[T, R](ex)
	started, err := be.start(j)
	if started {
		r.Startup = time.Since(clock.wall)
	}
	if err != nil {
		r.Timing = clock.since()
		return notRun(err)
	}

	j.trace = newTrace(r.Executor, workers)
	j.trace.label = func(i int) string { return label(inputs[i]) }
	// One span per input of a small run: room for them all, so that none
	// is copied as they come. A big run makes a span per perSpan inputs
	// (per up to quickSpanMerge times as many, if they are quick) and one
	// more per chunk (its last may be short): room for the fewest, since
	// the allocator clears what it gives, a page fault per 64 spans
	// whether they come or not. The trace grows past that, and merges
	// spans past its bound.
	n, spans := len(inputs), len(inputs)
	if j.perSpan > 1 {
		spans = n/(j.perSpan*quickSpanMerge) + (n+j.chunk-1)/j.chunk
	}
	j.trace.reserve(min(spans, timelineMaxBars), j.room.spans[:])
	r.Trace = &j.trace
	idle := make(chan struct{}) // closed when no worker will deliver again
	be.launch(j, func() { close(idle) })

	show := startProgress(r.Executor, t.name, len(inputs), opt.quiet, j.out.arrived)
	type failure struct {
		input int
		err   error
	}
	var failures []failure
	pending := len(inputs)
	finished := newInputSet(len(inputs), j.room.finished[:])
	apply := func(b batch[R]) {
		// A batch written in place is new: goroutines never deliver an
		// input twice.
		if hi := b.lo + len(b.values); b.errs == nil && opt.each == nil && (b.inPlace || !finished.anyIn(b.lo, hi)) {
			// The common case, done in bulk: every outcome is a result,
			// and new.
			if !b.inPlace {
				copy(j.results[b.lo:hi], b.values)
			}
			finished.addRange(b.lo, hi)
			pending -= len(b.values)
			return
		}
		fresh := 0
		for k, v := range b.values {
			i := b.lo + k
			if finished.has(i) {
				continue // delivered twice (a backend that redelivers): the first outcome stands
			}
			finished.add(i)
			fresh++
			var err error
			if b.errs != nil {
				err = b.errs[k]
			}
			j.results[i] = v
			if err != nil {
				failures = append(failures, failure{i, err})
			}
			if opt.each != nil {
				opt.each(i, v, err)
			}
		}
		pending -= fresh
	}
	got := j.room.got[:0] // swapped with the outbox's: see outbox.take
	drain := func() {
		got = j.out.take(got)
		for _, b := range got {
			apply(b)
		}
	}
	stoppedEarly := false
collect:
	for pending > 0 {
		select {
		case <-j.out.ready:
			got = j.out.take(got)
			for k, b := range got {
				apply(b)
				if ex.failFast && len(failures) > 0 {
					for _, b := range got[k+1:] {
						apply(b) // collected already: their outcomes count
					}
					stoppedEarly = true
					break collect
				}
			}
		case <-ctx.Done():
			stoppedEarly = true
			break collect
		case <-idle:
			drain()
			break collect
		}
	}
	j.trace.Stop() // the work is over; what follows is cleaning up
	cancel()       // hand out nothing more; kill any worker process still running
	be.stop()      // before the clock stops: worker processes' CPU time counts once they are waited for
	drain()
	show.done()
	select {
	case <-idle:
	default:
		if pending > 0 {
			// Stopped early: a goroutine still running an input would
			// write its result into j.results after this run has
			// returned. The caller gets a copy of the outcomes collected
			// instead, and the stragglers' are dropped. (Once every
			// input is in, or every worker has returned, none writes.)
			r.Results = make([]R, len(inputs))
			for i := range inputs {
				if finished.has(i) {
					r.Results[i] = j.results[i]
				}
			}
		}
	}
	j.mu.Lock()
	r.Redelivered, r.Duplicates = j.redelivered, j.duplicates
	j.mu.Unlock()
	r.Timing = clock.since()
	r.Timing.ChildUser += j.workerCPU.ChildUser
	r.Timing.ChildSys += j.workerCPU.ChildSys

	slices.SortFunc(failures, func(a, b failure) int { return cmp.Compare(a.input, b.input) })
	errs := make([]error, 0, len(failures)+1)
	switch {
	case parent.Err() != nil:
		errs = append(errs, fmt.Errorf("kit: run of %q stopped with %d of %d inputs not done: %w",
			t.name, pending, len(inputs), context.Cause(parent)))
	case pending > 0 && !stoppedEarly:
		why := j.short
		if why == nil {
			why = errors.New("no worker left")
		}
		errs = append(errs, fmt.Errorf("kit: %d of %d inputs of %q were not run: %w", pending, len(inputs), t.name, why))
	}
	for _, f := range failures {
		errs = append(errs, f.err)
	}
	r.Err = errors.Join(errs...)
	if opt.each != nil && pending > 0 {
		// Every input is reported once, even those never run.
		var notRun error
		switch {
		case len(failures) > 0 && stoppedEarly && parent.Err() == nil:
			notRun = fmt.Errorf("kit: not run: the run stopped after %w", failures[0].err)
		case len(errs) > len(failures):
			notRun = errs[0] // why the run stopped
		default:
			notRun = errors.New("kit: not run")
		}
		for i := range inputs {
			if !finished.has(i) {
				var zero R
				opt.each(i, zero, notRun)
			}
		}
	}
	return r
}

// gil counts the GIL runs under way: the first sets GOMAXPROCS to 1, the
// last restores it.
var gil struct {
	sync.Mutex
	users, saved int
}

func holdGIL() (release func()) {
	gil.Lock()
	if gil.users == 0 {
		gil.saved = runtime.GOMAXPROCS(1)
	}
	gil.users++
	gil.Unlock()
	return func() {
		gil.Lock()
		gil.users--
		if gil.users == 0 {
			runtime.GOMAXPROCS(gil.saved)
		}
		gil.Unlock()
	}
}

// String summarises the run: results, timing, each worker's load, errors.
func (r Run[R]) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s ran %q on %d inputs: wall %s, CPU %s, parallelism %.2f\n",
		r.Executor, r.Task, len(r.Results), FormatDuration(r.Timing.Wall), FormatDuration(r.Timing.CPU()), r.Timing.Parallelism())
	if r.Startup > 0 {
		fmt.Fprintf(&b, "worker start-up: %s (included in wall)\n", FormatDuration(r.Startup))
	}
	fmt.Fprintf(&b, "results: %s\n", shortList(r.Results, 10))
	if d := r.deliveries(); d != "" {
		fmt.Fprintf(&b, "delivery: %s\n", d)
	}
	if r.Trace != nil {
		b.WriteString(r.Trace.loadText())
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "error: %v\n", r.Err)
	}
	return strings.TrimRight(b.String(), "\n")
}

// HTML is the run as a summary table above its timeline chart.
func (r Run[R]) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<div><b>%s</b> ran <code>%s</code> on %d inputs",
		html.EscapeString(r.Executor), html.EscapeString(r.Task), len(r.Results))
	t := Table{Align: "ll"}
	t.Row("wall", r.Timing.Wall)
	t.Row("CPU", r.Timing.CPU())
	t.Row("parallelism", fmt.Sprintf("%.2f", r.Timing.Parallelism()))
	if r.Startup > 0 {
		t.Row("worker start-up", r.Startup)
	}
	t.Row("results", shortList(r.Results, 10))
	if d := r.deliveries(); d != "" {
		t.Row("delivery", d)
	}
	b.WriteString(t.HTML())
	if r.Err != nil {
		fmt.Fprintf(&b, "<pre style=\"color:%s\">%s</pre>", paletteWarn, html.EscapeString(r.Err.Error()))
	}
	if r.Trace != nil {
		b.WriteString(r.Trace.HTML())
	}
	b.WriteString("</div>")
	return b.String()
}

// deliveries says what at-least-once delivery did, or "" if nothing
// happened that a pipe would not do.
func (r Run[R]) deliveries() string {
	if r.Redelivered == 0 && r.Duplicates == 0 {
		return ""
	}
	return fmt.Sprintf("%s delivered again, %s dropped as duplicates (at least once on the wire, exactly once in Results)",
		formatCount(r.Redelivered, "input"), formatCount(r.Duplicates, "result"))
}

// shortList prints up to n values, then how many more there are.
func shortList[R any](vs []R, n int) string {
	if len(vs) <= n {
		return fmt.Sprint(vs)
	}
	s := fmt.Sprint(vs[:n])
	return fmt.Sprintf("%s … (%d more)]", s[:len(s)-1], len(vs)-n)
}

// panicSite is the function and line that panicked, read from a stack.
func panicSite(stack string) string {
	lines := strings.Split(stack, "\n")
	for i, l := range lines {
		// "panic(...)" and its file line, then the function that panicked
		// and its file line.
		if strings.HasPrefix(l, "panic(") && i+3 < len(lines) {
			fn := lines[i+2]
			if k := strings.LastIndex(fn, "("); k > 0 {
				fn = fn[:k]
			}
			loc := strings.TrimSpace(lines[i+3])
			if k := strings.LastIndex(loc, " +0x"); k > 0 {
				loc = loc[:k]
			}
			return shortFile(fn) + " at " + shortFile(loc)
		}
	}
	return ""
}

// stderrSummary is the telling part of a dead process's stderr: from the
// last "fatal error:" or "panic:" line if there is one (the lines after it
// are a long stack), else its last lines.
func stderrSummary(s string) string {
	for _, mark := range []string{"fatal error:", "panic:"} {
		if i := strings.LastIndex("\n"+s, "\n"+mark); i >= 0 {
			lines := strings.SplitN(s[i:], "\n", 9)
			return strings.TrimRight(strings.Join(lines[:min(len(lines), 8)], "\n"), "\n")
		}
	}
	return lastLines(s, 8)
}

// fatalErrorLine is the last "fatal error: " line of stderr, where the
// race detector, printing from a thread of its own, may have put a report
// of its own between the line's two halves; or "".
func fatalErrorLine(stderr string) string {
	const mark = "fatal error: "
	i := strings.LastIndex(stderr, mark)
	if i < 0 {
		return ""
	}
	rest := stderr[i+len(mark):]
	for strings.HasPrefix(rest, raceReportStart) {
		_, after, ok := strings.Cut(rest[len(raceReportStart):], raceReportEnd)
		if !ok {
			break
		}
		rest = after
	}
	line, _, _ := strings.Cut(rest, "\n")
	return mark + line + "\n"
}

// A data race report, as a program built with -race prints it.
const (
	raceReportStart = "==================\nWARNING: DATA RACE\n"
	raceReportEnd   = "\n==================\n"
)

// lastLines is the last n lines of s, without the final newline.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// inputSet is a set of input indices, a bit each: a run's bookkeeping of
// which outcomes are in takes an eighth of the memory a []bool would,
// memory that a big run touches for the first time.
type inputSet []uint64

// newInputSet is an empty set of inputs 0 to n-1, in room if it is big
// enough (nil is none), which must be empty.
func newInputSet(n int, room []uint64) inputSet {
	words := (n + 63) / 64
	if len(room) >= words {
		return room[:words]
	}
	return make(inputSet, words)
}

func (s inputSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }

func (s inputSet) add(i int) { s[i/64] |= 1 << (i % 64) }

func (s inputSet) remove(i int) { s[i/64] &^= 1 << (i % 64) }

// anyIn reports whether s holds any of [lo, hi).
func (s inputSet) anyIn(lo, hi int) bool {
	for i := lo; i < hi; {
		end, mask := s.word(i, hi)
		if s[i/64]&mask != 0 {
			return true
		}
		i = end
	}
	return false
}

// allIn reports whether s holds all of [lo, hi).
func (s inputSet) allIn(lo, hi int) bool {
	for i := lo; i < hi; {
		end, mask := s.word(i, hi)
		if s[i/64]&mask != mask {
			return false
		}
		i = end
	}
	return true
}

// addRange adds [lo, hi) to s, a word at a time.
func (s inputSet) addRange(lo, hi int) {
	for i := lo; i < hi; {
		end, mask := s.word(i, hi)
		s[i/64] |= mask
		i = end
	}
}

// word is the part of [i, hi) in i's word: where it ends, and its bits.
func (inputSet) word(i, hi int) (end int, mask uint64) {
	end = min(hi, i/64*64+64)
	return end, (^uint64(0) >> (64 - (end - i))) << (i % 64)
}
