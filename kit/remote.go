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
	"sync/atomic"
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
	// Run runs every input of job and reports each outcome with job.Done,
	// once per input. It returns when every input has one, or with an error
	// that fails the inputs without one; it stops when ctx ends.
	Run(ctx context.Context, job RemoteJob) error
}

// RemoteJob is one run of a task as a [Remote] sees it: inputs to encode and
// send, outcomes to report.
type RemoteJob interface {
	Task() string                // the task's name, which workers serve (see [ServeRemote])
	Len() int                    // the number of inputs
	Chunk() int                  // inputs a worker should take at a time
	Input(i int) ([]byte, error) // input i, encoded for the worker's [RemoteRunner]
	Ready()                      // the workers are ready: the run's Startup ends here
	Done(RemoteOutcome)          // one input's result, or a lost attempt at it
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

// remoteJob is a run's RemoteJob: it decodes outcomes into the run's batches
// and spans, one trace row per worker host:pid.
type remoteJob[T, R any] struct {
	j       *job[T, R]
	started time.Time
	startup atomic.Int64 // nanoseconds to Ready

	mu   sync.Mutex
	rows map[string]int
	done []bool
}

func (rj *remoteJob[T, R]) Task() string { return rj.j.task.name }
func (rj *remoteJob[T, R]) Len() int     { return len(rj.j.inputs) }
func (rj *remoteJob[T, R]) Chunk() int   { return rj.j.chunk }
func (rj *remoteJob[T, R]) Ready()       { rj.startup.CompareAndSwap(0, int64(time.Since(rj.started))) }

func (rj *remoteJob[T, R]) Input(i int) ([]byte, error) {
	b, err := gobBytes(remoteValue[T]{rj.j.inputs[i]})
	if err != nil {
		return nil, fmt.Errorf("kit: input %d of %q cannot be sent: %w", i, rj.j.task.name, err)
	}
	return b, nil
}

func (rj *remoteJob[T, R]) Done(o RemoteOutcome) {
	rj.mu.Lock()
	defer rj.mu.Unlock()
	if o.Input < 0 || o.Input >= len(rj.done) || rj.done[o.Input] {
		return
	}
	row, ok := rj.rows[o.Worker]
	if !ok && o.Worker != "" {
		row = len(rj.rows)
		rj.rows[o.Worker] = row
	}
	host, pid := splitWorker(o.Worker)
	if o.Worker != "" {
		rj.j.trace.Add(Span{Worker: row, PID: pid, Host: host, Input: o.Input,
			Start: o.Start.Sub(rj.j.trace.start), End: o.End.Sub(rj.j.trace.start), Err: o.Failed || o.Lost})
	}
	if o.Lost && !o.Final {
		return // it is delivered again
	}
	rj.done[o.Input] = true
	b := batch[R]{lo: o.Input}
	switch {
	case o.Lost:
		var zero R
		b.add(zero, &TaskError{Task: rj.j.task.name, Input: o.Input, Arg: label(rj.j.inputs[o.Input]),
			Worker: row, PID: pid, Exit: o.Why})
	case o.Failed:
		var f remoteFailure
		gob.NewDecoder(bytes.NewReader(o.Payload)).Decode(&f)
		var zero R
		b.add(zero, &TaskError{Task: rj.j.task.name, Input: o.Input, Arg: label(rj.j.inputs[o.Input]),
			Worker: row, PID: pid, Panic: f.Panic, Stack: f.Stack})
	default:
		var v remoteValue[R]
		var err error
		if derr := gob.NewDecoder(bytes.NewReader(o.Payload)).Decode(&v); derr != nil {
			err = &TaskError{Task: rj.j.task.name, Input: o.Input, Arg: label(rj.j.inputs[o.Input]),
				Worker: row, PID: pid, Panic: "kit: the result cannot be decoded: " + derr.Error()}
		}
		b.add(v.V, err)
	}
	rj.j.batches <- b
	if b.errs != nil && rj.j.ex.failFast {
		rj.j.stop()
	}
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

// runRemote is the one worker goroutine of a Remote run: the Remote does the
// rest. It returns the workers' start-up, and why the Remote stopped short.
func (j *job[T, R]) runRemote() (startup time.Duration, err error) {
	rj := &remoteJob[T, R]{j: j, started: time.Now(), rows: map[string]int{}, done: make([]bool, len(j.inputs))}
	err = j.ex.remote.Run(j.ctx, rj)
	return time.Duration(rj.startup.Load()), err
}

// errRemoteWorker stops a remote worker from starting runs of its own.
var errRemoteWorker = errors.New("kit: a remote worker cannot start runs of its own")
