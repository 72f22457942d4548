// Kitworker serves the runs of kit/cluster executors on this machine: it
// connects to a NATS server, and for each run announced there it fetches
// the caller's program from the server (once per program), starts workers
// from it, and stops them when the run ends.
//
//	go run parallelgo.dev/course/kit/cluster/kitworker -nats nats://host:4222
//
// Start one per machine; a caller uses them with cluster.Connect(URL). The
// callers' programs must be built for this machine's GOOS and GOARCH. A user
// and password or a token go in the URL (nats://user:pass@host:4222), a
// credentials file in -creds, and tls:// URLs use TLS. Anyone who can
// publish on the NATS account can run programs here: keep it private.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"parallelgo.dev/course/kit/cluster"
)

func main() {
	url := flag.String("nats", os.Getenv(cluster.URLEnv), "NATS server URL (default $"+cluster.URLEnv+")")
	n := flag.Int("n", 0, "workers per run (default: one per logical CPU)")
	creds := flag.String("creds", os.Getenv(cluster.CredsEnv), "NATS credentials file")
	ca := flag.String("tlsca", "", "PEM file of the CAs that sign the servers' certificates")
	cache := flag.String("cache", "", "folder for fetched programs (default: in the user cache dir)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cluster.Agent{Workers: *n, Cache: *cache}.Serve(ctx, *url,
		cluster.WithCredentials(*creds), cluster.WithRootCAs(*ca))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
