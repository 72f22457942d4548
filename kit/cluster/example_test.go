package cluster_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/kit/cluster"
)

// Declared at package level: the workers are this program started again,
// and they find the task by its name.
var square = kit.Task("cluster-example-square", func(x int) int { return x * x })

// The same Map as on Processes, through an embedded NATS server and two
// worker processes on this machine.
func ExampleLocal() {
	run := kit.Map(cluster.Local(2), square, []int{1, 2, 3, 4, 5})
	fmt.Println(run.Results, run.Err)
	// Output: [1 4 9 16 25] <nil>
}

// Connect uses the server at a URL and whatever kitworkers serve it; with
// none, the run fails after the start timeout instead of waiting for ever.
func ExampleConnect() {
	ex := cluster.Connect(os.Getenv(cluster.URLEnv), cluster.WithStartTimeout(time.Second))
	fmt.Println(ex)
	// Output: cluster.Connect($KIT_NATS_URL)
}

// Options tune redelivery: a worker that dies loses its inputs for
// AckWait, and an input is given up after MaxDeliver deliveries.
func ExampleWithAckWait() {
	ex := cluster.Local(2, cluster.WithAckWait(time.Second), cluster.WithMaxDeliver(5))
	fmt.Println(kit.Map(ex.WithChunk(1), square, []int{6, 7}).Results)
	// Output: [36 49]
}

// An Agent is what the kitworker command runs: it serves the runs
// announced on a server until its context ends.
func ExampleAgent() {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := cluster.Agent{Workers: 2}.Serve(ctx, "nats://127.0.0.1:1")
	fmt.Println(err != nil) // no server there
	// Output: true
}
