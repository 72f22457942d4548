package taskgraph

import (
	"context"
	"fmt"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/lessons/montecarlo"
)

// PartitionMean is the source's Dask example,
//
//	ds = dd.from_pandas(pd.Series([10**5, 20**5]), npartitions=2)
//	ds.apply(sample).mean().compute()
//
// as a task graph: the sample sizes ns are cut into partitions contiguous
// partitions ("partition-0", ...), each partition applies sample to its
// sizes, in parallel with the others, and a "mean" step that depends on all
// of them averages every estimate. Element i is sampled with seed+i, so the
// answer does not depend on the number of partitions. trace may be nil.
func PartitionMean(ctx context.Context, ns []int, partitions int, seed uint64, trace *kit.Trace) (float64, error) {
	g := New()
	var names []string
	start := 0
	for p, size := range montecarlo.Split(len(ns), partitions) {
		name := fmt.Sprintf("partition-%d", p)
		names = append(names, name)
		first, part := start, ns[start:start+size]
		start += size
		g.Add(name, func(ctx context.Context, _ Values) (any, error) {
			out := make([]float64, len(part))
			for i, n := range part {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				out[i] = montecarlo.SampleSeeded(n, seed+uint64(first+i))
			}
			return out, nil
		})
	}
	g.Add("mean", func(_ context.Context, deps Values) (any, error) {
		var all []float64
		for _, n := range names {
			all = append(all, Value[[]float64](deps, n)...)
		}
		return montecarlo.Mean(all), nil
	}, names...)
	res, err := g.Run(ctx, 0, trace)
	if err != nil {
		return 0, err
	}
	return Value[float64](res, "mean"), nil
}
