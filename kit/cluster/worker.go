package cluster

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The worker side. A worker is the caller's program started again (by
// Local, or by a kitworker from the object store) with the variables below
// in its environment: it serves one task of one run, then exits.

// Environment of a worker process.
const (
	workerTaskEnv  = "KIT_CLUSTER_TASK"  // the task to serve: set means worker mode
	workerRunEnv   = "KIT_CLUSTER_RUN"   // the run whose inputs to take
	workerNATSEnv  = "KIT_CLUSTER_NATS"  // the server to take them from
	workerChunkEnv = "KIT_CLUSTER_CHUNK" // how many inputs to take at a time
	workerCAEnv    = "KIT_CLUSTER_CA"    // WithRootCAs of the caller or kitworker
)

// handler runs one input given as the bytes the caller encoded, and gives
// the result's bytes; failed says they describe a failure instead.
type handler func(input int, payload []byte) (out []byte, failed bool)

// WorkerTask is the task this process was started to serve as a cluster
// worker, or "" if it is not a worker.
func workerTask() string { return os.Getenv(workerTaskEnv) }

// workerEnviron is env for a worker of run: without GoNB's pipes (a worker
// never talks to the kernel) or another worker's settings.
func workerEnviron(env []string, ann announcement, natsURL string, c config) []string {
	out := make([]string, 0, len(env)+6)
	for _, kv := range env {
		if hasPrefix(kv, "GONB_PIPE") || hasPrefix(kv, "KIT_CLUSTER_") || hasPrefix(kv, "KIT_WORKER=") {
			continue
		}
		out = append(out, kv)
	}
	out = append(out,
		workerTaskEnv+"="+ann.Task,
		workerRunEnv+"="+ann.Run,
		workerNATSEnv+"="+natsURL,
		workerChunkEnv+"="+strconv.Itoa(max(ann.Chunk, 1)))
	if c.creds != "" {
		out = append(out, CredsEnv+"="+c.creds)
	}
	if c.rootCAs != "" {
		out = append(out, workerCAEnv+"="+c.rootCAs)
	}
	return out
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// serveWorker serves the run named in the environment with h, and exits the
// process when the run is over, its consumer gone, or its server lost.
func serveWorker(h handler) {
	task, run := os.Getenv(workerTaskEnv), os.Getenv(workerRunEnv)
	fail := func(err error) {
		fmt.Fprintf(os.Stderr, "kit/cluster: worker %s for task %q: %v\n", identity(), task, err)
		os.Exit(3)
	}
	chunk, err := strconv.Atoi(os.Getenv(workerChunkEnv))
	if err != nil || chunk < 1 {
		chunk = 1
	}
	c := configure([]Option{WithRootCAs(os.Getenv(workerCAEnv))})
	cn, err := dial(os.Getenv(workerNATSEnv), "kit worker "+identity(), c)
	if err != nil {
		fail(err)
	}
	// Leave as soon as the caller has every result: what this worker still
	// holds is a duplicate at best.
	if _, err := cn.nc.Subscribe(doneSubject+run, func(*nats.Msg) { os.Exit(0) }); err != nil {
		fail(err)
	}
	go func() {
		<-cn.closed
		fail(cn.err())
	}()
	ctx := contextFor(cn)
	cons, err := cn.js.Consumer(ctx, tasksStream, consumerName(run))
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		os.Exit(0) // the run is over
	} else if err != nil {
		fail(err)
	}
	w := &worker{cn: cn, run: run, h: h, me: identity(), held: map[jetstream.Msg]bool{},
		acks: make(chan pendingAck, 4096)}
	go w.acker()
	go w.keepAlive(cons.CachedInfo().Config.AckWait)
	if err := publishJSON(cn.nc, helloSubject+run, hello{Worker: w.me}); err != nil {
		fail(err)
	}
	// The client keeps up to chunk inputs pulled for this worker: no other
	// worker gets them unless this one dies, as with Pool.map's chunks.
	// Pulls expire after 2 s: one lost while a cluster elects a consumer
	// leader, or on a server that goes away, is made again soon.
	it, err := cons.Messages(jetstream.PullMaxMessages(chunk), jetstream.PullExpiry(2*time.Second))
	if err != nil {
		fail(err)
	}
	for {
		m, err := it.Next()
		if gone(err) || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
			os.Exit(0)
		} else if err != nil {
			continue // a missed heartbeat while the server changes: the iterator carries on
		}
		w.hold(m)
		w.do(m)
	}
}

// gone says whether err means the run's consumer no longer exists.
func gone(err error) bool {
	return errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrConsumerDeleted)
}

type worker struct {
	cn  *conn
	run string
	h   handler
	me  string

	mu   sync.Mutex
	held map[jetstream.Msg]bool // delivered to us, not yet acked

	acks chan pendingAck
}

type pendingAck struct {
	fut jetstream.PubAckFuture
	msg jetstream.Msg
}

func (w *worker) hold(m jetstream.Msg) {
	w.mu.Lock()
	w.held[m] = true
	w.mu.Unlock()
}

// do runs one input and publishes its result; the input is acked once the
// result is stored (see acker), so a worker dying in between costs a
// duplicate result, which the caller drops, never a lost one.
func (w *worker) do(m jetstream.Msg) {
	i, err := strconv.Atoi(m.Headers().Get(hInput))
	if err != nil {
		m.Term() // not ours to understand; never redeliver it
		w.release(m)
		return
	}
	attempt := 1
	if meta, err := m.Metadata(); err == nil {
		attempt = int(meta.NumDelivered)
	}
	start := time.Now()
	publishJSON(w.cn.nc, startSubject+w.run, started{Worker: w.me, Input: i, Attempt: attempt, Start: start.UnixNano()})
	out, failed := w.h(i, m.Data())
	res := result{Input: i, Payload: out, Failed: failed, Worker: w.me, Attempt: attempt, Start: start, End: time.Now()}
	fut, err := w.cn.js.PublishMsgAsync(resultMsg(w.run, res))
	if err != nil {
		// Not acked: it comes back after AckWait, to us or another worker.
		w.release(m)
		return
	}
	w.acks <- pendingAck{fut, m}
}

func (w *worker) release(m jetstream.Msg) {
	w.mu.Lock()
	delete(w.held, m)
	w.mu.Unlock()
}

// acker acks each input once its result is stored, in the order they ran.
func (w *worker) acker() {
	for p := range w.acks {
		select {
		case <-p.fut.Ok():
			p.msg.Ack()
		case <-p.fut.Err():
			// Left unacked: redelivered after AckWait.
		}
		w.release(p.msg)
	}
}

// keepAlive tells the server, every third of AckWait, that the inputs this
// worker holds are in progress: a long input, or a big chunk, is not handed
// to another worker while this one lives.
func (w *worker) keepAlive(ackWait time.Duration) {
	if ackWait <= 0 {
		ackWait = 30 * time.Second
	}
	for range time.Tick(ackWait / 3) {
		w.mu.Lock()
		held := make([]jetstream.Msg, 0, len(w.held))
		for m := range w.held {
			held = append(held, m)
		}
		w.mu.Unlock()
		for _, m := range held {
			m.InProgress()
		}
	}
}
