// Package proc starts copies of the running program as child processes, the
// one way kit does it: for the workers of kit.Processes and for the crash
// demos, which must die without taking the notebook with them.
//
// A child is this program again, with the same arguments, so that its
// package initialisation reaches the same code; an environment variable
// tells it what to do there instead of running main. The child never talks
// to the Jupyter kernel (GoNB's pipe variables are removed), and on Linux
// it is killed when its parent dies, even by SIGKILL, so no child outlives
// an interrupted cell.
package proc

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// Self returns a command that runs this program again, with its arguments,
// in the environment [Environ] makes from ours and set. Start it as any
// exec.Cmd; it dies with its parent where the system allows.
func Self(set ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("cannot find this program to start it again: %w", err)
	}
	return Command(exe, os.Args[1:], set...), nil
}

// Command returns a command that runs another program (name, with args) the
// way [Self] runs this one: in the environment [Environ] makes from ours and
// set, dying with its parent where the system allows. kit.Python runs the
// lessons' Python programs with it.
func Command(name string, args []string, set ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = Environ(os.Environ(), set...)
	setDeathSignal(cmd)
	return cmd
}

// Environ is parent without GoNB's pipes (GONB_PIPE*) and without the
// variables set names, followed by set ("NAME=value" each).
func Environ(parent []string, set ...string) []string {
	out := make([]string, 0, len(parent)+len(set))
next:
	for _, kv := range parent {
		if strings.HasPrefix(kv, "GONB_PIPE") {
			continue
		}
		for _, s := range set {
			if name, _, _ := strings.Cut(s, "="); strings.HasPrefix(kv, name+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return append(out, set...)
}

// Tail is an io.Writer that keeps the last Max bytes written to it, and
// passes every write on to To if To is not nil: a child's stderr reaches the
// cell as it comes, and its end explains the child's death.
type Tail struct {
	To  interface{ Write([]byte) (int, error) }
	Max int

	mu  sync.Mutex
	buf []byte
}

// Write keeps the end of p and never fails: the parent's stderr failing
// must not kill the child.
func (w *Tail) Write(p []byte) (int, error) {
	if w.To != nil {
		_, _ = w.To.Write(p)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	// Trimmed at twice Max, not at Max: a child that writes a line at a
	// time costs a copy of Max bytes per Max bytes, not one per line.
	if len(w.buf) > 2*w.Max {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-w.Max:]...)
	}
	return len(p), nil
}

// String is what was kept: the last Max bytes written.
func (w *Tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf[max(0, len(w.buf)-w.Max):])
}
