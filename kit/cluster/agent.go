package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// Agent serves runs announced on a NATS server: for each run it fetches the
// caller's program (once per program), starts workers from it and keeps
// them up until the run ends. The kitworker command is an Agent.
//
// An Agent runs whatever program a caller on the same NATS account ships:
// give that account only to people you would give a shell on the machine.
type Agent struct {
	// Workers is how many workers it starts per run, unless the caller asks
	// for fewer or more (see WithSlots); <= 0 means one per logical CPU.
	Workers int
	// Cache is where fetched programs are kept; "" means a folder in the
	// user's cache directory.
	Cache string
	// Log receives one line per run taken or refused; nil means os.Stderr.
	Log io.Writer
	// Stdout and Stderr receive the workers' output; nil means the Agent's own.
	Stdout, Stderr io.Writer
}

// Serve connects to url and serves runs until ctx ends or the server is
// lost for longer than the start timeout; then it stops its workers and
// returns. Options are as for [Connect] (credentials, root CAs, timeout).
func (a Agent) Serve(ctx context.Context, url string, opts ...Option) error {
	c := configure(opts)
	if url == "" {
		url = os.Getenv(URLEnv)
	}
	if url == "" {
		return fmt.Errorf("kit/cluster: no NATS server given: pass a URL such as nats://host:4222, or set %s", URLEnv)
	}
	if a.Workers <= 0 {
		a.Workers = runtime.NumCPU()
	}
	if a.Cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		a.Cache = filepath.Join(dir, "kitworker")
	}
	if a.Log == nil {
		a.Log = os.Stderr
	}
	if a.Stdout == nil {
		a.Stdout = os.Stdout
	}
	if a.Stderr == nil {
		a.Stderr = os.Stderr
	}
	cn, err := dial(url, "kitworker "+identity(), c)
	if err != nil {
		return err
	}
	defer cn.close()
	s := &agentState{Agent: a, cn: cn, cfg: c, url: url, me: identity(), crews: map[string]*crew{}, seen: map[string]bool{}}
	defer s.stopAll()
	if _, err := cn.nc.Subscribe(runsSubject, s.take); err != nil {
		return fmt.Errorf("kit/cluster: cannot subscribe on %s: %w", cn.url, err)
	}
	if _, err := cn.nc.Subscribe(doneSubject+"*", func(m *nats.Msg) {
		s.end(strings.TrimPrefix(m.Subject, doneSubject))
	}); err != nil {
		return fmt.Errorf("kit/cluster: cannot subscribe on %s: %w", cn.url, err)
	}
	if err := cn.nc.Flush(); err != nil {
		return fmt.Errorf("kit/cluster: %s: %w", cn.url, err)
	}
	fmt.Fprintf(a.Log, "kitworker %s: serving %s with %d workers per run\n", s.me, cn.url, a.Workers)
	select {
	case <-ctx.Done():
		return nil
	case <-cn.closed:
		return cn.err()
	}
}

type agentState struct {
	Agent
	cn  *conn
	cfg config
	url string // as given, password included: the workers log in with it
	me  string

	mu    sync.Mutex
	crews map[string]*crew // by run
	seen  map[string]bool  // runs taken, refused or over: announced again, they are ignored
	done  bool
}

// take starts workers for an announced run, or says why it cannot.
func (s *agentState) take(m *nats.Msg) {
	var ann announcement
	if err := json.Unmarshal(m.Data, &ann); err != nil || ann.Run == "" {
		return
	}
	s.mu.Lock()
	again := s.seen[ann.Run]
	s.seen[ann.Run] = true
	s.mu.Unlock()
	if again {
		return
	}
	refuse := func(err error) {
		fmt.Fprintf(s.Log, "kitworker %s: refused run %s of %q: %v\n", s.me, ann.Run, ann.Task, err)
		publishJSON(s.cn.nc, helloSubject+ann.Run, hello{Worker: s.me, Refused: err.Error()})
	}
	if err := platformError(ann.GOOS, ann.GOARCH); err != nil {
		refuse(err)
		return
	}
	go func() {
		// A program is tens of MB: give its transfer time (a deadline sets
		// the client's timeouts too), and a second and third chance.
		ctx, cancel := context.WithTimeout(contextFor(s.cn), 2*time.Minute)
		defer cancel()
		var exe string
		var err error
		for try := 0; try < 3; try++ {
			if exe, err = fetchCode(ctx, s.cn.js, s.Cache, ann.Code); err == nil || ctx.Err() != nil {
				break
			}
		}
		if err != nil {
			refuse(err)
			return
		}
		n := s.Workers
		if ann.Slots > 0 {
			n = ann.Slots
		}
		cr := newCrew(exe, nil, s.Stdout, s.Stderr)
		s.mu.Lock()
		if s.done || s.crews[ann.Run] != nil {
			s.mu.Unlock()
			return
		}
		s.crews[ann.Run] = cr
		s.mu.Unlock()
		if err := cr.start(workerEnviron(os.Environ(), ann, workerURLs(s.url, s.cn.nc.DiscoveredServers()), s.cfg), n, n*s.cfg.maxDeliver); err != nil {
			refuse(err)
			s.end(ann.Run)
			return
		}
		fmt.Fprintf(s.Log, "kitworker %s: %d workers for run %s of %q\n", s.me, n, ann.Run, ann.Task)
	}()
}

// end stops the workers of a run that is over.
func (s *agentState) end(run string) {
	s.mu.Lock()
	cr := s.crews[run]
	delete(s.crews, run)
	s.seen[run] = true
	s.mu.Unlock()
	if cr != nil {
		cr.stop()
	}
}

func (s *agentState) stopAll() {
	s.mu.Lock()
	s.done = true
	crews := s.crews
	s.crews = nil
	s.mu.Unlock()
	for _, cr := range crews {
		cr.stop()
	}
}
