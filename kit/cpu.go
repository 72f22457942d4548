package kit

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"

	"parallelgo.dev/course/kit/internal/sysstat"
)

// CPUInterval is how often [WatchCPU] samples the cores. The kernel counts CPU
// time in ticks of 10 ms on most Linux systems, so each sample of a core is
// accurate to about 20 percentage points; the average over a run is much
// better.
const CPUInterval = 50 * time.Millisecond

// CPUSample is how busy each logical core was over one sampling interval,
// and how many cores' worth of that was this program's.
type CPUSample struct {
	At      time.Duration // end of the interval, from the start of the watch
	Busy    []float64     // per logical core, the percentage of the interval it was busy (0 to 100)
	Program float64       // CPU time of this program and its child processes over the interval, in cores
}

// CPUUsage is what [WatchCPU] saw, sample by sample, while a function ran:
// how busy each core of the machine was, counting every process on it (in a
// container, the host's cores and processes), and how much of that was this
// program and its child processes. On a machine shared with other work, the
// program's share is the number to read.
//
// It prints itself as a table with a small plot per core, and [Show] draws it
// as a stacked area chart whose height is the number of busy cores, with the
// program's share as a line: about 1 when one core did the work (GIL mode),
// about Cores when all of them did.
type CPUUsage struct {
	Cores    int           // logical cores sampled
	Interval time.Duration // time between samples
	Samples  []CPUSample   // in time order; the last may be shorter than Interval
	Timing   Timing        // what the function cost this process and its children
	Err      error         // why sampling failed, if it did; the function ran all the same
}

// WatchCPU runs f, sampling every core's use every [CPUInterval] from just
// before f starts until it returns, and reports what it saw. If the cores
// cannot be read (the system does not expose its counters), f still runs and
// Err says why. A panic in f stops the sampling and propagates.
func WatchCPU(f func()) CPUUsage {
	u := CPUUsage{Interval: CPUInterval}
	w, err := startCPUWatch(CPUInterval)
	if err != nil {
		u.Err = err
		u.Timing = measure(f)
		return u
	}
	stopped := false
	defer func() {
		if !stopped {
			w.stop() // f panicked: leave no sampler behind
		}
	}()
	u.Timing = measure(f)
	u.Samples, u.Err = w.stop()
	stopped = true
	u.Cores = w.cores
	return u
}

// cpuWatch samples the per-core CPU times in a goroutine of its own.
type cpuWatch struct {
	cores   int
	self    int // this program's process id
	start   time.Time
	halt    chan struct{}
	done    chan struct{}
	samples []CPUSample // written by the goroutine until done is closed
	err     error
}

func startCPUWatch(every time.Duration) (*cpuWatch, error) {
	first, err := sysstat.CPUTimes(true)
	if err == nil && len(first) == 0 {
		err = errors.New("no CPU counters")
	}
	if err != nil {
		return nil, err
	}
	w := &cpuWatch{cores: len(first), self: os.Getpid(), start: time.Now(), halt: make(chan struct{}), done: make(chan struct{})}
	go w.run(first, programCPU(w.self), every)
	return w, nil
}

func (w *cpuWatch) run(prev []sysstat.Times, prevProgram time.Duration, every time.Duration) {
	defer close(w.done)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		last := false
		select {
		case <-tick.C:
		case <-w.halt:
			last = true // one more sample, up to the end of the run
		}
		now, err := sysstat.CPUTimes(true)
		if err != nil {
			w.err = err
			return
		}
		program, at := programCPU(w.self), time.Since(w.start)
		// An interval shorter than the kernel's tick counts nothing: keep the
		// older reading, so that the next sample covers both.
		if busy, ok := cpuBusy(prev, now); ok {
			var last time.Duration
			if n := len(w.samples); n > 0 {
				last = w.samples[n-1].At
			}
			cores := float64(program-prevProgram) / float64(max(at-last, 1))
			w.samples = append(w.samples, CPUSample{At: at, Busy: busy, Program: max(cores, 0)})
			prev, prevProgram = now, program
		}
		if last {
			return
		}
	}
}

// stop ends the sampling and returns the samples.
func (w *cpuWatch) stop() ([]CPUSample, error) {
	close(w.halt)
	<-w.done
	return w.samples, w.err
}

// cpuBusy is the percentage of time each core was busy between two readings.
// ok is false when no time was counted in between.
func cpuBusy(prev, now []sysstat.Times) (busy []float64, ok bool) {
	if len(now) != len(prev) {
		return nil, false // a core went on- or offline: skip this interval
	}
	busy = make([]float64, len(now))
	for i := range now {
		// Guest time is already part of user time on Linux: leave it out.
		total := func(t sysstat.Times) float64 {
			return t.User + t.System + t.Idle + t.Nice + t.Iowait + t.Irq + t.Softirq + t.Steal
		}
		dt := total(now[i]) - total(prev[i])
		if dt <= 0 {
			continue
		}
		ok = true
		idle := (now[i].Idle + now[i].Iowait) - (prev[i].Idle + prev[i].Iowait)
		busy[i] = min(max(100*(dt-idle)/dt, 0), 100)
	}
	return busy, ok
}

// weights is how long each sample's interval lasted.
func (u CPUUsage) weights() []time.Duration {
	ws := make([]time.Duration, len(u.Samples))
	var prev time.Duration
	for i, s := range u.Samples {
		ws[i] = max(s.At-prev, 0)
		prev = s.At
	}
	return ws
}

// MeanBusy is each core's busy percentage over the whole watch, every sample
// weighted by the length of its interval. It is nil with no samples.
func (u CPUUsage) MeanBusy() []float64 {
	if len(u.Samples) == 0 {
		return nil
	}
	samples := cpuClean(u.Samples, u.Cores)
	mean := make([]float64, u.Cores)
	var total time.Duration
	for i, w := range u.weights() {
		for c := range u.Cores {
			mean[c] += samples[i].Busy[c] * float64(w)
		}
		total += w
	}
	for c := range mean {
		mean[c] /= max(float64(total), 1)
	}
	return mean
}

// BusyCores is how many cores of the machine were busy on average over the
// watch, whoever kept them busy. It is 0 with no samples.
func (u CPUUsage) BusyCores() float64 {
	var sum float64
	for _, m := range u.MeanBusy() {
		sum += m / 100
	}
	return sum
}

// ProgramCores is how many cores this program and its child processes kept
// busy on average over the watch: about 1 when one core did all the work
// (GIL mode), about Cores when every core did. It is 0 with no samples.
func (u CPUUsage) ProgramCores() float64 {
	var sum, total float64
	for i, w := range u.weights() {
		if p := u.Samples[i].Program; p > 0 { // false for NaN too
			sum += p * float64(w)
		}
		total += float64(w)
	}
	return sum / max(total, 1)
}

// userHZ is the unit of the times in /proc/<pid>/stat: a fixed 100 per
// second on every architecture Linux and Go share.
const userHZ = 100

// programCPU is the CPU time this program has used so far: its own and its
// waited-for children's (getrusage), plus, where /proc lists processes
// (Linux), that of its descendants still running, so that worker processes
// count while they work rather than in a lump when they are waited for.
func programCPU(self int) time.Duration {
	c := readCPUClock()
	return c.user + c.sys + c.childUser + c.childSys + liveDescendantsCPU(self)
}

// liveDescendantsCPU adds up the CPU time of root's running descendants,
// including what they have waited for of their own children. A child's total
// moves into root's getrusage figures when root waits for it, so the sum
// with those stays continuous. It is 0 without /proc.
func liveDescendantsCPU(root int) time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	type proc struct {
		ppid  int
		ticks int64
	}
	procs := map[int]proc{}
	kids := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue // not a process
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // ended since the listing
		}
		// "pid (comm) state ppid … utime stime cutime cstime …": comm may hold
		// spaces and parentheses, so count fields from its closing one.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 15 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		var ticks int64
		for _, s := range f[11:15] {
			n, _ := strconv.ParseInt(s, 10, 64)
			ticks += n
		}
		procs[pid] = proc{ppid, ticks}
		kids[ppid] = append(kids[ppid], pid)
	}
	var ticks int64
	todo := append([]int(nil), kids[root]...)
	for len(todo) > 0 {
		pid := todo[len(todo)-1]
		todo = append(todo[:len(todo)-1], kids[pid]...)
		ticks += procs[pid].ticks
	}
	return time.Duration(ticks) * time.Second / userHZ
}
