package cluster

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// embedded is a NATS server with JetStream inside this process, listening
// on 127.0.0.1 only, its store in a temporary folder removed when it stops.
type embedded struct {
	srv *server.Server
	dir string
}

// serverConfig names one server; a cluster's servers share clusterName and
// know each other's route URLs.
type serverConfig struct {
	name        string
	clusterName string
	clusterPort int      // 0: not in a cluster
	routes      []string // nats-route://127.0.0.1:PORT of the others
	port        int      // client port; 0: any free one
	token       string   // if set, clients must give it
}

// startServer starts an embedded server and waits until it takes clients.
func startServer(sc serverConfig) (*embedded, error) {
	dir, err := os.MkdirTemp("", "kit-nats-")
	if err != nil {
		return nil, fmt.Errorf("kit/cluster: cannot make the server's store: %w", err)
	}
	o := &server.Options{
		ServerName:    sc.name,
		Host:          "127.0.0.1", // this machine only
		Port:          sc.port,
		JetStream:     true,
		StoreDir:      dir,
		NoSigs:        true, // a cell's interrupt is the program's to handle
		NoLog:         true,
		Authorization: sc.token,
	}
	if o.Port == 0 {
		o.Port = server.RANDOM_PORT
	}
	if sc.clusterPort != 0 {
		o.Cluster.Name = sc.clusterName
		o.Cluster.Host = "127.0.0.1"
		o.Cluster.Port = sc.clusterPort
		o.Routes = server.RoutesFromStr(strings.Join(sc.routes, ","))
	}
	s, err := server.NewServer(o)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("kit/cluster: cannot make a NATS server: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("kit/cluster: the embedded NATS server did not start within 10 s")
	}
	return &embedded{srv: s, dir: dir}, nil
}

// url is where clients connect: nats://127.0.0.1:PORT.
func (e *embedded) url() string { return e.srv.ClientURL() }

// stop shuts the server down and removes its store.
func (e *embedded) stop() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
	os.RemoveAll(e.dir)
}
