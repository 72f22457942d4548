package kit

import (
	"os/exec"
	"syscall"
)

// configureWorkerCmd makes the kernel kill a worker when its parent dies,
// even by SIGKILL (GoNB's interrupt ends with one), so no worker outlives
// the cell.
func configureWorkerCmd(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
