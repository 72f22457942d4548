//go:build !linux

package kit

import "os/exec"

// configureWorkerCmd has nothing to set outside Linux: a worker exits when
// its request pipe reaches its end, which happens when the parent dies.
func configureWorkerCmd(*exec.Cmd) {}
