package main

import "syscall"

// setPdeathsig has Linux end the server if nbcheck dies without cleaning up.
func setPdeathsig(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGTERM }
