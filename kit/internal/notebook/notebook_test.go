package notebook

import (
	"encoding/gob"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// kernel plays GoNB's end of the pipes as GoNB's jpyexec does: it decodes
// DisplayData from the program and answers each sync request with an ack.
type kernel struct {
	got   chan *protocol.DisplayData
	acked atomic.Int32  // acks sent so far
	gone  chan struct{} // closed once stop has closed the kernel's ends
}

// startKernel makes the two named pipes in a temporary folder and serves
// them until the program closes its end or stop is closed.
func startKernel(t *testing.T, stop <-chan struct{}) (*conn, *kernel) {
	t.Helper()
	dir := t.TempDir()
	out, back := filepath.Join(dir, "out"), filepath.Join(dir, "back")
	for _, p := range []string{out, back} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
	}
	k := &kernel{got: make(chan *protocol.DisplayData, 10), gone: make(chan struct{})}
	go func() {
		r, err := os.Open(out)
		if err != nil {
			return
		}
		defer r.Close()
		w, err := os.OpenFile(back, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		go func() { <-stop; r.Close(); w.Close(); close(k.gone) }()
		dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
		for {
			var d protocol.DisplayData
			if dec.Decode(&d) != nil {
				return
			}
			if v, ok := d.Data[protocol.MIMECommValue].(protocol.CommValue); ok && v.Address == protocol.GonbuiSyncAddress {
				k.acked.Add(1)
				_ = enc.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: v.Value})
				continue
			}
			k.got <- &d
		}
	}()
	return newConn(out, back), k
}

func TestSendAndSync(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	c, k := startKernel(t, stop)
	if !c.active() {
		t.Fatal("a connection with a GONB_PIPE path is not active")
	}
	c.sync()
	if k.acked.Load() != 1 {
		t.Fatalf("Sync returned before the kernel acknowledged it (acks sent: %d)", k.acked.Load())
	}
	c.send(&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: "<b>1</b>"}, DisplayID: "x"})
	c.sync()
	if k.acked.Load() != 2 {
		t.Fatalf("second Sync returned before its ack (acks sent: %d)", k.acked.Load())
	}
	d := <-k.got
	if d.Data[protocol.MIMETextHTML] != "<b>1</b>" || d.DisplayID != "x" {
		t.Fatalf("kernel got %+v, want the HTML <b>1</b> with display id x", d)
	}
}

func TestSyncReturnsWhenKernelGoes(t *testing.T) {
	stop := make(chan struct{})
	c, k := startKernel(t, stop)
	c.sync() // opens the pipes
	close(stop)
	<-k.gone // a sync sent before the kernel's ends are closed would still be acknowledged
	// The kernel's end is closed: Sync must not wait for an ack forever.
	for range 3 {
		c.sync()
	}
	c.mu.Lock()
	err := c.err
	c.mu.Unlock()
	if err == nil {
		t.Fatal("no error recorded after the kernel closed its pipes")
	}
	if n := k.acked.Load(); n != 1 {
		t.Fatalf("kernel acknowledged %d syncs, want only the first", n)
	}
}

func TestInactiveOutsideACell(t *testing.T) {
	c := newConn("", "")
	if c.active() {
		t.Fatal("a connection without GONB_PIPE is active")
	}
	c.send(&protocol.DisplayData{}) // must neither block nor panic
	c.sync()
}

func TestUniqueID(t *testing.T) {
	a, b := UniqueID(), UniqueID()
	if len(a) != 16 || a == b {
		t.Fatalf("UniqueID gave %q then %q, want two different 16-digit ids", a, b)
	}
}
