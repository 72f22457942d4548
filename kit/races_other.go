//go:build !linux

package kit

import (
	"os"
	"os/exec"
)

// setDeathSignal does nothing outside Linux, which alone has a parent-death
// signal; the demo child ends by itself (it crashes, or exits on its watchdog).
func setDeathSignal(*exec.Cmd) {}

// quitSignal stops a hung demo child. Unix systems other than Linux would
// accept SIGQUIT too; Kill is the portable choice, and loses only the dump.
var quitSignal os.Signal = os.Kill
