// Package taskgraph holds the workloads and exercise solutions of lesson 9,
// "Futures and task graphs", which re-creates the Dask half of the source's
// background lesson (seed 001): dask.delayed functions, a partitioned series
// whose sample() results are averaged with ds.apply(sample).mean().compute(),
// and the scheduler that runs a graph of tasks as their inputs become ready.
//
// Go needs no scheduler process for this. The pieces are: [Map], an errgroup
// with a limit that cancels the rest on the first error; [Go] and
// [Future.Get], a future; and [Graph], named steps with dependencies, each run
// as soon as its dependencies are done, with [Graph.CriticalPath] to say which
// chain of steps set the total time.
package taskgraph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"parallelgo.dev/course/kit"
)

// Map calls f on every input with at most limit calls at once (limit <= 0:
// no limit) and returns the results in input order, like Pool().map. The first
// error cancels the context that the other calls get, and Map returns that
// error once every call has returned: calls that watch ctx stop early, and
// no goroutine outlives Map.
func Map[T, R any](ctx context.Context, limit int, inputs []T, f func(context.Context, T) (R, error)) ([]R, error) {
	g, ctx := errgroup.WithContext(ctx)
	if limit > 0 {
		g.SetLimit(limit)
	}
	out := make([]R, len(inputs)) // one slot per call: no lock needed
	for i, in := range inputs {
		if ctx.Err() != nil {
			break // an earlier call failed: start no more
		}
		g.Go(func() error {
			r, err := f(ctx, in)
			if err != nil {
				return fmt.Errorf("input %d (%v): %w", i, in, err)
			}
			out[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// Future is a value being computed in its own goroutine: Dask's delayed(f)(x)
// once computed, or multiprocessing's apply_async(f, x).
type Future[T any] struct {
	done chan struct{}
	v    T
	err  error
}

// Go starts f now and returns its future.
func Go[T any](f func() (T, error)) *Future[T] {
	fu := &Future[T]{done: make(chan struct{})}
	go func() {
		defer close(fu.done)
		fu.v, fu.err = f()
	}()
	return fu
}

// Get waits for the value, like apply_async(...).get(). Any number of
// goroutines may call it, any number of times.
func (f *Future[T]) Get() (T, error) {
	<-f.done
	return f.v, f.err
}

// Values are step results by step name.
type Values map[string]any

// Value returns the result of step name as a T; it panics if there is none or
// it has another type, which is a bug in the graph.
func Value[T any](v Values, name string) T {
	x, ok := v[name]
	if !ok {
		panic(fmt.Sprintf("taskgraph: no value for step %q", name))
	}
	t, ok := x.(T)
	if !ok {
		panic(fmt.Sprintf("taskgraph: step %q gave %T, not %T", name, x, t))
	}
	return t
}

// Step is the work of one step. deps holds the results of its dependencies,
// and only those.
type Step func(ctx context.Context, deps Values) (any, error)

type step struct {
	name string
	deps []string
	fn   Step
}

// Graph is a set of named steps and their dependencies. Build it with New and
// Add, then Run it; it can be run any number of times.
type Graph struct {
	steps  []*step
	byName map[string]*step
	errs   []string
}

// New returns an empty graph.
func New() *Graph { return &Graph{byName: map[string]*step{}} }

// Add declares step name, run by fn after every step in deps has finished. It
// returns g, so that steps can be chained. Mistakes (a duplicate name, a
// dependency that is never added, a cycle) are reported by Validate and Run,
// before anything runs. fn may be nil in a graph that is only planned
// (Order, CriticalPath), never run.
func (g *Graph) Add(name string, fn Step, deps ...string) *Graph {
	if _, dup := g.byName[name]; dup {
		g.errs = append(g.errs, fmt.Sprintf("step %q added twice", name))
		return g
	}
	s := &step{name: name, deps: slices.Clone(deps), fn: fn}
	g.steps = append(g.steps, s)
	g.byName[name] = s
	return g
}

// Order returns the steps in an order where each comes after its
// dependencies (ties in the order they were added), or the graph's errors.
func (g *Graph) Order() ([]string, error) {
	errs := slices.Clone(g.errs)
	for _, s := range g.steps {
		for _, d := range s.deps {
			if _, ok := g.byName[d]; !ok {
				errs = append(errs, fmt.Sprintf("step %q depends on %q, which is not in the graph", s.name, d))
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("taskgraph: %s", strings.Join(errs, "; "))
	}
	// Depth-first search; a step met again while on the stack closes a cycle.
	const (
		unseen = iota
		onStack
		done
	)
	state := map[string]int{}
	var order, stack []string
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case done:
			return nil
		case onStack:
			i := slices.Index(stack, n)
			return fmt.Errorf("taskgraph: cycle %s", strings.Join(append(stack[i:], n), " -> "))
		}
		state[n] = onStack
		stack = append(stack, n)
		for _, d := range g.byName[n].deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		order = append(order, n)
		return nil
	}
	for _, s := range g.steps {
		if err := visit(s.name); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// Validate reports a duplicate step, a missing dependency or a cycle.
func (g *Graph) Validate() error {
	_, err := g.Order()
	return err
}

// Run validates the graph, then runs every step as soon as its dependencies
// have finished, at most limit at once (limit <= 0: no limit). It returns
// every step's result by name. The first failing step cancels the context the
// running steps get, no further step starts, and Run returns that error after
// the running ones return.
//
// If trace is not nil each step is recorded as a span labelled with its name,
// on the lowest-numbered free row, so the timeline shows how many steps ran
// at once and [Durations] can feed [Graph.CriticalPath].
func (g *Graph) Run(ctx context.Context, limit int, trace *kit.Trace) (Values, error) {
	if _, err := g.Order(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	waiting, dependents, ready := g.readiness()
	type finished struct {
		name string
		row  int
		v    any
		err  error
	}
	results := Values{}
	doneCh := make(chan finished)
	var rows []bool // rows[i]: the trace row i is busy
	running := 0
	var firstErr error
	for len(ready) > 0 || running > 0 {
		// Start what may start: the only goroutine that touches the
		// bookkeeping is this one, so none of it needs a lock.
		for firstErr == nil && len(ready) > 0 && (limit <= 0 || running < limit) {
			name := ready[0]
			ready = ready[1:]
			s := g.byName[name]
			deps := make(Values, len(s.deps))
			for _, d := range s.deps {
				deps[d] = results[d]
			}
			row := slices.Index(rows, false)
			if row < 0 {
				row = len(rows)
				rows = append(rows, false)
			}
			rows[row] = true
			running++
			go func() {
				var end func()
				if trace != nil {
					end = trace.Begin(row, -1, name)
				}
				v, err := s.fn(ctx, deps)
				if end != nil {
					end()
				}
				doneCh <- finished{name, row, v, err}
			}()
		}
		if running == 0 {
			break // failed: nothing running, nothing more to start
		}
		f := <-doneCh
		running--
		rows[f.row] = false
		if f.err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("step %q: %w", f.name, f.err)
				cancel()
			}
			continue
		}
		results[f.name] = f.v
		for _, n := range dependents[f.name] {
			if waiting[n]--; waiting[n] == 0 {
				ready = append(ready, n)
			}
		}
	}
	if firstErr != nil {
		return results, firstErr
	}
	return results, nil
}

// Durations reads each step's duration from a trace recorded by Run (spans
// are labelled with step names).
func Durations(tr *kit.Trace) map[string]time.Duration {
	d := map[string]time.Duration{}
	for _, s := range tr.Spans() {
		d[s.Label] = s.Duration()
	}
	return d
}

// CriticalPath is the chain of dependent steps with the largest total
// duration, first step first, and that total: however many cores, the graph
// cannot finish sooner. Steps missing from durations count as 0.
func (g *Graph) CriticalPath(durations map[string]time.Duration) ([]string, time.Duration, error) {
	order, err := g.Order()
	if err != nil {
		return nil, 0, err
	}
	finish := map[string]time.Duration{} // earliest finish with unlimited workers
	via := map[string]string{}           // the dependency that finishes last
	var last string
	for _, n := range order {
		var start time.Duration
		for _, d := range g.byName[n].deps {
			if via[n] == "" || finish[d] > start {
				start, via[n] = finish[d], d
			}
		}
		finish[n] = start + durations[n]
		if last == "" || finish[n] > finish[last] {
			last = n
		}
	}
	if last == "" {
		return nil, 0, nil
	}
	var path []string
	for n := last; n != ""; n = via[n] {
		path = append(path, n)
	}
	slices.Reverse(path)
	return path, finish[last], nil
}

// readiness is what scheduling the graph starts from: how many unfinished
// dependencies each step waits for, who waits for each step, and the steps
// that wait for nothing, in the order they were added. Run and Simulate
// both schedule from it.
func (g *Graph) readiness() (waiting map[string]int, dependents map[string][]string, ready []string) {
	waiting = map[string]int{}
	dependents = map[string][]string{}
	for _, s := range g.steps {
		waiting[s.name] = len(s.deps)
		for _, d := range s.deps {
			dependents[d] = append(dependents[d], s.name)
		}
		if len(s.deps) == 0 {
			ready = append(ready, s.name)
		}
	}
	return waiting, dependents, ready
}
