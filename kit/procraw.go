package kit

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"unsafe"
)

// Raw messages: what travels between the parent and a worker process as
// plain memory (see plainType) instead of with gob, which encodes every
// number on its own. Three kinds, each on a pipe that carries gob's
// messages too:
//
//   - a raw report, on the result pipe: a run's plain results, none of
//     which failed, behind a header of counts; the parent reads them
//     straight into the run's Results;
//   - a raw call, on the worker's own pipe: a Submit of a plain input;
//   - a raw answer, on the answer pipe: its plain result, if it did not
//     fail.
//
// Each begins with rawTag, a byte no gob message begins with (gob's
// lengths begin with a byte count of 1 to 8, or a byte below 0x80): the
// reader tells the two apart by the next byte (nextIsRaw).

// rawTag is the first byte of a raw message.
const rawTag = 0x80

// rawReportHeader is the header of a raw report: the tag word, then the
// report's Run, Base, User and Sys, then how many numbers its Runs, its
// spans (Gaps and Lens each), its Sizes and how many bytes its values
// have. The arrays follow in that order, the values last.
type rawReportHeader [9]uint64

// canTravelRaw says whether rep may travel as a raw report: its values
// are plain, none failed, and it carries no flag.
func canTravelRaw[R any](rep *report[R], plainOut bool) bool {
	return plainOut && len(rep.Failures) == 0 && !rep.Need && !rep.Done
}

// appendRawReport appends rep as a raw report to buf.
func appendRawReport[R any](buf []byte, rep *report[R]) []byte {
	h := rawReportHeader{rawTag, uint64(rep.Run), uint64(rep.Base), uint64(rep.User), uint64(rep.Sys),
		uint64(len(rep.Runs)), uint64(len(rep.Lens)), uint64(len(rep.Sizes)), uint64(len(asBytes(rep.Values)))}
	for _, v := range h {
		buf = binary.LittleEndian.AppendUint64(buf, v)
	}
	for _, b := range [][]byte{asBytes(rep.Runs), asBytes(rep.Gaps), asBytes(rep.Lens), asBytes(rep.Sizes), asBytes(rep.Values)} {
		buf = append(buf, b...)
	}
	return buf
}

// nextIsRaw says whether the next message on r is a raw one.
func nextIsRaw(r *bufio.Reader) (bool, error) {
	b, err := r.Peek(1)
	if err != nil {
		return false, err
	}
	return b[0] == rawTag, nil
}

// readRawHeader reads the header of a raw report from r.
func readRawHeader(r *bufio.Reader) (h rawReportHeader, err error) {
	var b [len(h) * 8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return h, err
	}
	for k := range h {
		h[k] = binary.LittleEndian.Uint64(b[8*k:])
	}
	if h[0] != rawTag {
		return h, fmt.Errorf("kit: worker sent a broken report header %v", h)
	}
	return h, nil
}

// run is the id of the run the report is about.
func (h rawReportHeader) run() runID { return runID(h[1]) }

// rest is how many bytes of the report follow its header, for a reader
// that skips it: counts the parent cannot use (a run that is over) are
// read past, whatever they are.
func (h rawReportHeader) rest() uint64 {
	const intSize, int64Size = uint64(unsafe.Sizeof(int(0))), 8 // Runs and Sizes are ints, Gaps and Lens int64s
	return intSize*(h[5]+h[7]) + int64Size*2*h[6] + h[8]
}

// readRaw reads the rest of a raw report whose header is h from r into
// rep, all but its values, which are left on r: it returns how many bytes
// they take. A report on a run of n inputs has no more values or spans
// than that: a broken stream makes an error, not a huge allocation.
func readRaw[R any](r *bufio.Reader, h rawReportHeader, rep *report[R], n int) (valueBytes int, err error) {
	var zero R
	runs, spans, sizes, values := h[5], h[6], h[7], h[8]
	if runs > 2*uint64(n) || spans > uint64(n) || sizes > spans || values > uint64(n)*uint64(unsafe.Sizeof(zero)) {
		return 0, fmt.Errorf("kit: worker sent a report on %d runs of inputs, %d spans and %d bytes of results, for a run of %d inputs", runs/2, spans, values, n)
	}
	rep.clear()
	rep.Values = nil // a gob report's went on to the run; a raw report's go in place
	rep.Run, rep.Base, rep.User, rep.Sys = h.run(), int64(h[2]), int64(h[3]), int64(h[4])
	rep.Runs = growTo(rep.Runs, int(runs))
	rep.Gaps = growTo(rep.Gaps, int(spans))
	rep.Lens = growTo(rep.Lens, int(spans))
	rep.Sizes = growTo(rep.Sizes, int(sizes))
	for _, b := range [][]byte{asBytes(rep.Runs), asBytes(rep.Gaps), asBytes(rep.Lens), asBytes(rep.Sizes)} {
		if _, err := io.ReadFull(r, b); err != nil {
			return 0, err
		}
	}
	return int(values), nil
}

// growTo is xs with length n, reusing its room.
func growTo[T any](xs []T, n int) []T {
	if cap(xs) < n {
		return make([]T, n)
	}
	return xs[:n]
}

// A raw call is the tag's byte, three bytes of padding, the lengths of
// the task's name and of the input's memory (four bytes each), then both.
// A raw answer is the tag's byte, then the result's memory.

// rawCallHeader is the size of a raw call's header.
const rawCallHeader = 12

// maxRawCall is the biggest input a raw call carries: a worker takes a
// bigger length for a broken stream. Bigger inputs travel with gob.
const maxRawCall = 1 << 20

// callTravelsRaw says whether a Submit's input of type T travels as a raw
// call.
func callTravelsRaw[T any]() bool {
	var zero T
	return isPlain[T]() && unsafe.Sizeof(zero) <= maxRawCall
}

// appendRawCall appends a raw call of task on the memory of input to buf.
func appendRawCall(buf []byte, task string, input []byte) []byte {
	buf = append(buf, rawTag, 0, 0, 0)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(task)))
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(input)))
	return append(append(buf, task...), input...)
}

// readRawCall reads a raw call from r: the task's name and the memory of
// the input.
func readRawCall(r *bufio.Reader) (task string, input []byte, err error) {
	var h [rawCallHeader]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return "", nil, err
	}
	name, size := binary.LittleEndian.Uint32(h[4:]), binary.LittleEndian.Uint32(h[8:])
	if h[0] != rawTag || name > 1<<16 || size > maxRawCall {
		return "", nil, fmt.Errorf("broken call header %x", h)
	}
	b := make([]byte, name+size)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", nil, err
	}
	return string(b[:name]), b[name:], nil
}

// appendRawAnswer appends a raw answer of v to buf.
func appendRawAnswer[R any](buf []byte, v R) []byte {
	return append(append(buf, rawTag), asBytes([]R{v})...)
}

// readRawAnswer reads a raw answer from r.
func readRawAnswer[R any](r *bufio.Reader) (R, error) {
	var v [1]R
	_, err := r.Discard(1) // the tag
	if err == nil {
		_, err = io.ReadFull(r, asBytes(v[:]))
	}
	return v[0], err
}
