package workqueue

import (
	"context"
	"sync"
)

// The pipeline of lesson 7: stages connected by channels, each stage a
// goroutine (or several) that reads from one channel and writes to the next.
// Every stage stops when its input closes or when ctx is cancelled, so a
// consumer that gives up early leaks no goroutine: it cancels, and every
// stage blocked on a send sees ctx.Done and returns.

// Generate sends nums, in order, then closes the channel.
func Generate(ctx context.Context, nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			select {
			case out <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Square sends the square of every number it receives.
func Square(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			select {
			case out <- n * n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// FanOut starts workers copies of stage, all reading from in: the work is
// shared among them, each number going to whichever is free.
func FanOut(ctx context.Context, in <-chan int, workers int, stage func(context.Context, <-chan int) <-chan int) []<-chan int {
	outs := make([]<-chan int, max(workers, 1))
	for i := range outs {
		outs[i] = stage(ctx, in)
	}
	return outs
}

// Merge is the fan-in: it sends everything from all the channels on one, and
// closes it once they are all closed. The order across inputs is whatever
// arrives first.
func Merge(ctx context.Context, ins ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range in {
				select {
				case out <- n:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// Sum adds up everything it receives until the channel closes.
func Sum(in <-chan int) int {
	s := 0
	for n := range in {
		s += n
	}
	return s
}

// SumOfSquares is the whole pipeline: generate 1..n, square on workers
// goroutines, merge, sum. The answer is n(n+1)(2n+1)/6 whatever the number of
// workers; only the order of the additions changes.
func SumOfSquares(ctx context.Context, n, workers int) int {
	nums := make([]int, n)
	for i := range nums {
		nums[i] = i + 1
	}
	return Sum(Merge(ctx, FanOut(ctx, Generate(ctx, nums...), workers, Square)...))
}
