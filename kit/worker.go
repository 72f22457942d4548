package kit

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// The worker side of [Processes]. A worker is this program started again
// (see kit/internal/proc) with KIT_WORKER=<n> in its environment: n is how
// many package-level tasks the parent had declared. Package initialisation
// runs as usual, each kit.Task call registering its task, until the n-th:
// that call serves the parent and exits, so main never runs in a worker, and
// the worker can run any of the program's tasks, one run after another, for
// as long as its pool lives (see [Executor.Start]).
//
// Inputs come from the pool's queue (see procqueue.go) and results go back on
// a pipe of the worker's own, encoded with encoding/gob, so that the worker's
// stdout and stderr stay the task's own.

// workerEnv makes a process a worker, and says how many tasks to wait for.
const workerEnv = "KIT_WORKER"

// File descriptors of the worker's pipes and shared memory: os/exec puts
// ExtraFiles at 3, 4, ...
const (
	requestFD = 3 // the worker's own pipe from the parent: orders
	resultFD  = 4 // to the parent: hello once ready, then reports
	queueFD   = 5 // the queue of frames shared by all the pool's workers
	slotsFD   = 6 // the pool's shared memory
)

// workerTasks is read lazily, not in an init func: the package-level tasks
// of kit's own tests are initialised before kit's init funcs run.
var (
	workerOnce  sync.Once
	workerTasks int
)

// workerTaskCount is how many tasks this worker waits for before it serves
// its parent, or 0 if this process is not a worker.
func workerTaskCount() int {
	workerOnce.Do(func() {
		workerTasks, _ = strconv.Atoi(os.Getenv(workerEnv))
		// Programs this worker starts (a task may run commands) are not
		// workers; proc.Self sets the variable again for kit's own.
		os.Unsetenv(workerEnv)
	})
	return workerTasks
}

// isWorker reports whether this process is a worker of some parent's pool.
func isWorker() bool { return workerTaskCount() > 0 }

// workerEnvFor is the variable that starts a worker of this program.
func workerEnvFor(tasks int) string { return workerEnv + "=" + strconv.Itoa(tasks) }

// hello is a worker's first message: it is ready.
type hello struct{ PID int }

// setup is the parent's first message on a worker's own pipe.
type setup struct {
	Slot      int       // the worker's slot in the shared memory
	SlotsSize int       // the size of the shared memory
	Run       *runOrder // a run to start at once, if any
}

// order is what the parent sends a ready worker on its own pipe: one of a
// run to take part in, the end of that run, or the inputs it asked for.
type order struct {
	Run    *runOrder
	End    bool
	Inputs []byte // a frameInputs value, gob-encoded on its own
}

// runOrder starts a run: which task, and how to read the queue's frames.
type runOrder struct {
	Task      string
	FrameSize int    // the size of every frame on the queue
	Preamble  []byte // gob's type descriptions for the frames' payloads
	// Call, if not nil, makes the order a Submit's instead of a run: run
	// the task once, on the input it holds, and report its one result.
	Call *callOrder
}

// callOrder is a Submit's input. The inputs of one task's calls to one
// worker form one gob stream, so that type descriptions travel once: Fresh
// starts a new stream (the parent's encoder failed, and was replaced).
type callOrder struct {
	Input []byte // a callInput value
	Fresh bool
}

// callReport is a worker's answer to a Submit: its one result, without
// the times and flags of a run's report, which the call does not use.
type callReport[R any] struct {
	Value        R
	Failed       bool
	Panic, Stack string
}

// callInput wraps a Submit's input: gob sends a value of interface type
// with its type only inside a struct.
type callInput[T any] struct{ X T }

// report is what a worker sends after its hello: results, or a request for
// the inputs of a chunk whose frame could not hold them, or that it has
// left the run.
type report[R any] struct {
	// The outcomes of inputs, one slice per field of result, an entry per
	// input: gob sends a slice of numbers many times faster than a slice
	// of structs, and the times as small offsets in fewer bytes.
	Inputs   []int
	Values   []R
	Base     int64   // Unix nanoseconds: when the first input started
	Starts   []int64 // when each started, in nanoseconds after Base
	Ends     []int64 // when each ended, in nanoseconds after its start
	Failures []failure

	Need   bool // send inputs [Lo, Hi)
	Lo, Hi int
	Done   bool // the worker has left the run and reads the queue no more
	// The CPU time the worker has used in the run so far, in nanoseconds:
	// a started pool's workers are not waited for between runs.
	User, Sys int64
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

// failure is how the input at position K of a report failed.
type failure struct {
	K            int
	Panic, Stack string
}

// add appends res to the outcomes.
func (rep *report[R]) add(res result[R]) {
	if len(rep.Inputs) == 0 {
		rep.Base = res.Start
	}
	if res.Failed {
		rep.Failures = append(rep.Failures, failure{len(rep.Inputs), res.Panic, res.Stack})
	}
	rep.Inputs = append(rep.Inputs, res.Input)
	rep.Values = append(rep.Values, res.Value)
	rep.Starts = append(rep.Starts, res.Start-rep.Base)
	rep.Ends = append(rep.Ends, res.End-res.Start)
}

// results are the outcomes, in the order they were added.
func (rep *report[R]) results() []result[R] {
	out := make([]result[R], len(rep.Inputs))
	for k, i := range rep.Inputs {
		start := rep.Base + rep.Starts[k]
		out[k] = result[R]{Input: i, Value: rep.Values[k], Start: start, End: start + rep.Ends[k]}
	}
	for _, f := range rep.Failures {
		if f.K >= 0 && f.K < len(out) {
			out[f.K].Failed, out[f.K].Panic, out[f.K].Stack = true, f.Panic, f.Stack
		}
	}
	return out
}

// clear empties the outcomes, keeping their room.
func (rep *report[R]) clear() {
	*rep = report[R]{Inputs: rep.Inputs[:0], Values: rep.Values[:0], Starts: rep.Starts[:0],
		Ends: rep.Ends[:0], Failures: rep.Failures[:0]}
}

// flushEvery is how long a worker may keep results before sending them.
const flushEvery = time.Millisecond

// workerConn is a worker's side of its pool, for the runs it serves.
type workerConn struct {
	enc      *gob.Encoder // to the parent
	queue    *os.File
	conn     syscall.RawConn // the queue's, for reads that give up when a run ends
	slot     *slot
	payloads chan []byte    // inputs asked for
	readers  map[string]any // a *frameReader per task and frames, see serveRun
	calls    map[string]*callDecoder
}

// callDecoder reads the stream of one task's Submit inputs (callOrder).
type callDecoder struct {
	r   bytes.Reader
	dec *gob.Decoder
}

// workerFail ends a worker that cannot go on, saying why on its stderr,
// which the parent shows.
func workerFail(err error) {
	fmt.Fprintf(os.Stderr, "kit: worker: %v\n", err)
	os.Exit(3)
}

// servePool serves the parent until it is done with this worker, then
// exits. Every task of the program is registered by now.
func servePool() {
	own := os.NewFile(requestFD, "kit-orders")
	out := os.NewFile(resultFD, "kit-results")
	orders := gob.NewDecoder(own)
	var s setup
	if err := orders.Decode(&s); errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		os.Exit(0) // the parent is gone, or no longer needs this worker
	} else if err != nil {
		workerFail(fmt.Errorf("no pipe from a parent (%v); was it started by kit.Processes?", err))
	}
	mem, err := mapShared(slotsFD, s.SlotsSize)
	if err != nil {
		workerFail(err)
	}
	w := &workerConn{enc: gob.NewEncoder(out), slot: (&slots{mem: mem}).at(s.Slot), payloads: make(chan []byte), readers: map[string]any{}, calls: map[string]*callDecoder{}}
	if w.queue, err = openQueue(queueFD); err == nil {
		w.conn, err = w.queue.SyscallConn()
	}
	if err != nil {
		workerFail(fmt.Errorf("cannot read the queue: %w", err))
	}
	var first func()
	if s.Run != nil {
		first = serveFirst(w, *s.Run)
	}
	// Hello means ready: from here on this worker's time is the work's, so
	// the parent's start-up covers all of the worker's preparation.
	if w.enc.Encode(hello{PID: os.Getpid()}) != nil {
		os.Exit(0) // the parent is gone
	}
	// The worker's own pipe ends when the parent has finished with this
	// worker, or died: that ends the worker at once, even in the middle of a
	// long input.
	runs := make(chan runOrder)
	go func() {
		for {
			var o order
			if err := orders.Decode(&o); err != nil {
				os.Exit(0)
			}
			switch {
			case o.Run != nil && o.Run.Call != nil:
				// A Submit runs here, without a hop to another goroutine:
				// no run is under way, and the parent kills this worker
				// if it must stop in the middle of one.
				serveFirst(w, *o.Run)()
			case o.Run != nil:
				_ = w.queue.SetReadDeadline(time.Time{})
				runs <- *o.Run
			case o.End:
				// The run's reads of the queue give up, now or when they
				// next wait: what is left on the queue is the parent's.
				_ = w.queue.SetReadDeadline(time.Unix(1, 0))
			default:
				w.payloads <- o.Inputs
			}
		}
	}()
	if first != nil {
		first()
	}
	for o := range runs {
		serveFirst(w, o)()
	}
}

// serveFirst readies the worker for run o, and returns what serves it.
func serveFirst(w *workerConn, o runOrder) func() {
	serve := serverOf(o.Task)
	if serve == nil {
		workerFail(fmt.Errorf("no task %q in this program", o.Task))
	}
	return serve(w, o)
}

// serveRun readies the worker for a run of t, and returns what runs t on
// the chunks of the run until the parent ends it.
func serveRun[T, R any](t *TaskFunc[T, R], w *workerConn, o runOrder) func() {
	fail := func(err error) { workerFail(fmt.Errorf("task %q: %w", t.name, err)) }
	if o.Call != nil {
		return func() { serveCall(t, w, *o.Call) }
	}
	cpu := readOwnCPU()
	// A run of the same task with the same frames as an earlier one reuses
	// its reader: gob has compiled its decoding already. The type ids in
	// the preamble are the parent's, the same for every run of a type.
	key := fmt.Sprintf("%s\x00%d\x00%s", t.name, o.FrameSize, o.Preamble)
	queue, ok := w.readers[key].(*frameReader[T])
	if !ok {
		var err error
		if queue, err = newFrameReader[T](w.conn, o.FrameSize, o.Preamble); err != nil {
			fail(err)
		}
		w.readers[key] = queue
	}
	return func() {
		// Results wait in pending until the worker is about to wait for work,
		// or has held them for flushEvery: quick inputs' results travel
		// together, and a slow input's result leaves as soon as it is known.
		var (
			pending report[R]
			flushed = time.Now()
		)
		// send sends what is pending, with the flags of rep.
		send := func(rep report[R]) {
			pending.Need, pending.Lo, pending.Hi, pending.Done = rep.Need, rep.Lo, rep.Hi, rep.Done
			now := readOwnCPU()
			pending.User, pending.Sys = now.user-cpu.user, now.sys-cpu.sys
			sendReport(w, pending)
			pending.clear()
			flushed = time.Now()
		}
		flush := func() {
			if len(pending.Inputs) > 0 {
				send(report[R]{})
			}
		}
		for {
			lo, hi, inputs, inline, err := queue.next(flush)
			switch {
			case errors.Is(err, os.ErrDeadlineExceeded):
				send(report[R]{Done: true}) // the parent ended the run
				return
			case errors.Is(err, io.EOF):
				flush()
				os.Exit(0) // the parent closed the queue: the pool is shutting down
			case err != nil:
				fail(err)
			}
			w.slot.lo.Store(int64(lo))
			w.slot.hi.Store(int64(hi))
			if !inline {
				send(report[R]{Need: true, Lo: lo, Hi: hi})
				var in frameInputs[T]
				if gob.NewDecoder(bytes.NewReader(<-w.payloads)).Decode(&in) == nil && len(in.Inputs) == hi-lo {
					inputs = in.Inputs
				} else {
					inputs = nil // the parent could not send them, and failed them
				}
			}
			// One clock reading per input (each starts when the one
			// before ended): a reading costs as much as a trivial task.
			start := time.Now()
			for k, x := range inputs {
				i := lo + k
				w.slot.since.Store(start.UnixNano())
				w.slot.running.Store(int64(i) + 1)
				res, end := callOne(t, i, x, start)
				pending.add(res)
				if res.Failed || end.Sub(flushed) >= flushEvery {
					flush() // a failure at once: the parent may be failing fast
					end = time.Now()
				}
				start = end
			}
			w.slot.running.Store(0)
		}
	}
}

// callOne runs t on input i, x, started at start, and says how it went
// and when it ended.
func callOne[T, R any](t *TaskFunc[T, R], i int, x T, start time.Time) (result[R], time.Time) {
	v, err := t.call(i, x)
	end := time.Now()
	res := result[R]{Input: i, Value: v, Start: start.UnixNano(), End: end.UnixNano()}
	if te, ok := err.(*TaskError); ok {
		res.Failed, res.Panic, res.Stack = true, fmt.Sprint(te.Panic), te.Stack
	}
	return res, end
}

// sendReport sends rep to the parent. A result that cannot be encoded (an
// interface holding an unregistered type, say) is sent as a failure, and
// the others alone.
func sendReport[R any](w *workerConn, rep report[R]) {
	err := w.enc.Encode(rep)
	if err == nil {
		return
	}
	for _, res := range rep.results() {
		var one report[R]
		one.add(res)
		if w.enc.Encode(one) != nil {
			var zero R
			res.Value, res.Failed = zero, true
			res.Panic = "kit: the result cannot be sent to the parent process: " + err.Error()
			one.clear()
			one.add(res)
			if w.enc.Encode(one) != nil {
				os.Exit(3)
			}
		}
	}
	rep.clear()
	if (rep.Need || rep.Done) && w.enc.Encode(rep) != nil {
		os.Exit(3)
	}
}

// serveCall runs t once, on a Submit's input, and reports the result.
func serveCall[T, R any](t *TaskFunc[T, R], w *workerConn, c callOrder) {
	d := w.calls[t.name]
	if d == nil || c.Fresh {
		d = &callDecoder{}
		d.dec = gob.NewDecoder(&d.r) // a bytes.Reader: gob reads no further than it needs
		w.calls[t.name] = d
	}
	d.r.Reset(c.Input)
	var in callInput[T]
	if err := d.dec.Decode(&in); err != nil {
		workerFail(fmt.Errorf("task %q: cannot decode a submitted input: %w", t.name, err))
	}
	start := time.Now()
	w.slot.since.Store(start.UnixNano())
	w.slot.running.Store(1)
	res, _ := callOne(t, 0, in.X, start)
	rep := callReport[R]{Value: res.Value, Failed: res.Failed, Panic: res.Panic, Stack: res.Stack}
	if err := w.enc.Encode(rep); err != nil {
		rep = callReport[R]{Failed: true, Panic: "kit: the result cannot be sent to the parent process: " + err.Error()}
		if w.enc.Encode(rep) != nil {
			os.Exit(3)
		}
	}
	w.slot.running.Store(0)
}

// ownCPU is the CPU time this process has used, in nanoseconds.
type ownCPU struct{ user, sys int64 }

func readOwnCPU() ownCPU {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u) // cannot fail with these arguments
	return ownCPU{u.Utime.Nano(), u.Stime.Nano()}
}
