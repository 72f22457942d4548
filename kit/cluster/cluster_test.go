package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Worker mode for the test binary: Local and kitworkers start it again with
// a task named in the environment, and TestMain serves it instead of testing.
var testTasks = map[string]handler{
	"square": square,
	"slow": func(i int, p []byte) ([]byte, bool) {
		time.Sleep(20 * time.Millisecond)
		return square(i, p)
	},
	"crash": func(int, []byte) ([]byte, bool) { os.Exit(2); return nil, false },
}

func square(_ int, p []byte) ([]byte, bool) {
	x, err := strconv.Atoi(string(p))
	if err != nil {
		return []byte(err.Error()), true
	}
	return []byte(strconv.Itoa(x * x)), false
}

func TestMain(m *testing.M) {
	if task := workerTask(); task != "" {
		h, ok := testTasks[task]
		if !ok {
			fmt.Fprintf(os.Stderr, "no test task %q\n", task)
			os.Exit(3)
		}
		serveWorker(h)
	}
	os.Exit(m.Run())
}

// outcome is what a run of ints gave.
type outcome struct {
	results []int
	got     []int // results per input, to find duplicates and losses
	lost    []attempt
	rep     report
	err     error
}

// runInts runs task on 0..n-1 on p, calling after(k, r) after the k-th result.
func runInts(ctx context.Context, p *pool, task string, n, chunk int, after func(k int, r result)) outcome {
	var o outcome
	o.results, o.got = make([]int, n), make([]int, n)
	inputs := make([][]byte, n)
	for i := range n {
		inputs[i] = []byte(strconv.Itoa(i))
	}
	k := 0
	o.rep, o.err = p.runJob(ctx, job{task: task, inputs: inputs, chunk: chunk,
		onResult: func(r result) {
			o.got[r.Input]++
			o.results[r.Input], _ = strconv.Atoi(string(r.Payload))
			k++
			if after != nil {
				after(k, r)
			}
		},
		onLost: func(a attempt) {
			o.lost = append(o.lost, a)
			if a.Final {
				o.got[a.Input]++
			}
		}})
	return o
}

// checkSquares fails t unless every input has exactly one result, its square.
func checkSquares(t *testing.T, o outcome) {
	t.Helper()
	if o.err != nil {
		t.Fatalf("run failed: %v", o.err)
	}
	for i, r := range o.results {
		if o.got[i] != 1 || r != i*i {
			t.Fatalf("input %d: %d results, last %d; want exactly one, %d", i, o.got[i], r, i*i)
		}
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestLocalRunsEveryInputOnce(t *testing.T) {
	ctx := testContext(t)
	p, err := startLocal(2, configure(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	for _, chunk := range []int{1, 7} { // a started pool serves run after run
		o := runInts(ctx, p, "square", 300, chunk, nil)
		checkSquares(t, o)
		if len(o.rep.Workers) != 2 || o.rep.Duplicates != 0 {
			t.Errorf("chunk %d: workers %v, %d duplicates; want 2 workers, none", chunk, o.rep.Workers, o.rep.Duplicates)
		}
	}
}

func TestMaxDeliverFailsTheInput(t *testing.T) {
	ctx := testContext(t)
	p, err := startLocal(1, configure([]Option{WithAckWait(200 * time.Millisecond), WithMaxDeliver(2)}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	o := runInts(ctx, p, "crash", 1, 1, nil)
	if o.err != nil {
		t.Fatal(o.err)
	}
	if len(o.lost) == 0 || !o.lost[len(o.lost)-1].Final || o.lost[len(o.lost)-1].Attempt != 2 {
		t.Fatalf("lost attempts %+v; want the last one final after 2 deliveries", o.lost)
	}
}

func TestNoWorkerIsAClearError(t *testing.T) {
	ctx := testContext(t)
	srv, err := startServer(serverConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	p, err := startConnect(srv.url(), configure([]Option{WithStartTimeout(500 * time.Millisecond)}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	o := runInts(ctx, p, "square", 10, 1, nil)
	if o.err == nil || !strings.Contains(o.err.Error(), "no worker took the run") {
		t.Fatalf("err = %v; want one that says no worker took the run", o.err)
	}
}

func TestWrongTokenIsAClearError(t *testing.T) {
	srv, err := startServer(serverConfig{token: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	port := srv.srv.Addr().(*net.TCPAddr).Port
	_, err = startConnect(fmt.Sprintf("nats://wrong@127.0.0.1:%d", port), configure(nil))
	if err == nil || !strings.Contains(err.Error(), "Authorization Violation") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("err = %v; want an authorization error that hides the token", err)
	}
	p, err := startConnect(fmt.Sprintf("nats://s3cret@127.0.0.1:%d", port), configure(nil))
	if err != nil {
		t.Fatalf("the right token: %v", err)
	}
	p.close()
}

func TestWrongPlatformIsRefused(t *testing.T) {
	ctx := testContext(t)
	srv, err := startServer(serverConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	agentCtx, stop := context.WithCancel(ctx)
	defer stop()
	go Agent{Workers: 1, Cache: t.TempDir(), Log: testLog{t}}.Serve(agentCtx, srv.url())
	c := configure([]Option{WithStartTimeout(time.Second)})
	cn, err := dial(srv.url(), "test", c)
	if err != nil {
		t.Fatal(err)
	}
	defer cn.close()
	time.Sleep(100 * time.Millisecond) // let the agent subscribe
	_, err = cn.run(ctx, c, job{task: "square", inputs: [][]byte{[]byte("1")}, chunk: 1,
		startWorkers: func(ann announcement) error {
			ann.GOOS, ann.GOARCH, ann.Code = "plan9", "386", strings.Repeat("0", 64)
			return publishJSON(cn.nc, runsSubject, ann)
		},
		onResult: func(result) {}})
	if err == nil || !strings.Contains(err.Error(), "built for plan9/386") {
		t.Fatalf("err = %v; want a refusal naming plan9/386", err)
	}
}

func TestLostServerEndsTheRun(t *testing.T) {
	ctx := testContext(t)
	p, err := startLocal(2, configure([]Option{WithStartTimeout(time.Second)}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	var workers sync.Map
	start := time.Now()
	o := runInts(ctx, p, "slow", 1000, 1, func(k int, r result) {
		workers.Store(r.Worker, true)
		if k == 10 {
			p.srv.srv.Shutdown()
		}
	})
	if o.err == nil || !strings.Contains(o.err.Error(), "lost the NATS server") {
		t.Fatalf("err = %v; want one that says the server was lost", o.err)
	}
	t.Logf("the run failed %v after it started: %v", time.Since(start).Round(time.Millisecond), o.err)
	workers.Range(func(w, _ any) bool { // none left behind
		pid, _ := strconv.Atoi(w.(string)[strings.LastIndex(w.(string), ":")+1:])
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("worker %s still exists after the run (kill 0: %v)", w, err)
		}
		return true
	})
}

// testLog sends an Agent's lines to the test's log.
type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

func TestAKitworkerStartedLateJoinsTheRun(t *testing.T) {
	ctx := testContext(t)
	srv, err := startServer(serverConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	p, err := startConnect(srv.url(), configure([]Option{WithStartTimeout(20 * time.Second)}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	agentCtx, stop := context.WithCancel(ctx)
	defer stop()
	time.AfterFunc(1500*time.Millisecond, func() { // after the run's first announcement
		go Agent{Workers: 1, Cache: t.TempDir(), Log: io.Discard}.Serve(agentCtx, srv.url())
	})
	checkSquares(t, runInts(ctx, p, "square", 20, 1, nil))
}
