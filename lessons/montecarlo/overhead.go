package montecarlo

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"
	"time"
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
// HTML adds a chart of per-task overhead against task size, one line per
// executor, both axes logarithmic.
type Overheads []Overhead

// String is the experiment as a text table.
func (t Overheads) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-26s %8s %10s %12s %12s %14s %7s\n", "executor", "tasks", "task size", "wall", "ideal", "overhead/task", "share")
	for _, o := range t {
		fmt.Fprintf(&b, "%-26s %8d %10d %12v %12v %14v %6.0f%%\n", o.Executor, o.Tasks, o.TaskSize,
			o.Wall.Round(time.Microsecond), o.Ideal.Round(time.Microsecond), o.PerTask().Round(10*time.Nanosecond), 100*o.Share())
	}
	return b.String()
}

// HTML is the chart above the table.
func (t Overheads) HTML() string {
	var b strings.Builder
	b.WriteString(t.svg())
	b.WriteString(`<table><tr><th>executor</th><th>tasks</th><th>task size</th><th>wall</th><th>ideal</th><th>overhead / task</th><th>share of wall</th></tr>`)
	for _, o := range t {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%d</td><td>%d</td><td>%v</td><td>%v</td><td>%v</td><td>%.0f%%</td></tr>",
			html.EscapeString(o.Executor), o.Tasks, o.TaskSize, o.Wall.Round(time.Microsecond),
			o.Ideal.Round(time.Microsecond), o.PerTask().Round(10*time.Nanosecond), 100*o.Share())
	}
	b.WriteString("</table>")
	return b.String()
}

// floorPerTask is where the chart draws overheads too small to measure
// (zero or negative: hidden in the noise).
const floorPerTask = 10 * time.Nanosecond

// svg draws per-task overhead (y, log) against task size (x, log), one line
// per executor. It is plain SVG: it needs no script and no network.
func (t Overheads) svg() string {
	if len(t) == 0 {
		return "<p>no measurements</p>"
	}
	const W, H, left, right, top, bottom = 780.0, 360.0, 70.0, 230.0, 40.0, 50.0
	minX, maxX := math.Inf(1), math.Inf(-1)
	minY, maxY := math.Inf(1), math.Inf(-1)
	y := func(o Overhead) float64 { return float64(max(o.PerTask(), floorPerTask)) }
	for _, o := range t {
		x := float64(max(o.TaskSize, 1))
		minX, maxX = min(minX, x), max(maxX, x)
		minY, maxY = min(minY, y(o)), max(maxY, y(o))
	}
	// Whole decades on both axes.
	lx0, lx1 := math.Floor(math.Log10(minX)), math.Ceil(math.Log10(maxX))
	ly0, ly1 := math.Floor(math.Log10(minY)), math.Ceil(math.Log10(maxY))
	if lx1 == lx0 {
		lx1++
	}
	if ly1 == ly0 {
		ly1++
	}
	px := func(x float64) float64 { return left + (math.Log10(x)-lx0)/(lx1-lx0)*(W-left-right) }
	py := func(v float64) float64 { return H - bottom - (math.Log10(v)-ly0)/(ly1-ly0)*(H-top-bottom) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`, W, H)
	fmt.Fprintf(&b, `<text x="%.0f" y="20" font-size="14" font-weight="bold">Overhead per task against task size</text>`, left)
	for e := lx0; e <= lx1; e++ {
		x := px(math.Pow(10, e))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, x, top, x, H-bottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, H-bottom+16, count(math.Pow(10, e)))
	}
	for e := ly0; e <= ly1; e++ {
		v := math.Pow(10, e)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, left, py(v), W-right, py(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%v</text>`, left-6, py(v)+4, time.Duration(v))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">task size (points per task, log scale)</text>`, (left+W-right)/2, H-10)
	fmt.Fprintf(&b, `<text x="14" y="%.1f" text-anchor="middle" transform="rotate(-90 14 %.1f)">overhead per task (log scale)</text>`, (top+H-bottom)/2, (top+H-bottom)/2)
	// One line per executor, in the order they first appear.
	var names []string
	byName := map[string][]Overhead{}
	for _, o := range t {
		if _, ok := byName[o.Executor]; !ok {
			names = append(names, o.Executor)
		}
		byName[o.Executor] = append(byName[o.Executor], o)
	}
	colours := []string{"#5470c6", "#ee6666", "#91cc75", "#fac858", "#73c0de"}
	for i, name := range names {
		pts := byName[name]
		sort.Slice(pts, func(a, b int) bool { return pts[a].TaskSize < pts[b].TaskSize })
		c := colours[i%len(colours)]
		var path []string
		for _, o := range pts {
			path = append(path, fmt.Sprintf("%.1f,%.1f", px(float64(max(o.TaskSize, 1))), py(y(o))))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(path, " "), c)
		for _, o := range pts {
			fill := c
			if o.PerTask() < floorPerTask {
				fill = "white" // below what can be measured
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s" stroke="%s"><title>%s: %d tasks of %d points, %v per task</title></circle>`,
				px(float64(max(o.TaskSize, 1))), py(y(o)), fill, c, html.EscapeString(name), o.Tasks, o.TaskSize, o.PerTask())
		}
		ly := top + 10 + float64(i)*20
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`, W-right+10, ly, W-right+30, ly, c)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`, W-right+35, ly+4, html.EscapeString(name))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#666">open circle: at or</text>`, W-right+10, top+20+float64(len(names))*20)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#666">below %v (noise)</text>`, W-right+10, top+34+float64(len(names))*20, floorPerTask)
	b.WriteString("</svg>")
	return b.String()
}

// count writes 1000 as 1k and 1000000 as 1M.
func count(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%gM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%gk", x/1e3)
	}
	return fmt.Sprintf("%g", x)
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
