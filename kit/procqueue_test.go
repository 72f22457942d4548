package kit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFrameSizeFitsTheFirstChunk(t *testing.T) {
	for _, c := range []struct {
		name   string
		size   func() (int, bool)
		want   int
		inline bool
	}{
		{"one int", sizeOf(inputs(100), 1), minRawFrameSize, true},
		{"one string", sizeOf([]string{"a"}, 1), minFrameSize, true},
		{"250 ints, as their memory", sizeOf(inputs(2000), 250), 2048, true},
		{"600 ints, gob-encoded", sizeOf(inputs(2000), 600), 4096, true},
		{"a long slice", sizeOf([][]int{inputs(5000)}, 1), maxFrameSize, true},
		{"interfaces", sizeOf([]any{1, "two"}, 1), minFrameSize, false},
	} {
		if got, inline := c.size(); got != min(c.want, maxFrameSize) || inline != c.inline {
			t.Errorf("%s: frames of %d bytes, inline %v; want %d, %v", c.name, got, inline, c.want, c.inline)
		}
	}
}

func sizeOf[T any](xs []T, chunk int) func() (int, bool) {
	return func() (int, bool) {
		w, err := newFrameWriter(xs, chunk)
		if err != nil {
			panic(err)
		}
		return w.size, w.inline
	}
}

// TestQueueHandsEachChunkToOneReader writes chunks the way a pool's parent
// does and reads them with two readers the way two workers do: every chunk
// arrives whole, exactly once, with its inputs. Strings travel gob-encoded;
// ints as their memory, unless a chunk's memory is more than a frame holds.
func TestQueueHandsEachChunkToOneReader(t *testing.T) {
	xs := make([]string, 3000)
	for i := range xs {
		xs[i] = strings.Repeat("x", i%7) // payloads of different lengths
	}
	for _, chunk := range []int{1, 7} {
		t.Run(fmt.Sprint("strings, chunk ", chunk), func(t *testing.T) { checkQueue(t, xs, chunk, false) })
	}
	for _, chunk := range []int{1, 250} {
		t.Run(fmt.Sprint("ints, chunk ", chunk), func(t *testing.T) { checkQueue(t, inputs(3000), chunk, true) })
	}
	t.Run("ints, chunk 1000", func(t *testing.T) { checkQueue(t, inputs(3000), 1000, false) })
}

// checkQueue writes xs in chunks of chunk inputs and reads them back with
// two readers; raw says whether the frames carry the inputs' memory.
func checkQueue[T comparable](t *testing.T, xs []T, chunk int, raw bool) {
	w, err := newFrameWriter(xs, chunk)
	if err != nil {
		t.Fatal(err)
	}
	w.run, w.perSpan = 7, 3 // carried by every frame
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var frames []byte
	for lo := 0; lo < len(xs); lo += chunk {
		hi := min(lo+chunk, len(xs))
		frames = w.encode(frames, lo, hi, xs[lo:hi])
	}
	for at := 0; at < len(frames); at += w.size {
		if got := binary.LittleEndian.Uint32(frames[at+4:])&rawPayload != 0; got != raw {
			t.Fatalf("frame at %d: raw %v, want %v", at, got, raw)
		}
	}
	go func() {
		// Several frames per write, as the parent writes them.
		per := framesPerWrite * w.size
		for len(frames) > 0 {
			n := min(per, len(frames))
			if _, err := wr.Write(frames[:n]); err != nil {
				panic(err)
			}
			frames = frames[n:]
		}
		wr.Close()
	}()
	var (
		mu   sync.Mutex
		seen = make([]int, len(xs))
		wg   sync.WaitGroup
	)
	for range 2 {
		f, err := openQueue(int(r.Fd()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		conn, err := f.SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		q, err := newFrameReader[T](conn, w.size, w.preamble)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				f, err := q.next(func() {})
				lo, hi, in := f.lo, f.hi, f.inputs
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil || !f.inline || f.run != w.run || f.perSpan != w.perSpan {
					t.Errorf("frame %d-%d: inline %v, run %d, %d per span, %v", lo, hi, f.inline, f.run, f.perSpan, err)
					return
				}
				if !slices.Equal(in, xs[lo:hi]) {
					t.Errorf("frame %d-%d holds %v", lo, hi, in)
				}
				mu.Lock()
				for i := lo; i < hi; i++ {
					seen[i]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("input %d was read %d times", i, n)
		}
	}
}

var (
	// Inputs that cannot travel inside a frame: too big, or holding an
	// interface. Workers ask for them on their own pipes.
	sumTask   = Task("test-sum", func(xs []int) int { return len(xs) })
	kindTask  = Task("test-kind", func(x any) string { return fmt.Sprintf("%T", x) })
	mixedArgs = []any{1, "two", 3.0, []int{4}, 5}
)

func TestProcessesCarryInputsFramesCannot(t *testing.T) {
	big := [][]int{inputs(10), make([]int, 50_000), inputs(3), make([]int, 20_000)}
	r := Map(Processes(2).WithChunk(1), sumTask, big)
	if r.Err != nil || fmt.Sprint(r.Results) != "[10 50000 3 20000]" {
		t.Errorf("big inputs: %v, %v", r.Results, r.Err)
	}
	k := Map(Processes(2), kindTask, mixedArgs)
	if k.Err != nil || fmt.Sprint(k.Results) != "[int string float64 []int int]" {
		t.Errorf("interface inputs: %v, %v", k.Results, k.Err)
	}
	// A type gob was not told about (gob.Register) fails its own input only.
	type unregistered struct{ X int }
	u := Map(Processes(2).WithChunk(1), kindTask, []any{1, unregistered{2}, "three"})
	var te *TaskError
	if !errors.As(u.Err, &te) || te.Input != 1 || !strings.Contains(u.Err.Error(), "cannot be sent to a worker process") {
		t.Errorf("unregistered type: Err = %v", u.Err)
	}
	if u.Results[0] != "int" || u.Results[2] != "string" {
		t.Errorf("the other inputs must still run: %q", u.Results)
	}
}

func TestHandOutAgainSkipsReportedInputs(t *testing.T) {
	r := &procRun[int, int]{reported: newOutcomes(10), wake: make(chan struct{}, 1)}
	for _, i := range []int{0, 3, 4, 8} {
		r.reported.claim(i, i+1)
	}
	r.handOutAgain(0, 10)
	if fmt.Sprint(r.again) != "[[1 3] [5 8] [9 10]]" {
		t.Errorf("handed out again %v", r.again)
	}
}

// plainMarshaler is a number with gob methods of its own: gob must carry it.
type plainMarshaler int

func (plainMarshaler) MarshalBinary() ([]byte, error) { return nil, nil }

func TestPlainValuesTravelAsTheirMemory(t *testing.T) {
	for _, c := range []struct {
		plain bool
		is    bool
	}{
		{true, isPlain[int]()}, {true, isPlain[[3]float64]()}, {true, isPlain[time.Duration]()},
		{false, isPlain[string]()}, {false, isPlain[struct{ X int }]()}, {false, isPlain[[]int]()},
		{false, isPlain[time.Time]()}, {false, isPlain[plainMarshaler]()}, {false, isPlain[[0]int]()},
	} {
		if c.is != c.plain {
			t.Errorf("case %+v", c)
		}
	}
	xs := []float64{1.5, -2, 3e300}
	ys, ok := fromBytes[float64](asBytes(xs), nil)
	if !ok || !slices.Equal(xs, ys) {
		t.Errorf("%v came back as %v", xs, ys)
	}
	room := make([]float64, 1, 8)
	if zs, ok := fromBytes(asBytes(xs), room); !ok || !slices.Equal(xs, zs) || &zs[0] != &room[0] {
		t.Errorf("%v came back as %v, not in the room given", xs, zs)
	}
	if _, ok := fromBytes[int64](make([]byte, 12), nil); ok {
		t.Error("12 bytes made int64s")
	}
}
