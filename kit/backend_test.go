package kit

import (
	"errors"
	"testing"
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
	o := newOutbox[int](4, false)
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
	eager := newOutbox[int](4, true)
	eager.put(batch[int]{lo: 0, values: []int{1}})
	if !woken(&eager) {
		t.Error("an eager outbox did not wake the collector for a batch")
	}
}
