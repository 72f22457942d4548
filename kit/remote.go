package kit

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Remote is a place kit does not manage itself where tasks can run, such as
// the NATS cluster of package kit/cluster. A package that provides one wraps
// it with [RemoteExecutor]; Map, Submit, MapUnordered and Compare then run
// on it unchanged, with traces, timelines and progress. Inputs and results
// travel encoded with encoding/gob, so a task must be declared at package
// level as for [Processes].
type Remote interface {
	// String names the executor as the code that made it reads, e.g.
	// "cluster.Local(2)".
	String() string
	// Workers is how many workers a run expects (for chunk sizes).
	Workers() int
	// Run runs every input of job and reports outcomes with job.Done, at
	// least once per input: kit keeps the first result of each input and
	// counts those that follow as [Run.Duplicates]. It returns when every
	// input has one, or with an error that fails the inputs without one; it
	// stops when ctx ends.
	Run(ctx context.Context, job RemoteJob) error
}

// RemoteStarter is a Remote that can stay up between runs, as a started
// pool does: [Executor.Start], [Executor.Close] and [Executor.Startup] call
// these. Start on a started Remote does nothing; runs after Close fail.
type RemoteStarter interface {
	Remote
	Start()
	Close()
	Startup() (time.Duration, error)
}

// RemoteJob is one run of a task as a [Remote] sees it: inputs to encode and
// send, outcomes to report.
type RemoteJob interface {
	Task() string                // the task's name, which workers serve (see [ServeRemote])
	Len() int                    // the number of inputs
	Chunk() int                  // inputs a worker should take at a time
	Input(i int) ([]byte, error) // input i, encoded for the worker's [RemoteRunner]
	Joined(worker string)        // a worker ("host:pid") is ready: it gets a trace row
	Ready()                      // the workers are ready: the run's Startup ends here
	Done(RemoteOutcome)          // a result of an input (the first is kept), or a lost attempt at it
}

// RemoteOutcome is what became of one attempt at an input: a result (the
// bytes a [RemoteRunner] returned) or, if Lost, no result because the worker
// died or went silent. A lost attempt is retried unless Final.
type RemoteOutcome struct {
	Input   int
	Payload []byte // from the RemoteRunner
	Failed  bool   // from the RemoteRunner: the task panicked
	Lost    bool   // the attempt gave no result
	Final   bool   // with Lost: no attempt follows, the input fails
	Attempt int    // 1 for the first delivery of the input, 2 for the next...
	Worker  string // who ran it, "host:pid"
	Start   time.Time
	End     time.Time
	Why     string // with Final: why the input is given up
}

// RemoteRunner runs one input of a task in a remote worker: it takes the
// bytes [RemoteJob.Input] gave and returns the bytes RemoteOutcome.Payload
// carries back; failed says they describe a panic.
type RemoteRunner func(input int, payload []byte) (out []byte, failed bool)

// remoteWorker is set by ServeRemote in a process started to serve a task.
var remoteWorker struct {
	task  string
	serve func(RemoteRunner)
}

// ServeRemote makes this process a worker of a [Remote]: when the
// package-level kit.Task named task is declared, serve is called with the
// task's RemoteRunner, and must not return (it exits the process when the
// work is over). Call it from an init function, before package main's
// variables are initialised; main never runs in a worker.
func ServeRemote(task string, serve func(RemoteRunner)) {
	remoteWorker.task, remoteWorker.serve = task, serve
}

// RemoteExecutor is an Executor that runs on r.
func RemoteExecutor(r Remote) Executor {
	return Executor{kind: remoteKind, remote: r, workers: r.Workers()}
}

// remoteValue wraps values on the wire: gob cannot send a nil pointer, or an
// interface, at the top level.
type remoteValue[X any] struct{ V X }

// remoteFailure is a failed input's payload.
type remoteFailure struct{ Panic, Stack string }

func gobBytes(v any) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(v)
	return b.Bytes(), err
}

// remoteRun is t's RemoteRunner.
func (t *TaskFunc[T, R]) remoteRun(i int, payload []byte) ([]byte, bool) {
	fail := func(p, stack string) ([]byte, bool) {
		b, _ := gobBytes(remoteFailure{Panic: p, Stack: stack})
		return b, true
	}
	var in remoteValue[T]
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&in); err != nil {
		return fail("kit: the worker cannot decode the input: "+err.Error(), "")
	}
	v, err := t.call(i, in.V)
	if te, ok := err.(*TaskError); ok {
		return fail(fmt.Sprint(te.Panic), te.Stack)
	}
	out, err := gobBytes(remoteValue[R]{v})
	if err != nil {
		return fail("kit: the result cannot be sent back: "+err.Error(), "")
	}
	return out, false
}

// remoteBackend runs a job on a Remote: the Remote's Run does all the work,
// on a goroutine of its own from start to stop; start waits for its Ready,
// so that Startup covers the workers' start.
type remoteBackend[T, R any] struct {
	rj   *remoteJob[T, R]
	done chan struct{} // closed when Run has returned
	err  error         // what Run returned
}

func (b *remoteBackend[T, R]) start(j *job[T, R]) (bool, error) {
	b.rj = &remoteJob[T, R]{j: j, ready: make(chan struct{}), rows: map[string]int{}, done: make([]bool, len(j.inputs))}
	b.done = make(chan struct{})
	go func() {
		defer close(b.done)
		b.err = j.ex.remote.Run(j.ctx, b.rj)
		b.rj.rowsToTrace()
	}()
	select {
	case <-b.rj.ready:
		return true, nil
	case <-b.done:
		if b.err == nil {
			return true, nil // every input done before Ready
		}
		return true, b.err
	}
}

// launch lets outcomes reach the run, and calls done once the remote
// job is over.
func (b *remoteBackend[T, R]) launch(j *job[T, R], done func()) {
	b.rj.open() // the trace exists now: outcomes may go to the run
	go func() {
		defer done()
		<-b.done
		if b.err != nil && j.ctx.Err() == nil {
			j.short = b.err
		}
	}()
}

// stop waits for Run to clean up (its workers gone) before the clock stops.
func (b *remoteBackend[T, R]) stop() { <-b.done }

// remoteJob is a run's RemoteJob: it decodes outcomes into the run's batches
// and spans, one trace row per worker host:pid. Outcomes that come before
// the run has its trace wait in early.
type remoteJob[T, R any] struct {
	j         *job[T, R]
	ready     chan struct{}
	readyOnce sync.Once

	mu     sync.Mutex
	opened bool
	early  []RemoteOutcome
	rows   map[string]int
	done   []bool
}

func (rj *remoteJob[T, R]) Task() string { return rj.j.task.name }
func (rj *remoteJob[T, R]) Len() int     { return len(rj.j.inputs) }
func (rj *remoteJob[T, R]) Chunk() int   { return rj.j.chunk }
func (rj *remoteJob[T, R]) Ready()       { rj.readyOnce.Do(func() { close(rj.ready) }) }

func (rj *remoteJob[T, R]) Joined(worker string) {
	rj.mu.Lock()
	defer rj.mu.Unlock()
	rj.row(worker)
}

// row is the trace row of worker, given in the order workers appear; rj.mu
// is held.
func (rj *remoteJob[T, R]) row(worker string) int {
	r, ok := rj.rows[worker]
	if !ok {
		r = len(rj.rows)
		rj.rows[worker] = r
	}
	return r
}

// rowsToTrace makes the trace show one row per worker that joined, idle
// ones included: the executor's Workers is a guess for kitworkers.
func (rj *remoteJob[T, R]) rowsToTrace() {
	rj.mu.Lock()
	defer rj.mu.Unlock()
	if rj.opened && len(rj.rows) > 0 { // opened: the run has its trace
		rj.j.trace.mu.Lock()
		rj.j.trace.Workers = len(rj.rows)
		rj.j.trace.mu.Unlock()
	}
}

func (rj *remoteJob[T, R]) Input(i int) ([]byte, error) {
	b, err := gobBytes(remoteValue[T]{rj.j.inputs[i]})
	if err != nil {
		return nil, fmt.Errorf("kit: input %d of %q cannot be sent: %w", i, rj.j.task.name, err)
	}
	return b, nil
}

// open passes on the outcomes that came early, and all that follow.
func (rj *remoteJob[T, R]) open() {
	rj.mu.Lock()
	defer rj.mu.Unlock()
	rj.opened = true
	for _, o := range rj.early {
		rj.deliver(o)
	}
	rj.early = nil
}

func (rj *remoteJob[T, R]) Done(o RemoteOutcome) {
	rj.mu.Lock()
	defer rj.mu.Unlock()
	if !rj.opened {
		rj.early = append(rj.early, o)
		return
	}
	rj.deliver(o)
}

// deliver turns an outcome into a span and, unless the input is tried
// again or has its outcome already, a batch of one; it counts redeliveries
// and duplicates. rj.mu is held.
func (rj *remoteJob[T, R]) deliver(o RemoteOutcome) {
	j := rj.j
	if o.Input < 0 || o.Input >= len(rj.done) {
		return
	}
	duplicate := rj.done[o.Input]
	if duplicate && o.Lost {
		return // the input has its outcome: a late word on another attempt changes nothing
	}
	row := 0
	if o.Worker != "" {
		row = rj.row(o.Worker)
	}
	host, pid := splitWorker(o.Worker)
	var spans []Span
	if o.Worker != "" {
		// A worker may start before the run's trace does (it waits for
		// every worker's hello): its first span starts at the trace's start.
		spans = []Span{{Worker: row, PID: pid, Host: host, Input: o.Input,
			Start: max(o.Start.Sub(j.trace.start), 0), End: max(o.End.Sub(j.trace.start), 0), Err: o.Failed || o.Lost}}
	}
	if duplicate || (o.Lost && !o.Final) {
		// The span only: the work shows in the trace, but the input is
		// delivered again, or its result is the second one and is dropped.
		if duplicate {
			j.count(0, 1)
		}
		j.deliver(batch[R]{}, spans)
		return
	}
	rj.done[o.Input] = true
	if o.Attempt > 1 {
		j.count(1, 0)
	}
	b := batch[R]{lo: o.Input}
	te := &TaskError{Task: j.task.name, Input: o.Input, Arg: label(j.inputs[o.Input]), Worker: row, PID: pid}
	var zero R
	switch {
	case o.Lost:
		te.Exit = o.Why
		b.add(zero, te)
	case o.Failed:
		var f remoteFailure
		gob.NewDecoder(bytes.NewReader(o.Payload)).Decode(&f)
		te.Panic, te.Stack = f.Panic, f.Stack
		b.add(zero, te)
	default:
		var v remoteValue[R]
		if err := gob.NewDecoder(bytes.NewReader(o.Payload)).Decode(&v); err != nil {
			te.Panic = "kit: the result cannot be decoded: " + err.Error()
			b.add(zero, te)
		} else {
			b.add(v.V, nil)
		}
	}
	j.deliver(b, spans)
}

// splitWorker reads "host:pid".
func splitWorker(w string) (host string, pid int) {
	k := strings.LastIndex(w, ":")
	if k < 0 {
		return w, 0
	}
	pid, _ = strconv.Atoi(w[k+1:])
	return w[:k], pid
}

// errRemoteWorker stops a remote worker from starting runs of its own.
var errRemoteWorker = errors.New("kit: a remote worker cannot start runs of its own")
