package kit

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unsafe"
)

func TestOutboxWakesTheCollectorForTheLastOutcomeOrAFailure(t *testing.T) {
	woken := func(o *outbox[int]) bool {
		select {
		case <-o.ready:
			return true
		default:
			return false
		}
	}
	o := newOutbox[int](4, false, nil)
	o.put(batch[int]{lo: 0, values: []int{1, 2}})
	if woken(&o) || o.arrived() != 2 {
		t.Errorf("woken for a batch that is not the last, or arrived %d != 2", o.arrived())
	}
	var b batch[int]
	b.add(0, errors.New("boom"))
	o.put(b)
	if !woken(&o) {
		t.Error("a failure did not wake the collector")
	}
	o.put(batch[int]{lo: 3, values: []int{4}})
	if !woken(&o) || !o.full() {
		t.Error("the last outcome did not wake the collector")
	}
	o.put(batch[int]{lo: 3, values: []int{4}}) // a duplicate, from a backend that redelivers
	if o.arrived() != 4 {
		t.Errorf("arrived %d, more than the run's 4 inputs", o.arrived())
	}
	if got := o.take(nil); len(got) != 4 {
		t.Errorf("took %d batches, want the 4 put", len(got))
	}
	eager := newOutbox[int](4, true, nil)
	eager.put(batch[int]{lo: 0, values: []int{1}})
	if !woken(&eager) {
		t.Error("an eager outbox did not wake the collector for a batch")
	}
}

// stackTask returns where its frame is on the stack of the goroutine that
// runs it: the same place for every input a worker runs, unless that
// stack grew (and moved) in between.
var stackTask = Task("stack-address", stackAddress)

//go:noinline
func stackAddress(int) uintptr {
	var here byte
	return uintptr(unsafe.Pointer(&here))
}

// A goroutine worker's calls, from one input to the next through the end
// of a span and the deliveries, fit the stack a goroutine starts with: a
// worker whose stack grows pays for a bigger one in every Map (on memory
// new to the process, 8 page faults). It runs in a child process with
// goroutines started on the smallest stack: the runtime starts them on
// bigger ones once its collections have seen bigger stacks.
func TestGoroutineWorkersKeepTheStackTheyStartWith(t *testing.T) {
	if raceOn {
		t.Skip("the race detector makes every frame bigger")
	}
	if os.Getenv("KIT_TEST_STACK") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestGoroutineWorkersKeepTheStackTheyStartWith$", "-test.v")
		cmd.Env = append(os.Environ(), "KIT_TEST_STACK=1", "GODEBUG=adaptivestackstart=0")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS") {
			t.Fatalf("in a child with 2 kB stacks: %v\n%s", err, out)
		}
		return
	}
	// Spans for more inputs than a worker's buffer holds: its deliveries
	// of spans alone run too.
	n := 3*len(workerSpans{}.room) + 10
	r := Map(Threads(2), stackTask, make([]int, n))
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	first := map[int]uintptr{} // by worker
	for _, s := range r.Trace.Spans() {
		at := r.Results[s.Input]
		if was, ok := first[s.Worker]; ok && at != was {
			t.Fatalf("worker %d ran input %d at %#x on its stack, an input before at %#x: its stack grew", s.Worker, s.Input, at, was)
		}
		first[s.Worker] = at
	}
}
