package kit

import (
	"fmt"
	"strings"
)

// String summarises the trace as text: its length and each worker's load
// (inputs run, busy and idle time), the numbers behind load imbalance.
func (t *Trace) String() string {
	return fmt.Sprintf("%s: %d spans on %d workers in %s\n%s",
		t.Name, len(t.Spans()), t.Workers, FormatDuration(t.Total()), strings.TrimRight(t.loadText(), "\n"))
}

// HTML draws the trace as a timeline, one row per worker, above a table of
// each worker's load.
func (t *Trace) HTML() string {
	var b strings.Builder
	b.WriteString(TimelineChart(t).HTML())
	tab := Table{Header: []string{"worker", "pid", "inputs", "busy", "idle"}, Align: "rr"}
	for _, l := range t.Load() {
		tab.Row(l.Worker, strings.TrimPrefix(l.process(), "pid "), l.Inputs, l.Busy, l.Idle)
	}
	b.WriteString(tab.HTML())
	return b.String()
}

// loadText is one line per worker: "worker 0 (pid 123): 3 inputs, busy 4.5s, idle 3.5s".
func (t *Trace) loadText() string {
	var b strings.Builder
	for _, l := range t.Load() {
		pid := ""
		if l.PID != 0 {
			pid = " (" + l.process() + ")"
		}
		fmt.Fprintf(&b, "worker %d%s: %d inputs, busy %s, idle %s\n",
			l.Worker, pid, l.Inputs, FormatDuration(l.Busy), FormatDuration(l.Idle))
	}
	return b.String()
}
