// Package workqueue holds the workloads and exercise solutions of lesson 7,
// "Work queues", which rebuilds the Queue + Event worker pool of the source's
// threads-versus-processes lesson (seed 003) with Go's own tools: a channel is
// the queue, a context.Context is the stop event, and closing the channel is
// the clean shut-down. The source starts 3 workers, feeds them 15 tasks of 1-5
// seconds, then 11 more (ids 100-110) of 2-6 seconds, and each worker prints
// what it finished. It also holds the lesson's pipeline (generate, square,
// sum) with fan-out and fan-in.
package workqueue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"parallelgo.dev/course/kit"
)

// Task is one job for the pool: an id and how long it takes, in the source's
// seconds (shrunk by KIT_SCALE when it runs).
type Task struct {
	ID      int
	Seconds float64
}

// String is "task 3 (1s)".
func (t Task) String() string { return fmt.Sprintf("task %d (%gs)", t.ID, t.Seconds) }

// RandomTasks makes n tasks with ids firstID, firstID+1, ... each lasting a
// whole number of seconds drawn uniformly from min..max, from a generator
// seeded with seed. The source's two batches are RandomTasks(0, 15, 1, 5, s)
// and RandomTasks(100, 11, 2, 6, s).
func RandomTasks(firstID, n, min, max int, seed uint64) []Task {
	r := rand.New(rand.NewPCG(seed, 0x7a5c))
	tasks := make([]Task, n)
	for i := range tasks {
		tasks[i] = Task{ID: firstID + i, Seconds: float64(min + r.IntN(max-min+1))}
	}
	return tasks
}

// Result is what became of one submitted task.
type Result struct {
	Task   Task
	Worker int           // the worker that took it; -1 if none did
	Start  time.Duration // when it started, from the pool's start
	End    time.Duration // when it ended
	Err    error         // nil if done; the context's error if it was cut short or never started
}

// ErrClosed is returned by Submit after Shutdown.
var ErrClosed = errors.New("workqueue: pool is shut down")

// QueueSize is how many submitted tasks may wait before Submit blocks. The
// source's multiprocessing.Queue is unbounded; a bounded queue is Go's habit,
// because a producer that outruns the workers should be slowed, not allowed to
// fill memory.
const QueueSize = 1024

// IdlePoll is the source's queue.get(timeout=2): how long an idle worker waits
// before it looks around again. The Python worker needs it to re-check its
// stop Event; a Go worker's select watches the context and the queue at once,
// so here the timeout only counts idle periods (Stats.IdlePolls) and changes
// nothing else.
func IdlePoll() time.Duration { return kit.Seconds(2) }

// Pool is a fixed set of workers taking tasks from one queue.
type Pool struct {
	ctx   context.Context
	queue chan queued
	out   io.Writer
	trace *kit.Trace
	start time.Time

	mu     sync.RWMutex // held for reading while sending, for writing to close
	closed bool
	seq    atomic.Int64

	resMu   sync.Mutex
	results []Result
	outMu   sync.Mutex
	idle    int

	wg sync.WaitGroup
}

type queued struct {
	task Task
	seq  int // submission order: the trace's input index
}

// Start starts workers workers (<= 0: 3, the source's number) that take
// tasks from the pool's queue until [Pool.Shutdown], or until ctx is
// cancelled. Each finished task is printed on standard output, as in the
// source, and recorded in trace if it is not nil, so a notebook can draw the
// pool's timeline with kit.TimelineChart.
func Start(ctx context.Context, workers int, trace *kit.Trace) *Pool {
	return StartWithOutput(ctx, workers, trace, os.Stdout)
}

// StartWithOutput is [Start] printing to out (io.Discard: silent).
func StartWithOutput(ctx context.Context, workers int, trace *kit.Trace, out io.Writer) *Pool {
	if workers <= 0 {
		workers = 3
	}
	p := &Pool{ctx: ctx, queue: make(chan queued, QueueSize), out: out, trace: trace, start: time.Now()}
	for w := range workers {
		p.wg.Add(1)
		go p.work(w)
	}
	return p
}

func (p *Pool) printf(format string, args ...any) {
	p.outMu.Lock()
	defer p.outMu.Unlock()
	fmt.Fprintf(p.out, format, args...)
}

func (p *Pool) record(r Result) {
	p.resMu.Lock()
	p.results = append(p.results, r)
	p.resMu.Unlock()
}

// work is one worker: the source's worker_func. Where Python loops "while
// event.is_set(): try queue.get(timeout=2)", one select waits for whichever
// comes first: a task, the stop signal, or the idle timeout.
func (p *Pool) work(id int) {
	defer p.wg.Done()
	p.printf("worker %d started\n", id)
	defer p.printf("worker %d shutting down\n", id)
	idle := time.NewTimer(IdlePoll())
	defer idle.Stop()
	for {
		idle.Reset(IdlePoll())
		select {
		case <-p.ctx.Done():
			return // stopped: what is left in the queue, Shutdown reports
		case q, ok := <-p.queue:
			if !ok {
				return // closed and drained: the clean shut-down
			}
			if err := p.ctx.Err(); err != nil {
				// select picks at random among ready cases: a stopped
				// pool starts nothing more, and reports the task unstarted.
				p.record(Result{Task: q.task, Worker: -1, Err: err})
				return
			}
			p.run(id, q)
		case <-idle.C:
			p.outMu.Lock()
			p.idle++
			p.outMu.Unlock()
		}
	}
}

// run does one task: it sleeps the task's time, unless the context ends first.
func (p *Pool) run(worker int, q queued) {
	r := Result{Task: q.task, Worker: worker, Start: time.Since(p.start)}
	var done func()
	if p.trace != nil {
		done = p.trace.Begin(worker, q.seq, fmt.Sprint(q.task.ID))
	}
	t := time.NewTimer(kit.Seconds(q.task.Seconds))
	select {
	case <-t.C:
	case <-p.ctx.Done():
		t.Stop()
		r.Err = p.ctx.Err()
	}
	if done != nil {
		done()
	}
	r.End = time.Since(p.start)
	if r.Err == nil {
		p.printf("worker %d finished %v\n", worker, q.task)
	} else {
		p.printf("worker %d stopped %v: %v\n", worker, q.task, r.Err)
	}
	p.record(r)
}

// Submit puts a task on the queue. It blocks only while the queue is full. It
// returns ErrClosed after Shutdown, or the context's error once the context is
// done; a task is submitted, and Shutdown will report it, exactly when Submit
// returns nil.
func (p *Pool) Submit(t Task) error {
	p.mu.RLock() // Shutdown cannot close the queue under a sender
	defer p.mu.RUnlock()
	if p.closed {
		return ErrClosed
	}
	if err := p.ctx.Err(); err != nil {
		return err
	}
	seq := int(p.seq.Add(1) - 1)
	select {
	case p.queue <- queued{t, seq}:
		return nil
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
}

// Shutdown is the clean shut-down: it closes the queue, lets the workers
// finish every task already submitted, waits for all of them to return and
// gives one Result per submitted task, in the order they ended. If the
// context was cancelled, the workers stopped early: the task each was running
// and the tasks still queued come back with the context's error. Calling it
// again returns the same results.
//
// The source's shut-down, event.clear(), told the workers to stop once they
// noticed, and left any queued task unrun; closing a channel says "no more
// tasks" and keeps the ones already in it.
func (p *Pool) Shutdown() []Result {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.queue)
	}
	p.mu.Unlock()
	p.wg.Wait()
	for q := range p.queue { // only after a cancel is anything left
		p.record(Result{Task: q.task, Worker: -1, Err: p.ctx.Err()})
	}
	p.resMu.Lock()
	defer p.resMu.Unlock()
	return append([]Result(nil), p.results...)
}

// IdlePolls counts how often a worker waited a whole [IdlePoll] for work.
func (p *Pool) IdlePolls() int {
	p.outMu.Lock()
	defer p.outMu.Unlock()
	return p.idle
}
