package kit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"parallelgo.dev/course/kit/internal/proc"
)

// The parent side of [Processes]: a pool of worker processes, each this
// program started again (see worker.go), taking chunks of inputs from one
// shared queue (see procqueue.go) and sending results on pipes of their own.
// A pool runs one Map at a time. An unstarted Processes starts a pool for
// each run and shuts it down after; [Executor.Start] keeps one up, and its
// workers go on reading the queue from one run of a task to the next (see
// procSession).

// resultBuffer is the buffer of a worker's result pipe: the pipe's size,
// what a worker can write before the parent reads.
const resultBuffer = 64 << 10

// stderrTail is how much of a worker's stderr is kept to explain its death:
// the race detector's reports that come after a fatal error's first line,
// in a program built with -race, can take 2 kB and more.
const stderrTail = 16 << 10

// crashReportMax is how much of a worker's crash report is kept: the report
// starts with what matters, the error and the stack that met it, and with
// GOTRACEBACK=all every other goroutine's stack follows.
const crashReportMax = 16 << 10

// procPool is a pool of worker processes.
type procPool struct {
	timeout time.Duration
	queueR  *os.File        // the queue's read end, which every worker inherits
	queueW  *os.File        // our end of the queue
	drain   syscall.RawConn // our own non-blocking read end: what a run leaves on the queue is emptied
	drainF  *os.File
	drained []byte // drain's buffer, kept: the run holding the pool uses it
	slots   *slots

	mu      sync.Mutex
	workers []*child // the worker of each slot, nil if it died and none replaced it yet
	live    map[*child]bool
	closed  bool // no more children may start
}

// child is one worker process and its pipes.
type child struct {
	cmd    *exec.Cmd
	pid    int
	slot   int
	own    *os.File // our end of its own pipe; closing it ends the worker
	stderr *proc.Tail
	// crash is where the Go runtime writes the worker's crash report, a
	// copy of what it prints on stderr (debug.SetCrashOutput), read into
	// crashReport once the process has ended.
	crash       *os.File
	crashReport string
	ready       atomic.Bool // it said hello

	// Its result pipe, buffered: a run's reports, raw ones (procraw.go)
	// and gob's (dec). scratch is room for the values of a raw report
	// that cannot go in place.
	results *bufio.Reader
	dec     *gob.Decoder
	scratch []byte
	// Its answer pipe, buffered: answers to Submits, raw and gob's.
	answerBuf *bufio.Reader
	answers   *gob.Decoder

	startedWith *runOrder              // the run its setup started, if any
	spans       []spanRec              // room for the spans of a report, reused run after run: the trace copies them
	calls       map[string]*callStream // per task, the inputs of its Submits (proccalls.go)

	sendMu sync.Mutex
	ownEnc *gob.Encoder

	waitOnce sync.Once
	exit     string // how it ended, e.g. "exit status 2"; set by wait
	broken   error  // why it was killed, if its pipe carried something unreadable
	pool     *procPool
}

// startPool starts n workers and waits until each has reported ready. If
// first is not nil, the workers start that run as soon as they are ready.
// If ctx ends meanwhile, every worker is killed.
func startPool(ctx context.Context, n int, timeout time.Duration, first *runOrder) (*procPool, error) {
	if registeredCount() == 0 {
		return nil, errors.New("kit: Processes runs tasks declared at package level, and this program declares none")
	}
	p := &procPool{timeout: timeout, live: map[*child]bool{}, workers: make([]*child, n)}
	var err error
	if p.slots, err = newSlots(n); err != nil {
		return nil, err
	}
	if p.queueR, p.queueW, err = os.Pipe(); err != nil {
		p.slots.close()
		return nil, fmt.Errorf("kit: cannot make the workers' queue: %w", err)
	}
	growQueue(p.queueW)
	if p.drainF, err = openQueue(int(p.queueR.Fd())); err == nil {
		p.drain, err = p.drainF.SyscallConn()
	}
	if err != nil {
		p.close()
		return nil, fmt.Errorf("kit: cannot make the workers' queue: %w", err)
	}
	stopKill := context.AfterFunc(ctx, p.killAll)
	defer stopKill()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c *child
			if c, errs[w] = p.start(w, first); c != nil {
				p.setWorker(w, c)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			p.killAll()
			p.close()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("kit: stopped while the workers started: %w", context.Cause(ctx))
			}
			return nil, err // one is enough: they usually fail alike
		}
	}
	return p, nil
}

// start starts a worker for slot w and waits for its hello. If run is not
// nil, the worker readies itself for that run before it says hello, and
// starts it at once.
func (p *procPool) start(w int, run *runOrder) (*child, error) {
	// Same program, same arguments: its initialisation must reach the same
	// kit.Task calls as ours did.
	cmd, err := proc.Self(workerEnvFor(registeredCount()))
	if err != nil {
		return nil, fmt.Errorf("kit: cannot start a worker: %w", err)
	}
	// The file for its crash report; its own pipe (orders), its result
	// pipe, its answer pipe: read and write ends.
	crash, err := memFile("kit-crash")
	if err != nil {
		return nil, fmt.Errorf("kit: cannot start a worker: %w", err)
	}
	var pipes [3][2]*os.File
	for k := range pipes {
		if pipes[k][0], pipes[k][1], err = os.Pipe(); err != nil {
			for _, made := range pipes[:k] {
				made[0].Close()
				made[1].Close()
			}
			crash.Close()
			return nil, fmt.Errorf("kit: cannot start a worker: %w", err)
		}
	}
	ownR, ownW := pipes[0][0], pipes[0][1]
	resR, resW := pipes[1][0], pipes[1][1]
	ansR, ansW := pipes[2][0], pipes[2][1]
	c := &child{pool: p, slot: w, own: ownW, stderr: &proc.Tail{To: os.Stderr, Max: stderrTail}, crash: crash, cmd: cmd, startedWith: run}
	c.cmd.Stdout = os.Stdout // the task's prints reach the cell
	c.cmd.Stderr = c.stderr  // and so do its errors, with the tail kept
	c.cmd.ExtraFiles = []*os.File{ownR, resW, p.queueR, p.slots.file, ansW, crash}
	c.cmd.WaitDelay = time.Second // in case the task left a process holding stderr
	p.slots.reset(w)

	// Workers start side by side: the lock is not held while one execs.
	if p.isClosed() {
		err = errors.New("kit: the pool was stopped")
	} else if err = c.cmd.Start(); err == nil {
		p.mu.Lock()
		p.live[c] = true
		if p.closed {
			c.kill() // killAll ran while it started, before it was live
		}
		p.mu.Unlock()
	}
	// The child has its own copies of its ends; ours must go, so that a dead
	// child shows as the end of the result pipe.
	ownR.Close()
	resW.Close()
	ansW.Close()
	if err != nil {
		ownW.Close()
		resR.Close()
		ansR.Close()
		crash.Close()
		return nil, fmt.Errorf("kit: cannot start a worker process: %w", err)
	}
	c.pid = c.cmd.Process.Pid
	c.ownEnc = gob.NewEncoder(ownW)
	// Its reports on a run are read through the runtime's poller: a
	// reader that has handed on a run's last outcome waits there, and
	// its thread runs the goroutine it woke at once. Blocked in read, it
	// would keep that goroutine waiting until the runtime takes the
	// thread's processor back, 20 µs or more: a started pool's Map of
	// 2,000 trivial inputs took 320-380 µs instead of 280.
	c.results = bufio.NewReaderSize(resR, resultBuffer)
	c.dec = gob.NewDecoder(c.results) // a bufio.Reader is an io.ByteReader: gob reads no further than it needs
	// Its answers to Submits are read in blocking mode (Fd sets it): the
	// caller's thread sleeps in read and the kernel wakes it when the
	// answer comes, a round trip 10 % shorter than through the poller.
	_ = ansR.Fd()
	c.answerBuf = bufio.NewReader(ansR)
	c.answers = gob.NewDecoder(c.answerBuf)
	// If the child is already dead, its hello says how.
	if _, err := ownW.Write(setup{Slot: w, SlotsSize: len(p.slots.mem), Run: run != nil}.bytes()); err == nil && run != nil {
		_ = c.ownEnc.Encode(order{Run: run})
	}

	ready := make(chan error, 1)
	go func() {
		var h [len(hello)]byte
		_, err := io.ReadFull(resR, h[:]) // before c.dec reads: it buffers
		if err == nil && string(h[:]) != hello {
			err = fmt.Errorf("kit: a worker began with %q instead of its hello", h[:])
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
		return nil, fmt.Errorf("kit: worker process %d failed to start (%s)%s", c.pid, c.exit, c.stderrNote())
	case <-timer.C:
		c.kill()
		c.wait()
		return nil, fmt.Errorf("kit: worker process %d did not report ready within %s and was killed; "+
			"does this program's initialisation reach its package-level kit.Task declarations?%s", c.pid, FormatDuration(p.timeout), c.stderrNote())
	}
}

// setWorker makes c the worker of slot w.
func (p *procPool) setWorker(w int, c *child) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.workers[w] = c
}

// current is the worker of each slot now, nil where there is none.
func (p *procPool) current() []*child {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*child(nil), p.workers...)
}

// fill starts a worker for each slot that has none (its worker died after
// its run ended, or could not be replaced).
func (p *procPool) fill() error {
	for w, c := range p.current() {
		if c != nil {
			continue
		}
		c, err := p.start(w, nil)
		if err != nil {
			return err
		}
		p.setWorker(w, c)
	}
	return nil
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
	p.mu.Lock()
	p.closed = true
	var left []*child
	for c := range p.live {
		left = append(left, c)
	}
	p.mu.Unlock()
	if p.queueW != nil {
		p.queueW.Close() // idle workers read the end of the queue and exit
	}
	for _, c := range left {
		c.own.Close() // and busy ones exit when their own pipe ends
	}
	for _, c := range left {
		t := time.AfterFunc(5*time.Second, c.kill)
		c.wait()
		t.Stop()
	}
	if p.queueR != nil {
		p.queueR.Close()
	}
	if p.drainF != nil {
		p.drainF.Close()
	}
	p.slots.close()
}

// send sends the worker an order; orders to one worker go one at a time.
func (c *child) send(o order) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	return c.ownEnc.Encode(o)
}

// sendRaw sends the worker b, a raw call (procraw.go), on its own pipe.
func (c *child) sendRaw(b []byte) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	_, err := c.own.Write(b)
	return err
}

func (c *child) kill() { _ = c.cmd.Process.Kill() }

// wait waits for the process to end and records how it ended.
func (c *child) wait() {
	c.waitOnce.Do(func() {
		_ = c.cmd.Wait()
		c.own.Close()
		c.crashReport = readCrashReport(c.crash)
		c.crash.Close()
		c.exit = c.cmd.ProcessState.String()
		if c.broken != nil {
			c.exit = fmt.Sprintf("%s by kit, which could not read what it sent: %v", c.exit, c.broken)
		}
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
		c.broken = err
		c.kill()
	}
	t := time.AfterFunc(2*time.Second, c.kill)
	c.wait()
	t.Stop()
}

// lastWords is what explains a dead worker's end: the Go runtime's report
// if it crashed, else the end of its stderr. On stderr, a program built with
// -race can print data race reports in the middle of a crash report.
func (c *child) lastWords() string {
	switch {
	case c.crashReport == "":
		return c.stderr.String()
	case strings.HasPrefix(c.crashReport, "\n"):
		// A fatal error's first line is printed before the runtime starts
		// to copy what it prints to the report: it is on stderr only.
		return fatalErrorLine(c.stderr.String()) + c.crashReport
	}
	return c.crashReport
}

// readCrashReport is the start of what the Go runtime wrote to f as its
// process crashed: the fatal error or panic, then the stack of the
// goroutine that met it. It is "" if the process did not crash.
func readCrashReport(f *os.File) string {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return ""
	}
	buf := make([]byte, min(fi.Size(), crashReportMax))
	n, _ := f.ReadAt(buf, 0)
	return string(buf[:n])
}

func (c *child) stderrNote() string {
	if tail := stderrSummary(c.lastWords()); tail != "" {
		return "\n\tits stderr ended with:\n\t\t" + strings.ReplaceAll(tail, "\n", "\n\t\t")
	}
	return ""
}

// sharedPool is the pool behind a Processes executor, shared by the copies
// of a started one ([Executor.Start]), made for one run otherwise. Runs
// take turns: each holds the pool from its start to its end.
type sharedPool struct {
	workers int
	timeout time.Duration

	turn     sync.Mutex // held by the run using the pool
	pool     *procPool  // nil until started, and after a run stopped early killed it
	session  session    // the workers' reading from run to run, if they are reading
	sessions int        // how many there were, for tests
	closed   bool
	startup  time.Duration // what Start took
	err      error         // why Start failed

	calls callQueue // Submits, see proccalls.go
}

func newSharedPool(workers int, timeout time.Duration) *sharedPool {
	return &sharedPool{workers: workers, timeout: timeout}
}

// acquire waits for the pool's turn and returns its workers, starting
// those that are missing (all of them the first time), and whether it
// started any. The workers' reading of the queue goes on if first would
// read the same way (the same task in frames of the same size), and ends
// otherwise; first is nil for Submits, and for Start.
func (s *sharedPool) acquire(ctx context.Context, first *runOrder) (p *procPool, started bool, err error) {
	s.turn.Lock()
	return s.ready(ctx, first)
}

// ready is acquire for the holder of the turn.
func (s *sharedPool) ready(ctx context.Context, first *runOrder) (p *procPool, started bool, err error) {
	if s.closed {
		s.turn.Unlock()
		return nil, false, errors.New("kit: this started Processes executor was closed")
	}
	if s.pool == nil {
		if s.pool, err = startPool(ctx, s.workers, s.timeout, first); err != nil {
			s.turn.Unlock()
			return nil, true, err
		}
		return s.pool, true, nil
	}
	before := s.pool.current()
	if s.session != nil && (first == nil || !s.session.goesOn(first) || hasNil(before)) {
		s.session.end()
		s.session = nil
	}
	if err := s.pool.fill(); err != nil {
		s.shutDown()
		s.turn.Unlock()
		return nil, true, err
	}
	return s.pool, slices.Contains(before, nil), nil
}

// release ends a run's turn. A pool whose workers were killed (the run was
// stopped) is shut down; the next run starts a new one.
func (s *sharedPool) release() {
	if s.pool != nil && s.pool.isClosed() {
		s.shutDown()
	}
	s.turn.Unlock()
}

// close shuts the pool down, once the run using it has ended.
func (s *sharedPool) close() {
	s.turn.Lock()
	defer s.turn.Unlock()
	s.closed = true
	if s.pool != nil {
		s.shutDown()
	}
}

// shutDown ends the workers and frees the pool, for the holder of the turn.
func (s *sharedPool) shutDown() {
	s.pool.close() // the workers' reading ends with them
	s.pool, s.session = nil, nil
}

// session is the workers of a started pool reading the queue from run to
// run, in one way (see procSession): its readers of their reports stay up
// between runs, and the next run of the same kind only writes its frames.
type session interface {
	// goesOn reports whether a run started by o can read the queue as
	// the session's workers do, and the session is whole: no worker died.
	goesOn(o *runOrder) bool
	// end ends the workers' reading, waits until each has said so, and
	// empties the queue.
	end()
}

// procBackend is the backend of Processes: a run on a pool of worker
// processes.
type procBackend[T, R any] struct {
	shared   *sharedPool
	private  bool // the pool is this run's alone: shut it down after
	run      *procRun[T, R]
	stopKill func() bool
	done     chan struct{} // closed when work has returned
}

func (b *procBackend[T, R]) start(j *job[T, R]) (bool, error) {
	frames, err := newFrameWriter(j.inputs, j.chunk)
	if err != nil {
		return false, err
	}
	frames.perSpan = j.perSpan
	if b.shared = j.ex.pool; b.shared == nil {
		b.shared, b.private = newSharedPool(j.ex.Workers(), j.ex.timeout()), true
	}
	o := &runOrder{Task: j.task.name, FrameSize: frames.size, Preamble: frames.preamble}
	p, started, err := b.shared.acquire(j.ctx, o)
	if err != nil {
		if b.private {
			b.shared.close()
		}
		b.shared = nil
		return started, err
	}
	s, ok := b.shared.session.(*procSession[T, R])
	if !ok {
		if b.shared.session != nil {
			b.shared.session.end() // another task's of the same name: goesOn cannot tell
		}
		s = newSession[T, R](p, o)
		b.shared.session = s
		b.shared.sessions++
	}
	frames.run = s.nextRun()
	b.run = &procRun[T, R]{j: j, s: s, p: p, id: frames.run, frames: frames, reported: newOutcomes(len(j.inputs)),
		wake: make(chan struct{}, 1), over: make(chan struct{}), ended: make(chan struct{}), cpu: make([]workerCPU, len(p.workers)),
		buf: &s.frames}
	b.done = make(chan struct{})
	// Stopping the run early (WithFailFast, a cancelled context) kills the
	// workers; ending it normally must not.
	b.stopKill = context.AfterFunc(j.ctx, func() {
		if !b.run.settled() {
			p.killAll()
		}
	})
	for w := range p.workers {
		p.slots.reset(w) // no worker takes a frame of this run before it is written
	}
	s.begin(b.run)
	return started, nil
}

// launch writes the frames, on a goroutine that waits until the run is
// over.
func (b *procBackend[T, R]) launch(j *job[T, R], done func()) {
	go func() {
		defer done()
		defer close(b.done)
		b.run.run()
	}()
}

// stop ends the run's use of the pool. A run's own pool is shut down, and
// its workers waited for: children's CPU time counts once they are. On a
// started pool the workers report their CPU time instead, and the run
// returns at once; after a run that lost a worker or was stopped, the
// workers' reading ends while the run returns, and the next run waits for
// that.
func (b *procBackend[T, R]) stop() {
	if b.shared == nil {
		return
	}
	release := func() {
		<-b.done
		b.stopKill()
		b.shared.release()
	}
	if b.private {
		release()
		b.shared.close()
		return
	}
	j := b.run.j
	for w := range b.run.cpu {
		j.workerCPU.ChildUser += time.Duration(b.run.cpu[w].user.Load())
		j.workerCPU.ChildSys += time.Duration(b.run.cpu[w].sys.Load())
	}
	go release()
}

// workerCPU is the CPU time one worker has used in a run so far.
type workerCPU struct{ user, sys atomic.Int64 }

// procSession is the workers of a pool reading the queue one way: the
// frames of one task, of one size. A reader goroutine per worker reads its
// reports and hands them to the run under way. After a run that ended well
// the workers go on reading, and the next run of the task in frames of the
// same size, on a started pool, only writes its frames: no order to each
// worker before the run, no word from each after it. Frames and reports
// carry their run's id, and the runs of a session take turns.
type procSession[T, R any] struct {
	p     *procPool
	order *runOrder // what starts a worker's reading: a new worker gets it too
	id    runID     // the last run's
	// Results travel as their memory (see plainType), as the workers
	// decide once too.
	plainOut bool

	mu     sync.Mutex
	run    *procRun[T, R] // the run under way, nil between runs
	ending bool           // the workers have been told to stop reading
	frames []byte         // room for the frames of a write, kept from run to run
	broken bool           // a worker died between runs
	begun  bool           // the readers were started
	left   chan struct{}  // closed when every reader has returned
	active int            // readers running
}

func newSession[T, R any](p *procPool, o *runOrder) *procSession[T, R] {
	return &procSession[T, R]{p: p, order: o, plainOut: isPlain[R](), left: make(chan struct{})}
}

func (s *procSession[T, R]) nextRun() runID {
	s.id++
	return s.id
}

// goesOn is session's.
func (s *procSession[T, R]) goesOn(o *runOrder) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.broken && !s.ending && o.Task == s.order.Task && o.FrameSize == s.order.FrameSize &&
		bytes.Equal(o.Preamble, s.order.Preamble)
}

// begin makes r the session's run. The first run tells each worker not
// started with its order how to read, and starts the readers.
func (s *procSession[T, R]) begin(r *procRun[T, R]) {
	s.mu.Lock()
	s.run = r
	first := !s.begun
	s.begun = true
	s.mu.Unlock()
	if !first {
		return
	}
	workers := s.p.current()
	s.mu.Lock()
	for _, c := range workers {
		if c != nil {
			s.active++ // all counted before any reader can return
		}
	}
	none := s.active == 0
	s.mu.Unlock()
	if none {
		close(s.left)
		return
	}
	for w, c := range workers {
		if c == nil {
			continue
		}
		if c.startedWith != s.order {
			_ = c.send(order{Run: s.order}) // a worker that cannot be told is dead, which its reader finds out
		}
		go s.serve(w, c)
	}
}

// current is the run under way, or nil.
func (s *procSession[T, R]) current() *procRun[T, R] {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run
}

// runEnded is called by r when it ends.
func (s *procSession[T, R]) runEnded(r *procRun[T, R]) {
	s.mu.Lock()
	if s.run == r {
		s.run = nil
	}
	s.mu.Unlock()
}

// end is session's.
func (s *procSession[T, R]) end() {
	s.mu.Lock()
	s.ending = true
	s.mu.Unlock()
	for _, c := range s.p.current() {
		if c != nil {
			_ = c.send(order{End: true})
		}
	}
	<-s.left
	// Frames handed out twice after a worker died, which no worker took.
	if !s.p.isClosed() {
		if s.p.drained == nil {
			s.p.drained = make([]byte, maxFrameSize)
		}
		drainQueue(s.p.drain, s.p.drained)
	}
}

// serve reads the reports of the worker in slot w until it stops reading
// the queue, or dies between runs, or during a run and cannot be
// replaced. When it dies during a run, the input it was running fails,
// and a new worker takes its place for the rest.
func (s *procSession[T, R]) serve(w int, c *child) {
	defer func() {
		s.mu.Lock()
		if s.active--; s.active == 0 {
			close(s.left)
		}
		s.mu.Unlock()
	}()
	for {
		err := s.read(w, c)
		if err == nil {
			return // it has stopped reading
		}
		if s.p.isClosed() {
			c.wait() // the pool is shutting down, or was killed
			return
		}
		c.died(err)
		s.p.setWorker(w, nil)
		r := s.current()
		if r == nil {
			s.mu.Lock()
			s.broken = true // the next run ends the others' reading, and starts a new worker
			s.mu.Unlock()
			return
		}
		r.cpu[w].user.Store(0) // it is waited for: its CPU time counts as a child's
		r.cpu[w].sys.Store(0)
		if r.j.ctx.Err() != nil {
			return
		}
		r.died(w, c)
		if r.deaths.Load() > int64(len(r.j.inputs)+2*len(r.cpu)) {
			// A death fails the input it came of, so a run cannot see
			// more deaths than inputs if each came of one: these come of
			// something a new worker would meet again.
			for i := range r.j.inputs {
				r.fail(i, &TaskError{Worker: w, PID: c.pid, Exit: "its workers kept dying: the last " + c.exit})
			}
		}
		if r.isOver() {
			return // the next run starts a new worker
		}
		if c, err = s.p.start(w, s.order); err != nil {
			if r.j.ctx.Err() == nil {
				r.gaveUp(w, err)
			}
			return // this worker is gone; the others go on
		}
		// The new worker reads as the others do (its setup told it); if
		// their reading is ending, it must be told too.
		s.p.setWorker(w, c)
		s.mu.Lock()
		ending := s.ending
		s.mu.Unlock()
		if ending {
			_ = c.send(order{End: true})
		}
	}
}

// read handles the reports of c until it stops reading the queue (nil) or
// its pipe fails.
func (s *procSession[T, R]) read(w int, c *child) error {
	var (
		rep report[R]
		err error
	)
	for {
		if raw, err := nextIsRaw(c.results); err != nil {
			return err
		} else if raw {
			if err := s.readRaw(w, c, &rep); err != nil {
				return err
			}
			continue
		}
		// Cleared each time, gob leaving zero fields untouched, but with
		// room kept, except for the values, which go on to the run.
		rep.clear()
		rep.Values = nil
		if err := c.dec.Decode(&rep); err != nil {
			return err
		}
		if rep.Done {
			return nil
		}
		r := s.current()
		if r == nil || rep.Run != r.id {
			// A report on a run that is over: inputs handed out twice,
			// which a worker took before the queue was emptied. Nothing of
			// it counts; a worker that asks for inputs gets none.
			if rep.Need {
				if err := c.send(order{}); err != nil {
					return err
				}
			}
			continue
		}
		if len(rep.Raw) > 0 {
			var ok bool
			if rep.Values, ok = fromBytes[R](rep.Raw, nil); !ok || !s.plainOut {
				return fmt.Errorf("kit: worker sent %d bytes of results", len(rep.Raw))
			}
		}
		if len(rep.GapsRaw) > 0 || len(rep.LensRaw) > 0 {
			var okG, okL bool
			rep.Gaps, okG = fromBytes(rep.GapsRaw, rep.Gaps)
			rep.Lens, okL = fromBytes(rep.LensRaw, rep.Lens)
			if !okG || !okL {
				return fmt.Errorf("kit: worker sent %d and %d bytes of times", len(rep.GapsRaw), len(rep.LensRaw))
			}
		}
		r.cpu[w].user.Store(rep.User)
		r.cpu[w].sys.Store(rep.Sys)
		if c.spans, err = r.accept(w, c, &rep, c.spans[:0]); err != nil {
			return err
		}
		if rep.Need {
			if err := r.sendInputs(w, c, rep.Lo, rep.Hi); err != nil {
				return err
			}
		}
	}
}

// readRaw handles a raw report of c (see procraw.go), read into rep.
func (s *procSession[T, R]) readRaw(w int, c *child, rep *report[R]) error {
	h, err := readRawHeader(c.results)
	if err != nil {
		return err
	}
	r := s.current()
	if r == nil || h.run() != r.id {
		_, err := c.results.Discard(int(h.rest())) // a report on a run that is over: see read
		return err
	}
	values, err := readRaw(c.results, h, rep, len(r.j.inputs))
	if err != nil {
		return err
	}
	r.cpu[w].user.Store(rep.User)
	r.cpu[w].sys.Store(rep.Sys)
	c.spans, err = r.acceptRaw(w, c, rep, values, c.spans[:0])
	return err
}

// procRun is one Map on a pool: it fills the queue, and the session's
// readers hand it the workers' reports, until every input has an outcome.
type procRun[T, R any] struct {
	j      *job[T, R]
	s      *procSession[T, R]
	p      *procPool
	id     runID
	frames *frameWriter[T] // its plain says whether inputs asked for travel as their memory, as the workers' readers decide too

	reported *outcomes    // the inputs whose outcome reached the run
	claimed  atomic.Int64 // how many have their outcome
	done     atomic.Int64 // how many have it delivered to the collector
	deaths   atomic.Int64
	cpu      []workerCPU   // per slot: what its worker said it used in the run
	over     chan struct{} // closed when every input has an outcome
	overOnce sync.Once

	mu      sync.Mutex
	again   [][2]int      // chunks to hand out again: their worker died
	wake    chan struct{} // something was added to again
	waiting atomic.Bool   // the feeder has nothing to write
	fed     chan struct{} // closed when the feeder returns, if one was started
	watched chan struct{} // closed when the watcher returns, if one was started
	primed  bool          // the first frames are written: a feeder may start
	wanted  bool          // a feeder was wanted before
	ending  bool          // no feeder or watcher may start any more
	ended   chan struct{} // closed when the run ends: the feeder and watcher stop

	buf *[]byte // frames being written, the session's: one run writes at a time
}

// settled reports whether every input has its outcome, delivered or not:
// a run stopped early has inputs without one.
func (r *procRun[T, R]) settled() bool { return int(r.claimed.Load()) == len(r.j.inputs) }

func (r *procRun[T, R]) isOver() bool {
	select {
	case <-r.over:
		return true
	default:
		return false
	}
}

// finish marks the run over once every input has an outcome.
func (r *procRun[T, R]) finish() { r.overOnce.Do(func() { close(r.over) }) }

// run writes the first frames, then waits until every input has an
// outcome, or no worker is left. A run that went well leaves the workers
// reading; one that lost a worker or was stopped ends their reading, and
// what is left on the queue is emptied.
func (r *procRun[T, R]) run() {
	// As many frames as one write takes: for most runs, every frame.
	_, err := r.handOut(framesPerWrite)
	r.mu.Lock()
	r.primed = true // from here on the feeder may write
	wanted := r.wanted
	r.mu.Unlock()
	if err == nil && (wanted || r.chunksLeft()) {
		r.startFeeder()
	}
	select {
	case <-r.over:
	case <-r.s.left:
	}
	r.finish() // if the workers are gone before the end
	r.mu.Lock()
	r.ending = true
	fed, watched := r.fed, r.watched
	r.mu.Unlock()
	close(r.ended)
	if fed != nil {
		// The feeder may be writing a chunk handed out again: make it give up.
		_ = r.p.queueW.SetWriteDeadline(time.Unix(1, 0))
		<-fed
		_ = r.p.queueW.SetWriteDeadline(time.Time{})
	}
	if watched != nil {
		<-watched
	}
	r.s.runEnded(r)
	if r.deaths.Load() > 0 || !r.settled() {
		r.s.end() // what is left on the queue may be taken: no run of the session may follow
	}
}

// chunksLeft reports whether some chunk of the run was not handed out yet.
func (r *procRun[T, R]) chunksLeft() bool {
	r.j.mu.Lock()
	defer r.j.mu.Unlock()
	return r.j.next < len(r.j.inputs) && r.j.ctx.Err() == nil
}

// startFeeder starts the goroutine that writes the rest of the frames, and
// those of dead workers again, unless it runs already or the run is ending.
func (r *procRun[T, R]) startFeeder() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.primed {
		r.wanted = true // run starts it once its first write is done
		return
	}
	if r.fed != nil || r.ending {
		return
	}
	r.fed = make(chan struct{})
	go func() {
		defer close(r.fed)
		r.feed(2 * len(r.p.workers))
	}()
}

// feed writes the chunks to the queue in input order, and the chunks of
// dead workers again, until the run is over: batch frames in one write,
// then ever more.
func (r *procRun[T, R]) feed(batch int) {
	for {
		n, err := r.handOut(batch)
		if err != nil {
			return // the pool is closing, or the run is over
		}
		if n > 0 {
			batch = min(batch*2, framesPerWrite)
			continue
		}
		r.waiting.Store(true)
		select {
		case <-r.wake:
			r.waiting.Store(false)
		case <-r.ended:
			return
		case <-r.j.ctx.Done():
			return
		}
	}
}

// handOut writes up to n chunks to the queue in one write, those of dead
// workers first, and says how many it wrote.
func (r *procRun[T, R]) handOut(n int) (int, error) {
	buf := (*r.buf)[:0]
	defer func() { *r.buf = buf }()
	k := 0
	for ; k < n; k++ {
		lo, hi, ok := r.nextAgain()
		if !ok {
			lo, hi, ok = r.j.take()
		}
		if !ok {
			break
		}
		buf = r.frames.encode(buf, lo, hi, r.j.inputs[lo:hi])
	}
	if k == 0 {
		return 0, nil
	}
	_, err := r.p.queueW.Write(buf)
	return k, err
}

func (r *procRun[T, R]) nextAgain() (lo, hi int, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.again) == 0 || r.j.ctx.Err() != nil || r.isOver() {
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
		if r.reported.has(i) {
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

// died deals with the death of c, the worker in slot w, during the run:
// the input it was running fails, the rest of its chunk is handed out
// again, and a watcher looks for chunks lost in the instant of a death.
func (r *procRun[T, R]) died(w int, c *child) {
	r.deaths.Add(1)
	r.mu.Lock()
	if r.watched == nil && !r.ending {
		watched := make(chan struct{})
		r.watched = watched
		go func() {
			defer close(watched)
			r.watch()
		}()
	}
	r.mu.Unlock()
	r.lost(w, c)
}

// sendInputs sends inputs [lo, hi) to c, which asked for them: plain
// inputs as their memory, others each on its own, types included, since
// any task's inputs may follow on this pipe.
func (r *procRun[T, R]) sendInputs(w int, c *child, lo, hi int) error {
	if lo < 0 || lo >= hi || hi > len(r.j.inputs) {
		return fmt.Errorf("kit: worker asked for inputs %d to %d", lo, hi)
	}
	var buf bytes.Buffer
	if r.frames.plain {
		buf.Write(asBytes(r.j.inputs[lo:hi]))
	} else if err := gob.NewEncoder(&buf).Encode(frameInputs[T]{Inputs: r.j.inputs[lo:hi]}); err != nil {
		// An interface holding a type gob does not know: those inputs
		// fail, and an empty answer tells the worker to go on.
		r.notSent(w, lo, hi, err)
		buf.Reset()
	}
	return c.send(order{Inputs: buf.Bytes()})
}

// accept passes the outcomes of rep on to the run, its spans to the trace
// (in spans, which it returns for reuse; as the trace keeps them, since a
// small run has one per input) and its values to the collector as they
// came. An input already reported (handed out twice after a worker died)
// keeps its first outcome.
func (r *procRun[T, R]) accept(w int, c *child, rep *report[R], spans []spanRec) ([]spanRec, error) {
	j := r.j
	if err := rep.check(len(j.inputs), len(rep.Values)); err != nil {
		return spans, err
	}
	if j.ctx.Err() != nil || len(rep.Values) == 0 {
		return spans, nil // the run has stopped (WithFailFast): what ran since does not count
	}
	stale, fresh := r.claim(rep.Runs, len(rep.Values))
	return r.take(w, c, rep, stale, fresh, false, spans)
}

// acceptRaw is accept for a raw report (see procraw.go) whose values,
// valueBytes of them, are still on c's pipe: it reads them straight into
// the run's results, where they belong, those of inputs already reported
// excepted.
func (r *procRun[T, R]) acceptRaw(w int, c *child, rep *report[R], valueBytes int, spans []spanRec) ([]spanRec, error) {
	j := r.j
	var zero R
	size := int(unsafe.Sizeof(zero))
	values := valueBytes / size
	if valueBytes%size != 0 {
		return spans, fmt.Errorf("kit: worker sent %d bytes of results", valueBytes)
	}
	if err := rep.check(len(j.inputs), values); err != nil {
		return spans, err
	}
	if j.ctx.Err() != nil || values == 0 {
		_, err := c.results.Discard(valueBytes) // the run has stopped (WithFailFast): what ran since does not count
		return spans, err
	}
	stale, fresh := r.claim(rep.Runs, values)
	for k, at := 0, 0; k < len(rep.Runs); k += 2 {
		lo, n := rep.Runs[k], rep.Runs[k+1]
		if err := r.readValues(c, j.results[lo:lo+n], stale, at, size); err != nil {
			// The worker died in the middle of its report: what it claimed
			// has no outcome, and is handed out again with the rest.
			r.release(rep.Runs, stale)
			return spans, err
		}
		at += n
	}
	return r.take(w, c, rep, stale, fresh, true, spans)
}

// readValues reads the values of a run of inputs from c's pipe into
// results, where they belong, but for those whose positions in the report
// (from at on) are stale: their inputs have their outcome from another
// worker, which may be writing it. Those runs go through c.scratch.
func (r *procRun[T, R]) readValues(c *child, results []R, stale []bool, at, size int) error {
	if stale == nil || !slices.Contains(stale[at:at+len(results)], true) {
		_, err := io.ReadFull(c.results, asBytes(results))
		return err
	}
	c.scratch = growTo(c.scratch, len(results)*size)
	if _, err := io.ReadFull(c.results, c.scratch); err != nil {
		return err
	}
	for i := range results {
		if !stale[at+i] {
			copy(asBytes(results[i:i+1]), c.scratch[i*size:])
		}
	}
	return nil
}

// release takes back the claims of a report's fresh inputs (see claim),
// which it could not deliver.
func (r *procRun[T, R]) release(runs []int, stale []bool) {
	for k, at := 0, 0; k < len(runs); k += 2 {
		lo, n := runs[k], runs[k+1]
		for i := range n {
			if stale == nil || !stale[at+i] {
				r.reported.release(lo + i)
			}
		}
		at += n
	}
}

// claim claims the inputs of a report's runs (first input, length, ...)
// of values values, and says which are stale, by their position among the
// values (nil if none): their input has its outcome already. It returns
// how many are fresh.
func (r *procRun[T, R]) claim(runs []int, values int) (stale []bool, fresh int) {
	for k, at := 0, 0; k < len(runs); k += 2 {
		lo, n := runs[k], runs[k+1]
		if r.reported.claim(lo, lo+n) {
			fresh += n
		} else {
			if stale == nil {
				stale = make([]bool, values)
			}
			for i := range n {
				if r.reported.claim(lo+i, lo+i+1) {
					fresh++
				} else {
					stale[at+i] = true
				}
			}
		}
		at += n
	}
	return stale, fresh
}

// take passes on the fresh outcomes of rep, claimed: its spans to the
// trace, its values to the collector, from rep.Values, or, inPlace, from
// the run's results, where they were read.
func (r *procRun[T, R]) take(w int, c *child, rep *report[R], stale []bool, fresh int, inPlace bool, spans []spanRec) ([]spanRec, error) {
	j := r.j
	if fresh == 0 {
		return spans, nil
	}
	r.claimed.Add(int64(fresh))
	// The spans, each within a run of inputs.
	spans = slices.Grow(spans, len(rep.Lens))
	run, left, first := 0, rep.Runs[1], rep.Runs[0] // the run of the next value, how many of it are left, its input
	failed := rep.Failures
	at, end := 0, rep.Base
	origin := j.trace.start.UnixNano() // the trace's start, as the worker's clock reads
	for s, length := range rep.Lens {
		n := 1
		if len(rep.Sizes) > 0 {
			n = rep.Sizes[s]
		}
		if left == 0 {
			run += 2
			left, first = rep.Runs[run+1], rep.Runs[run]
		}
		if n > left {
			return spans, fmt.Errorf("kit: worker sent a span of %d inputs across runs", n)
		}
		start := end + rep.Gaps[s]
		end = start + length
		span := spanRec{worker: int32(w), pid: int32(c.pid), input: first, start: time.Duration(start - origin), end: time.Duration(end - origin)}
		for len(failed) > 0 && failed[0].K < at+n {
			span.err, failed = true, failed[1:]
		}
		if stale == nil {
			spans = appendSpan(spans, span, n)
		} else {
			// Each stretch of fresh inputs gets the span's times.
			for i := 0; i < n; {
				for i < n && stale[at+i] {
					i++
				}
				m := 0
				for i+m < n && !stale[at+i+m] {
					m++
				}
				if m > 0 {
					span.input = first + i
					spans = appendSpan(spans, span, m)
				}
				i += m
			}
		}
		at, left, first = at+n, left-n, first+n
	}
	// The values, a batch per run of fresh inputs.
	failed = rep.Failures
	batches := 0
	put := func(b batch[R]) {
		if batches++; batches == 1 {
			j.deliverRecs(b, spans) // the spans first: the collector may stop the trace once it has every value
		} else {
			j.deliverRecs(b, nil)
		}
	}
	for k, at := 0, 0; k < len(rep.Runs); k += 2 {
		lo, n := rep.Runs[k], rep.Runs[k+1]
		b := batch[R]{lo: lo, values: j.results[lo : lo+n : lo+n], inPlace: true}
		if !inPlace {
			b = batch[R]{lo: lo, values: rep.Values[at : at+n : at+n]}
		}
		if stale == nil && (len(failed) == 0 || failed[0].K >= at+n) {
			put(b) // the common case: every outcome a result, and new
			at += n
			continue
		}
		if inPlace { // no failures: a batch per stretch of fresh inputs
			for i := 0; i < n; {
				m := 0
				for i+m < n && !stale[at+i+m] {
					m++
				}
				if m > 0 {
					put(batch[R]{lo: lo + i, values: j.results[lo+i : lo+i+m : lo+i+m], inPlace: true})
				}
				i += m + 1
			}
			at += n
			continue
		}
		b = batch[R]{}
		for i := range n {
			p := at + i
			var err error
			if len(failed) > 0 && failed[0].K == p {
				err = &TaskError{Task: j.task.name, Input: lo + i, Arg: label(j.inputs[lo+i]), Worker: w, PID: c.pid,
					Panic: failed[0].Panic, Stack: failed[0].Stack}
				failed = failed[1:]
			}
			if stale != nil && stale[p] {
				continue
			}
			if len(b.values) > 0 && b.lo+len(b.values) != lo+i {
				put(b) // a batch holds consecutive inputs only
				b = batch[R]{}
			}
			if len(b.values) == 0 {
				b.lo = lo + i
			}
			b.add(rep.Values[p], err)
		}
		if len(b.values) > 0 {
			put(b)
		}
		at += n
	}
	// Counted once delivered: the run is over only when the collector has
	// every outcome, or could miss the last.
	if int(r.done.Add(int64(fresh))) == len(j.inputs) {
		r.finish()
	}
	return spans, nil
}

// outcomes is the set of a run's inputs that have their outcome, safe for
// concurrent use: a report claims its inputs a run of them at a time.
type outcomes struct {
	mu  sync.Mutex
	set inputSet
	n   int
}

func newOutcomes(n int) *outcomes { return &outcomes{set: newInputSet(n, nil), n: n} }

// claim marks inputs [lo, hi) and reports whether none was marked before;
// if one was, it marks none.
func (o *outcomes) claim(lo, hi int) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.set.anyIn(lo, hi) {
		return false
	}
	o.set.addRange(lo, hi)
	return true
}

// all reports whether every input in [lo, hi) is marked; inputs out of
// range are left out.
func (o *outcomes) all(lo, hi int) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.set.allIn(max(lo, 0), min(hi, o.n))
}

func (o *outcomes) has(i int) bool { return o.all(i, i+1) }

// release unmarks input i, claimed by an outcome that was never delivered.
func (o *outcomes) release(i int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.set.remove(i)
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
		Exit: c.exit, Stderr: c.lastWords()}) {
		r.j.trace.Add(Span{Worker: w, PID: c.pid, Input: i,
			Start: r.j.trace.at(sl.since.Load()), End: r.j.trace.Since(), Err: true})
	}
	r.handOutAgain(lo, hi)
	r.startFeeder() // the feeder writes them
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
	if !r.reported.claim(i, i+1) {
		return false
	}
	r.claimed.Add(1)
	r.j.fail(i, te)
	if int(r.done.Add(1)) == len(r.j.inputs) {
		r.finish()
	}
	return true
}

// watch hands out again the inputs of a chunk lost with a worker that died
// in the instant between taking its frame and noting it in its slot. It
// acts only after a death, once the queue is empty and every worker has
// been idle for two looks in a row.
func (r *procRun[T, R]) watch() {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	streak, last := 0, int64(-1)
	for {
		select {
		case <-r.ended:
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
			r.startFeeder()
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
		if !r.reported.all(int(sl.lo.Load()), int(sl.hi.Load())) {
			return false
		}
	}
	return true
}

// at converts a wall-clock time from a worker process into an offset from
// the trace's start.
func (t *Trace) at(unixNano int64) time.Duration {
	return time.Duration(unixNano - t.start.UnixNano())
}
