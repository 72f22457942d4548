package kit

import (
	"context"
	"iter"
	"runtime"
	"sync"
	"time"
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
// pool.apply_async: call Get on the future for the result. On a started
// Processes ([Executor.Start]) the input queues for the pool's workers:
// Submits made in a burst (less than 20 µs apart), or while the pool is
// busy, run together, one input per worker at a time. Otherwise each Submit runs on a single worker of
// its own (with an unstarted Processes, a process of its own), so many
// Submits run side by side. Serial runs the task before Submit returns.
func Submit[T, R any](ex Executor, t *TaskFunc[T, R], input T) *Future[R] {
	f := &Future[R]{done: make(chan struct{})}
	if ex.pool != nil {
		submitQueueFor(ex.pool, t).add(ex, t, input, f)
		return f
	}
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

// submitQueue holds the Submits of one task to a started pool that wait
// for their run.
type submitQueue[T, R any] struct {
	mu      sync.Mutex
	inputs  []T
	futures []*Future[R]
	running bool // a goroutine is running the queue's inputs
}

func submitQueueFor[T, R any](s *sharedPool, t *TaskFunc[T, R]) *submitQueue[T, R] {
	s.submitMu.Lock()
	defer s.submitMu.Unlock()
	if s.submits == nil {
		s.submits = map[any]any{}
	}
	q, ok := s.submits[t].(*submitQueue[T, R])
	if !ok {
		q = &submitQueue[T, R]{}
		s.submits[t] = q
	}
	return q
}

// add queues input, and starts a goroutine to run the queue if none runs.
func (q *submitQueue[T, R]) add(ex Executor, t *TaskFunc[T, R], input T, f *Future[R]) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.inputs = append(q.inputs, input)
	q.futures = append(q.futures, f)
	if !q.running {
		q.running = true
		go q.runAll(ex.WithChunk(1), t)
	}
}

// gatherQuiet and gatherMax bound how long runAll waits for more Submits
// before it starts a run: a burst of Submits (a loop) runs together, on all
// the pool's workers, instead of its first one alone. It yields rather
// than sleeps: a sleep this short lasts far longer.
const (
	gatherQuiet = 20 * time.Microsecond
	gatherMax   = time.Millisecond
)

// runAll runs what is queued, as one run, until nothing is.
func (q *submitQueue[T, R]) runAll(ex Executor, t *TaskFunc[T, R]) {
	for {
		start, n := time.Now(), q.len()
		for quiet := start; time.Since(quiet) < gatherQuiet && time.Since(start) < gatherMax; {
			runtime.Gosched()
			if m := q.len(); m != n {
				quiet, n = time.Now(), m
			}
		}
		q.mu.Lock()
		inputs, futures := q.inputs, q.futures
		q.inputs, q.futures = nil, nil
		if len(inputs) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		run(context.Background(), ex, t, inputs, runOptions[R]{quiet: true, each: func(i int, v R, err error) {
			futures[i].value, futures[i].err = v, err
			close(futures[i].done)
		}})
	}
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

func (q *submitQueue[T, R]) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.inputs)
}
