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
	"time"
)

// The parent side of [Processes]: a pool of worker processes, each this
// program started again (see worker.go), fed chunks of inputs through a pipe.

// stderrTail is how much of a worker's stderr is kept to explain its death.
const stderrTail = 2 << 10

// procPool is the worker processes of one run.
type procPool struct {
	task     string
	timeout  time.Duration
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
	req    *os.File // our end of the request pipe; closing it ends the worker
	enc    *gob.Encoder
	dec    *gob.Decoder
	stderr *tailWriter

	waitOnce sync.Once
	exit     string // how it ended, e.g. "exit status 2"; set by wait
	pool     *procPool
}

// startPool starts n workers for task and waits until each has reported
// ready. When ctx ends, every worker is killed.
func startPool(ctx context.Context, task string, n int, timeout time.Duration) (*procPool, error) {
	p := &procPool{task: task, timeout: timeout, live: map[*child]bool{}}
	p.stopKill = context.AfterFunc(ctx, p.killAll)
	p.first = make([]*child, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.first[i], errs[i] = p.start()
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

// start starts one worker and waits for its hello.
func (p *procPool) start() (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("kit: cannot find this program to start a worker: %w", err)
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("kit: cannot start a worker: %w", err)
	}
	resR, resW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, fmt.Errorf("kit: cannot start a worker: %w", err)
	}
	c := &child{pool: p, req: reqW, stderr: &tailWriter{to: os.Stderr}}
	// Same program, same arguments: its initialisation must reach the same
	// kit.Task calls as ours did.
	c.cmd = exec.Command(exe, os.Args[1:]...)
	c.cmd.Env = workerEnviron(os.Environ(), p.task)
	c.cmd.Stdout = os.Stdout // the task's prints reach the cell
	c.cmd.Stderr = c.stderr  // and so do its errors, with the tail kept
	c.cmd.ExtraFiles = []*os.File{reqR, resW}
	c.cmd.WaitDelay = time.Second // in case the task left a process holding stderr
	configureWorkerCmd(c.cmd)

	p.mu.Lock()
	if p.closed {
		err = errors.New("kit: the run was stopped")
	} else if err = c.cmd.Start(); err == nil {
		p.live[c] = true
	}
	p.mu.Unlock()
	// The child has its own copies of its ends; ours must go, so that a dead
	// child shows as the end of the result pipe.
	reqR.Close()
	resW.Close()
	if err != nil {
		reqW.Close()
		resR.Close()
		return nil, fmt.Errorf("kit: cannot start a worker process: %w", err)
	}
	c.pid = c.cmd.Process.Pid
	c.enc = gob.NewEncoder(reqW)
	c.dec = gob.NewDecoder(resR)

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

// close ends the workers still running and waits for them all.
func (p *procPool) close() {
	p.stopKill()
	p.mu.Lock()
	p.closed = true
	var left []*child
	for c := range p.live {
		left = append(left, c)
	}
	p.mu.Unlock()
	for _, c := range left {
		c.stop()
	}
}

func (c *child) kill() { _ = c.cmd.Process.Kill() }

// wait waits for the process to end and records how it ended.
func (c *child) wait() {
	c.waitOnce.Do(func() {
		_ = c.cmd.Wait()
		c.req.Close()
		c.exit = c.cmd.ProcessState.String()
		c.pool.mu.Lock()
		delete(c.pool.live, c)
		c.pool.mu.Unlock()
	})
}

// stop ends an idle worker: closing its request pipe makes it exit.
func (c *child) stop() {
	c.req.Close()
	t := time.AfterFunc(5*time.Second, c.kill)
	c.wait()
	t.Stop()
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

// runProcess is worker w of a Processes run: it feeds chunks to its child
// and starts a new child when one dies.
func runProcess[T, R any](j *job[T, R], p *procPool, w int) {
	c := p.first[w]
	defer func() {
		if c != nil {
			c.stop()
		}
	}()
	for {
		lo, hi, ok := j.take()
		if !ok {
			return
		}
		for lo < hi {
			if c == nil {
				var err error
				if c, err = p.start(); err != nil {
					if j.ctx.Err() == nil {
						failRest(j, w, lo, hi, err)
					}
					return // this worker is gone; the others go on
				}
			}
			began := j.trace.Since()
			done, err := sendChunk(j, c, w, lo, hi, &began)
			lo += done
			if err == nil {
				continue
			}
			c.died(err)
			if j.ctx.Err() != nil {
				c = nil // killed because the run stopped: nothing failed
				return
			}
			// The worker died running input lo: that input fails, the rest
			// of the chunk goes to a new worker.
			j.trace.Add(Span{Worker: w, PID: c.pid, Input: lo, Label: label(j.inputs[lo]),
				Start: began, End: j.trace.Since(), Err: true})
			b := batch[R]{lo: lo}
			var zero R
			b.add(zero, &TaskError{Task: j.task.name, Input: lo, Arg: label(j.inputs[lo]), Worker: w, PID: c.pid,
				Exit: c.exit, Stderr: c.stderr.String()})
			j.batches <- b
			if j.ex.failFast {
				j.stop()
			}
			lo++
			c = nil
		}
	}
}

// sendChunk runs inputs [lo, hi) on c and reports each result as it comes.
// It returns how many came back, and the error that stopped it early.
// *began is when the input now running started, as far as we know.
func sendChunk[T, R any](j *job[T, R], c *child, w, lo, hi int, began *time.Duration) (int, error) {
	if err := c.enc.Encode(request[T]{Lo: lo, Inputs: j.inputs[lo:hi]}); err != nil {
		return 0, err
	}
	for i := lo; i < hi; i++ {
		var res result[R] // fresh each time: gob leaves zero fields untouched
		if err := c.dec.Decode(&res); err != nil {
			return i - lo, err
		}
		if res.Input != i {
			return i - lo, fmt.Errorf("kit: worker sent input %d, expected %d", res.Input, i)
		}
		*began = j.trace.Since()
		j.trace.Add(Span{Worker: w, PID: c.pid, Input: i, Label: label(j.inputs[i]),
			Start: j.trace.at(res.Start), End: j.trace.at(res.End), Err: res.Failed})
		b := batch[R]{lo: i}
		var err error
		if res.Failed {
			err = &TaskError{Task: j.task.name, Input: i, Arg: label(j.inputs[i]), Worker: w, PID: c.pid,
				Panic: res.Panic, Stack: res.Stack}
		}
		b.add(res.Value, err)
		j.batches <- b
		if err != nil && j.ex.failFast {
			j.stop()
		}
	}
	return hi - lo, nil
}

// failRest fails inputs [lo, hi) with err: no worker could run them.
func failRest[T, R any](j *job[T, R], w, lo, hi int, err error) {
	b := batch[R]{lo: lo}
	var zero R
	for i := lo; i < hi; i++ {
		b.add(zero, &TaskError{Task: j.task.name, Input: i, Arg: label(j.inputs[i]), Worker: w, Exit: err.Error()})
	}
	j.batches <- b
}

// at converts a wall-clock time from a worker process into an offset from
// the trace's start.
func (t *Trace) at(unixNano int64) time.Duration {
	return time.Duration(unixNano - t.start.UnixNano())
}

// tailWriter passes writes through and keeps the last stderrTail bytes.
type tailWriter struct {
	to  io.Writer
	mu  sync.Mutex
	buf []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	_, _ = w.to.Write(p) // the parent's stderr failing must not kill the worker
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if len(w.buf) > stderrTail {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-stderrTail:]...)
	}
	return len(p), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}
