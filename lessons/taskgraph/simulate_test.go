package taskgraph

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parallelgo.dev/course/kit"
)

// The diamond load → {fast, slow} → join, plus an independent side step.
func diamond(step func(string) Step) *Graph {
	return New().
		Add("load", step("load")).
		Add("fast", step("fast"), "load").
		Add("slow", step("slow"), "load").
		Add("join", step("join"), "fast", "slow").
		Add("side", step("side"))
}

var diamondMs = map[string]time.Duration{"load": 2, "fast": 1, "slow": 5, "join": 1, "side": 3}

func ms(m map[string]time.Duration, unit time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	for k, v := range m {
		out[k] = v * unit
	}
	return out
}

func TestSimulate(t *testing.T) {
	g := diamond(func(string) Step { return nil })
	d := ms(diamondMs, time.Millisecond)
	for _, c := range []struct {
		limit int
		want  time.Duration
	}{
		{1, 12 * time.Millisecond}, // every step in turn: the sum
		// load and side start at 0; at 2 load ends and fast starts, slow
		// waits for side to end at 3; slow ends at 8, join at 9.
		{2, 9 * time.Millisecond},
		{0, 8 * time.Millisecond}, // the critical path load → slow → join
		{10, 8 * time.Millisecond},
	} {
		tr, err := g.Simulate(d, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.Total(); got != c.want {
			t.Errorf("limit %d: predicted %v, want %v\n%v", c.limit, got, c.want, tr.Spans())
		}
		if len(tr.Spans()) != 5 {
			t.Errorf("limit %d: %d spans", c.limit, len(tr.Spans()))
		}
		if c.limit > 0 && tr.Workers > c.limit {
			t.Errorf("limit %d: %d rows", c.limit, tr.Workers)
		}
	}
	if _, total, _ := g.CriticalPath(d); total != 8*time.Millisecond {
		t.Errorf("critical path %v", total)
	}
	if _, err := New().Add("a", nil, "b").Simulate(nil, 1); err == nil {
		t.Error("a missing dependency was not reported")
	}
}

// The prediction matches what Run measures, within scheduling noise.
func TestSimulateMatchesRun(t *testing.T) {
	unit := 20 * time.Millisecond
	d := ms(diamondMs, unit)
	g := diamond(func(name string) Step {
		return func(ctx context.Context, _ Values) (any, error) {
			select {
			case <-time.After(d[name]):
				return nil, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	})
	for _, limit := range []int{1, 2, 0} {
		pred, err := g.Simulate(d, limit)
		if err != nil {
			t.Fatal(err)
		}
		tr := kit.NewTrace("run", 0)
		start := time.Now()
		if _, err := g.Run(context.Background(), limit, tr); err != nil {
			t.Fatal(err)
		}
		wall := time.Since(start)
		if wall < pred.Total() || wall > pred.Total()+4*unit {
			t.Errorf("limit %d: ran in %v, predicted %v", limit, wall, pred.Total())
		}
	}
}

func ExampleGraph_Simulate() {
	g := New().Add("load", nil).Add("fast", nil, "load").Add("slow", nil, "load").Add("join", nil, "fast", "slow")
	d := map[string]time.Duration{"load": 2 * time.Second, "fast": time.Second, "slow": 5 * time.Second, "join": time.Second}
	for _, limit := range []int{1, 0} {
		tr, _ := g.Simulate(d, limit)
		fmt.Println(tr.Name, tr.Total())
	}
	// Output:
	// predicted, limit 1 9s
	// predicted, no limit 8s
}
