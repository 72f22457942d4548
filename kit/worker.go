package kit

import (
	"encoding/gob"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// The worker side of [Processes]. A worker is this program started again
// with KIT_WORKER=<task name> in its environment. Package initialisation runs
// as usual until the package-level kit.Task call of that name, which serves
// requests there and exits: main never runs in a worker.
//
// Requests come on file descriptor 3 and results go on 4, both encoded with
// encoding/gob, so that the worker's stdout and stderr stay the task's own.

// workerEnv names the task a worker process serves.
const workerEnv = "KIT_WORKER"

// File descriptors of the worker's pipes: os/exec puts ExtraFiles at 3, 4, ...
const (
	requestFD = 3
	resultFD  = 4
)

// workerTask is read lazily, not in an init func: the package-level tasks of
// kit's own tests are initialised before kit's init funcs run.
var (
	workerOnce sync.Once
	workerTask string
)

// workerTaskName is the task this process was started to serve, or "".
func workerTaskName() string {
	workerOnce.Do(func() {
		workerTask = os.Getenv(workerEnv)
		// Programs this worker starts (a task may run commands) are not workers.
		os.Unsetenv(workerEnv)
	})
	return workerTask
}

// isWorker reports whether this process is a worker of some parent's pool.
func isWorker() bool { return workerTaskName() != "" }

// hello is a worker's first message: it is ready.
type hello struct {
	PID  int
	Task string
}

// request asks a worker to run the task on inputs Lo, Lo+1, ...
type request[T any] struct {
	Lo     int
	Inputs []T
}

// result is one input's outcome, sent as soon as it is known.
type result[R any] struct {
	Input      int
	Value      R
	Failed     bool
	Panic      string // the panic value, as text
	Stack      string
	Start, End int64 // Unix nanoseconds: the two processes share the wall clock
}

// serve runs t for the parent until the request pipe closes, then exits.
func serve[T, R any](t *TaskFunc[T, R]) {
	in := os.NewFile(requestFD, "kit-requests")
	out := os.NewFile(resultFD, "kit-results")
	enc := gob.NewEncoder(out)
	if err := enc.Encode(hello{PID: os.Getpid(), Task: t.name}); err != nil {
		fmt.Fprintf(os.Stderr, "kit: worker for task %q has no pipe to its parent (%v); was it started by kit.Processes?\n", t.name, err)
		os.Exit(3)
	}
	// Read requests on their own goroutine, so that the end of the pipe,
	// which means the parent has finished or died, ends the worker at once,
	// even in the middle of a long input.
	requests := make(chan request[T])
	go func() {
		dec := gob.NewDecoder(in)
		for {
			var req request[T]
			if err := dec.Decode(&req); err != nil {
				os.Exit(0)
			}
			requests <- req
		}
	}()
	for req := range requests {
		for k, x := range req.Inputs {
			i := req.Lo + k
			start := time.Now()
			v, err := t.call(i, x)
			res := result[R]{Input: i, Value: v, Start: start.UnixNano(), End: time.Now().UnixNano()}
			if te, ok := err.(*TaskError); ok {
				res.Failed, res.Panic, res.Stack = true, fmt.Sprint(te.Panic), te.Stack
			}
			if err := enc.Encode(res); err != nil {
				// The result itself cannot be encoded (an interface holding
				// an unregistered type, say): report that instead.
				var zero R
				res.Value, res.Failed = zero, true
				res.Panic = "kit: the result cannot be sent to the parent process: " + err.Error()
				if enc.Encode(res) != nil {
					os.Exit(3)
				}
			}
		}
	}
}

// workerEnviron is the parent's environment for a worker of task: without
// GoNB's pipe variables, so that the worker never talks to the kernel.
func workerEnviron(env []string, task string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if strings.HasPrefix(kv, "GONB_PIPE") || strings.HasPrefix(kv, workerEnv+"=") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, workerEnv+"="+task)
}
