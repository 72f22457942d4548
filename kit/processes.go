package kit

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"strings"
	"sync"
	"sync/atomic"
	"time"

	"parallelgo.dev/course/kit/internal/proc"
)

// The parent side of [Processes]: a pool of worker processes, each this
// program started again (see worker.go), taking chunks of inputs from one
// shared queue (see procqueue.go) and sending results on pipes of their own.

// stderrTail is how much of a worker's stderr is kept to explain its death.
const stderrTail = 2 << 10

// procPool is the worker processes of one run.
type procPool struct {
	task     string
	timeout  time.Duration
	setup    setup    // what each worker is told first (Slot aside)
	queueR   *os.File // the queue's read end, which every worker inherits
	queueW   *os.File // our end of the queue
	slots    *slots
	first    []*child // the children started up front, one per worker
	stopKill func() bool

	mu     sync.Mutex
	live   map[*child]bool
	closed bool // no more children may start
}

// child is one worker process and its pipes.
type child struct {
	cmd    *exec.Cmd
	pid    int
	slot   int
	own    *os.File // our end of its own pipe; closing it ends the worker
	ownEnc *gob.Encoder
	dec    *gob.Decoder
	stderr *proc.Tail
	ready  atomic.Bool // it said hello

	waitOnce sync.Once
	exit     string // how it ended, e.g. "exit status 2"; set by wait
	pool     *procPool
}

// startPool starts n workers for task and waits until each has reported
// ready. frameSize and preamble are what the workers need to read the
// queue's frames. When ctx ends, every worker is killed.
func startPool(ctx context.Context, task string, n int, timeout time.Duration,
	frameSize int, preamble []byte) (*procPool, error) {
	p := &procPool{task: task, timeout: timeout, live: map[*child]bool{}}
	var err error
	if p.slots, err = newSlots(n); err != nil {
		return nil, err
	}
	if p.queueR, p.queueW, err = os.Pipe(); err != nil {
		p.slots.close()
		return nil, fmt.Errorf("kit: cannot make the workers' queue: %w", err)
	}
	growQueue(p.queueW)
	p.setup = setup{SlotsSize: len(p.slots.mem), FrameSize: frameSize, Preamble: preamble}
	p.stopKill = context.AfterFunc(ctx, p.killAll)
	p.first = make([]*child, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.first[i], errs[i] = p.start(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			p.killAll()
			p.close()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("kit: run of %q stopped while its workers started: %w", task, context.Cause(ctx))
			}
			return nil, err // one is enough: they usually fail alike
		}
	}
	return p, nil
}

// start starts the worker for slot w and waits for its hello.
func (p *procPool) start(w int) (*child, error) {
	// Same program, same arguments: its initialisation must reach the same
	// kit.Task calls as ours did.
	cmd, err := proc.Self(workerEnv + "=" + p.task)
	if err != nil {
		return nil, fmt.Errorf("kit: cannot start a worker: %w", err)
	}
	ownR, ownW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("kit: cannot start a worker: %w", err)
	}
	resR, resW, err := os.Pipe()
	if err != nil {
		ownR.Close()
		ownW.Close()
		return nil, fmt.Errorf("kit: cannot start a worker: %w", err)
	}
	c := &child{pool: p, slot: w, own: ownW, stderr: &proc.Tail{To: os.Stderr, Max: stderrTail}, cmd: cmd}
	c.cmd.Stdout = os.Stdout // the task's prints reach the cell
	c.cmd.Stderr = c.stderr  // and so do its errors, with the tail kept
	c.cmd.ExtraFiles = []*os.File{ownR, resW, p.queueR, p.slots.file}
	c.cmd.WaitDelay = time.Second // in case the task left a process holding stderr
	p.slots.reset(w)

	p.mu.Lock()
	if p.closed {
		err = errors.New("kit: the run was stopped")
	} else if err = c.cmd.Start(); err == nil {
		p.live[c] = true
	}
	p.mu.Unlock()
	// The child has its own copies of its ends; ours must go, so that a dead
	// child shows as the end of the result pipe.
	ownR.Close()
	resW.Close()
	if err != nil {
		ownW.Close()
		resR.Close()
		return nil, fmt.Errorf("kit: cannot start a worker process: %w", err)
	}
	c.pid = c.cmd.Process.Pid
	c.ownEnc = gob.NewEncoder(ownW)
	c.dec = gob.NewDecoder(resR)
	st := p.setup
	st.Slot = w
	_ = c.ownEnc.Encode(st) // if the child is already dead, its hello says how

	ready := make(chan error, 1)
	go func() {
		var h hello
		err := c.dec.Decode(&h)
		if err == nil && h.Task != p.task {
			err = fmt.Errorf("it serves task %q", h.Task)
		}
		ready <- err
	}()
	timer := time.NewTimer(p.timeout)
	defer timer.Stop()
	select {
	case err = <-ready:
		if err == nil {
			c.ready.Store(true)
			return c, nil
		}
		c.died(err)
		return nil, fmt.Errorf("kit: worker process %d for task %q failed to start (%s)%s",
			c.pid, p.task, c.exit, c.stderrNote())
	case <-timer.C:
		c.kill()
		c.wait()
		return nil, fmt.Errorf("kit: worker process %d for task %q did not report ready within %v and was killed; "+
			"does this program's initialisation reach kit.Task(%q, ...)?%s", c.pid, p.task, p.timeout, p.task, c.stderrNote())
	}
}

// killAll kills every worker and stops new ones from starting.
func (p *procPool) killAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for c := range p.live {
		c.kill()
	}
}

func (p *procPool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// close ends the workers still running, waits for them all, and frees the
// queue and the shared memory. Nothing may use the pool afterwards.
func (p *procPool) close() {
	p.stopKill()
	p.mu.Lock()
	p.closed = true
	var left []*child
	for c := range p.live {
		left = append(left, c)
	}
	p.mu.Unlock()
	p.queueW.Close() // idle workers read the end of the queue and exit
	for _, c := range left {
		c.own.Close() // and busy ones exit when their own pipe ends
	}
	for _, c := range left {
		t := time.AfterFunc(5*time.Second, c.kill)
		c.wait()
		t.Stop()
	}
	p.queueR.Close()
	p.slots.close()
}

func (c *child) kill() { _ = c.cmd.Process.Kill() }

// wait waits for the process to end and records how it ended.
func (c *child) wait() {
	c.waitOnce.Do(func() {
		_ = c.cmd.Wait()
		c.own.Close()
		c.exit = c.cmd.ProcessState.String()
		c.pool.mu.Lock()
		delete(c.pool.live, c)
		c.pool.mu.Unlock()
	})
}

// died collects a worker whose result pipe failed with err. At the end of
// the pipe the process has exited or is exiting; anything else is a broken
// conversation, and the worker is killed.
func (c *child) died(err error) {
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		c.kill()
	}
	t := time.AfterFunc(2*time.Second, c.kill)
	c.wait()
	t.Stop()
}

func (c *child) stderrNote() string {
	if tail := stderrSummary(c.stderr.String()); tail != "" {
		return "\n\tits stderr ended with:\n\t\t" + strings.ReplaceAll(tail, "\n", "\n\t\t")
	}
	return ""
}

// procBackend is the backend of Processes: a pool of worker processes
// started for the run and shut down after it.
type procBackend[T, R any] struct {
	pool *procPool
	run  *procRun[T, R]
	done chan struct{} // closed when work has returned
}

func (b *procBackend[T, R]) start(j *job[T, R]) error {
	frames, err := newFrameWriter(j.inputs, j.chunk)
	if err != nil {
		return err
	}
	if b.pool, err = startPool(j.ctx, j.task.name, j.ex.Workers(), j.ex.timeout(), frames.size, frames.preamble); err != nil {
		return err
	}
	b.run = &procRun[T, R]{j: j, p: b.pool, frames: frames, reported: make([]atomic.Bool, len(j.inputs)), wake: make(chan struct{}, 1)}
	b.done = make(chan struct{})
	return nil
}

// work hands out the first chunk for each worker before anything else,
// from the caller's goroutine: a worker that is ready starts at once,
// without waiting for a new goroutine to be scheduled.
func (b *procBackend[T, R]) work(j *job[T, R]) {
	defer close(b.done)
	b.run.handOut(len(b.pool.first)) // it fails only once the pool is closing, which the feeder sees too
	b.run.run()
}

// stop waits for every worker to end (killed ones end at once): children's
// CPU time counts once they are waited for.
func (b *procBackend[T, R]) stop() {
	if b.pool == nil {
		return
	}
	if b.done != nil {
		<-b.done
	}
	b.pool.close()
}

// procRun is one Map on a pool: it fills the queue and reads each worker's
// reports until the run ends.
type procRun[T, R any] struct {
	j        *job[T, R]
	p        *procPool
	frames   *frameWriter[T]
	reported []atomic.Bool // an outcome of input i reached the run
	done     atomic.Int64  // how many are reported
	deaths   atomic.Int64

	mu      sync.Mutex
	again   [][2]int      // chunks to hand out again: their worker died
	wake    chan struct{} // something was added to again
	waiting atomic.Bool   // the feeder has nothing to write

	buf []byte // frames being written; only the feeder uses it
}

// run is the rest of the run: it returns when every worker has ended.
func (r *procRun[T, R]) run() {
	go r.feed(2 * len(r.p.first)) // ends when the queue is closed or the run stops
	var wg sync.WaitGroup
	for w, c := range r.p.first {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.serve(w, c)
		}()
	}
	stopWatch := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		r.watch(stopWatch)
	}()
	wg.Wait()
	close(stopWatch)
	<-watched
}

// feed writes the chunks to the queue in input order, and the chunks of
// dead workers again, until the run stops: batch frames in one write, then
// ever more.
func (r *procRun[T, R]) feed(batch int) {
	for {
		n, err := r.handOut(batch)
		if err != nil {
			return // the pool is closing
		}
		if n > 0 {
			batch = min(batch*2, framesPerWrite)
			continue
		}
		r.waiting.Store(true)
		select {
		case <-r.wake:
			r.waiting.Store(false)
		case <-r.j.ctx.Done():
			return
		}
	}
}

// handOut writes up to n chunks to the queue in one write, those of dead
// workers first, and says how many it wrote.
func (r *procRun[T, R]) handOut(n int) (int, error) {
	r.buf = r.buf[:0]
	k := 0
	for ; k < n; k++ {
		lo, hi, ok := r.nextAgain()
		if !ok {
			lo, hi, ok = r.j.take()
		}
		if !ok {
			break
		}
		r.buf = r.frames.encode(r.buf, lo, hi, r.j.inputs[lo:hi])
	}
	if k == 0 {
		return 0, nil
	}
	_, err := r.p.queueW.Write(r.buf)
	return k, err
}

func (r *procRun[T, R]) nextAgain() (lo, hi int, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.again) == 0 || r.j.ctx.Err() != nil {
		return 0, 0, false
	}
	c := r.again[0]
	r.again = r.again[1:]
	return c[0], c[1], true
}

// handOutAgain queues the inputs in [lo, hi) that have no outcome yet.
func (r *procRun[T, R]) handOutAgain(lo, hi int) {
	r.mu.Lock()
	for i := lo; i < hi; i++ {
		if r.reported[i].Load() {
			continue
		}
		if n := len(r.again); n > 0 && r.again[n-1][1] == i {
			r.again[n-1][1] = i + 1
		} else {
			r.again = append(r.again, [2]int{i, i + 1})
		}
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// serve reads the reports of the worker in slot w, and when it dies, fails
// the input it was running and starts a new worker for the rest.
func (r *procRun[T, R]) serve(w int, c *child) {
	for {
		err := r.read(w, c)
		if r.j.ctx.Err() != nil || r.p.isClosed() {
			c.wait() // the run is over: it was killed or told to stop
			return
		}
		c.died(err)
		if r.j.ctx.Err() != nil {
			return
		}
		r.deaths.Add(1)
		r.lost(w, c)
		if int(r.done.Load()) == len(r.j.inputs) {
			return
		}
		if c, err = r.p.start(w); err != nil {
			if r.j.ctx.Err() == nil {
				r.gaveUp(w, err)
			}
			return // this worker is gone; the others go on
		}
	}
}

// read handles the reports of c until its pipe fails.
func (r *procRun[T, R]) read(w int, c *child) error {
	for {
		var rep report[R] // fresh each time: gob leaves zero fields untouched
		if err := c.dec.Decode(&rep); err != nil {
			return err
		}
		if rep.Warmup {
			continue
		}
		if err := r.accept(w, c, rep.Results); err != nil {
			return err
		}
		if rep.Need {
			if rep.Lo < 0 || rep.Lo >= rep.Hi || rep.Hi > len(r.j.inputs) {
				return fmt.Errorf("kit: worker asked for inputs %d to %d", rep.Lo, rep.Hi)
			}
			if err := c.ownEnc.Encode(frameInputs[T]{Inputs: r.j.inputs[rep.Lo:rep.Hi]}); err != nil {
				// An interface holding a type gob does not know: those inputs
				// fail, and an empty answer tells the worker to go on.
				r.notSent(w, rep.Lo, rep.Hi, err)
				if err := c.ownEnc.Encode(frameInputs[T]{}); err != nil {
					return err
				}
			}
		}
	}
}

// accept passes results on to the run. An input already reported (handed
// out twice after a worker died) keeps its first outcome.
func (r *procRun[T, R]) accept(w int, c *child, results []result[R]) error {
	j := r.j
	if j.ctx.Err() != nil {
		return nil // the run has stopped (WithFailFast): what ran since does not count
	}
	spans := make([]Span, 0, len(results))
	var b batch[R]
	for _, res := range results {
		i := res.Input
		if i < 0 || i >= len(j.inputs) {
			return fmt.Errorf("kit: worker sent a result for input %d of %d", i, len(j.inputs))
		}
		if !r.reported[i].CompareAndSwap(false, true) {
			continue
		}
		r.done.Add(1)
		spans = append(spans, Span{Worker: w, PID: c.pid, Input: i,
			Start: j.trace.at(res.Start), End: j.trace.at(res.End), Err: res.Failed})
		if len(b.values) > 0 && b.lo+len(b.values) != i {
			j.deliver(b, nil) // a batch holds consecutive inputs only
			b = batch[R]{}
		}
		if len(b.values) == 0 {
			b.lo = i
		}
		var err error
		if res.Failed {
			err = &TaskError{Task: j.task.name, Input: i, Arg: label(j.inputs[i]), Worker: w, PID: c.pid,
				Panic: res.Panic, Stack: res.Stack}
		}
		b.add(res.Value, err)
	}
	j.deliver(b, spans)
	return nil
}

// lost deals with the chunk a dead worker had taken: the input it was
// running fails with how the worker died, and the inputs without an
// outcome (not run, or run but not reported) are handed out again.
func (r *procRun[T, R]) lost(w int, c *child) {
	sl := r.p.slots.at(w)
	lo, hi, running := int(sl.lo.Load()), int(sl.hi.Load()), int(sl.running.Load())
	if lo < 0 || hi > len(r.j.inputs) || lo > hi {
		return
	}
	if i := running - 1; i >= lo && i < hi && r.fail(i, &TaskError{Worker: w, PID: c.pid,
		Exit: c.exit, Stderr: c.stderr.String()}) {
		r.j.trace.Add(Span{Worker: w, PID: c.pid, Input: i,
			Start: r.j.trace.at(sl.since.Load()), End: r.j.trace.Since(), Err: true})
	}
	r.handOutAgain(lo, hi)
}

// notSent fails inputs [lo, hi), which could not be sent to a worker.
func (r *procRun[T, R]) notSent(w, lo, hi int, err error) {
	for i := lo; i < hi; i++ {
		r.fail(i, &TaskError{Worker: w, Exit: "its input cannot be sent to a worker process: " + err.Error()})
	}
}

// gaveUp is called when slot w could not start a new worker. If no other
// worker is left, the inputs without an outcome fail with err.
func (r *procRun[T, R]) gaveUp(w int, err error) {
	r.p.mu.Lock()
	left := len(r.p.live)
	r.p.mu.Unlock()
	if left > 0 {
		return
	}
	for i := range r.j.inputs {
		r.fail(i, &TaskError{Worker: w, Exit: err.Error()})
	}
}

// fail makes te the outcome of input i, unless it has one already, and
// reports whether it did.
func (r *procRun[T, R]) fail(i int, te *TaskError) bool {
	if !r.reported[i].CompareAndSwap(false, true) {
		return false
	}
	r.done.Add(1)
	r.j.fail(i, te)
	return true
}

// watch hands out again the inputs of a chunk lost with a worker that died
// in the instant between taking its frame and noting it in its slot. It
// acts only after a death, once the queue is empty and every worker has
// been idle for two looks in a row.
func (r *procRun[T, R]) watch(stop <-chan struct{}) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	streak, last := 0, int64(-1)
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		done := r.done.Load()
		if r.deaths.Load() == 0 || int(done) == len(r.j.inputs) || !r.waiting.Load() || !r.allIdle() || done != last {
			streak, last = 0, done
			continue
		}
		if streak++; streak >= 2 {
			r.handOutAgain(0, len(r.j.inputs))
			streak = 0
		}
	}
}

// allIdle reports whether every live worker is ready and has an outcome for
// each input of the chunk it took last.
func (r *procRun[T, R]) allIdle() bool {
	r.p.mu.Lock()
	defer r.p.mu.Unlock()
	for c := range r.p.live {
		if !c.ready.Load() {
			return false
		}
		sl := r.p.slots.at(c.slot)
		if sl.running.Load() != 0 {
			return false
		}
		lo, hi := int(sl.lo.Load()), int(sl.hi.Load())
		for i := max(lo, 0); i < min(hi, len(r.reported)); i++ {
			if !r.reported[i].Load() {
				return false
			}
		}
	}
	return true
}

// at converts a wall-clock time from a worker process into an offset from
// the trace's start.
func (t *Trace) at(unixNano int64) time.Duration {
	return time.Duration(unixNano - t.start.UnixNano())
}
