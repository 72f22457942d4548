package kit

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperPoolThatBlocks is not a test: TestNoWorkerOutlivesItsParent
// starts the test binary again to run it as a parent that blocks in a pool.
func TestHelperPoolThatBlocks(t *testing.T) {
	ex := Processes(2).WithChunk(1)
	switch os.Getenv("KIT_TEST_HELPER") {
	case "pool":
	case "started":
		ex = ex.Start() // never closed: the parent is killed first
	default:
		t.Skip("helper process for TestNoWorkerOutlivesItsParent")
	}
	Map(ex, printPIDTask, []int{0, 1})
}

func TestNoWorkerOutlivesItsParent(t *testing.T) {
	for _, c := range []struct{ how, pool string }{{"SIGKILL", "pool"}, {"SIGINT then SIGKILL", "pool"}, {"SIGINT then SIGKILL", "started"}} {
		how := c.how
		t.Run(how+" "+c.pool, func(t *testing.T) {
			parent := exec.Command(os.Args[0], "-test.run=^TestHelperPoolThatBlocks$")
			parent.Env = append(os.Environ(), "KIT_TEST_HELPER="+c.pool)
			out, err := parent.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			parent.Stderr = os.Stderr
			if err := parent.Start(); err != nil {
				t.Fatal(err)
			}
			pids := make(chan int)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					var pid int
					if _, err := fmt.Sscanf(sc.Text(), "kit-test-worker-pid %d", &pid); err == nil {
						pids <- pid
					}
				}
			}()
			var workers []int
			for len(workers) < 2 {
				select {
				case pid := <-pids:
					workers = append(workers, pid)
				case <-time.After(20 * time.Second):
					parent.Process.Kill()
					t.Fatalf("the helper's workers did not report; got %v", workers)
				}
			}
			if how != "SIGKILL" {
				// As GoNB interrupts a cell.
				_ = parent.Process.Signal(os.Interrupt)
				time.Sleep(100 * time.Millisecond)
			}
			_ = parent.Process.Kill()
			_ = parent.Wait()
			deadline := time.Now().Add(2 * time.Second)
			for _, pid := range workers {
				for processAlive(pid) {
					if time.Now().After(deadline) {
						t.Fatalf("worker %d still runs after its parent was killed", pid)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
}

// processAlive reports whether pid runs; a zombie waiting to be reaped
// does not count.
func processAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist)
	}
	// The state follows the command name in parentheses: "123 (kit.test) Z ..."
	s := string(stat)
	return !strings.HasPrefix(s[strings.LastIndex(s, ")")+1:], " Z")
}

// TestBigRunOnProcessesKeepsFailuresAndDeaths is a run big enough for its
// workers to time several inputs per span: a panic still fails its own
// input only, a dying worker fails the input it was running, the rest run,
// and the trace counts every input once.
func TestBigRunOnProcessesKeepsFailuresAndDeaths(t *testing.T) {
	const n = 5000
	if inputsPerSpan(n, 2) < 2 {
		t.Fatalf("%d inputs make a small run", n)
	}
	xs := inputs(n)
	for k := range xs[:10] {
		xs[k] += 10 // dieTask dies on 1 to 3
	}
	xs[4321] = 1 // exit status 7
	for _, c := range []struct {
		task *TaskFunc[int, int]
		xs   []int
		bad  int
		why  string
	}{
		{panicTask, inputs(n), 3, "boom on 3"},
		{dieTask, xs, 4321, "exit status 7"},
	} {
		t.Run(c.task.Name(), func(t *testing.T) {
			r := Map(Processes(2), c.task, c.xs)
			var te *TaskError
			if !errors.As(r.Err, &te) || te.Input != c.bad || !strings.Contains(r.Err.Error(), c.why) ||
				len(r.Err.(interface{ Unwrap() []error }).Unwrap()) != 1 {
				t.Fatalf("Err = %v; want input %d to fail alone with %q", r.Err, c.bad, c.why)
			}
			for i, v := range r.Results {
				if i != c.bad && v != c.xs[i] {
					t.Fatalf("Results[%d] = %d, want %d", i, v, c.xs[i])
				}
			}
			spans := r.Trace.Spans()
			total, most := spanInputs(spans)
			if total != n || most < 2 {
				t.Errorf("%d spans stand for %d inputs, up to %d each; want %d inputs, several a span", len(spans), total, most, n)
			}
			failed := 0
			for _, s := range spans {
				if s.Err {
					failed++
					if c.bad < s.Input || c.bad > s.Input+s.count()-1 {
						t.Errorf("span of inputs %d to %d failed", s.Input, s.Input+s.count()-1)
					}
				}
			}
			if failed != 1 {
				t.Errorf("%d spans failed, want 1", failed)
			}
		})
	}
}

// TestSmallRunOnProcessesHasASpanPerInput: a timeline draws each input of
// a run of up to 2,000 on its own, whoever ran it.
func TestSmallRunOnProcessesHasASpanPerInput(t *testing.T) {
	r := Map(Processes(2), incTask, inputs(timelineMaxBars))
	spans := r.Trace.Spans()
	if total, most := spanInputs(spans); r.Err != nil || len(spans) != timelineMaxBars || total != timelineMaxBars || most != 1 {
		t.Fatalf("%d spans for %d inputs, up to %d inputs a span (Err %v); want one per input", len(spans), total, most, r.Err)
	}
	for k, s := range spans[1:] {
		if prev := spans[k]; prev.Worker == s.Worker && s.Start < prev.End {
			t.Fatalf("spans of inputs %d and %d overlap on worker %d", prev.Input, s.Input, s.Worker)
		}
	}
}

// undecodable is a result that encodes, in the worker, but fails to
// decode in the parent: every report carrying it breaks the conversation.
type undecodable int

func (u undecodable) GobEncode() ([]byte, error) { return []byte{byte(u)}, nil }
func (u *undecodable) GobDecode([]byte) error    { return errors.New("undecodable on purpose") }

var undecodableTask = Task("test-undecodable", func(x int) undecodable { return undecodable(x) })

// TestWorkersThatKeepDyingEndTheRun: a report the parent cannot read kills
// its worker, and the new one meets the same inputs again. The run must
// end, each input failed with what went wrong, instead of starting workers
// forever.
func TestWorkersThatKeepDyingEndTheRun(t *testing.T) {
	done := make(chan Run[undecodable])
	go func() { done <- Map(Processes(2), undecodableTask, inputs(6)) }()
	select {
	case r := <-done:
		var te *TaskError
		if !errors.As(r.Err, &te) || !strings.Contains(te.Error(), "could not read what it sent: ") || !strings.Contains(te.Error(), "undecodable on purpose") {
			t.Errorf("Err = %v", r.Err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the run did not end: its workers were started again and again")
	}
}
