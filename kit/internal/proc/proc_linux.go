package proc

import (
	"os"
	"os/exec"
	"syscall"
)

// setDeathSignal makes the kernel kill the child when its parent dies, even
// by SIGKILL (GoNB's interrupt ends with one).
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// QuitSignal makes a Go program print all its goroutines and exit.
var QuitSignal os.Signal = syscall.SIGQUIT
