package kit

import (
	"bytes"
	"context"
	"encoding/gob"
	"sync"
	"sync/atomic"
	"time"
)

// Submits on a started Processes pool, as Python's apply_async: each call
// goes to an idle worker on the worker's own pipe, and its result comes
// back on the worker's result pipe. Calls hold the pool's turn while any
// is queued or running, so a run waits for them and they wait for a run;
// between calls the pool is free.

// pendingCall is a Submit on a started pool as the pool sees it (a
// *poolCall, see submit.go).
type pendingCall interface {
	// send hands the call to w; sent is false if it was over before
	// (its context ended), and w stays free.
	send(w *child) (sent bool, err error)
	// receive reads w's answer and completes the call, or returns why
	// w's pipe failed.
	receive(w *child) error
	died(w *child)  // completes the call whose worker died running it
	fail(err error) // completes a call that could not run
	// helpWith offers wait to the call's Get, to run on its goroutine.
	helpWith(wait func())
}

// callQueue is the Submits of a pool that wait for a worker.
type callQueue struct {
	mu        sync.Mutex
	waiting   []pendingCall // in the order they were made
	idle      []*child      // workers free for a call, while holding
	busy      int           // calls running on workers
	holding   bool          // the calls hold the pool's turn
	acquiring bool          // a goroutine waits for the turn for them
}

// submit queues c, and hands it to an idle worker at once if the calls
// hold the pool. Otherwise the calls take the turn: right here if the pool
// is free and up, else on a goroutine of their own (it may have to wait
// for a run, or start workers).
func (s *sharedPool) submit(c pendingCall) {
	q := &s.calls
	q.mu.Lock()
	q.waiting = append(q.waiting, c)
	switch {
	case q.holding:
		s.handOutCalls(true)
		return
	case q.acquiring:
		q.mu.Unlock()
		return
	}
	q.acquiring = true
	q.mu.Unlock()
	if s.turn.TryLock() {
		if s.pool != nil && s.session == nil && !s.closed && !s.pool.isClosed() && !hasNil(s.pool.current()) {
			s.beginCalls(s.pool, false, nil)
			return
		}
		go func() { s.beginCalls(s.ready(context.Background(), nil)) }()
		return
	}
	go func() { s.beginCalls(s.acquire(context.Background(), nil)) }() // not s.acquire here: it waits
}

func hasNil(ws []*child) bool {
	for _, w := range ws {
		if w == nil {
			return true
		}
	}
	return false
}

// beginCalls starts handing out calls once they hold the turn, on p, or
// fails them all with err if the pool could not be readied (the turn is
// then free already).
func (s *sharedPool) beginCalls(p *procPool, _ bool, err error) {
	q := &s.calls
	q.mu.Lock()
	q.acquiring = false
	if err != nil {
		waiting := q.waiting
		q.waiting = nil
		q.mu.Unlock()
		for _, c := range waiting {
			c.fail(err)
		}
		return
	}
	q.holding = true
	q.idle = q.idle[:0]
	for _, w := range p.current() {
		if w != nil {
			q.idle = append(q.idle, w)
		}
	}
	s.handOutCalls(true)
}

// handOutCalls gives waiting calls to idle workers, and frees the pool's
// turn once no call waits or runs. It is called with q.mu held, and
// unlocks it. If byCaller (Submit's own goroutine hands out), the wait
// for the first call's answer is offered to its Get: a Submit followed by
// Get then waits on one goroutine, with no other to wake. If Get does not
// come, a timer waits instead.
func (s *sharedPool) handOutCalls(byCaller bool) {
	q := &s.calls
	for len(q.waiting) > 0 && len(q.idle) > 0 {
		c := q.waiting[0]
		q.waiting[0] = nil
		q.waiting = q.waiting[1:]
		w := q.idle[len(q.idle)-1]
		q.idle = q.idle[:len(q.idle)-1]
		q.busy++
		q.mu.Unlock()
		sent, err := c.send(w)
		switch {
		case sent && err == nil && byCaller:
			byCaller = false
			var once atomic.Bool
			wait := func() {
				if once.CompareAndSwap(false, true) {
					s.await(w, c, nil)
				}
			}
			t := time.AfterFunc(helpWait, wait)
			c.helpWith(func() {
				t.Stop()
				wait()
			})
		case sent || err != nil:
			go s.await(w, c, err)
		}
		q.mu.Lock()
		if !sent && err == nil {
			q.busy--
			q.idle = append(q.idle, w)
		}
	}
	if q.holding && q.busy == 0 && len(q.waiting) == 0 {
		q.holding = false
		q.idle = q.idle[:0]
		s.release()
	}
	q.mu.Unlock()
}

// await waits for w's answer to c (unless sending c failed with err). A
// worker that died is replaced; if none can be, and no worker is left,
// the waiting calls fail.
func (s *sharedPool) await(w *child, c pendingCall, err error) {
	if err == nil {
		err = c.receive(w)
	}
	var startErr error
	if err != nil {
		p := w.pool
		w.died(err)
		c.died(w)
		p.setWorker(w.slot, nil)
		if w, startErr = p.start(w.slot, nil); startErr == nil {
			p.setWorker(w.slot, w)
		}
	}
	q := &s.calls
	q.mu.Lock()
	q.busy--
	if w != nil {
		q.idle = append(q.idle, w)
	} else if q.busy == 0 && len(q.idle) == 0 {
		for _, c := range q.waiting {
			c.fail(startErr)
		}
		q.waiting = nil
	}
	s.handOutCalls(false)
}

// helpWait is how long a Submit's answer may wait for its Get to read it
// before a goroutine of the pool does.
const helpWait = 100 * time.Microsecond

// callStream encodes the inputs of one task's Submits to one worker: one
// gob stream, whose type descriptions travel once.
type callStream struct {
	buf bytes.Buffer
	enc *gob.Encoder
}

// encodeCall encodes v, a Submit's input for task, for worker w. Only the
// holder of w calls it. The payload is good until the next call; fresh
// says it starts a new stream.
func (w *child) encodeCall(task string, v any) (payload []byte, fresh bool, err error) {
	s := w.calls[task]
	if s == nil {
		s, fresh = &callStream{}, true
		s.enc = gob.NewEncoder(&s.buf)
		if w.calls == nil {
			w.calls = map[string]*callStream{}
		}
		w.calls[task] = s
	}
	s.buf.Reset()
	if err := s.enc.Encode(v); err != nil {
		delete(w.calls, task) // its state is unknown: the next call starts afresh
		return nil, false, err
	}
	return s.buf.Bytes(), fresh, nil
}
