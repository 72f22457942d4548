package kit

import (
	"os"
	"os/exec"
	"syscall"
)

// setDeathSignal asks Linux to kill the demo child if this process dies first
// (a notebook kernel restarted mid-demo), so no crashing child outlives it.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// quitSignal makes a Go program print all its goroutines and exit.
var quitSignal os.Signal = syscall.SIGQUIT
