//go:build !linux

package cluster

import "syscall"

// dieWithParent has no kernel help outside Linux: a worker leaves when the
// run ends or its server connection closes.
func dieWithParent() *syscall.SysProcAttr { return nil }
