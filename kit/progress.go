package kit

import (
	"flag"
	"fmt"
	"html"
	"os"
	"strings"
	"sync"
	"time"

	"parallelgo.dev/course/kit/internal/notebook"
)

// Live progress for long runs: a bar updated in place in a GoNB cell, one
// line rewritten with \r on a terminal, nothing in tests, in worker
// processes, or when stderr is a file or a pipe. It redraws at a fixed
// rate, however many inputs the run has, from a count the run keeps.

const (
	progressAfter = time.Second            // short runs show nothing
	progressEvery = 250 * time.Millisecond // redraw interval
)

// progress shows how many of a run's inputs are done. A nil *progress
// shows nothing, so callers need no checks.
type progress struct {
	title string
	total int
	start time.Time
	id    string // GoNB display id; "" on a terminal

	count func() int // how many inputs have their outcome

	mu    sync.Mutex
	shown bool
	stop  chan struct{}
	ended chan struct{}
}

// startProgress shows how many of a run's total inputs count says are done,
// unless quiet or there is nowhere to show it.
func startProgress(executor, task string, total int, quiet bool, count func() int) *progress {
	inCell := InNotebook()
	if quiet || isWorker() || inTest() || (!inCell && !stderrIsTerminal()) {
		return nil
	}
	p := &progress{title: fmt.Sprintf("%s %s", executor, task), total: total, start: time.Now(), count: count,
		stop: make(chan struct{}), ended: make(chan struct{})}
	if inCell {
		p.id = "kit_progress_" + notebook.UniqueID()
	}
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer close(p.ended)
	select {
	case <-time.After(progressAfter):
	case <-p.stop:
		return
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		p.draw()
		select {
		case <-tick.C:
		case <-p.stop:
			return
		}
	}
}

func (p *progress) draw() {
	done := min(p.count(), p.total)
	p.mu.Lock()
	p.shown = true
	p.mu.Unlock()
	const width = 30
	filled := width * done / max(p.total, 1)
	elapsed := FormatDuration(time.Since(p.start).Truncate(100 * time.Millisecond))
	if p.id != "" {
		notebook.UpdateHTML(p.id, fmt.Sprintf(
			`<div style="font-family:monospace">%s <progress value="%d" max="%d"></progress> %d/%d inputs, %v</div>`,
			html.EscapeString(p.title), done, p.total, done, p.total, elapsed))
		return
	}
	fmt.Fprintf(os.Stderr, "\r%s [%s%s] %d/%d inputs, %v ", p.title,
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, p.total, elapsed)
}

// done stops the display. On a terminal it erases the line: the run's own
// output replaces it. In a notebook the bar stays, showing the final count:
// an output cannot be removed, and a blanked one would leave an empty
// output behind.
func (p *progress) done() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.ended
	p.mu.Lock()
	shown := p.shown
	p.mu.Unlock()
	if !shown {
		return
	}
	if p.id != "" {
		p.draw()
	} else {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
}

func stderrIsTerminal() bool {
	fi, err := os.Stderr.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// inTest reports whether this program is a test binary (go test, or a GoNB
// %test cell): the testing package's flags are registered. Asking the
// testing package itself would link it into every program.
func inTest() bool { return flag.Lookup("test.v") != nil }
