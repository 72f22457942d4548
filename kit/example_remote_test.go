package kit_test

import (
	"context"
	"fmt"

	"parallelgo.dev/course/kit"
)

// nowhere is the smallest Remote: it has no workers, so every run fails at
// start-up with its error. kit/cluster's Local and Connect are real ones.
type nowhere struct{}

func (nowhere) String() string { return "Nowhere()" }
func (nowhere) Workers() int   { return 1 }
func (nowhere) Run(ctx context.Context, job kit.RemoteJob) error {
	return fmt.Errorf("no worker can run %q (%d inputs)", job.Task(), job.Len())
}

var double = kit.Task("example-remote-double", func(x int) int { return 2 * x })

func ExampleRemoteExecutor() {
	run := kit.Map(kit.RemoteExecutor(nowhere{}), double, []int{1, 2, 3})
	fmt.Println(run.Executor)
	fmt.Println(run.Err)
	// Output:
	// Nowhere()
	// no worker can run "example-remote-double" (3 inputs)
}
