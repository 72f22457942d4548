// Package notebook sends a cell's rich output to the GoNB kernel that runs
// the program: displays (HTML with a plain-text copy), displays replaced in
// place, and the round trip that orders them with what the program prints.
//
// It speaks GoNB's own protocol, as GoNB's gonbui package does: the types of
// gonbui/protocol, gob-encoded on the two named pipes GoNB names in
// GONB_PIPE (program to kernel) and GONB_PIPE_BACK (kernel to program). It
// exists so that kit does not import gonbui, whose dependencies (klog, and a
// UUID package that brings in net, database/sql and crypto) every cell that
// imports kit had to build and link: without them, the time kit adds to a
// cell's build is about halved (measured with nbcheck latency).
//
// One program should use either this package or gonbui, not both: each
// opens the pipes and writes its own gob stream, which the kernel cannot
// tell apart.
package notebook

import (
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// cell is the connection to the kernel that started this program, if any.
var cell = newConn(os.Getenv(protocol.GONB_PIPE_ENV), os.Getenv(protocol.GONB_PIPE_BACK_ENV))

// Active reports whether a GoNB kernel runs this program as a cell (it set
// GONB_PIPE). A test, a terminal or a kit worker process is not one.
func Active() bool { return cell.active() }

// Send displays data in the cell's output. It does nothing outside a cell.
// Errors are reported once on standard error; after one, nothing more is
// sent (the kernel's end is gone).
func Send(data *protocol.DisplayData) { cell.send(data) }

// Sync returns once the kernel has handled everything sent before it, so
// that the program's standard output (another pipe) and its displays reach
// the notebook in the order the program produced them. It returns at once
// outside a cell or after an error.
func Sync() { cell.sync() }

// UpdateHTML shows html in the output block named id: the first call with an
// id creates the block, later calls replace its content.
func UpdateHTML(id, html string) {
	cell.send(&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: html}, DisplayID: id})
}

// UniqueID returns 16 random hex digits, fresh in every call and every
// process (the generator is seeded by the operating system), for HTML
// element and display ids that must not collide across cells of one page.
func UniqueID() string {
	return fmt.Sprintf("%016x", rand.Uint64())
}

// conn is one program's end of the pipes, opened on first use.
type conn struct {
	out, back string // GONB_PIPE and GONB_PIPE_BACK; out is "" outside a cell

	mu       sync.Mutex
	opened   bool
	err      error // the first failure; nothing is sent after it
	enc      *gob.Encoder
	nextSync int
	acks     map[int]chan struct{} // Sync calls waiting for the kernel's ack
}

func newConn(out, back string) *conn {
	return &conn{out: out, back: back, acks: map[int]chan struct{}{}}
}

func (c *conn) active() bool { return c.out != "" }

// openLocked opens both pipes, in gonbui's order (each open waits for the
// kernel's end), and starts reading acks. c.mu is held.
func (c *conn) openLocked() error {
	if c.opened || c.err != nil {
		return c.err
	}
	c.opened = true
	w, err := os.OpenFile(c.out, os.O_WRONLY, 0)
	if err != nil {
		return c.failLocked(err)
	}
	r, err := os.Open(c.back)
	if err != nil {
		w.Close()
		return c.failLocked(err)
	}
	c.enc = gob.NewEncoder(w)
	go c.readAcks(gob.NewDecoder(r))
	return nil
}

// failLocked records the first failure, says so once, and releases every
// waiting Sync. c.mu is held.
func (c *conn) failLocked(err error) error {
	if c.err == nil {
		c.err = err
		fmt.Fprintf(os.Stderr, "kit: cannot reach the notebook, rich output is lost: %v\n", err)
	}
	for id, ack := range c.acks {
		close(ack)
		delete(c.acks, id)
	}
	return c.err
}

func (c *conn) send(data *protocol.DisplayData) {
	if !c.active() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.openLocked() != nil {
		return
	}
	if err := c.enc.Encode(data); err != nil {
		c.failLocked(err)
	}
}

func (c *conn) sync() {
	if !c.active() {
		return
	}
	c.mu.Lock()
	if c.openLocked() != nil {
		c.mu.Unlock()
		return
	}
	id := c.nextSync
	c.nextSync++
	ack := make(chan struct{})
	c.acks[id] = ack
	c.mu.Unlock()
	c.send(&protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMECommValue: &protocol.CommValue{Address: protocol.GonbuiSyncAddress, Value: id},
	}})
	<-ack
}

// readAcks releases the Sync calls the kernel acknowledges, until the pipe
// closes; then every Sync still waiting is released too.
func (c *conn) readAcks(dec *gob.Decoder) {
	for {
		var v protocol.CommValue
		if err := dec.Decode(&v); err != nil {
			c.mu.Lock()
			c.failLocked(fmt.Errorf("reading %s: %w", c.back, err))
			c.mu.Unlock()
			return
		}
		id, ok := v.Value.(int)
		if v.Address != protocol.GonbuiSyncAckAddress || !ok {
			continue // widget traffic: kit sends none, so none is expected
		}
		c.mu.Lock()
		if ack := c.acks[id]; ack != nil {
			close(ack)
			delete(c.acks, id)
		}
		c.mu.Unlock()
	}
}
