package cluster

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freePorts finds n free TCP ports on 127.0.0.1 for the servers' routes.
func freePorts(t *testing.T, n int) []int {
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = l.Addr().(*net.TCPAddr).Port
		defer l.Close()
	}
	return ports
}

// startThreeNodes starts a three-server NATS cluster on 127.0.0.1.
func startThreeNodes(t *testing.T) []*embedded {
	ports := freePorts(t, 3)
	var routes []string
	for _, p := range ports {
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
	}
	nodes := make([]*embedded, 3)
	for i := range nodes {
		var err error
		nodes[i], err = startServer(serverConfig{name: fmt.Sprintf("n%d", i), clusterName: "kit-test",
			clusterPort: ports[i], routes: routes})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nodes[i].stop)
	}
	return nodes
}

// TestThreeNodesLoseANodeAndAWorker runs on a three-node cluster with the
// streams replicated three times and one kitworker per node, kills a node
// and a busy worker mid-run, and checks that every input has exactly one
// result.
func TestThreeNodesLoseANodeAndAWorker(t *testing.T) {
	ctx := testContext(t)
	t.Logf("%v start", time.Now().Format("05.000"))
	nodes := startThreeNodes(t)
	for _, n := range nodes {
		go Agent{Workers: 1, Cache: t.TempDir(), Log: testLog{t}}.Serve(ctx, n.url())
	}
	c := configure([]Option{WithReplicas(3), WithAckWait(time.Second), WithStartTimeout(20 * time.Second)})
	p, err := startConnect(nodes[0].url(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	// JetStream elects its leaders in the first seconds of a cluster.
	for {
		try, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := streams(try, p.cn, c)
		cancel()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the cluster never took the streams: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("%v streams ready", time.Now().Format("05.000"))
	// A run still going after 30 s is stuck: say where its messages are.
	diagnosed := make(chan struct{})
	diagnose := time.AfterFunc(30*time.Second, func() {
		defer close(diagnosed)
		for _, name := range []string{tasksStream, resultsStream} {
			st, err := p.cn.js.Stream(ctx, name)
			if err != nil {
				t.Logf("stream %s: %v", name, err)
				continue
			}
			if info, err := st.Info(ctx); err == nil {
				t.Logf("stream %s: %+v cluster %+v", name, info.State, info.Cluster)
			}
			for ci := range st.ListConsumers(ctx).Info() {
				t.Logf("consumer %s: pending %d, ack pending %d, redelivered %d, pulls waiting %d, cluster %+v",
					ci.Name, ci.NumPending, ci.NumAckPending, ci.NumRedelivered, ci.NumWaiting, ci.Cluster)
			}
		}
	})
	defer func() {
		if !diagnose.Stop() {
			<-diagnosed
		}
	}()
	var (
		killed  string
		nodeAt  int // results in when the node went
		workers = map[string]bool{}
	)
	o := runInts(ctx, p, "slow", 200, 1, func(k int, r result) {
		if k%20 == 0 {
			t.Logf("%v result %d from %s attempt %d", time.Now().Format("05.000"), k, r.Worker, r.Attempt)
		}
		workers[r.Worker] = true
		switch {
		case nodeAt == 0 && len(workers) >= 3:
			// Every node's worker has worked: take one node away. Its
			// kitworker and workers move to the others.
			nodeAt = k
			nodes[2].srv.Shutdown()
		case nodeAt > 0 && k == nodeAt+20:
			// The worker that just sent a result is running its next input.
			killed = r.Worker
			pid, _ := strconv.Atoi(r.Worker[strings.LastIndex(r.Worker, ":")+1:])
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	checkSquares(t, o)
	t.Logf("workers %v; killed %s; %d duplicates dropped; lost attempts %+v", o.rep.Workers, killed, o.rep.Duplicates, o.lost)
	if nodeAt == 0 || killed == "" {
		t.Errorf("results came from %d workers only: no node was lost, or no worker killed", len(workers))
	}
}
