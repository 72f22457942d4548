package kit

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// The worker side of [Processes]. A worker is this program started again
// with KIT_WORKER=<task name> in its environment. Package initialisation runs
// as usual until the package-level kit.Task call of that name, which serves
// requests there and exits: main never runs in a worker.
//
// Inputs come from the pool's queue (see procqueue.go) and results go back on
// a pipe of the worker's own, encoded with encoding/gob, so that the worker's
// stdout and stderr stay the task's own.

// workerEnv names the task a worker process serves.
const workerEnv = "KIT_WORKER"

// File descriptors of the worker's pipes and shared memory: os/exec puts
// ExtraFiles at 3, 4, ...
const (
	requestFD = 3 // the worker's own pipe from the parent: setup, and inputs too big for a frame
	resultFD  = 4 // to the parent: hello once ready, then reports
	queueFD   = 5 // the queue of frames shared by all the pool's workers
	slotsFD   = 6 // the pool's shared memory
)

// workerTask is read lazily, not in an init func: the package-level tasks of
// kit's own tests are initialised before kit's init funcs run.
var (
	workerOnce sync.Once
	workerTask string
)

// workerTaskName is the task this process was started to serve, or "".
func workerTaskName() string {
	workerOnce.Do(func() {
		workerTask = os.Getenv(workerEnv)
		// Programs this worker starts (a task may run commands) are not
		// workers; proc.Self sets the variable again for kit's own.
		os.Unsetenv(workerEnv)
	})
	return workerTask
}

// isWorker reports whether this process is a worker of some parent's pool.
func isWorker() bool { return workerTaskName() != "" }

// hello is a worker's first message: it is ready.
type hello struct {
	PID  int
	Task string
}

// setup is the parent's first message on a worker's own pipe.
type setup struct {
	Slot      int    // the worker's slot in the shared memory
	SlotsSize int    // the size of the shared memory
	FrameSize int    // the size of every frame on the queue
	Preamble  []byte // gob's type descriptions for the frames' payloads
}

// report is what a worker sends after its hello: results, or a request for
// the inputs of a chunk whose frame could not hold them.
type report[R any] struct {
	Results []result[R]
	Need    bool // send inputs [Lo, Hi) on the worker's own pipe
	Lo, Hi  int
	Warmup  bool // only to ready gob's code: ignore it
}

// result is one input's outcome.
type result[R any] struct {
	Input      int
	Value      R
	Failed     bool
	Panic      string // the panic value, as text
	Stack      string
	Start, End int64 // Unix nanoseconds: the two processes share the wall clock
}

// flushEvery is how long a worker may keep results before sending them.
const flushEvery = time.Millisecond

// serve runs t for the parent until the parent is done with it, then exits.
func serve[T, R any](t *TaskFunc[T, R]) {
	own := os.NewFile(requestFD, "kit-requests")
	out := os.NewFile(resultFD, "kit-results")
	fail := func(err error) {
		fmt.Fprintf(os.Stderr, "kit: worker for task %q: %v\n", t.name, err)
		os.Exit(3)
	}
	ownDec := gob.NewDecoder(own)
	var s setup
	if err := ownDec.Decode(&s); errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		os.Exit(0) // the parent is gone, or no longer needs this worker
	} else if err != nil {
		fail(fmt.Errorf("no pipe from a parent (%v); was it started by kit.Processes?", err))
	}
	mem, err := mapShared(slotsFD, s.SlotsSize)
	if err != nil {
		fail(err)
	}
	slot := (&slots{mem: mem}).at(s.Slot)
	queue, err := newFrameReader[T](queueFD, s.FrameSize, s.Preamble)
	if err != nil {
		fail(err)
	}
	// Hello means ready: from here on this worker's time is the work's, so
	// the parent's Startup covers all of the worker's preparation.
	enc := gob.NewEncoder(out)
	if err := enc.Encode(hello{PID: os.Getpid(), Task: t.name}); err != nil {
		os.Exit(0) // the parent is gone
	}
	// A first report with one empty result readies the gob code at both
	// ends of the result pipe before the first real one, usually while the
	// parent still waits for the other workers' hellos.
	if enc.Encode(report[R]{Warmup: true, Results: make([]result[R], 1)}) != nil {
		os.Exit(3)
	}
	// The worker's own pipe ends when the parent has finished with this
	// worker, or died: that ends the worker at once, even in the middle of a
	// long input. Until then it brings the inputs the frames could not hold.
	payloads := make(chan []T)
	go func() {
		for {
			var in frameInputs[T]
			if err := ownDec.Decode(&in); err != nil {
				os.Exit(0)
			}
			payloads <- in.Inputs
		}
	}()
	// Results wait in pending until the worker is about to wait for work,
	// or has held them for flushEvery: quick inputs' results travel
	// together, and a slow input's result leaves as soon as it is known.
	var (
		pending []result[R]
		flushed = time.Now()
	)
	send := func(rep report[R]) {
		rep.Results = pending
		if err := enc.Encode(rep); err != nil {
			// A result cannot be encoded (an interface holding an
			// unregistered type, say): send each alone, that one as a failure.
			for _, res := range pending {
				if enc.Encode(report[R]{Results: []result[R]{res}}) != nil {
					var zero R
					res.Value, res.Failed = zero, true
					res.Panic = "kit: the result cannot be sent to the parent process: " + err.Error()
					if enc.Encode(report[R]{Results: []result[R]{res}}) != nil {
						os.Exit(3)
					}
				}
			}
			if rep.Need && enc.Encode(report[R]{Need: true, Lo: rep.Lo, Hi: rep.Hi}) != nil {
				os.Exit(3)
			}
		}
		pending, flushed = pending[:0], time.Now()
	}
	flush := func() {
		if len(pending) > 0 {
			send(report[R]{})
		}
	}
	for {
		lo, hi, inputs, inline, err := queue.next(flush)
		if errors.Is(err, io.EOF) {
			flush()
			os.Exit(0) // the parent has handed out everything and closed the queue
		} else if err != nil {
			fail(err)
		}
		slot.lo.Store(int64(lo))
		slot.hi.Store(int64(hi))
		if !inline {
			send(report[R]{Need: true, Lo: lo, Hi: hi})
			if inputs = <-payloads; len(inputs) != hi-lo {
				inputs = nil // the parent could not send them, and failed them
			}
		}
		for k, x := range inputs {
			i := lo + k
			start := time.Now()
			slot.since.Store(start.UnixNano())
			slot.running.Store(int64(i) + 1)
			v, err := t.call(i, x)
			res := result[R]{Input: i, Value: v, Start: start.UnixNano(), End: time.Now().UnixNano()}
			if te, ok := err.(*TaskError); ok {
				res.Failed, res.Panic, res.Stack = true, fmt.Sprint(te.Panic), te.Stack
			}
			pending = append(pending, res)
			if res.Failed || time.Since(flushed) >= flushEvery {
				flush() // a failure at once: the parent may be failing fast
			}
		}
		slot.running.Store(0)
	}
}
