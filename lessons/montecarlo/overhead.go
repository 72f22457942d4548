package montecarlo

import (
	"fmt"
	"math"
	"sort"
	"time"

	"parallelgo.dev/course/kit"
)

// Overhead is one run of the task-size experiment: a fixed total of points
// cut into Tasks pieces of TaskSize points and run on an executor's workers.
type Overhead struct {
	Executor string        // e.g. "Threads(2)"
	Tasks    int           // pieces the total was cut into
	TaskSize int           // points per piece (the largest piece)
	Wall     time.Duration // the run's wall time, worker start-up left out
	Ideal    time.Duration // the serial time of the total over the number of workers
}

// PerTask is the overhead of one task: (Wall - Ideal) / Tasks. With few tasks
// it mixes in load imbalance and the machine's noise, and may come out
// negative; with many tasks it is the price of handing one task to a worker
// and its result back.
func (o Overhead) PerTask() time.Duration {
	if o.Tasks < 1 {
		return 0
	}
	return (o.Wall - o.Ideal) / time.Duration(o.Tasks)
}

// Share is the part of the wall time that was overhead: (Wall - Ideal) / Wall.
func (o Overhead) Share() float64 {
	if o.Wall <= 0 {
		return 0
	}
	return float64(o.Wall-o.Ideal) / float64(o.Wall)
}

// Overheads is the whole experiment; it prints itself as a table, and its
// HTML adds a kit chart of per-task overhead against task size, one line
// per executor, both axes logarithmic.
type Overheads []Overhead

// table is the experiment as one row per run.
func (t Overheads) table() kit.Table {
	tab := kit.Table{Header: []string{"executor", "tasks", "task size", "wall", "ideal", "overhead / task", "share of wall"}}
	for _, o := range t {
		tab.Row(o.Executor, o.Tasks, o.TaskSize, o.Wall, o.Ideal, o.PerTask(), fmt.Sprintf("%.0f%%", 100*o.Share()))
	}
	return tab
}

// String is the experiment as a text table.
func (t Overheads) String() string { return t.table().String() }

// HTML is the chart above the table.
func (t Overheads) HTML() string {
	if len(t) == 0 {
		return "<p>no measurements</p>"
	}
	return t.chart().HTML() + t.table().HTML()
}

// floorPerTask is where the chart draws overheads too small to measure
// (zero or negative: hidden in the noise).
const floorPerTask = 10 * time.Nanosecond

// chart draws per-task overhead (y, log) against task size (x, log), one
// line per executor, in the order they first appear.
func (t Overheads) chart() kit.Chart {
	var names []string
	byName := map[string][]Overhead{}
	for _, o := range t {
		if _, ok := byName[o.Executor]; !ok {
			names = append(names, o.Executor)
		}
		byName[o.Executor] = append(byName[o.Executor], o)
	}
	series := make([]kit.XYSeries, 0, len(names))
	for _, name := range names {
		pts := byName[name]
		sort.Slice(pts, func(a, b int) bool { return pts[a].TaskSize < pts[b].TaskSize })
		s := kit.XYSeries{Name: name}
		for _, o := range pts {
			s.X = append(s.X, float64(max(o.TaskSize, 1)))
			s.Y = append(s.Y, float64(max(o.PerTask(), floorPerTask))/float64(time.Microsecond))
			s.Hollow = append(s.Hollow, o.PerTask() < floorPerTask) // below what can be measured
		}
		series = append(series, s)
	}
	return kit.XYChart(fmt.Sprintf("Overhead per task against task size (open circle: at or below %s, noise)", kit.FormatDuration(floorPerTask)),
		kit.XYAxis{Name: "task size (points per task)", Log: true},
		kit.XYAxis{Name: "overhead per task (µs)", Log: true}, series...)
}

// MinTaskSize is the exercise "how big must a task be?": the smallest number
// of points per task for which a fixed overhead per task is at most fraction
// of the task's own work, when one point costs perPoint. With a hand-off of
// 50 µs, 10 ns a point and a 10 % budget, tasks need 50,000 points.
// It returns 1 when there is no overhead, and 0 for inputs that make no sense.
func MinTaskSize(overhead, perPoint time.Duration, fraction float64) int {
	if perPoint <= 0 || fraction <= 0 || overhead < 0 {
		return 0
	}
	n := math.Ceil(float64(overhead) / (fraction * float64(perPoint)))
	return max(1, int(n))
}
