package workqueue

import (
	"context"
	"errors"
	"time"
)

// ErrEmpty is Get's answer when nothing arrived in time: Python's queue.Empty.
var ErrEmpty = errors.New("workqueue: nothing arrived in time")

// ErrDrained is Get's answer when the channel is closed and empty: no value
// will ever come.
var ErrDrained = errors.New("workqueue: channel closed")

// Get is the exercise "queue.get(timeout=2) in Go": it waits for a value from
// ch for at most timeout, and stops early if ctx is done. It returns the value
// and nil; or ErrEmpty when the time ran out; ErrDrained when ch is closed; or
// ctx's error. A timeout <= 0 does not wait: a value already waiting is taken,
// otherwise ErrEmpty, like queue.get_nowait(). One select waits for whichever
// comes first, which is the whole point: a Go worker needs no polling loop to
// notice the stop signal.
func Get[T any](ctx context.Context, ch <-chan T, timeout time.Duration) (T, error) {
	var zero T
	if timeout <= 0 {
		select {
		case v, ok := <-ch:
			if !ok {
				return zero, ErrDrained
			}
			return v, nil
		case <-ctx.Done():
			return zero, ctx.Err()
		default:
			return zero, ErrEmpty
		}
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case v, ok := <-ch:
		if !ok {
			return zero, ErrDrained
		}
		return v, nil
	case <-ctx.Done():
		return zero, ctx.Err()
	case <-timer.C:
		return zero, ErrEmpty
	}
}
