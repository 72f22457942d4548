package kit

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// The queue a Processes pool's workers take their inputs from, as the
// workers of Python's Pool do: one pipe that every worker reads, filled by
// the parent ahead of time, so that a worker that finishes a chunk finds
// the next one waiting instead of asking the parent for it.
//
// Several processes may read one pipe safely only in whole frames: every
// frame of a run has the same size, a power of two no larger than PIPE_BUF,
// which the kernel never splits, and each read asks for exactly one frame.
// The size is chosen per run to fit the first chunk's inputs, so that small
// inputs are not padded to 4 KB. A frame says which chunk [lo, hi) it is
// and usually carries its inputs; when they do not fit, the worker that
// took it asks the parent for them on its own pipe.
//
// A worker keeps, in a slot of memory shared with the parent, the chunk it
// took and the input it is running. When a worker dies the parent reads its
// slot to learn which input killed it and which inputs to hand out again,
// without a message per input.

// frameHeader is the start of every frame: magic, payload length, lo, hi,
// run id, inputs per span.
const frameHeader = 4 + 4 + 8 + 8 + 4 + 4

// minFrameSize is the smallest frame: a header and a small input.
const minFrameSize = 64

// minRawFrameSize is the smallest frame of inputs that travel as their
// memory: room for 12 ints, so that small runs of one task, whose chunks
// differ by a few inputs, have frames of one size, which lets a started
// pool's workers go on reading from one run to the next (see goesOn).
const minRawFrameSize = 128

var frameMagic = [4]byte{'k', 'i', 't', 'Q'}

// notInline is the payload length of a frame whose inputs are not in it.
const notInline = ^uint32(0)

// rawPayload marks the payload length of a frame whose inputs are plain
// (see plainType) and travel as their memory, a copy, where gob would
// encode them one by one.
const rawPayload = 1 << 31

// frameInputs is what a frame's payload and a worker's own pipe carry.
type frameInputs[T any] struct{ Inputs []T }

// frameWriter encodes chunks of inputs into frames: plain inputs as their
// memory, if it fits, and the others with one gob encoder for all the
// frames of a run, so that their payloads carry values only: the type
// descriptions gob sends first are in the preamble, which every worker
// reads once, on its own pipe, before any frame.
type frameWriter[T any] struct {
	buf      bytes.Buffer
	enc      *gob.Encoder
	preamble []byte
	inline   bool // payloads may travel in frames
	plain    bool // inputs may travel as their memory
	size     int  // of every frame
	run      runID
	perSpan  int // inputs a worker times as one span (job.perSpan): 1 in a small run
}

// runID tells the runs of a pool apart, in frames and reports.
type runID uint32

// frame is one chunk of a run, as a worker took it from the queue.
type frame[T any] struct {
	run     runID
	perSpan int
	lo, hi  int
	inputs  []T
	inline  bool // the inputs came in the frame; otherwise they must be asked for
}

// newFrameWriter makes the frames for a run of chunks of inputs.
func newFrameWriter[T any](inputs []T, chunk int) (*frameWriter[T], error) {
	w := &frameWriter[T]{size: minFrameSize}
	w.enc = gob.NewEncoder(&w.buf)
	if err := w.enc.Encode(frameInputs[T]{}); err != nil {
		return nil, fmt.Errorf("kit: cannot encode the inputs: %w", err)
	}
	w.preamble = bytes.Clone(w.buf.Bytes())
	// A value of interface type brings its own type description the first
	// time gob meets its dynamic type, and a worker that did not see that
	// frame could not decode the next one: such inputs go on workers' own
	// pipes, each with its own encoder.
	w.inline = findInside(reflect.TypeFor[T](), func(t reflect.Type) bool { return t.Kind() == reflect.Interface }) == nil
	w.plain = isPlain[T]()
	first := min(chunk, len(inputs))
	if raw := first * int(unsafe.Sizeof(*new(T))); w.plain && len(inputs) > 0 && raw <= maxFrameSize-frameHeader {
		// The first chunk as its memory (no chunk is longer), in frames
		// of minRawFrameSize at least.
		for w.size < max(frameHeader+raw, minRawFrameSize) {
			w.size *= 2
		}
		return w, nil
	}
	// Every input takes a byte at least: a chunk of more inputs than a
	// frame has bytes is not encoded to find it does not fit.
	if w.inline && len(inputs) > 0 && first <= maxFrameSize-frameHeader {
		// Room for the first chunk and half as much again.
		w.buf.Reset()
		if w.enc.Encode(frameInputs[T]{Inputs: inputs[:first]}) == nil {
			for w.size < frameHeader+w.buf.Len()*3/2 && w.size < maxFrameSize {
				w.size *= 2
			}
		}
	}
	return w, nil
}

// encode appends the frame for inputs [lo, hi) to frames.
func (w *frameWriter[T]) encode(frames []byte, lo, hi int, inputs []T) []byte {
	at := len(frames)
	frames = append(frames, make([]byte, w.size)...)
	f := frames[at:]
	copy(f, frameMagic[:])
	binary.LittleEndian.PutUint32(f[4:], notInline)
	binary.LittleEndian.PutUint64(f[8:], uint64(lo))
	binary.LittleEndian.PutUint64(f[16:], uint64(hi))
	binary.LittleEndian.PutUint32(f[24:], uint32(w.run))
	binary.LittleEndian.PutUint32(f[28:], uint32(w.perSpan))
	if !w.inline || len(inputs) > w.size-frameHeader {
		return frames
	}
	if raw := asBytes(inputs); w.plain && len(raw) <= w.size-frameHeader {
		binary.LittleEndian.PutUint32(f[4:], uint32(len(raw))|rawPayload)
		copy(f[frameHeader:], raw)
		return frames
	}
	w.buf.Reset()
	if err := w.enc.Encode(frameInputs[T]{Inputs: inputs}); err != nil {
		return frames // the worker asks for them, and its own encoder says what is wrong
	}
	if w.buf.Len() <= w.size-frameHeader {
		binary.LittleEndian.PutUint32(f[4:], uint32(w.buf.Len()))
		copy(f[frameHeader:], w.buf.Bytes())
	}
	return frames
}

// frameReader reads one run's frames from a worker's end of the queue.
type frameReader[T any] struct {
	conn  syscall.RawConn // the queue's; reads return at once when it is empty
	frame []byte          // one frame
	r     bytes.Reader    // the payload being decoded
	dec   *gob.Decoder
	plain bool // T is plain: a payload may be its memory
	raw   []T  // the inputs of the last frame whose payload was their memory
}

// newFrameReader reads frames of size bytes from the queue (see openQueue).
func newFrameReader[T any](conn syscall.RawConn, size int, preamble []byte) (*frameReader[T], error) {
	if size < frameHeader || size > maxFrameSize {
		return nil, fmt.Errorf("kit: frames of %d bytes", size)
	}
	q := &frameReader[T]{conn: conn, frame: make([]byte, size), plain: isPlain[T]()}
	q.r.Reset(preamble)
	q.dec = gob.NewDecoder(&q.r) // a bytes.Reader is an io.ByteReader: gob reads no further than it needs
	var zero frameInputs[T]
	if err := q.dec.Decode(&zero); err != nil {
		return nil, fmt.Errorf("kit: bad preamble from the parent: %w", err)
	}
	return q, nil
}

// next takes the next frame, whose inputs are to be asked for if not
// inline. It calls idle before it waits for a frame, and returns io.EOF
// when the parent has closed the queue, and os.ErrDeadlineExceeded once the
// parent has ended the worker's reading.
func (q *frameReader[T]) next(idle func()) (frame[T], error) {
	n, err := q.read(idle)
	if err != nil {
		return frame[T]{}, err
	}
	f := q.frame
	if n != len(f) || !bytes.Equal(f[:4], frameMagic[:]) {
		return frame[T]{}, fmt.Errorf("kit: broken frame of %d bytes on the queue", n)
	}
	size := binary.LittleEndian.Uint32(f[4:])
	c := frame[T]{lo: int(binary.LittleEndian.Uint64(f[8:])), hi: int(binary.LittleEndian.Uint64(f[16:])),
		run: runID(binary.LittleEndian.Uint32(f[24:])), perSpan: int(binary.LittleEndian.Uint32(f[28:]))}
	if size == notInline {
		return c, nil
	}
	raw := size&rawPayload != 0
	if size &^= rawPayload; int(size) > len(f)-frameHeader {
		return frame[T]{}, fmt.Errorf("kit: frame with a payload of %d bytes", size)
	}
	payload := f[frameHeader : frameHeader+int(size)]
	if raw {
		// Into the room of the last frame's: the worker is done with them.
		var ok bool
		if q.raw, ok = fromBytes(payload, q.raw); !ok || !q.plain || len(q.raw) != c.hi-c.lo {
			return frame[T]{}, fmt.Errorf("kit: frame for inputs %d to %d holds %d bytes of them", c.lo, c.hi, size)
		}
		c.inputs, c.inline = q.raw, true
		return c, nil
	}
	q.r.Reset(payload)
	var in frameInputs[T]
	if err := q.dec.Decode(&in); err != nil {
		return frame[T]{}, fmt.Errorf("kit: cannot decode inputs %d to %d: %w", c.lo, c.hi, err)
	}
	if len(in.Inputs) != c.hi-c.lo {
		return frame[T]{}, fmt.Errorf("kit: frame for inputs %d to %d holds %d", c.lo, c.hi, len(in.Inputs))
	}
	c.inputs, c.inline = in.Inputs, true
	return c, nil
}

// read reads one frame, calling idle once if it has to wait.
func (q *frameReader[T]) read(idle func()) (int, error) {
	var (
		n       int
		readErr error
		waited  bool
	)
	err := q.conn.Read(func(fd uintptr) bool {
		n, readErr = syscall.Read(int(fd), q.frame)
		if readErr == syscall.EAGAIN {
			if !waited {
				idle()
				waited = true
			}
			return false // wait until the queue is readable, or the run ends
		}
		return true
	})
	switch {
	case err != nil:
		return 0, err
	case readErr != nil:
		return 0, readErr
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// drainQueue reads whatever is left on the queue, through conn, without
// waiting: frames handed out twice after a worker died, which no worker
// took before the run ended. buf is any room: what it reads is dropped.
func drainQueue(conn syscall.RawConn, buf []byte) {
	for {
		var n int
		var readErr error
		err := conn.Read(func(fd uintptr) bool {
			n, readErr = syscall.Read(int(fd), buf)
			return true
		})
		if err != nil || readErr != nil || n == 0 {
			return
		}
	}
}

// slot is one worker's part of the shared memory.
type slot struct {
	lo, hi  atomic.Int64 // the chunk it took last
	running atomic.Int64 // 1 + the input it is running, or 0 between inputs
	since   atomic.Int64 // when that input started, in Unix nanoseconds
}

const slotSize = int(unsafe.Sizeof(slot{}))

// slots is the shared memory of a pool: slot w belongs to worker w (and to
// its replacement, after it died). It lives in a file that is deleted at
// once, so that nothing is left behind however the parent ends.
type slots struct {
	file *os.File
	mem  []byte
}

func newSlots(n int) (*slots, error) {
	f, err := memFile("kit-slots")
	if err != nil {
		return nil, fmt.Errorf("kit: cannot make the workers' shared memory: %w", err)
	}
	size := max(n*slotSize, os.Getpagesize())
	if err := f.Truncate(int64(size)); err != nil {
		f.Close()
		return nil, fmt.Errorf("kit: cannot make the workers' shared memory: %w", err)
	}
	mem, err := mapShared(int(f.Fd()), size)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &slots{file: f, mem: mem}, nil
}

// mapShared maps size bytes of the file fd, shared between processes.
func mapShared(fd, size int) ([]byte, error) {
	mem, err := syscall.Mmap(fd, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("kit: cannot map the workers' shared memory: %w", err)
	}
	return mem, nil
}

// at is slot w. The mapping is page-aligned and slotSize a multiple of 8,
// so the atomics are aligned.
func (s *slots) at(w int) *slot { return (*slot)(unsafe.Pointer(&s.mem[w*slotSize])) }

func (s *slots) close() {
	_ = syscall.Munmap(s.mem)
	s.file.Close()
}

// reset clears slot w for a new worker.
func (s *slots) reset(w int) {
	sl := s.at(w)
	sl.running.Store(0)
	sl.since.Store(0)
	sl.lo.Store(0)
	sl.hi.Store(0)
}

// plainType reports whether values of t are nothing but their bytes: a
// number, a bool, or an array of them, with no gob methods of its own. A
// worker is the same program on the same machine, so such values travel
// as their memory, a copy, where gob would encode them one by one: a
// million ints in ~1 ms instead of ~20.
func plainType(t reflect.Type) bool {
	for _, m := range []reflect.Type{reflect.TypeFor[gob.GobEncoder](), reflect.TypeFor[encoding.BinaryMarshaler](), reflect.TypeFor[encoding.TextMarshaler]()} {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return false
		}
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() > 0 && plainType(t.Elem())
	}
	return false
}

// isPlain is plainType of T.
func isPlain[T any]() bool { return plainType(reflect.TypeFor[T]()) }

// asBytes is the memory of xs, T plain: not a copy.
func asBytes[T any](xs []T) []byte {
	if len(xs) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&xs[0])), len(xs)*int(unsafe.Sizeof(xs[0])))
}

// fromBytes copies b, the memory of values of plain T, into values in
// the room of into (new memory if it has too little), or says it cannot:
// b is not a whole number of them.
func fromBytes[T any](b []byte, into []T) ([]T, bool) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if size == 0 || len(b)%size != 0 {
		return into[:0], false
	}
	xs := slices.Grow(into[:0], len(b)/size)[:len(b)/size]
	copy(asBytes(xs), b)
	return xs, true
}
