package kit

import (
	"syscall"
	"time"
)

// Timing is what one timed piece of work cost: the wall-clock time and the CPU
// time of this process (User, Sys) and of the child processes it waited for
// while the work ran (ChildUser, ChildSys).
//
// CPU time over wall time is the effective parallelism: about 1 for serial
// work, about 2 when two cores were busy the whole time, near 0 for sleeps.
type Timing struct {
	Wall      time.Duration
	User      time.Duration
	Sys       time.Duration
	ChildUser time.Duration
	ChildSys  time.Duration
}

// CPU is the total CPU time, this process's and its children's.
func (t Timing) CPU() time.Duration { return t.User + t.Sys + t.ChildUser + t.ChildSys }

// Parallelism is CPU time over wall time: how many cores were busy on average.
// It is 0 when no wall time elapsed.
func (t Timing) Parallelism() float64 {
	if t.Wall <= 0 {
		return 0
	}
	return float64(t.CPU()) / float64(t.Wall)
}

// cpuClock is a snapshot of the process's and its children's CPU times.
type cpuClock struct {
	wall                time.Time
	user, sys           time.Duration
	childUser, childSys time.Duration
}

func readCPUClock() cpuClock {
	var self, kids syscall.Rusage
	// Getrusage cannot fail with these arguments on Linux or macOS.
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	return cpuClock{
		wall:      time.Now(),
		user:      time.Duration(self.Utime.Nano()),
		sys:       time.Duration(self.Stime.Nano()),
		childUser: time.Duration(kids.Utime.Nano()),
		childSys:  time.Duration(kids.Stime.Nano()),
	}
}

// since is the Timing between an earlier snapshot and now. Children count once
// they have been waited for, which is why executors wait for every worker
// process before they stop the clock.
func (c cpuClock) since() Timing {
	now := readCPUClock()
	return Timing{
		Wall:      now.wall.Sub(c.wall),
		User:      now.user - c.user,
		Sys:       now.sys - c.sys,
		ChildUser: now.childUser - c.childUser,
		ChildSys:  now.childSys - c.childSys,
	}
}

// measure runs f and returns what it cost. A panic in f propagates unchanged.
func measure(f func()) Timing {
	start := readCPUClock()
	f()
	return start.since()
}
