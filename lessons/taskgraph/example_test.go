package taskgraph_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/lessons/montecarlo"
	"parallelgo.dev/course/lessons/taskgraph"
)

func ExampleMap() {
	ns := []int{100_000, 3_200_000} // the source's Pool().map(sample, [10**5, 20**5])
	pis, err := taskgraph.Map(context.Background(), 2, ns, func(_ context.Context, n int) (float64, error) {
		return montecarlo.SampleSeeded(n, 1), nil
	})
	fmt.Println(len(pis), err, math.Abs(pis[1]-math.Pi) < 0.01)
	// Output: 2 <nil> true
}

func ExampleMap_firstError() {
	_, err := taskgraph.Map(context.Background(), 0, []int{1, 2, 3}, func(ctx context.Context, x int) (int, error) {
		if x == 2 {
			return 0, errors.New("bad input")
		}
		<-ctx.Done() // the error cancels the others
		return 0, ctx.Err()
	})
	fmt.Println(err)
	// Output: input 1 (2): bad input
}

func ExampleGo() {
	f := taskgraph.Go(func() (float64, error) { return montecarlo.SampleSeeded(100_000, 1), nil })
	// ... other work here, while the future computes ...
	pi, err := f.Get()
	fmt.Println(math.Abs(pi-math.Pi) < 0.05, err)
	// Output: true <nil>
}

func ExampleFuture_Get() {
	f := taskgraph.Go(func() (int, error) { return 42, nil })
	a, _ := f.Get()
	b, _ := f.Get() // as often as you like
	fmt.Println(a, b)
	// Output: 42 42
}

func ExampleNew() {
	g := taskgraph.New().
		Add("a", func(context.Context, taskgraph.Values) (any, error) { return 2, nil }).
		Add("b", func(_ context.Context, in taskgraph.Values) (any, error) {
			return taskgraph.Value[int](in, "a") * 10, nil
		}, "a")
	res, err := g.Run(context.Background(), 0, nil)
	fmt.Println(res["b"], err)
	// Output: 20 <nil>
}

func ExampleGraph_Run() {
	sample := func(n int) taskgraph.Step {
		return func(context.Context, taskgraph.Values) (any, error) { return montecarlo.SampleSeeded(n, 1), nil }
	}
	g := taskgraph.New().
		Add("small", sample(100_000)).
		Add("large", sample(3_200_000)).
		Add("mean", func(_ context.Context, in taskgraph.Values) (any, error) {
			return (taskgraph.Value[float64](in, "small") + taskgraph.Value[float64](in, "large")) / 2, nil
		}, "small", "large")
	tr := kit.NewTrace("graph", 0)
	res, err := g.Run(context.Background(), 0, tr)
	fmt.Println(err, math.Abs(taskgraph.Value[float64](res, "mean")-math.Pi) < 0.05, len(tr.Spans()))
	path, _, _ := g.CriticalPath(taskgraph.Durations(tr))
	fmt.Println(path[len(path)-1])
	// Output:
	// <nil> true 3
	// mean
}

func ExampleGraph_Validate() {
	nop := func(context.Context, taskgraph.Values) (any, error) { return nil, nil }
	fmt.Println(taskgraph.New().Add("a", nop, "b").Add("b", nop, "a").Validate())
	fmt.Println(taskgraph.New().Add("a", nop, "missing").Validate())
	// Output:
	// taskgraph: cycle a -> b -> a
	// taskgraph: step "a" depends on "missing", which is not in the graph
}

func ExampleGraph_Order() {
	g := taskgraph.New().Add("mean", nil, "p0", "p1").Add("p0", nil).Add("p1", nil)
	fmt.Println(g.Order())
	// Output: [p0 p1 mean] <nil>
}

func ExampleGraph_Add() {
	g := taskgraph.New().Add("x", nil).Add("x", nil)
	fmt.Println(g.Validate())
	// Output: taskgraph: step "x" added twice
}

func ExampleGraph_CriticalPath() {
	g := taskgraph.New().Add("load", nil).Add("fast", nil, "load").Add("slow", nil, "load").Add("join", nil, "fast", "slow")
	path, total, _ := g.CriticalPath(map[string]time.Duration{
		"load": 2 * time.Second, "fast": time.Second, "slow": 5 * time.Second, "join": time.Second,
	})
	fmt.Println(path, total)
	// Output: [load slow join] 8s
}

func ExampleDurations() {
	tr := kit.NewTrace("graph", 1)
	tr.Add(kit.Span{Label: "load", Start: 0, End: 3 * time.Second})
	fmt.Println(taskgraph.Durations(tr))
	// Output: map[load:3s]
}

func ExampleValue() {
	v := taskgraph.Values{"pi": 3.14}
	fmt.Println(taskgraph.Value[float64](v, "pi"))
	// Output: 3.14
}

func ExampleValues() {
	v := taskgraph.Values{"a": 1, "b": "two"}
	fmt.Println(len(v), v["b"])
	// Output: 2 two
}

func ExampleStep() {
	var double taskgraph.Step = func(_ context.Context, in taskgraph.Values) (any, error) {
		return 2 * taskgraph.Value[int](in, "x"), nil
	}
	v, _ := double(context.Background(), taskgraph.Values{"x": 21})
	fmt.Println(v)
	// Output: 42
}

func ExamplePartitionMean() {
	// ds.apply(sample).mean().compute() over [10**5, 20**5] in 2 partitions.
	ns := []int{montecarlo.Small, montecarlo.Large}
	one, _ := taskgraph.PartitionMean(context.Background(), ns, 1, 7, nil)
	two, _ := taskgraph.PartitionMean(context.Background(), ns, 2, 7, nil)
	fmt.Println(one == two, math.Abs(two-math.Pi) < 0.05)
	// Output: true true
}
