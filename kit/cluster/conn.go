package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Environment variables that Connect and kitworker read.
const (
	URLEnv   = "KIT_NATS_URL"   // the server to use when Connect is given ""
	CredsEnv = "KIT_NATS_CREDS" // a NATS credentials file, unless an option gives one
)

// config is what the options set.
type config struct {
	creds        string        // NATS credentials file (user JWT and key)
	rootCAs      string        // PEM file of the CAs that sign the servers' certificates
	ackWait      time.Duration // how long a worker may hold an input without word
	maxDeliver   int           // deliveries of an input before it fails
	replicas     int           // copies of each stream; 0: up to 3, as the cluster allows
	startTimeout time.Duration // for the first worker, and for a lost server
	slots        int           // workers per kitworker for a run; 0: the kitworker's -n
	memory       bool          // streams in memory: Local's server lives for one run
}

func defaults() config {
	return config{ackWait: 5 * time.Second, maxDeliver: 3, startTimeout: 10 * time.Second}
}

// An Option changes how a cluster executor uses NATS.
type Option func(*config)

// WithAckWait sets how long a worker may hold an input without acknowledging
// it before the server gives the input to another worker (the default 5 s). A
// worker running a long input tells the server it is still busy, so d bounds
// how long a dead worker's inputs wait, not how long a task may run.
func WithAckWait(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.ackWait = d
		}
	}
}

// WithMaxDeliver sets how many times an input is handed out before it fails
// with a [kit.TaskError] that says so (the default 3): an input whose worker
// dies every time cannot stop the run.
func WithMaxDeliver(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxDeliver = n
		}
	}
}

// WithReplicas sets how many servers keep a copy of the task and result
// streams, so that a run survives the loss of all but one of them. The
// default is 3 on a cluster of three servers or more, else 1. It applies
// when the streams are made, on a server's first run.
func WithReplicas(n int) Option {
	return func(c *config) { c.replicas = max(n, 0) }
}

// WithCredentials names a NATS credentials file (a .creds file holding a
// user JWT and its key) to log in with. A user and password or a token go in
// the URL instead: nats://user:pass@host:4222, nats://token@host:4222.
func WithCredentials(file string) Option {
	return func(c *config) { c.creds = file }
}

// WithRootCAs names a PEM file of the certificate authorities that sign the
// servers' TLS certificates, for a tls:// URL whose servers the system does
// not trust already.
func WithRootCAs(file string) Option {
	return func(c *config) { c.rootCAs = file }
}

// WithStartTimeout sets how long a run waits for its first worker, and how
// long it waits for a lost server to come back, before it fails (default 10 s).
func WithStartTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.startTimeout = d
		}
	}
}

// WithSlots sets how many workers each kitworker starts for a run; by
// default each starts as many as its -n flag says.
func WithSlots(n int) Option {
	return func(c *config) { c.slots = max(n, 0) }
}

func configure(opts []Option) config {
	c := defaults()
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.creds == "" {
		c.creds = os.Getenv(CredsEnv)
	}
	return c
}

// conn is one connection to a NATS server and its JetStream API. Closed is
// closed when the connection is gone for good: closed by us, or its server
// lost for longer than the start timeout.
type conn struct {
	url    string // as given, password hidden
	nc     *nats.Conn
	js     jetstream.JetStream
	closed chan struct{}

	mu   sync.Mutex
	lost error // why the connection closed, if it was not us
}

// dial connects to rawURL as name (NATS shows it in its monitoring).
func dial(rawURL, name string, c config) (*conn, error) {
	shown := redact(rawURL)
	cn := &conn{url: shown, closed: make(chan struct{})}
	var giveUp *time.Timer
	var mu sync.Mutex
	opts := []nats.Option{
		nats.Name(name),
		nats.Timeout(c.startTimeout),
		// Reconnect without end, but give up (below) once the server has
		// been gone for the start timeout: a lost server is an error, not a hang.
		nats.MaxReconnects(-1),
		nats.ReconnectWait(100 * time.Millisecond),
		nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			mu.Lock()
			defer mu.Unlock()
			if giveUp == nil {
				giveUp = time.AfterFunc(c.startTimeout, func() {
					if !nc.IsConnected() {
						cn.mu.Lock()
						cn.lost = fmt.Errorf("kit/cluster: lost the NATS server %s for %v (%v)", shown, c.startTimeout, err)
						cn.mu.Unlock()
						nc.Close()
					}
				})
			} else {
				giveUp.Reset(c.startTimeout)
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) {
			mu.Lock()
			defer mu.Unlock()
			if giveUp != nil {
				giveUp.Stop()
			}
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(cn.closed) }),
	}
	if c.creds != "" {
		opts = append(opts, nats.UserCredentials(c.creds))
	}
	if c.rootCAs != "" {
		opts = append(opts, nats.RootCAs(c.rootCAs))
	}
	nc, err := nats.Connect(rawURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("kit/cluster: cannot connect to NATS at %s: %w", shown, err)
	}
	cn.nc = nc
	if cn.js, err = jetstream.New(nc); err != nil {
		nc.Close()
		return nil, fmt.Errorf("kit/cluster: NATS at %s: %w", shown, err)
	}
	return cn, nil
}

// err is why the connection closed: lost, or nil if closed on purpose.
func (c *conn) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lost != nil {
		return c.lost
	}
	return errors.New("kit/cluster: the connection to " + c.url + " is closed")
}

func (c *conn) close() { c.nc.Close() }

// redact hides a URL's password or token, for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	} else {
		u.User = url.User("xxx") // a token
	}
	return u.String()
}

// contextFor is a context that ends when c closes.
func contextFor(c *conn) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-c.closed
		cancel()
	}()
	return ctx
}

// served retries f while JetStream has no answer yet (a cluster's stream
// still electing its leader answers with no responders) for up to wait.
func served(ctx context.Context, wait time.Duration, f func() error) error {
	deadline := time.Now().Add(wait)
	for {
		err := f()
		if err == nil || !errors.Is(err, nats.ErrNoResponders) || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// workerURLs is where workers started by a kitworker connect: the URL it
// was given, then the other servers of its cluster, each with the same
// user or token, so that a worker started after a server is lost still
// finds one.
func workerURLs(given string, discovered []string) string {
	u, err := url.Parse(given)
	if err != nil {
		return given
	}
	urls := []string{given}
	for _, d := range discovered {
		du, err := url.Parse(d)
		if err != nil {
			continue
		}
		du.User = u.User
		urls = append(urls, du.String())
	}
	return strings.Join(urls, ",")
}
