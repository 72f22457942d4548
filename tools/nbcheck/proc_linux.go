package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// setPdeathsig has Linux end the server if nbcheck dies without cleaning up.
func setPdeathsig(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGTERM }

// canListProcesses: /proc lets the interrupt check find worker processes.
const canListProcesses = true

// procStat reads a process's parent and state from /proc/PID/stat.
func procStat(pid int) (ppid int, state byte, ok bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return ppid, f[0][0], err == nil
}

// sameExeDescendants returns the largest group of root's live descendants
// that run one executable: a kit.Processes cell and its workers, which
// re-execute the cell's binary.
func sameExeDescendants(root int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, state, ok := procStat(pid); ok && state != 'Z' {
			parent[pid] = pp
		}
	}
	byExe := map[string][]int{}
	for pid := range parent {
		for p := parent[pid]; p != 0; p = parent[p] {
			if p == root {
				if exe, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe")); err == nil {
					byExe[exe] = append(byExe[exe], pid)
				}
				break
			}
		}
	}
	var best []int
	for _, pids := range byExe {
		if len(pids) > len(best) {
			best = pids
		}
	}
	return best
}

// alive returns the processes of pids that still run (zombies count as gone).
func alive(pids []int) []int {
	var left []int
	for _, pid := range pids {
		if _, state, ok := procStat(pid); ok && state != 'Z' {
			left = append(left, pid)
		}
	}
	return left
}
