package workqueue

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestGet(t *testing.T) {
	ctx := context.Background()
	ch := make(chan int, 1)
	start := time.Now()
	if _, err := Get(ctx, ch, 20*time.Millisecond); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty channel: err %v, want ErrEmpty", err)
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("gave up after %v, before the timeout", d)
	}
	if _, err := Get(ctx, ch, 0); !errors.Is(err, ErrEmpty) {
		t.Errorf("no wait, empty: err %v", err)
	}
	ch <- 7
	if v, err := Get(ctx, ch, 0); v != 7 || err != nil {
		t.Errorf("no wait, a value waiting: %v, %v", v, err)
	}
	go func() {
		time.Sleep(10 * time.Millisecond)
		ch <- 42
	}()
	if v, err := Get(ctx, ch, 5*time.Second); v != 42 || err != nil {
		t.Errorf("value arriving late: %v, %v", v, err)
	}
	close(ch)
	if _, err := Get(ctx, ch, time.Second); !errors.Is(err, ErrDrained) {
		t.Errorf("closed channel: err %v, want ErrDrained", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	start = time.Now()
	if _, err := Get(cctx, make(chan string), time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("a cancelled Get waited")
	}
}

// After a cancel, workers start nothing more: the tasks running are cut
// short, every other one comes back unstarted (Worker -1), none is lost.
func TestCancelStartsNothingMore(t *testing.T) {
	for range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		pool := StartWithOutput(ctx, 3, nil, discard{})
		for i := range 12 {
			if err := pool.Submit(Task{ID: i, Seconds: 3600}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(time.Millisecond) // let the three workers take a task each
		cancel()
		results := pool.Shutdown()
		started := 0
		for _, r := range results {
			if r.Worker >= 0 {
				started++
			}
			if !errors.Is(r.Err, context.Canceled) {
				t.Fatalf("%v: err %v", r.Task, r.Err)
			}
		}
		if len(results) != 12 || started > 3 {
			t.Fatalf("%d results, %d started by a worker; want 12 and at most 3", len(results), started)
		}
	}
}
