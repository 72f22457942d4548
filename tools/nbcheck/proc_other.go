//go:build unix && !linux

package main

import "syscall"

func setPdeathsig(*syscall.SysProcAttr) {}

// canListProcesses: without /proc the interrupt check cannot find workers.
const canListProcesses = false

func sameExeDescendants(int) []int { return nil }

func alive([]int) []int { return nil }
