package kit

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
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
	answerFD  = 7 // to the parent: answers to Submits
	crashFD   = 8 // to the parent: the Go runtime's report if this worker crashes
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

// workerServing is set when this worker starts serving its parent: its
// package initialisation is over.
var workerServing atomic.Bool

// workerInitialising reports whether this process is a worker that has not
// yet reached its last task, and so runs its package initialisation.
func workerInitialising() bool { return isWorker() && !workerServing.Load() }

// workerEnvFor is the variable that starts a worker of this program.
func workerEnvFor(tasks int) string { return workerEnv + "=" + strconv.Itoa(tasks) }

// The first message on each of a worker's pipes, setup and hello, is a
// few bytes of its own, not gob: a fresh process's first gob message in
// each direction costs it a fraction of a millisecond of reflection
// before it can say hello. Orders and reports, which follow, are gob streams.

// hello is a worker's first message: it is ready.
const hello = "kit:here"

// setup is the parent's first message on a worker's own pipe, sent as
// setupSize bytes.
type setup struct {
	Slot      int  // the worker's slot in the shared memory
	SlotsSize int  // the size of the shared memory
	Run       bool // an order starting a run follows, to start at once
}

const setupSize = 17 // two 8-byte numbers and a flag

// bytes is s as sent.
func (s setup) bytes() []byte {
	b := binary.LittleEndian.AppendUint64(make([]byte, 0, setupSize), uint64(s.Slot))
	b = binary.LittleEndian.AppendUint64(b, uint64(s.SlotsSize))
	if s.Run {
		return append(b, 1)
	}
	return append(b, 0)
}

// readSetup reads a setup from r, reading no further.
func readSetup(r io.Reader) (setup, error) {
	var b [setupSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return setup{}, err
	}
	slot, size := binary.LittleEndian.Uint64(b[:]), binary.LittleEndian.Uint64(b[8:])
	if slot > 1<<20 || size > 1<<30 || b[16] > 1 {
		return setup{}, fmt.Errorf("bad setup message %x", b)
	}
	return setup{Slot: int(slot), SlotsSize: int(size), Run: b[16] == 1}, nil
}

// order is what the parent sends a ready worker on its own pipe: one of
// the runs of a task to read the queue for (a Submit's call, if Call is
// set), the end of that reading, or the inputs it asked for.
type order struct {
	Run    *runOrder
	End    bool
	Inputs []byte // a frameInputs value, gob-encoded on its own
}

// runOrder starts a worker's reading of the queue: which task, and how to
// read the frames. The worker reads them run after run, each frame saying
// its run, until the parent ends the reading.
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
	Input []byte // a callInput value, or the input's memory if Raw
	Fresh bool
	Raw   bool // not sent: the call came raw (procraw.go)
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

// report is what a worker sends after its hello: outcomes, or a request for
// the inputs of a chunk whose frame could not hold them, or that it has
// left the run.
//
// Outcomes travel as a few slices of numbers, not as a slice of structs:
// gob sends those many times faster, and the parent hands Values on to the
// run as they came. Values are the outcomes of runs of consecutive inputs,
// one after another: Runs holds each run's first input and length. Their
// times are spans, in the same order: span k stands for the next Sizes[k]
// values (one each if Sizes is empty), started Gaps[k] nanoseconds after
// the span before it ended (after Base, in Unix nanoseconds, for the
// first) and lasted Lens[k]. A worker sends Gaps and Lens as their memory
// (GapsRaw, LensRaw), which the parent copies back.
type report[R any] struct {
	Run    runID // the run it is about
	Runs   []int // first input, length; first input, length; ...
	Values []R
	Raw    []byte // the memory of the values instead, if R is plain (see plainType)
	Base   int64
	Gaps   []int64
	Lens   []int64
	// The memory of Gaps and Lens instead: gob would encode each number on
	// its own, which costs more than a trivial task, and a small run has a
	// span per input.
	GapsRaw, LensRaw []byte
	Sizes            []int
	Failures         []failure

	Need   bool // send inputs [Lo, Hi)
	Lo, Hi int
	Done   bool // the worker has left the run and reads the queue no more
	// The CPU time the worker has used in the run so far, in nanoseconds:
	// a started pool's workers are not waited for between runs.
	User, Sys int64

	end int64 // when the last span ended, in Unix nanoseconds; not sent
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

// failure is how the outcome at position K of a report's Values failed.
type failure struct {
	K            int
	Panic, Stack string
}

// add appends res, an outcome with a span of its own.
func (rep *report[R]) add(res result[R]) {
	if res.Failed {
		rep.Failures = append(rep.Failures, failure{len(rep.Values), res.Panic, res.Stack})
	}
	rep.Values = append(rep.Values, res.Value)
	rep.ran(res.Input, 1)
	rep.span(res.Start, res.End, 1)
}

// ran records that the last n values added are the outcomes of inputs
// i, i+1, ...
func (rep *report[R]) ran(i, n int) {
	if k := len(rep.Runs); k > 0 && rep.Runs[k-2]+rep.Runs[k-1] == i {
		rep.Runs[k-1] += n
		return
	}
	rep.Runs = append(rep.Runs, i, n)
}

// span records that the next n values took from start to end, in Unix
// nanoseconds.
func (rep *report[R]) span(start, end int64, n int) {
	if len(rep.Lens) == 0 {
		rep.Base, rep.end = start, start
	}
	if n != 1 && len(rep.Sizes) == 0 {
		for range rep.Lens {
			rep.Sizes = append(rep.Sizes, 1) // the spans so far, one value each
		}
	}
	if n != 1 || len(rep.Sizes) > 0 {
		rep.Sizes = append(rep.Sizes, n)
	}
	rep.Gaps = append(rep.Gaps, start-rep.end)
	rep.Lens = append(rep.Lens, end-start)
	rep.end = end
}

// check makes sure the parts of rep, a report on a run of n inputs with
// values values (len(rep.Values), unless they are still to be read),
// agree.
func (rep *report[R]) check(n, values int) error {
	if len(rep.Runs)%2 != 0 {
		return fmt.Errorf("kit: worker sent a broken report (%d numbers of runs)", len(rep.Runs))
	}
	inRuns := 0
	for k := 0; k < len(rep.Runs); k += 2 {
		lo, c := rep.Runs[k], rep.Runs[k+1]
		if lo < 0 || c <= 0 || lo > n-c {
			return fmt.Errorf("kit: worker sent results for inputs %d to %d of %d", lo, lo+c, n)
		}
		inRuns += c
	}
	spanned := len(rep.Lens)
	if len(rep.Sizes) > 0 {
		spanned = 0
		for _, c := range rep.Sizes {
			if c <= 0 {
				return fmt.Errorf("kit: worker sent a span of %d inputs", c)
			}
			spanned += c
		}
	}
	last := -1
	for _, f := range rep.Failures {
		if f.K <= last || f.K >= values {
			return fmt.Errorf("kit: worker sent a failure at %d of %d results", f.K, values)
		}
		last = f.K
	}
	if inRuns != values || spanned != values || len(rep.Gaps) != len(rep.Lens) ||
		(len(rep.Sizes) > 0 && len(rep.Sizes) != len(rep.Lens)) {
		return fmt.Errorf("kit: worker sent a broken report (%d results, %d in runs, %d in spans)", values, inRuns, spanned)
	}
	return nil
}

// results are the outcomes one by one, in the order they were added, each
// with its share of its span's time. Parts that disagree (see check) are
// left out.
func (rep *report[R]) results() []result[R] {
	out := make([]result[R], len(rep.Values))
	k := 0
	for r := 0; r+1 < len(rep.Runs); r += 2 {
		for i := 0; i < rep.Runs[r+1] && k < len(out); i++ {
			out[k].Input, out[k].Value = rep.Runs[r]+i, rep.Values[k]
			k++
		}
	}
	k, at := 0, rep.Base
	for s := 0; s < len(rep.Lens) && s < len(rep.Gaps); s++ {
		n := 1
		if len(rep.Sizes) > 0 && s < len(rep.Sizes) {
			n = max(rep.Sizes[s], 1)
		}
		start, length := at+rep.Gaps[s], rep.Lens[s]
		for m := 0; m < n && k+m < len(out); m++ {
			out[k+m].Start = start + length*int64(m)/int64(n)
			out[k+m].End = start + length*int64(m+1)/int64(n)
		}
		k, at = k+n, start+length
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
	*rep = report[R]{Run: rep.Run, Runs: rep.Runs[:0], Values: rep.Values[:0], Raw: rep.Raw[:0], Gaps: rep.Gaps[:0], Lens: rep.Lens[:0],
		GapsRaw: rep.GapsRaw[:0], LensRaw: rep.LensRaw[:0], Sizes: rep.Sizes[:0], Failures: rep.Failures[:0]}
}

// flushEvery is how long a worker may keep results before sending them.
const flushEvery = time.Millisecond

// workerConn is a worker's side of its pool, for the runs it serves.
type workerConn struct {
	enc        *gob.Encoder // to the parent, on out
	answers    *gob.Encoder // to the parent, answers to Submits (gob's), on answerPipe
	answerPipe *os.File
	out        *os.File
	raw        []byte // room for a raw report (procraw.go)
	answer     []byte // and for a raw answer
	queue      *os.File
	conn       syscall.RawConn // the queue's, for reads that give up when a run ends
	slot       *slot
	payloads   chan []byte    // inputs asked for
	readers    map[string]any // a *frameReader per task and frames, see serveRun
	calls      map[string]*callDecoder
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
	workerServing.Store(true)
	crash := os.NewFile(crashFD, "kit-crash")
	_ = debug.SetCrashOutput(crash, debug.CrashOptions{}) // it keeps a copy of its own
	crash.Close()
	// Orders are read in blocking mode, by a thread that sleeps in read
	// until the kernel wakes it, not through the runtime's poller: a
	// Submit's round trip is 2-4 µs shorter, and runs of one task in a row
	// need no order (see procSession).
	own := os.NewFile(requestFD, "kit-orders")
	out := os.NewFile(resultFD, "kit-results")
	s, err := readSetup(own)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		os.Exit(0) // the parent is gone, or no longer needs this worker
	} else if err != nil {
		workerFail(fmt.Errorf("no pipe from a parent (%v); was it started by kit.Processes?", err))
	}
	// Orders follow the setup: gob's, and raw calls (procraw.go), told
	// apart by their first byte. A bufio.Reader is an io.ByteReader: gob
	// reads no further than it needs.
	ownBuf := bufio.NewReader(own)
	orders := gob.NewDecoder(ownBuf)
	readOrder := func(o *order) error {
		if raw, err := nextIsRaw(ownBuf); err != nil || !raw {
			return orders.Decode(o)
		}
		task, input, err := readRawCall(ownBuf)
		if err != nil {
			workerFail(err)
		}
		*o = order{Run: &runOrder{Task: task, Call: &callOrder{Input: input, Raw: true}}}
		return nil
	}
	mem, err := mapShared(slotsFD, s.SlotsSize)
	if err != nil {
		workerFail(err)
	}
	w := &workerConn{enc: gob.NewEncoder(out), out: out, answerPipe: os.NewFile(answerFD, "kit-answers"), slot: (&slots{mem: mem}).at(s.Slot), payloads: make(chan []byte), readers: map[string]any{}, calls: map[string]*callDecoder{}}
	w.answers = gob.NewEncoder(w.answerPipe)
	if w.queue, err = openQueue(queueFD); err == nil {
		w.conn, err = w.queue.SyscallConn()
	}
	if err != nil {
		workerFail(fmt.Errorf("cannot read the queue: %w", err))
	}
	var first func()
	if s.Run {
		var o order
		if err := readOrder(&o); errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			os.Exit(0)
		} else if err != nil || o.Run == nil {
			workerFail(fmt.Errorf("no first run from the parent (%v)", err))
		}
		first = serveFirst(w, *o.Run)
	}
	// Hello means ready: from here on this worker's time is the work's, so
	// the parent's start-up covers all of the worker's preparation.
	if _, err := out.WriteString(hello); err != nil {
		os.Exit(0) // the parent is gone
	}
	// The worker's own pipe ends when the parent has finished with this
	// worker, or died: that ends the worker at once, even in the middle of a
	// long input.
	runs := make(chan runOrder)
	go func() {
		for {
			var o order
			if err := readOrder(&o); err != nil {
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
	plainIn, plainOut := queue.plain, isPlain[R]()
	return func() {
		// Results wait in pending until the worker is about to wait for work,
		// or has held them for flushEvery: quick inputs' results travel
		// together, and a slow input's result leaves as soon as it is known.
		// The worker reads frames until the parent ends its reading, run
		// after run of the same task: each report says which run it is for,
		// and the CPU time since that run's first frame here.
		var (
			pending report[R]
			clock   = newWorkerClock()
			flushed = clock.now()
			cpu     ownCPU
		)
		pending.Run = ^runID(0) // none yet
		// send sends what is pending, with the flags of rep.
		send := func(rep report[R]) {
			pending.Need, pending.Lo, pending.Hi, pending.Done = rep.Need, rep.Lo, rep.Hi, rep.Done
			now := readOwnCPU()
			pending.User, pending.Sys = now.user-cpu.user, now.sys-cpu.sys
			if canTravelRaw(&pending, plainOut) {
				w.raw = appendRawReport(w.raw[:0], &pending)
				if _, err := w.out.Write(w.raw); err != nil {
					os.Exit(3) // the parent is gone
				}
			} else {
				out := pending
				if plainOut {
					out.Values, out.Raw = nil, asBytes(pending.Values)
				}
				out.Gaps, out.GapsRaw = nil, asBytes(pending.Gaps)
				out.Lens, out.LensRaw = nil, asBytes(pending.Lens)
				sendReport(w, out)
			}
			pending.clear()
			flushed = clock.now()
		}
		flush := func() {
			if len(pending.Values) > 0 {
				send(report[R]{})
			}
		}
		for {
			f, err := queue.next(flush)
			switch {
			case errors.Is(err, os.ErrDeadlineExceeded):
				send(report[R]{Done: true}) // the parent ended the reading
				return
			case errors.Is(err, io.EOF):
				flush()
				os.Exit(0) // the parent closed the queue: the pool is shutting down
			case err != nil:
				fail(err)
			}
			if f.run != pending.Run {
				flush() // the run before's, if any
				pending.Run, cpu, clock = f.run, readOwnCPU(), newWorkerClock()
			}
			lo, hi, inputs := f.lo, f.hi, f.inputs
			w.slot.lo.Store(int64(lo))
			w.slot.hi.Store(int64(hi))
			if !f.inline {
				send(report[R]{Need: true, Lo: lo, Hi: hi})
				inputs = nil // unless they come: the parent could not send them, and failed them
				if payload := <-w.payloads; plainIn {
					if in, ok := fromBytes[T](payload, nil); ok && len(in) == hi-lo {
						inputs = in
					}
				} else if in := (frameInputs[T]{}); gob.NewDecoder(bytes.NewReader(payload)).Decode(&in) == nil && len(in.Inputs) == hi-lo {
					inputs = in.Inputs
				}
			}
			// One clock reading per span (each starts when the one before
			// ended), of perSpan inputs: a reading costs as much as a
			// trivial task. A failure ends its span, and is sent at once:
			// the parent may be failing fast.
			perSpan := max(f.perSpan, 1)
			start := clock.now()
			for k, size, ran := 0, perSpan, 0; k < len(inputs); {
				w.slot.since.Store(start)
				var n int
				var te *TaskError
				pending.Values, n, te = runSpan(t, w.slot, lo+k, inputs[k:min(k+size-ran, len(inputs))], pending.Values)
				end := clock.now()
				if te != nil {
					pending.Failures = append(pending.Failures, failure{len(pending.Values) - 1, fmt.Sprint(te.Panic), te.Stack})
				}
				pending.ran(lo+k, n)
				k, ran = k+n, ran+n
				var goOn bool
				if size, goOn = spanGoesOn(perSpan, size, time.Duration(end-start)); goOn && te == nil && k < len(inputs) {
					continue // a quick span goes on (see spanGoesOn)
				}
				pending.span(start, end, ran)
				ran = 0 // and the next span runs size inputs, as spanGoesOn says
				if te != nil || time.Duration(end-flushed) >= flushEvery {
					flush()
					end = clock.now()
				}
				start = end
			}
			w.slot.running.Store(0)
		}
	}
}

// workerClock reads the wall clock, in Unix nanoseconds, the parent's
// clock too, for the spans of a worker's runs: one reading of the wall
// clock, then the monotonic clock's time since, which costs half as much
// to read as time.Now, which reads both. It is started again for each run,
// in case the wall clock was set in between.
type workerClock struct {
	base     time.Time
	baseUnix int64
}

func newWorkerClock() workerClock {
	t := time.Now()
	return workerClock{t, t.UnixNano()}
}

func (c workerClock) now() int64 { return c.baseUnix + int64(time.Since(c.base)) }

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
		one := report[R]{Run: rep.Run}
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
	flags := report[R]{Run: rep.Run, Need: rep.Need, Lo: rep.Lo, Hi: rep.Hi, Done: rep.Done, User: rep.User, Sys: rep.Sys}
	if (flags.Need || flags.Done) && w.enc.Encode(flags) != nil {
		os.Exit(3)
	}
}

// serveCall runs t once, on a Submit's input, and reports the result.
func serveCall[T, R any](t *TaskFunc[T, R], w *workerConn, c callOrder) {
	var in callInput[T]
	if c.Raw {
		xs, ok := fromBytes[T](c.Input, nil)
		if !ok || len(xs) != 1 {
			workerFail(fmt.Errorf("task %q: a submitted input of %d bytes", t.name, len(c.Input)))
		}
		in.X = xs[0]
	} else {
		d := w.calls[t.name]
		if d == nil || c.Fresh {
			d = &callDecoder{}
			d.dec = gob.NewDecoder(&d.r) // a bytes.Reader: gob reads no further than it needs
			w.calls[t.name] = d
		}
		d.r.Reset(c.Input)
		if err := d.dec.Decode(&in); err != nil {
			workerFail(fmt.Errorf("task %q: cannot decode a submitted input: %w", t.name, err))
		}
	}
	start := time.Now()
	w.slot.since.Store(start.UnixNano())
	w.slot.running.Store(1)
	res, _ := callOne(t, 0, in.X, start)
	if !res.Failed && isPlain[R]() {
		w.answer = appendRawAnswer(w.answer[:0], res.Value)
		if _, err := w.answerPipe.Write(w.answer); err != nil {
			os.Exit(3) // the parent is gone
		}
	} else {
		rep := callReport[R]{Value: res.Value, Failed: res.Failed, Panic: res.Panic, Stack: res.Stack}
		if err := w.answers.Encode(rep); err != nil {
			rep = callReport[R]{Failed: true, Panic: "kit: the result cannot be sent to the parent process: " + err.Error()}
			if w.answers.Encode(rep) != nil {
				os.Exit(3)
			}
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
