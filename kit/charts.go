package kit

// STUB: the charts helper replaces this file's bodies; the signatures are the
// contract the rest of kit codes against.

import (
	"fmt"
	"strings"
	"time"
)

// Chart is a drawn figure: HTML (an echarts chart that draws offline) in a
// notebook, a text table of the same numbers elsewhere.
type Chart struct {
	Title string
	text  string
	html  string
}

// String is the chart's numbers as plain text.
func (c Chart) String() string { return c.text }

// HTML is the chart as a self-contained HTML fragment.
func (c Chart) HTML() string { return c.html }

// WallBar is one bar of a [WallChart]: an executor's wall time, annotated.
type WallBar struct {
	Name        string        // e.g. "Threads(2)"
	Wall        time.Duration // wall-clock time of the run
	Speedup     float64       // over the first bar's run
	Parallelism float64       // CPU time / wall time
}

// WallChart draws wall time per executor as bars.
func WallChart(title string, bars []WallBar) Chart {
	var b strings.Builder
	for _, r := range bars {
		fmt.Fprintf(&b, "%-14s %10v  x%.2f  cpu/wall %.2f\n", r.Name, r.Wall, r.Speedup, r.Parallelism)
	}
	return Chart{Title: title, text: b.String(), html: "<pre>" + b.String() + "</pre>"}
}

// TimelineChart draws one row per worker and one bar per input: the picture of
// load imbalance.
func TimelineChart(tr *Trace) Chart {
	var b strings.Builder
	for _, s := range tr.Spans() {
		fmt.Fprintf(&b, "worker %d  %-8s %v..%v\n", s.Worker, s.Label, s.Start, s.End)
	}
	return Chart{Title: tr.Name, text: b.String(), html: "<pre>" + b.String() + "</pre>"}
}

// SpeedupPoint is one measurement for a [SpeedupChart].
type SpeedupPoint struct {
	Workers int
	Wall    time.Duration
}

// SpeedupChart draws speedup against workers with the ideal line and a fitted
// Amdahl curve. The baseline is the point with the fewest workers.
func SpeedupChart(title string, points []SpeedupPoint) Chart {
	var b strings.Builder
	for _, p := range points {
		fmt.Fprintf(&b, "%3d workers %v\n", p.Workers, p.Wall)
	}
	return Chart{Title: title, text: b.String(), html: "<pre>" + b.String() + "</pre>"}
}

// SpreadChart draws the per-loop time of each run of a TimeIt.
func SpreadChart(title string, runs []time.Duration) Chart {
	s := fmt.Sprint(runs)
	return Chart{Title: title, text: s, html: "<pre>" + s + "</pre>"}
}
