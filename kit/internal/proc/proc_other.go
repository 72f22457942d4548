//go:build !linux

package proc

import (
	"os"
	"os/exec"
)

// setDeathSignal has nothing to set outside Linux, which alone has a
// parent-death signal: kit's children end by themselves when their pipes
// from the parent end, or when they crash or time out.
func setDeathSignal(*exec.Cmd) {}

// QuitSignal stops a hung child. Unix systems other than Linux would accept
// SIGQUIT too; Kill is the portable choice, and loses only the dump.
var QuitSignal os.Signal = os.Kill
