package kit

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// twice is a Remote that runs every input here and reports it as a
// network that delivers at least once may: input 0's first attempt is lost,
// and every result comes twice.
type twice struct{ t *TaskFunc[int, int] }

func (twice) String() string { return "Twice()" }
func (twice) Workers() int   { return 1 }
func (r twice) Run(ctx context.Context, job RemoteJob) error {
	job.Joined("here:1")
	job.Ready()
	now := time.Now()
	job.Done(RemoteOutcome{Input: 0, Lost: true, Attempt: 1, Worker: "here:1", Start: now, End: now})
	for i := range job.Len() {
		in, err := job.Input(i)
		if err != nil {
			return err
		}
		out, failed := r.t.remoteRun(i, in)
		attempt := 1
		if i == 0 {
			attempt = 2
		}
		o := RemoteOutcome{Input: i, Payload: out, Failed: failed, Attempt: attempt, Worker: "here:1", Start: now, End: time.Now()}
		job.Done(o)
		job.Done(o)
	}
	return nil
}

var tripled = Task("remote-test-triple", func(x int) int { return 3 * x })

func TestRemoteCountsRedeliveriesAndDuplicates(t *testing.T) {
	run := Map(RemoteExecutor(twice{tripled}), tripled, []int{1, 2, 3})
	if run.Err != nil || !slices.Equal(run.Results, []int{3, 6, 9}) {
		t.Fatalf("results %v, err %v; want [3 6 9], each once", run.Results, run.Err)
	}
	if run.Redelivered != 1 || run.Duplicates != 3 {
		t.Errorf("Redelivered %d, Duplicates %d; want 1 and 3", run.Redelivered, run.Duplicates)
	}
	want := "1 input delivered again, 3 results dropped as duplicates"
	if !strings.Contains(run.String(), want) || !strings.Contains(run.HTML(), want) {
		t.Errorf("String and HTML should say %q:\n%s", want, run)
	}
	// Every attempt shows in the trace: the lost one, the kept ones and the dropped ones.
	if spans := run.Trace.Spans(); len(spans) != 7 {
		t.Errorf("%d spans; want 7", len(spans))
	}
	if quiet := Map(Serial(), tripled, []int{1}); strings.Contains(quiet.String(), "delivered again") {
		t.Errorf("a run with nothing redelivered should not talk about it:\n%s", quiet)
	}
}
