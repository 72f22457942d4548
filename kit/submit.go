package kit

import (
	"context"
	"iter"
)

// Future is the result of a [Submit] that may not be ready yet, like the
// AsyncResult of Python's apply_async.
type Future[R any] struct {
	done  chan struct{}
	value R
	err   error
}

// Get waits until the task has finished and returns its result, or the
// error that stopped it (a *TaskError if it panicked or its process died).
// Get may be called any number of times, from any goroutine.
func (f *Future[R]) Get() (R, error) {
	<-f.done
	return f.value, f.err
}

// Done is closed when the result is ready, for use in a select.
func (f *Future[R]) Done() <-chan struct{} { return f.done }

// Submit starts t on one input with ex and returns at once, like Python's
// pool.apply_async: call Get on the future for the result. Each Submit uses a
// single worker of ex's kind (with Processes, a process of its own), so many
// Submits run side by side. Serial runs the task before Submit returns.
func Submit[T, R any](ex Executor, t *TaskFunc[T, R], input T) *Future[R] {
	f := &Future[R]{done: make(chan struct{})}
	one := ex
	one.workers = 1
	get := func() {
		r := run(context.Background(), one, t, []T{input}, runOptions[R]{quiet: true})
		if len(r.Results) == 1 {
			f.value = r.Results[0]
		}
		f.err = r.Err
		close(f.done)
	}
	if ex.kind == serialKind {
		get()
	} else {
		go get()
	}
	return f
}

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
