package taskgraph

import (
	"fmt"
	"slices"
	"time"

	"parallelgo.dev/course/kit"
)

// Simulate is the solution of lesson 9's exercise "predict, then run": it
// plays Run's scheduling on paper, with each step taking durations[name]
// (missing steps take 0), and returns the timeline Run would draw with at most
// limit steps at once (limit <= 0: no limit). Its Total is the predicted wall
// time: the sum of all durations with limit 1, the critical path's length with
// no limit, and somewhere in between otherwise.
//
// The rules are Run's: steps become ready when their last dependency ends, in
// the order they were added; a free worker takes the step that has been ready
// longest; each span goes on the lowest free row. Nothing runs, so a graph
// with nil steps can be simulated too.
func (g *Graph) Simulate(durations map[string]time.Duration, limit int) (*kit.Trace, error) {
	if _, err := g.Order(); err != nil {
		return nil, err
	}
	name := "predicted, no limit"
	if limit > 0 {
		name = fmt.Sprintf("predicted, limit %d", limit)
	}
	tr := kit.NewTrace(name, 0)
	waiting, dependents, ready := g.readiness()
	type job struct {
		name       string
		row        int
		start, end time.Duration
		seq        int // start order, to break ties as a FIFO would
	}
	var running []job
	var rows []bool
	var now time.Duration
	seq := 0
	for len(ready) > 0 || len(running) > 0 {
		for len(ready) > 0 && (limit <= 0 || len(running) < limit) {
			n := ready[0]
			ready = ready[1:]
			row := slices.Index(rows, false)
			if row < 0 {
				row = len(rows)
				rows = append(rows, false)
			}
			rows[row] = true
			running = append(running, job{n, row, now, now + durations[n], seq})
			seq++
		}
		// The next step to end: the earliest end, the earliest started on a tie.
		i := 0
		for j, r := range running {
			if r.end < running[i].end || r.end == running[i].end && r.seq < running[i].seq {
				i = j
			}
		}
		f := running[i]
		running = slices.Delete(running, i, i+1)
		now = f.end
		rows[f.row] = false
		tr.Add(kit.Span{Worker: f.row, Input: -1, Label: f.name, Start: f.start, End: f.end})
		for _, d := range dependents[f.name] {
			if waiting[d]--; waiting[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	return tr, nil
}
