package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// The caller's side of a run, in bytes: every input is one message on the
// run's subject of the work-queue stream, the workers share one durable pull
// consumer, and every result is one message on the run's subject of the
// results stream, which the caller reads with an ordered consumer. Delivery
// is at least once; the caller keeps the first result of each input.

// job is one run of a task on inputs already encoded.
type job struct {
	task    string
	inputs  [][]byte
	chunk   int // inputs a worker pulls at a time
	slots   int // workers the run expects in all; 0: unknown (kitworkers)
	waitFor int // hellos needed before the run counts as started

	// startWorkers starts the workers (Local) or announces the run (kitworkers).
	startWorkers func(ann announcement) error

	// Called on the run's goroutine, in the order things are learnt.
	onReady  func()        // the awaited workers said hello (may be nil)
	onHello  func(string)  // a worker said hello (may be nil)
	gone     <-chan error  // Local: says so when no worker is left
	onResult func(result)  // the first result of an input
	onDup    func(result)  // a result that follows it, dropped (may be nil)
	onLost   func(attempt) // an attempt whose worker died or went silent
}

// attempt is one delivery of an input that gave no result: its worker died,
// or the input was delivered MaxDeliver times (Final).
type attempt struct {
	Input   int
	Worker  string
	Attempt int
	Start   time.Time
	End     time.Time
	Final   bool // the input was delivered MaxDeliver times (Attempt): it fails
}

// report is what a run learnt besides results.
type report struct {
	Startup    time.Duration // from the call to the last awaited hello
	Workers    []string      // host:pid, in the order they said hello
	Duplicates int           // results dropped because their input had one
}

// inbox is an unbounded queue between NATS callbacks and the run's goroutine:
// a callback must never block, or the client's flow control suffers.
type inbox[T any] struct {
	mu    sync.Mutex
	items []T
	ready chan struct{}
}

func newInbox[T any]() *inbox[T] { return &inbox[T]{ready: make(chan struct{}, 1)} }

func (b *inbox[T]) put(x T) {
	b.mu.Lock()
	b.items = append(b.items, x)
	b.mu.Unlock()
	select {
	case b.ready <- struct{}{}:
	default:
	}
}

func (b *inbox[T]) take() []T {
	b.mu.Lock()
	defer b.mu.Unlock()
	items := b.items
	b.items = nil
	return items
}

// streams makes the task and result streams if they do not exist yet.
func streams(ctx context.Context, cn *conn, c config) error {
	replicas := c.replicas
	if replicas == 0 {
		replicas = min(3, 1+len(cn.nc.DiscoveredServers()))
	}
	for _, sc := range []jetstream.StreamConfig{
		{Name: tasksStream, Subjects: []string{tasksSubject + "*"}, Retention: jetstream.WorkQueuePolicy,
			Description: "inputs of kit runs, one message each, removed once acked"},
		{Name: resultsStream, Subjects: []string{resultsSubject + "*"}, MaxAge: time.Hour,
			Description: "results of kit runs, one message each, purged when the run ends"},
	} {
		err := served(ctx, c.startTimeout, func() error {
			_, err := cn.js.Stream(ctx, sc.Name)
			return err
		})
		if err == nil {
			continue
		} else if !errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("kit/cluster: JetStream on %s: %w", cn.url, err)
		}
		sc.Replicas = replicas
		if c.memory {
			sc.Storage = jetstream.MemoryStorage
		}
		if _, err := cn.js.CreateStream(ctx, sc); err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return fmt.Errorf("kit/cluster: cannot make the stream %s on %s: %w", sc.Name, cn.url, err)
		}
	}
	return nil
}

// consumerConfig is the pull consumer the workers of run id share.
func consumerConfig(id string, c config, j job) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       consumerName(id),
		FilterSubject: tasksSubject + id,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       c.ackWait,
		MaxDeliver:    c.maxDeliver,
		// Each worker runs one chunk while the client pulls the next.
		MaxAckPending: 2 * j.slots * j.chunk, // 0 (kitworkers): the server's default
		// A consumer left by a caller that died goes away by itself.
		InactiveThreshold: 10 * time.Minute,
	}
}

// run sends j's inputs and collects one result per input. It returns when
// every input has a result or has failed MaxDeliver times, or with an error
// when no worker came within the start timeout, the server was lost, or ctx
// ended.
func (cn *conn) run(ctx context.Context, c config, j job) (rep report, err error) {
	t0 := time.Now()
	if err := streams(ctx, cn, c); err != nil {
		return rep, err
	}
	id := nuid.Next()
	err = served(ctx, c.startTimeout, func() error {
		_, err := cn.js.CreateConsumer(ctx, tasksStream, consumerConfig(id, c, j))
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("kit/cluster: cannot make the run's consumer on %s: %w", cn.url, err)
	}

	hellos, starts, lost := newInbox[hello](), newInbox[started](), newInbox[uint64]()
	results := newInbox[*nats.Msg]()
	var subs []*nats.Subscription
	defer func() {
		for _, s := range subs {
			s.Unsubscribe()
		}
		// Tell the workers to leave, then remove what the run left behind.
		cn.nc.Publish(doneSubject+id, nil)
		cleanup, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		cn.js.DeleteConsumer(cleanup, tasksStream, consumerName(id))
		for _, s := range []struct{ stream, subject string }{{tasksStream, tasksSubject}, {resultsStream, resultsSubject}} {
			if st, err := cn.js.Stream(cleanup, s.stream); err == nil {
				st.Purge(cleanup, jetstream.WithPurgeSubject(s.subject+id))
			}
		}
	}()
	subscribe := func(subject string, f func(*nats.Msg)) error {
		s, err := cn.nc.Subscribe(subject, f)
		if err == nil {
			s.SetPendingLimits(-1, -1) // never drop a word from a worker
			subs = append(subs, s)
		}
		return err
	}
	errs := []error{
		subscribe(helloSubject+id, func(m *nats.Msg) {
			var h hello
			if json.Unmarshal(m.Data, &h) == nil {
				hellos.put(h)
			}
		}),
		subscribe(startSubject+id, func(m *nats.Msg) {
			var s started
			if json.Unmarshal(m.Data, &s) == nil {
				starts.put(s)
			}
		}),
		subscribe(maxDeliveriesAdvisory+tasksStream+"."+consumerName(id), func(m *nats.Msg) {
			var a struct {
				Seq uint64 `json:"stream_seq"`
			}
			if json.Unmarshal(m.Data, &a) == nil {
				lost.put(a.Seq)
			}
		}),
	}
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("kit/cluster: cannot subscribe on %s: %w", cn.url, err)
	}
	rc, err := cn.js.OrderedConsumer(ctx, resultsStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{resultsSubject + id}})
	if err != nil {
		return rep, fmt.Errorf("kit/cluster: cannot read results on %s: %w", cn.url, err)
	}
	cc, err := rc.Consume(func(m jetstream.Msg) {
		results.put(&nats.Msg{Header: m.Headers(), Data: m.Data()})
	},
		// A server lost under the consumer shows as missed heartbeats; the
		// ordered consumer then makes itself again where the stream lives.
		jetstream.PullHeartbeat(500*time.Millisecond), jetstream.PullExpiry(2*time.Second))
	if err != nil {
		return rep, fmt.Errorf("kit/cluster: cannot read results on %s: %w", cn.url, err)
	}
	defer cc.Stop()

	ann := announcement{Run: id, Task: j.task, Chunk: j.chunk, Slots: c.slots}
	if err := j.startWorkers(ann); err != nil {
		return rep, err
	}

	// Every input is one message; the stream's sequence number of each is
	// how the server names it in a MaxDeliver advisory.
	// They are sent while the workers start, and while the first results
	// come back.
	var seqs map[uint64]int // input by stream sequence; read once published says nil
	published := make(chan error, 1)
	go func() {
		futs := make([]jetstream.PubAckFuture, len(j.inputs))
		for i, p := range j.inputs {
			m := nats.NewMsg(tasksSubject + id)
			m.Header.Set(hInput, strconv.Itoa(i))
			m.Data = p
			var err error
			if futs[i], err = cn.js.PublishMsgAsync(m); err != nil {
				published <- fmt.Errorf("kit/cluster: cannot send input %d to %s: %w", i, cn.url, err)
				return
			}
		}
		s := make(map[uint64]int, len(j.inputs))
		for i, f := range futs {
			select {
			case ack := <-f.Ok():
				s[ack.Sequence] = i
			case err := <-f.Err():
				published <- fmt.Errorf("kit/cluster: input %d was not stored by %s: %w", i, cn.url, err)
				return
			case <-ctx.Done():
				published <- context.Cause(ctx)
				return
			case <-cn.closed:
				published <- cn.err()
				return
			}
		}
		seqs = s
		published <- nil
	}()

	var (
		done     = make([]bool, len(j.inputs))
		pending  = len(j.inputs)
		last     = map[int]started{} // the latest attempt of each input not done
		refusals []string
		waiting  = time.NewTimer(c.startTimeout)
		ready    = false
	)
	defer waiting.Stop()
	if j.waitFor <= 0 {
		j.waitFor = 1
	}
	// lose reports the attempt a of an input as lost, ending at end.
	lose := func(a started, end time.Time, final bool) {
		if j.onLost != nil && (a.Worker != "" || final) {
			j.onLost(attempt{Input: a.Input, Worker: a.Worker, Attempt: a.Attempt,
				Start: time.Unix(0, a.Start), End: end, Final: final})
		}
	}
	var (
		pubDone   bool     // seqs is set: every input is stored
		lostEarly []uint64 // advisories that came before
	)
	for pending > 0 {
		select {
		case err := <-published:
			if err != nil {
				return rep, err
			}
			pubDone, published = true, nil
			if len(lostEarly) > 0 {
				lost.put(0) // wake the loop up for them
			}
		case <-hellos.ready:
			for _, h := range hellos.take() {
				if h.Refused != "" {
					refusals = append(refusals, h.Worker+": "+h.Refused)
					continue
				}
				rep.Workers = append(rep.Workers, h.Worker)
				if j.onHello != nil {
					j.onHello(h.Worker)
				}
				if !ready && len(rep.Workers) >= j.waitFor {
					ready = true
					rep.Startup = time.Since(t0)
					waiting.Stop()
					if j.onReady != nil {
						j.onReady()
					}
				}
			}
		case <-starts.ready:
			for _, s := range starts.take() {
				if s.Input < 0 || s.Input >= len(done) || done[s.Input] {
					continue
				}
				if prev, ok := last[s.Input]; ok && prev.Attempt < s.Attempt {
					lose(prev, time.Unix(0, s.Start), false)
				}
				if prev, ok := last[s.Input]; !ok || prev.Attempt < s.Attempt {
					last[s.Input] = s
				}
			}
		case <-results.ready:
			for _, m := range results.take() {
				r, err := parseResult(m.Header, m.Data)
				if err != nil || r.Input < 0 || r.Input >= len(done) {
					continue
				}
				if done[r.Input] {
					rep.Duplicates++ // at least once on the wire, once in the results
					if j.onDup != nil {
						j.onDup(r)
					}
					continue
				}
				if prev, ok := last[r.Input]; ok && prev.Attempt < r.Attempt {
					lose(prev, r.Start, false)
				}
				delete(last, r.Input)
				done[r.Input] = true
				pending--
				j.onResult(r)
			}
		case <-lost.ready:
			if !pubDone {
				lostEarly = append(lostEarly, lost.take()...)
				continue
			}
			seqsLost := append(lostEarly, lost.take()...)
			lostEarly = nil
			for _, seq := range seqsLost {
				i, ok := seqs[seq]
				if !ok || done[i] {
					continue
				}
				a, ok := last[i]
				if !ok {
					a = started{Input: i, Attempt: c.maxDeliver}
				}
				delete(last, i)
				done[i] = true
				pending--
				a.Attempt = max(a.Attempt, c.maxDeliver)
				lose(a, time.Now(), true)
			}
		case <-waiting.C:
			if ready {
				continue
			}
			if len(rep.Workers) > 0 {
				return rep, fmt.Errorf("kit/cluster: only %d of %d workers ready on %s within %v",
					len(rep.Workers), j.waitFor, cn.url, c.startTimeout)
			}
			msg := fmt.Sprintf("kit/cluster: no worker took the run of %q on %s within %v", j.task, cn.url, c.startTimeout)
			if len(refusals) > 0 {
				msg += "; kitworkers refused it:\n\t" + strings.Join(refusals, "\n\t")
			} else {
				msg += "; start one with: go run parallelgo.dev/course/kit/cluster/kitworker -nats URL"
			}
			return rep, errors.New(msg)
		case err := <-j.gone:
			return rep, err
		case <-ctx.Done():
			return rep, context.Cause(ctx)
		case <-cn.closed:
			return rep, cn.err()
		}
	}
	if !ready {
		rep.Startup = time.Since(t0)
	}
	return rep, nil
}
