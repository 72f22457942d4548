package cluster

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
)

// Names on the NATS server. Every run has an id; its subjects end with it.
const (
	tasksStream   = "KIT_TASKS"   // work-queue stream: one message per input
	resultsStream = "KIT_RESULTS" // one message per result, read by the caller
	codeBucket    = "KIT_CODE"    // object store: callers' binaries by hash

	tasksSubject   = "kit.tasks."   // + run: the run's inputs
	resultsSubject = "kit.results." // + run: its results
	helloSubject   = "kit.hello."   // + run: a worker is ready, or an agent refuses
	startSubject   = "kit.start."   // + run: a worker starts an input (for traces)
	doneSubject    = "kit.done."    // + run: the caller has every result; workers leave
	runsSubject    = "kit.runs"     // a caller announces a run to the kitworkers

	// maxDeliveriesAdvisory + stream + "." + consumer: the server says an
	// input was delivered MaxDeliver times without an ack.
	maxDeliveriesAdvisory = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES."
)

// Headers of task and result messages.
const (
	hInput   = "Kit-Input"   // the input's index
	hWorker  = "Kit-Worker"  // host:pid of the worker that ran it
	hAttempt = "Kit-Attempt" // 1 for the first delivery, 2 for a redelivery, ...
	hStart   = "Kit-Start"   // Unix nanoseconds
	hEnd     = "Kit-End"
	hFailed  = "Kit-Failed" // "1" if the payload describes a failure
)

// consumerName is the durable pull consumer the workers of a run share.
func consumerName(run string) string { return "kit-" + run }

// announcement tells kitworkers about a run: which program (by hash) to start
// in worker mode, for which task, and how many workers each should start.
type announcement struct {
	Run    string `json:"run"`
	Task   string `json:"task"`
	Code   string `json:"code"` // sha256 of the binary, its name in the object store
	GOOS   string `json:"goos"`
	GOARCH string `json:"goarch"`
	Chunk  int    `json:"chunk"`
	Slots  int    `json:"slots,omitempty"` // workers per kitworker; 0: its own -n
}

// hello is a worker's word that it is consuming the run's inputs, or a
// kitworker's reason for not starting any.
type hello struct {
	Worker  string `json:"worker"` // host:pid
	Refused string `json:"refused,omitempty"`
}

// started is a worker's word that it starts an input: if the worker dies,
// the trace still shows the attempt.
type started struct {
	Worker  string `json:"worker"`
	Input   int    `json:"input"`
	Attempt int    `json:"attempt"`
	Start   int64  `json:"start"`
}

func publishJSON(nc *nats.Conn, subject string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return nc.Publish(subject, b)
}

// identity is this process as traces and errors name it: host:pid.
func identity() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return host + ":" + strconv.Itoa(os.Getpid())
}

// result is one input's outcome as the caller reads it from the results
// stream.
type result struct {
	Input   int
	Payload []byte // the handler's result, or its description of a failure
	Failed  bool
	Worker  string
	Attempt int
	Start   time.Time
	End     time.Time
}

func resultMsg(run string, r result) *nats.Msg {
	m := nats.NewMsg(resultsSubject + run)
	m.Header.Set(hInput, strconv.Itoa(r.Input))
	m.Header.Set(hWorker, r.Worker)
	m.Header.Set(hAttempt, strconv.Itoa(r.Attempt))
	m.Header.Set(hStart, strconv.FormatInt(r.Start.UnixNano(), 10))
	m.Header.Set(hEnd, strconv.FormatInt(r.End.UnixNano(), 10))
	if r.Failed {
		m.Header.Set(hFailed, "1")
	}
	m.Data = r.Payload
	return m
}

func parseResult(h nats.Header, data []byte) (result, error) {
	r := result{Payload: data, Worker: h.Get(hWorker), Failed: h.Get(hFailed) == "1"}
	var err error
	if r.Input, err = strconv.Atoi(h.Get(hInput)); err != nil {
		return r, fmt.Errorf("a result without an input index: %w", err)
	}
	r.Attempt, _ = strconv.Atoi(h.Get(hAttempt))
	start, _ := strconv.ParseInt(h.Get(hStart), 10, 64)
	end, _ := strconv.ParseInt(h.Get(hEnd), 10, 64)
	r.Start, r.End = time.Unix(0, start), time.Unix(0, end)
	return r, nil
}
