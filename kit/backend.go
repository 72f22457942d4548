package kit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// The engine behind every executor. A run (run.go) owns a job: the task, its
// inputs, the trace and where results go. It asks the executor's backend to
// ready its workers, lets it run, and collects what comes back. A backend
// only moves work: it takes chunks of inputs from the job in input order,
// runs them on its workers, and delivers each chunk's outcomes as a batch
// with its spans: one per input, or, in a run too big for that, one per
// job.perSpan inputs (worker processes time their spans so too). Map,
// Submit, MapUnordered, Compare, traces and progress see the job's side
// only, so a new backend (worker processes on other machines, say)
// changes none of them.

// backend runs the chunks of one job on its workers.
type backend[T, R any] interface {
	// start readies the workers for j, and says whether it had to start
	// any: the time it took is then the run's Startup. On error the run
	// fails before any input is handed out.
	start(j *job[T, R]) (startedWorkers bool, err error)
	// launch sets the workers running chunks taken with j.take until
	// none is left or j stops, handing every outcome to j.deliver (or
	// j.fail), and returns at once. It calls done once no worker will
	// deliver again.
	launch(j *job[T, R], done func())
	// stop releases the workers once the run has stopped handing out
	// work. Worker processes are waited for, so that their CPU time
	// counts; goroutines still in the middle of an input cannot be
	// stopped, and are left to finish on their own.
	stop()
}

// newBackend is the backend that runs ex.
func newBackend[T, R any](ex Executor) backend[T, R] {
	switch ex.kind {
	case processesKind:
		return &procBackend[T, R]{}
	case remoteKind:
		return &remoteBackend[T, R]{}
	}
	return &goroutines[T, R]{}
}

// job is one run of a task over inputs, shared by the run and its backend.
type job[T, R any] struct {
	ctx    context.Context
	stop   context.CancelFunc // ends the run early: WithFailFast
	ex     Executor
	task   *TaskFunc[T, R]
	inputs []T
	// results is where the outcomes go, in input order: the run's
	// Results, unless the run stopped early (see run). Goroutine workers
	// write straight into it; other backends' batches are copied in.
	results []R
	// trace is the run's Run.Trace, kept here rather than beside the
	// job: a run on memory new to the process (a notebook cell's) pays
	// a page fault for each allocation of a size it had not made yet.
	trace   Trace
	chunk   int
	perSpan int // inputs per span of the trace: see inputsPerSpan
	out     outbox[R]
	// workerCPU is CPU time of workers that are not waited for when the
	// run ends (a started pool's), as the backend measured it.
	workerCPU Timing
	// short is why the backend stopped with inputs not run, if it knows
	// better than "no worker left" (a Remote that lost its server, say).
	short error

	mu   sync.Mutex
	next int // the first input not handed out yet
	// What at-least-once delivery did (a Remote): see Run.Redelivered and
	// Run.Duplicates.
	redelivered, duplicates int

	// room is memory for the run's small buffers, in the job's own
	// allocation: see jobRoom.
	room jobRoom[R]
}

// jobRoom is where a run keeps its small buffers: the outbox's batches,
// the collector's, which inputs are in and, in a big run on a few workers,
// the trace's spans. On memory new to the process (a notebook cell's),
// each allocation of a size the process has no memory for costs a page
// fault or two, 2-3 µs each on a small VM: a Map of 10^4 trivial inputs
// on fresh memory took 85 µs with these apart, 72 with them here. A bigger
// run, or one on more workers, allocates what does not fit.
type jobRoom[R any] struct {
	batches, got [8]batch[R]
	// The rest holds no pointers, last, so that the garbage collector
	// stops looking before it.
	finished [jobRoomInputs / 64]uint64
	spans    [jobRoomSpans]spanRec
}

const (
	// jobRoomInputs is how many inputs jobRoom keeps track of: 10^4.
	jobRoomInputs = 10_240
	// jobRoomSpans is the spans a big run on two workers reserves
	// (inputsPerSpan, quickSpanMerge), with room to spare.
	jobRoomSpans = 48
)

// batch is what a worker reports: results for inputs lo, lo+1, ...
type batch[R any] struct {
	lo     int
	values []R
	errs   []error // nil, or one per value
	// inPlace says that values is j.results[lo:lo+len(values)]: the
	// worker wrote them where they belong, and they need no copy.
	inPlace bool
}

func (b *batch[R]) add(v R, err error) {
	if err != nil && b.errs == nil {
		b.errs = make([]error, len(b.values), cap(b.values))
	}
	b.values = append(b.values, v)
	if b.errs != nil {
		b.errs = append(b.errs, err)
	}
}

// outbox holds the batches delivered and not collected yet. Delivering
// never blocks a worker, and the outbox holds only what the collector has
// not caught up with (a channel that never blocks would need room for
// every input from the start).
//
// The collector is woken when the batch that brings the last outcome
// comes, and on a failure; not for every batch, unless eager: waking a
// goroutine costs a wake-up of a sleeping thread, more than a quick
// chunk's inputs. Progress counts what arrived here (arrived).
type outbox[R any] struct {
	mu        sync.Mutex
	batches   []batch[R]
	total     int           // how many outcomes the run needs
	delivered int           // how many came, a duplicate counted twice
	eager     bool          // wake the collector for every batch
	ready     chan struct{} // has a token when batches may be waiting
}

// newOutbox is an empty outbox for a run of total inputs, with room for a
// few batches, in room if it is not nil: growing from nothing would
// allocate as many times again, on the workers' side.
func newOutbox[R any](total int, eager bool, room []batch[R]) outbox[R] {
	if room == nil {
		room = make([]batch[R], 0, 8)
	}
	return outbox[R]{batches: room[:0], total: total, eager: eager, ready: make(chan struct{}, 1)}
}

func (o *outbox[R]) put(b batch[R]) {
	o.mu.Lock()
	o.batches = append(o.batches, b)
	o.delivered += len(b.values)
	wake := o.eager || b.errs != nil || o.delivered >= o.total
	o.mu.Unlock()
	if wake {
		o.poke()
	}
}

// arrived is how many outcomes came, at most total: a duplicate (a
// backend that redelivers) may count for one still to come.
func (o *outbox[R]) arrived() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return min(o.delivered, o.total)
}

// full reports whether every outcome came.
func (o *outbox[R]) full() bool { return o.arrived() == o.total }

// poke wakes the collector, if it is not awake already.
func (o *outbox[R]) poke() {
	select {
	case o.ready <- struct{}{}:
	default: // a token is waiting already: the collector will look
	}
}

// take returns the batches waiting, in the order they came, reusing the
// memory of buf (the last batches taken, already handled).
func (o *outbox[R]) take(buf []batch[R]) []batch[R] {
	clear(buf)
	o.mu.Lock()
	got := o.batches
	o.batches = buf[:0]
	o.mu.Unlock()
	return got
}

// take hands out the next chunk of inputs [lo, hi), in input order.
func (j *job[T, R]) take() (lo, hi int, ok bool) {
	if j.ctx.Err() != nil {
		return 0, 0, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.next >= len(j.inputs) {
		return 0, 0, false
	}
	lo, hi = j.next, min(j.next+j.chunk, len(j.inputs))
	j.next = hi
	return lo, hi, true
}

// deliver passes a worker's outcomes on: the spans to the trace (which
// copies them, so the caller may reuse spans), the batch to the collector.
// Once the run has stopped early, spans no longer count (the trace has
// ended); after a run that got every outcome they still do, until the
// backend's stop returns: a Remote may report a duplicate's work after the
// result that ended the run. A failure stops a WithFailFast run, after its
// batch is sent, so that the collector, stopping, still finds it.
func (j *job[T, R]) deliver(b batch[R], spans []Span) {
	if len(spans) > 0 && (j.ctx.Err() == nil || j.out.full()) {
		j.trace.addSpans(spans)
	}
	j.hand(b)
}

// deliverRecs is deliver for spans already as the trace keeps them,
// which worker processes' reports become.
func (j *job[T, R]) deliverRecs(b batch[R], spans []spanRec) {
	if len(spans) > 0 && j.ctx.Err() == nil {
		j.trace.addRecs(spans)
	}
	j.hand(b)
}

// deliverSpans passes spans alone on to the trace (which copies them).
func (j *job[T, R]) deliverSpans(spans []spanRec) { j.deliverRecs(batch[R]{}, spans) }

// hand passes b on to the collector, and stops a WithFailFast run on its
// failure.
func (j *job[T, R]) hand(b batch[R]) {
	if len(b.values) > 0 {
		j.out.put(b)
	}
	if b.errs != nil && j.ex.failFast {
		j.stop()
	}
}

// count adds to what at-least-once delivery did.
func (j *job[T, R]) count(redelivered, duplicates int) {
	j.mu.Lock()
	j.redelivered += redelivered
	j.duplicates += duplicates
	j.mu.Unlock()
}

// fail delivers te, completed with the task and the input, as the outcome
// of input i.
func (j *job[T, R]) fail(i int, te *TaskError) {
	te.Task, te.Input, te.Arg = j.task.name, i, label(j.inputs[i])
	b := batch[R]{lo: i}
	var zero R
	b.add(zero, te)
	j.deliver(b, nil)
}

// goroutines is the backend of Serial, Threads and GIL: workers are
// goroutines of this process.
type goroutines[T, R any] struct {
	releaseGIL func()
}

func (g *goroutines[T, R]) start(j *job[T, R]) (bool, error) {
	if j.ex.kind == gilKind {
		g.releaseGIL = holdGIL()
	}
	return false, nil
}

// launch starts a goroutine per worker, straight from the run's: a
// goroutine that started them and waited would be one more to start and
// to wake, in every Map. The last worker to return calls done.
func (g *goroutines[T, R]) launch(j *job[T, R], done func()) {
	var left atomic.Int32
	left.Store(int32(j.ex.Workers()))
	for w := range j.ex.Workers() {
		go func() {
			g.worker(j, w)
			if left.Add(-1) == 0 {
				done()
			}
		}()
	}
}

// workerSpans is a goroutine worker's spans: the one under way and those
// ended and not delivered yet. It lives off the worker's stack (see
// worker), in memory the process touched already (spanBufs): a new
// buffer's first use costs a page fault per 64 spans, which is most of
// what a Map of a few thousand trivial inputs costs.
type workerSpans struct {
	open spanRec // the span under way
	size int     // inputs it runs before the clock is read, as spanGoesOn says: perSpan at first
	done []spanRec
	room [64]spanRec // done's memory
}

// spanBufs keeps the workers' workerSpans from run to run.
var spanBufs = sync.Pool{New: func() any { s := new(workerSpans); s.done = s.room[:0]; return s }}

// begin opens a span of worker w from input lo, started at now, which
// runs s.size inputs before the clock is read.
func (s *workerSpans) begin(w, lo int, now time.Duration) {
	s.open = spanRec{worker: int32(w), input: lo, start: now}
}

// until is where the span under way ends, in a chunk that ends at hi.
func (s *workerSpans) until(hi int) int { return min(s.open.input+s.size, hi) }

// worker is worker w: it runs chunks until none is left, and delivers
// each one's outcomes and spans. Its stack stays shallow, and so does the
// stack of every function it calls runSpan from: a goroutine starts with
// a stack of 2 kB, of which a little over 1 kB is free for calls, and a
// worker whose chain down to the task outgrows it pays for a bigger stack
// in every Map (on memory new to the process, 8 page faults: a fifth of a
// Map of 10^4 trivial inputs). So the bookkeeping around each span
// (spanRan) and the delivery run beside runSpan, not above it, and the
// spans live off the stack, in s.
func (g *goroutines[T, R]) worker(j *job[T, R], w int) {
	s := spanBufs.Get().(*workerSpans)
	defer spanBufs.Put(s)
	s.size = j.perSpan
	for {
		lo, hi, ok := j.take()
		if !ok {
			return
		}
		// The results go straight into place: a buffer per chunk would
		// be as much fresh memory again as the results, and a copy.
		b := batch[R]{lo: lo, values: j.results[lo:lo:hi], inPlace: true}
		s.begin(w, lo, j.trace.Since())
		more := true
		for i := lo; more && i < hi; {
			var n int
			var failure *TaskError
			b.values, n, failure = runSpan(j.task, nil, i, j.inputs[i:s.until(hi)], b.values)
			i += n
			more = spanRan(j, s, &b, i, hi, n, failure)
		}
		j.deliverRecs(b, s.done) // the trace copies them
		s.done = s.done[:0]
		if !more {
			return
		}
	}
}

// spanRan takes in that runSpan ran n inputs of the span under way in s,
// up to input i of a chunk that ends at hi, into b, and failed if failure
// is not nil. It ends the span when it is done, or on a failure: it reads
// the clock once per span (a span starts when the one before it ended),
// and in a big run checks the context once per span, not once per input.
// When s has no room left it delivers its spans alone. It returns whether
// the chunk goes on.
func spanRan[T, R any](j *job[T, R], s *workerSpans, b *batch[R], i, hi, n int, failure *TaskError) (more bool) {
	if failure != nil || b.errs != nil {
		// One error per value, as batch.add keeps them: nil but the last.
		if b.errs == nil {
			b.errs = make([]error, len(b.values)-n, cap(b.values))
		}
		for range n {
			b.errs = append(b.errs, nil)
		}
		if failure != nil {
			b.errs[len(b.errs)-1] = failure
			failure.Worker, s.open.err = int(s.open.worker), true
		}
	}
	stop := failure != nil && j.ex.failFast
	if i < s.until(hi) && !stop {
		return true // the rest of the span, after a failure
	}
	now := j.trace.Since()
	var goOn bool
	if s.size, goOn = spanGoesOn(j.perSpan, s.size, now-s.open.start); goOn && i < hi && !s.open.err && j.ctx.Err() == nil {
		return true
	}
	if len(s.done) == cap(s.done) {
		j.deliverSpans(s.done)
		s.done = s.done[:0]
	}
	s.open.end = now
	s.done = appendSpan(s.done, s.open, i-s.open.input)
	if stop || j.ctx.Err() != nil {
		return false
	}
	s.begin(int(s.open.worker), i, now)
	return true
}

// runSpan runs t on xs, inputs lo, lo+1, ..., appending each outcome to
// out, until one panics. It returns out, how many inputs it ran (the one
// that panicked included) and the panic, if any. In a worker process sl is
// the worker's slot, which says which input is running, so that the
// parent knows which one killed a worker that dies; goroutines pass nil.
// One recover for many inputs: recovering once per input costs more than
// a trivial task.
func runSpan[T, R any](t *TaskFunc[T, R], sl *slot, lo int, xs []T, out []R) (values []R, n int, te *TaskError) {
	values = out
	defer func() {
		if p := recover(); p != nil {
			te = t.panicked(lo+n, xs[n], p)
			var zero R
			values = append(values, zero)
			n++
		}
	}()
	for f := t.f; n < len(xs); n++ {
		if sl != nil {
			sl.running.Store(int64(lo+n) + 1)
		}
		values = append(values, f(xs[n]))
	}
	return values, n, nil
}

func (g *goroutines[T, R]) stop() {
	if g.releaseGIL != nil {
		g.releaseGIL()
	}
}
