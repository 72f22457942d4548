//go:build unix

package main

import (
	"os/exec"
	"syscall"
	"time"
)

// ownProcessGroup puts the command in a process group of its own, so that
// terminate can end it with its children and a Ctrl-C in the terminal
// reaches nbcheck (which cleans up) rather than the server directly.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setPdeathsig(cmd.SysProcAttr)
}

// terminate sends SIGTERM to the command's process group, waits up to
// grace for it to exit, then sends SIGKILL to the group.
func terminate(cmd *exec.Cmd, grace time.Duration) {
	pid := cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		// Signal 0 tests whether the group still has a live member
		// (cmd.Wait runs elsewhere and reaps the leader).
		if syscall.Kill(-pid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	syscall.Kill(-pid, syscall.SIGKILL)
}
