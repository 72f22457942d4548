// Package cluster runs kit's tasks beyond one machine, on NATS JetStream:
// the same [kit.Map], [kit.Submit], [kit.MapUnordered] and [kit.Compare],
// with traces and timelines, but the inputs travel over a network to worker
// processes that may live anywhere.
//
//	ex := cluster.Local(2)                        // an embedded server and 2 workers here
//	ex := cluster.Connect("nats://host:4222")     // kitworkers serving that server
//	run := kit.Map(ex, square, xs)
//
// How it works, in NATS's own terms (no home-made broker):
//
//   - Every input is one message on a work-queue stream (KIT_TASKS): stored
//     (replicated on a cluster) until a worker acknowledges it.
//   - The workers of a run share one durable pull consumer: each pulls a
//     chunk of inputs at a time ([kit.Executor.WithChunk], as Pool.map's
//     chunksize), MaxAckPending bounds the inputs out at once, and an input
//     not acknowledged within AckWait ([WithAckWait]) is delivered again,
//     up to MaxDeliver times ([WithMaxDeliver]); then it fails with a
//     [kit.TaskError] that says so.
//   - Every result is one message on a results stream (KIT_RESULTS), and the
//     worker acknowledges its input only once the result is stored. So a
//     worker that dies costs at most a duplicate result, never a lost one:
//     at least once on the wire, exactly once in [kit.Run.Results], where
//     the caller keeps the first result of each input and drops the rest.
//   - The code travels too: the caller puts its own binary in a JetStream
//     object store (KIT_CODE) under its SHA-256, and each kitworker fetches
//     it once and starts it in worker mode, where it serves one task. So a
//     task must be declared at package level, as for [kit.Processes], and
//     the kitworkers' machines must have the caller's GOOS and GOARCH.
//
// Traces name each worker host:pid, and an input delivered twice shows both
// attempts, the lost one in red.
//
// Security: the embedded server listens on 127.0.0.1 only. [Connect] takes a
// user and password or a token in the URL, a credentials file
// ([WithCredentials]) and TLS (tls:// URLs, [WithRootCAs]). A kitworker runs
// whatever program a user of its NATS account ships: keep the account to
// people you would trust with a shell on its machines.
package cluster

import (
	"context"
	"fmt"
	"sync"
	"time"

	"parallelgo.dev/course/kit"
)

// In a worker process, kit.Task serves the task named in the environment.
// A variable, not an init func, so that it is set before the package-level
// tasks of this package's own tests are declared.
var _ = func() bool {
	if task := workerTask(); task != "" {
		kit.ServeRemote(task, func(run kit.RemoteRunner) { serveWorker(handler(run)) })
	}
	return true
}()

// Local is an executor that runs each Map on an embedded NATS server with
// JetStream (127.0.0.1, a random port, a temporary store) and n worker
// processes started from this program on this machine: the network path of
// a cluster, on one machine. Server and workers are torn down after the run;
// after [kit.Executor.Start] the server stays up until Close, and each run
// starts only its workers. n <= 0 means one worker.
func Local(n int, opts ...Option) kit.Executor {
	return kit.RemoteExecutor(&remote{cfg: configure(opts), local: max(n, 1)})
}

// Connect is an executor that runs each Map on the NATS server (or cluster)
// at url, on whatever kitworker processes serve it: see package kitworker.
// url "" means $KIT_NATS_URL. A run fails with an error, and never hangs, if
// no worker takes it within the start timeout ([WithStartTimeout]).
// Chunk sizes assume as many workers as [WithSlots] says times one
// kitworker, or 4 if it says nothing.
func Connect(url string, opts ...Option) kit.Executor {
	return kit.RemoteExecutor(&remote{cfg: configure(opts), url: url})
}

// remote is the kit.Remote of Local and Connect. Started, it keeps its pool
// (for Local, the server) between runs; the workers of Local start for each
// run, from this program, in tens of milliseconds.
type remote struct {
	cfg   config
	local int    // Local: its workers; 0 for Connect
	url   string // Connect

	mu       sync.Mutex
	kept     *pool // set by Start
	startup  time.Duration
	startErr error
	closed   bool
}

// open starts a pool: Local's server and connection, or Connect's connection.
func (r *remote) open() (*pool, error) {
	if r.local > 0 {
		return startLocal(r.local, r.cfg)
	}
	return startConnect(r.url, r.cfg)
}

// Start keeps a pool up until Close.
func (r *remote) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kept != nil || r.closed {
		return
	}
	start := time.Now()
	r.kept, r.startErr = r.open()
	r.startup = time.Since(start)
}

// Close stops the kept pool; runs fail afterwards.
func (r *remote) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kept != nil {
		r.kept.close()
		r.kept = nil
	}
	r.closed = true
}

// Startup is what Start took, and why it failed.
func (r *remote) Startup() (time.Duration, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.startup, r.startErr
}

func (r *remote) String() string {
	if r.local > 0 {
		return fmt.Sprintf("cluster.Local(%d)", r.local)
	}
	if r.url == "" {
		return "cluster.Connect($" + URLEnv + ")"
	}
	return fmt.Sprintf("cluster.Connect(%q)", redact(r.url))
}

func (r *remote) Workers() int {
	switch {
	case r.local > 0:
		return r.local
	case r.cfg.slots > 0:
		return r.cfg.slots
	}
	return 4
}

// Run runs kit's job on a pool started for it.
func (r *remote) Run(ctx context.Context, kj kit.RemoteJob) error {
	r.mu.Lock()
	p, closed, startErr := r.kept, r.closed, r.startErr
	r.mu.Unlock()
	switch {
	case closed:
		return fmt.Errorf("kit/cluster: %s was closed", r)
	case startErr != nil:
		return startErr
	case p == nil:
		var err error
		if p, err = r.open(); err != nil {
			return err
		}
		defer p.close()
	}
	var err error
	inputs := make([][]byte, kj.Len())
	for i := range inputs {
		if inputs[i], err = kj.Input(i); err != nil {
			return err
		}
	}
	// Duplicates go to kit too, which drops and counts them (Run.Duplicates).
	done := func(res result) {
		kj.Done(kit.RemoteOutcome{Input: res.Input, Payload: res.Payload, Failed: res.Failed,
			Attempt: res.Attempt, Worker: res.Worker, Start: res.Start, End: res.End})
	}
	_, err = p.runJob(ctx, job{task: kj.Task(), inputs: inputs, chunk: max(kj.Chunk(), 1),
		onReady: kj.Ready, onHello: kj.Joined, onResult: done, onDup: done,
		onLost: func(a attempt) {
			o := kit.RemoteOutcome{Input: a.Input, Lost: true, Final: a.Final, Attempt: a.Attempt,
				Worker: a.Worker, Start: a.Start, End: a.End}
			if a.Final {
				o.Why = fmt.Sprintf("no result after %d deliveries (MaxDeliver): each time its worker died, "+
					"or was silent for longer than AckWait (%v)", a.Attempt, r.cfg.ackWait)
			}
			kj.Done(o)
		}})
	return err
}
