package workqueue_test

import (
	"context"
	"fmt"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/lessons/workqueue"
)

// One worker keeps the printed order fixed; the lesson uses three.
func ExampleStart() {
	tr := kit.NewTrace("pool", 1)
	pool := workqueue.Start(context.Background(), 1, tr)
	pool.Submit(workqueue.Task{ID: 0, Seconds: 1})
	pool.Submit(workqueue.Task{ID: 1, Seconds: 2})
	results := pool.Shutdown()
	fmt.Println(len(results), "results,", len(tr.Spans()), "spans")
	// Output:
	// worker 0 started
	// worker 0 finished task 0 (1s)
	// worker 0 finished task 1 (2s)
	// worker 0 shutting down
	// 2 results, 2 spans
}

func ExampleStartWithOutput() {
	var silent discard
	pool := workqueue.StartWithOutput(context.Background(), 3, nil, silent)
	for _, t := range workqueue.RandomTasks(0, 15, 1, 5, 1) {
		pool.Submit(t)
	}
	fmt.Println(len(pool.Shutdown()))
	// Output: 15
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func ExamplePool_Submit() {
	pool := workqueue.StartWithOutput(context.Background(), 2, nil, discard{})
	fmt.Println(pool.Submit(workqueue.Task{ID: 1, Seconds: 1}))
	pool.Shutdown()
	fmt.Println(pool.Submit(workqueue.Task{ID: 2, Seconds: 1}))
	// Output:
	// <nil>
	// workqueue: pool is shut down
}

func ExamplePool_Shutdown() {
	ctx, cancel := context.WithCancel(context.Background())
	pool := workqueue.StartWithOutput(ctx, 2, nil, discard{})
	for i := range 4 {
		pool.Submit(workqueue.Task{ID: i, Seconds: 3600})
	}
	cancel() // the stop event: nobody waits an hour
	for _, r := range pool.Shutdown() {
		fmt.Println(r.Err)
	}
	// Output:
	// context canceled
	// context canceled
	// context canceled
	// context canceled
}

func ExamplePool_IdlePolls() {
	pool := workqueue.StartWithOutput(context.Background(), 1, nil, discard{})
	pool.Shutdown()
	fmt.Println(pool.IdlePolls() >= 0)
	// Output: true
}

func ExampleIdlePoll() {
	fmt.Println(workqueue.IdlePoll()) // 2 s at KIT_SCALE=1; 0.001 in these tests
	// Output: 2ms
}

func ExampleRandomTasks() {
	first := workqueue.RandomTasks(0, 15, 1, 5, 1)
	second := workqueue.RandomTasks(100, 11, 2, 6, 1)
	fmt.Println(len(first), first[0].ID, len(second), second[0].ID, second[10].ID)
	// Output: 15 0 11 100 110
}

func ExampleTask() {
	fmt.Println(workqueue.Task{ID: 3, Seconds: 1})
	// Output: task 3 (1s)
}

func ExampleResult() {
	pool := workqueue.StartWithOutput(context.Background(), 1, nil, discard{})
	pool.Submit(workqueue.Task{ID: 7, Seconds: 1})
	r := pool.Shutdown()[0]
	fmt.Println(r.Task, r.Worker, r.Err, r.End >= r.Start)
	// Output: task 7 (1s) 0 <nil> true
}

func ExampleSumOfSquares() {
	fmt.Println(workqueue.SumOfSquares(context.Background(), 100, 4))
	// Output: 338350
}

func ExampleGenerate() {
	for n := range workqueue.Generate(context.Background(), 1, 2, 3) {
		fmt.Print(n, " ")
	}
	fmt.Println()
	// Output: 1 2 3
}

func ExampleSquare() {
	ctx := context.Background()
	for n := range workqueue.Square(ctx, workqueue.Generate(ctx, 1, 2, 3)) {
		fmt.Print(n, " ")
	}
	fmt.Println()
	// Output: 1 4 9
}

func ExampleFanOut() {
	ctx := context.Background()
	outs := workqueue.FanOut(ctx, workqueue.Generate(ctx, 1, 2, 3, 4), 3, workqueue.Square)
	fmt.Println(len(outs), workqueue.Sum(workqueue.Merge(ctx, outs...)))
	// Output: 3 30
}

func ExampleMerge() {
	ctx := context.Background()
	fmt.Println(workqueue.Sum(workqueue.Merge(ctx, workqueue.Generate(ctx, 1, 2), workqueue.Generate(ctx, 10, 20))))
	// Output: 33
}

func ExampleSum() {
	fmt.Println(workqueue.Sum(workqueue.Generate(context.Background(), 1, 2, 3)))
	// Output: 6
}

func ExampleQueueSize() {
	fmt.Println(workqueue.QueueSize)
	// Output: 1024
}

func ExampleErrClosed() {
	pool := workqueue.StartWithOutput(context.Background(), 1, nil, discard{})
	pool.Shutdown()
	fmt.Println(pool.Submit(workqueue.Task{}) == workqueue.ErrClosed)
	// Output: true
}
