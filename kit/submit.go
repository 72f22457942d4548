package kit

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
)

// Future is the result of a [Submit] that may not be ready yet, like the
// AsyncResult of Python's apply_async.
type Future[R any] struct {
	done  chan struct{}
	once  sync.Once
	value R
	err   error
	// help, if set, is the wait for the result, which Get does itself on
	// its goroutine rather than be woken by the goroutine that would.
	help atomic.Pointer[func()]
}

// Get waits until the task has finished and returns its result, or the
// error that stopped it (a *TaskError if it panicked or its process died).
// Get may be called any number of times, from any goroutine.
func (f *Future[R]) Get() (R, error) {
	if h := f.help.Swap(nil); h != nil {
		(*h)()
	}
	<-f.done
	return f.value, f.err
}

// Done is closed when the result is ready, for use in a select.
func (f *Future[R]) Done() <-chan struct{} { return f.done }

// complete sets the outcome, the first time only.
func (f *Future[R]) complete(v R, err error) {
	f.once.Do(func() {
		f.value, f.err = v, err
		close(f.done)
	})
}

// Submit starts t on one input with ex and returns at once, like Python's
// pool.apply_async: call Get on the future for the result. On a started
// Processes ([Executor.Start]) the input goes straight to an idle worker
// of the pool, or waits for one, as apply_async's do: n Submits run at
// once on n workers, and the rest queue, in order. Submits wait while a
// run ([Map], ...) uses the pool. Otherwise each Submit is a run on a
// single worker of its own (with an unstarted Processes, a process of its
// own), so many Submits run side by side. Serial runs the task before
// Submit returns.
func Submit[T, R any](ex Executor, t *TaskFunc[T, R], input T) *Future[R] {
	return SubmitCtx(context.Background(), ex, t, input)
}

// SubmitCtx is [Submit] that gives up when ctx is done: a Submit still
// queued is not run, and one running in a worker process is stopped (the
// process is killed, and the pool replaces it). Its future's error then
// matches ctx's (errors.Is(err, context.Canceled)). A goroutine already
// running the input cannot be stopped: its result is dropped.
func SubmitCtx[T, R any](ctx context.Context, ex Executor, t *TaskFunc[T, R], input T) *Future[R] {
	f := &Future[R]{done: make(chan struct{})}
	if ex.pool != nil && t.usable(ex) == nil {
		c := &poolCall[T, R]{ctx: ctx, t: t, input: input, f: f}
		if ctx.Done() != nil {
			c.stopWait = context.AfterFunc(ctx, func() { c.f.complete(*new(R), c.stopped()) })
		}
		ex.pool.submit(c)
		return f
	}
	one := ex
	one.workers = 1
	get := func() {
		r := run(ctx, one, t, []T{input}, runOptions[R]{quiet: true})
		var v R
		if len(r.Results) == 1 {
			v = r.Results[0]
		}
		f.complete(v, r.Err)
	}
	if ex.kind == serialKind {
		get()
	} else {
		go get()
	}
	return f
}

// poolCall is one Submit on a started pool: its input goes to one worker
// on that worker's own pipe, and its result comes back on the worker's
// result pipe, with no run, queue or trace around it.
type poolCall[T, R any] struct {
	ctx      context.Context
	t        *TaskFunc[T, R]
	input    T
	f        *Future[R]
	stopWait func() bool // ends the wait for ctx, if any
	stopKill func() bool // the same, once the call runs on a worker
}

// stopped is the error of a call whose context ended.
func (c *poolCall[T, R]) stopped() error {
	return fmt.Errorf("kit: Submit of %q stopped: %w", c.t.name, context.Cause(c.ctx))
}

// send hands the call to worker w, unless it is already over (its context
// ended): then it says so, and w stays free.
func (c *poolCall[T, R]) send(w *child) (sent bool, err error) {
	if c.stopWait != nil && !c.stopWait() {
		return false, nil // the future has its error already
	}
	// A plain input travels as its memory, in a raw call (procraw.go);
	// others in the worker's gob stream of the task's calls.
	var payload []byte
	fresh, plain := false, callTravelsRaw[T]()
	if !plain {
		var encErr error
		if payload, fresh, encErr = w.encodeCall(c.t.name, callInput[T]{c.input}); encErr != nil {
			c.f.complete(*new(R), &TaskError{Task: c.t.name, Arg: label(c.input), Worker: w.slot,
				Exit: "its input cannot be sent to a worker process: " + encErr.Error()})
			return false, nil
		}
	}
	if c.ctx.Done() != nil {
		c.stopKill = context.AfterFunc(c.ctx, w.kill)
	}
	if plain {
		return true, w.sendRaw(appendRawCall(nil, c.t.name, asBytes([]T{c.input})))
	}
	return true, w.send(order{Run: &runOrder{Task: c.t.name, Call: &callOrder{Input: payload, Fresh: fresh}}})
}

// receive reads worker w's answer and completes the future, or returns
// the error of w's pipe if w died first.
func (c *poolCall[T, R]) receive(w *child) error {
	// A plain result that did not fail comes as its memory, in a raw
	// answer (procraw.go); the rest with gob.
	var rep callReport[R]
	raw, err := nextIsRaw(w.answerBuf)
	if err == nil && raw {
		rep.Value, err = readRawAnswer[R](w.answerBuf)
	} else if err == nil {
		err = w.answers.Decode(&rep)
	}
	if err == nil && c.stopKill != nil && !c.stopKill() {
		// ctx ended just as the answer came: w is being killed, and
		// dies, but the answer stands.
		err = errKilled
	}
	if err != nil && !errors.Is(err, errKilled) {
		return err
	}
	if rep.Failed {
		c.f.complete(rep.Value, &TaskError{Task: c.t.name, Arg: label(c.input), Worker: w.slot, PID: w.pid,
			Panic: rep.Panic, Stack: rep.Stack})
	} else {
		c.f.complete(rep.Value, nil)
	}
	return err
}

// errKilled is the end of a worker killed after it answered.
var errKilled = errors.New("kit: worker killed: its Submit's context ended")

// helpWith lets Get run wait, once, unless wait has run already.
func (c *poolCall[T, R]) helpWith(wait func()) { c.f.help.Store(&wait) }

// died fails the call whose worker w died running it.
func (c *poolCall[T, R]) died(w *child) {
	if c.ctx.Err() != nil {
		c.f.complete(*new(R), c.stopped())
		return
	}
	c.f.complete(*new(R), &TaskError{Task: c.t.name, Arg: label(c.input), Worker: w.slot, PID: w.pid,
		Exit: w.exit, Stderr: w.lastWords()})
}

// fail completes a call that could not run.
func (c *poolCall[T, R]) fail(err error) { c.f.complete(*new(R), err) }

// Result is one input's outcome as [MapUnordered] delivers it.
type Result[R any] struct {
	Value R
	Err   error // nil, or a *TaskError, or why the run could not start
}

// MapUnordered runs t on every input with ex, like [Map], and yields each
// input's index and outcome as soon as it is known: in completion order, as
// Python's imap_unordered. Every input is yielded exactly once. Breaking out
// of the loop stops the run (worker processes are killed).
//
//	for i, r := range kit.MapUnordered(kit.Threads(4), square, xs) {
//		fmt.Println(xs[i], r.Value, r.Err)
//	}
func MapUnordered[T, R any](ex Executor, t *TaskFunc[T, R], inputs []T) iter.Seq2[int, Result[R]] {
	return func(yield func(int, Result[R]) bool) {
		ctx, cancel := context.WithCancel(context.Background())
		type item struct {
			i int
			r Result[R]
		}
		items := make(chan item, len(inputs)) // room for all: the run never waits for us
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			defer close(items)
			run(ctx, ex, t, inputs, runOptions[R]{each: func(i int, v R, err error) {
				items <- item{i, Result[R]{v, err}}
			}})
		}()
		defer func() {
			cancel()
			<-finished // the run has ended and its processes are gone
		}()
		for it := range items {
			if !yield(it.i, it.r) {
				return
			}
		}
	}
}
