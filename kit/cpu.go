package kit

import (
	"errors"
	"time"

	"github.com/shirou/gopsutil/v3/cpu"
)

// CPUInterval is how often [WatchCPU] samples the cores. The kernel counts CPU
// time in ticks of 10 ms on most Linux systems, so each sample of a core is
// accurate to about 20 percentage points; the average over a run is much
// better.
const CPUInterval = 50 * time.Millisecond

// CPUSample is how busy each logical core was over one sampling interval.
type CPUSample struct {
	At   time.Duration // end of the interval, from the start of the watch
	Busy []float64     // per logical core, the percentage of the interval it was busy (0 to 100)
}

// CPUUsage is what [WatchCPU] saw: how busy each core of the machine was,
// sample by sample, while a function ran. It counts every process on the
// machine, so it shows worker processes and other programs too; in a
// container it shows the host's cores.
//
// It prints itself as a table with a small plot per core, and [Show] draws it
// as a stacked area chart whose height is the number of busy cores: about 1
// when one core did the work (GIL mode), about Cores when all of them did.
type CPUUsage struct {
	Cores    int           // logical cores sampled
	Interval time.Duration // time between samples
	Samples  []CPUSample   // in time order; the last may be shorter than Interval
	Timing   Timing        // what the function cost this process and its children
	Err      error         // why sampling failed, if it did; the function ran all the same
}

// WatchCPU runs f, sampling every core's use every [CPUInterval] from just
// before f starts until it returns, and reports what it saw. If the cores
// cannot be read (gopsutil does not support the system), f still runs and
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
	start   time.Time
	halt    chan struct{}
	done    chan struct{}
	samples []CPUSample // written by the goroutine until done is closed
	err     error
}

func startCPUWatch(every time.Duration) (*cpuWatch, error) {
	first, err := cpu.Times(true)
	if err == nil && len(first) == 0 {
		err = errors.New("no CPU counters")
	}
	if err != nil {
		return nil, err
	}
	w := &cpuWatch{cores: len(first), start: time.Now(), halt: make(chan struct{}), done: make(chan struct{})}
	go w.run(first, every)
	return w, nil
}

func (w *cpuWatch) run(prev []cpu.TimesStat, every time.Duration) {
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
		now, err := cpu.Times(true)
		if err != nil {
			w.err = err
			return
		}
		// An interval shorter than the kernel's tick counts nothing: keep the
		// older reading, so that the next sample covers both.
		if busy, ok := cpuBusy(prev, now); ok {
			w.samples = append(w.samples, CPUSample{At: time.Since(w.start), Busy: busy})
			prev = now
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
func cpuBusy(prev, now []cpu.TimesStat) (busy []float64, ok bool) {
	if len(now) != len(prev) {
		return nil, false // a core went on- or offline: skip this interval
	}
	busy = make([]float64, len(now))
	for i := range now {
		// Guest time is already part of user time on Linux: leave it out.
		total := func(t cpu.TimesStat) float64 {
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

// BusyCores is how many cores were busy on average over the watch: about 1
// when one core did all the work, about Cores when every core did. It is 0
// with no samples.
func (u CPUUsage) BusyCores() float64 {
	var sum float64
	for _, m := range u.MeanBusy() {
		sum += m / 100
	}
	return sum
}
