package cluster

import "syscall"

// dieWithParent makes the kernel kill a worker when its parent dies, so
// that an interrupted cell or a killed kitworker leaves no process behind.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
