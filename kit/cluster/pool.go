package cluster

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"
)

// pool is where a cluster executor runs: a connection to NATS and, for
// Local, the embedded server and the workers it starts on this machine.
type pool struct {
	cfg   config
	cn    *conn
	srv   *embedded // Local only
	local int       // Local: workers per run; 0 for Connect
}

// startLocal starts an embedded server on 127.0.0.1 and connects to it.
func startLocal(n int, c config) (*pool, error) {
	c.memory = true
	srv, err := startServer(serverConfig{})
	if err != nil {
		return nil, err
	}
	cn, err := dial(srv.url(), "kit "+identity(), c)
	if err != nil {
		srv.stop()
		return nil, err
	}
	return &pool{cfg: c, cn: cn, srv: srv, local: max(n, 1)}, nil
}

// startConnect connects to the server at url (or $KIT_NATS_URL if "").
func startConnect(url string, c config) (*pool, error) {
	if url == "" {
		url = os.Getenv(URLEnv)
	}
	if url == "" {
		return nil, fmt.Errorf("kit/cluster: no NATS server given: pass a URL such as nats://host:4222, or set %s", URLEnv)
	}
	cn, err := dial(url, "kit "+identity(), c)
	if err != nil {
		return nil, err
	}
	return &pool{cfg: c, cn: cn}, nil
}

// close disconnects and stops the embedded server, if any.
func (p *pool) close() {
	p.cn.close()
	if p.srv != nil {
		p.srv.stop()
	}
}

// runJob runs j: Local starts its workers from this very binary, Connect
// ships the binary and announces the run to the kitworkers.
func (p *pool) runJob(ctx context.Context, j job) (report, error) {
	var workers *crew
	if p.local > 0 {
		exe, err := os.Executable()
		if err != nil {
			return report{}, fmt.Errorf("kit/cluster: cannot find this program to start workers: %w", err)
		}
		workers = newCrew(exe, os.Args[1:], os.Stdout, os.Stderr)
		j.gone = workers.gone
		j.slots, j.waitFor = p.local, p.local
		j.startWorkers = func(ann announcement) error {
			env := workerEnviron(os.Environ(), ann, p.srv.url(), p.cfg)
			return workers.start(env, p.local, p.local*p.cfg.maxDeliver)
		}
	}
	over := make(chan struct{})
	defer close(over)
	if p.local == 0 {
		j.waitFor = 1
		j.startWorkers = func(ann announcement) error {
			b, err := ship(ctx, p.cn.js, p.cfg.replicas)
			if err != nil {
				return err
			}
			ann.Code, ann.GOOS, ann.GOARCH = b.hash, runtime.GOOS, runtime.GOARCH
			// Announced again every second until the run is over, so that
			// a kitworker started meanwhile joins it (the others ignore it).
			go func() {
				tick := time.NewTicker(time.Second)
				defer tick.Stop()
				for {
					select {
					case <-over:
						return
					case <-tick.C:
						publishJSON(p.cn.nc, runsSubject, ann)
					}
				}
			}()
			return publishJSON(p.cn.nc, runsSubject, ann)
		}
	}
	rep, err := p.cn.run(ctx, p.cfg, j)
	if workers != nil {
		workers.stop()
	}
	return rep, err
}
