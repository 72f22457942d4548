package cluster

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// crew keeps n worker processes of one run alive until stopped: a worker
// that dies is replaced (its inputs come back after AckWait), up to a bound,
// so that a task that kills its worker every time cannot loop for ever.
type crew struct {
	exe    string
	args   []string
	env    []string
	stdout io.Writer
	stderr io.Writer

	mu       sync.Mutex
	live     map[*exec.Cmd]bool
	stopped  bool
	restarts int // left
	wg       sync.WaitGroup
	gone     chan error // gets why the last worker died, if none is left to replace it
}

func newCrew(exe string, args []string, stdout, stderr io.Writer) *crew {
	return &crew{exe: exe, args: args, stdout: stdout, stderr: stderr, live: map[*exec.Cmd]bool{},
		gone: make(chan error, 1)}
}

// start starts n workers with env; restarts bounds how many may replace
// dead ones.
func (c *crew) start(env []string, n, restarts int) error {
	c.mu.Lock()
	c.env, c.restarts = env, restarts
	c.mu.Unlock()
	for range n {
		if err := c.spawn(); err != nil {
			c.stop()
			return err
		}
	}
	return nil
}

func (c *crew) spawn() error {
	for try := 0; ; try++ {
		err := c.spawnOnce()
		// A program just fetched is "busy" while a process forked by another
		// goroutine, as it was being written, still holds it open (Go issue
		// 22315): that passes in a moment.
		if !errors.Is(err, syscall.ETXTBSY) || try == 50 {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *crew) spawnOnce() error {
	cmd := exec.Command(c.exe, c.args...)
	cmd.Env = c.env
	cmd.Stdout, cmd.Stderr = c.stdout, c.stderr
	cmd.SysProcAttr = dieWithParent()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("kit/cluster: cannot start a worker: %w", err)
	}
	c.live[cmd] = true
	c.wg.Add(1)
	go c.watch(cmd)
	return nil
}

// watch waits for a worker and replaces it if it died before the run ended.
func (c *crew) watch(cmd *exec.Cmd) {
	defer c.wg.Done()
	err := cmd.Wait()
	c.mu.Lock()
	delete(c.live, cmd)
	again := !c.stopped && err != nil && c.restarts > 0
	if again {
		c.restarts--
	} else if !c.stopped && len(c.live) == 0 {
		c.gone <- fmt.Errorf("kit/cluster: every worker exited (the last: %v)", err)
	}
	c.mu.Unlock()
	if again {
		time.Sleep(50 * time.Millisecond) // a worker that dies at once must not spin
		c.spawn()
	}
}

// pids are the live workers' process ids.
func (c *crew) pids() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var pids []int
	for cmd := range c.live {
		pids = append(pids, cmd.Process.Pid)
	}
	return pids
}

// stop kills the workers and waits for them: none is left behind.
func (c *crew) stop() {
	c.mu.Lock()
	c.stopped = true
	for cmd := range c.live {
		cmd.Process.Kill()
	}
	c.mu.Unlock()
	c.wg.Wait()
}
