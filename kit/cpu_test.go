package kit

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"parallelgo.dev/course/kit/internal/sysstat"
)

func TestWatchCPU(t *testing.T) {
	// One goroutine spinning for 300 ms and until it has had 100 ms of CPU
	// time, which on a loaded machine takes longer: whatever else the
	// machine does, the run has the CPU time the checks below look for.
	u := WatchCPU(func() {
		start, cpu0 := time.Now(), programCPU(os.Getpid())
		for time.Since(start) < 300*time.Millisecond || programCPU(os.Getpid())-cpu0 < 120*time.Millisecond {
		}
	})
	if u.Err != nil {
		t.Skipf("cannot read CPU times here: %v", u.Err)
	}
	if u.Cores < 1 || len(u.Samples) < 2 {
		t.Fatalf("%d cores, %d samples; want some of each", u.Cores, len(u.Samples))
	}
	var prev time.Duration
	for _, s := range u.Samples {
		if s.At <= prev || len(s.Busy) != u.Cores {
			t.Errorf("sample at %v after %v with %d cores", s.At, prev, len(s.Busy))
		}
		prev = s.At
		for _, b := range s.Busy {
			if b < 0 || b > 100 {
				t.Errorf("busy %v%%", b)
			}
		}
	}
	if b := u.BusyCores(); b < 0.5 || b > float64(u.Cores) {
		t.Errorf("BusyCores = %.2f while one goroutine spun on %d cores", b, u.Cores)
	}
	// The program's share, sampled, agrees with its CPU time over wall time
	// measured once.
	if p, want := u.ProgramCores(), u.Timing.Parallelism(); p < want-0.25 || p > want+0.25 {
		t.Errorf("ProgramCores = %.2f, but CPU/wall = %.2f", p, want)
	}
	if u.Timing.Wall < 300*time.Millisecond || u.Timing.CPU() < 100*time.Millisecond {
		t.Errorf("Timing = %+v", u.Timing)
	}
	if !strings.Contains(u.String(), "cores busy on average") {
		t.Errorf("String:\n%s", u)
	}
}

func TestWatchCPUPanic(t *testing.T) {
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the panic of f", r)
		}
	}()
	WatchCPU(func() { panic("boom") })
}

func TestCPUBusy(t *testing.T) {
	prev := []sysstat.Times{{User: 10, Idle: 10}, {User: 5, Idle: 5}}
	now := []sysstat.Times{{User: 10.75, Idle: 10.25}, {User: 5, Idle: 5.5, Iowait: 0.5}}
	busy, ok := cpuBusy(prev, now)
	if !ok || busy[0] != 75 || busy[1] != 0 {
		t.Errorf("cpuBusy = %v, %v; want [75 0], true", busy, ok)
	}
	if _, ok := cpuBusy(prev, prev); ok {
		t.Error("no time counted, yet ok")
	}
	if _, ok := cpuBusy(prev, now[:1]); ok {
		t.Error("a core went away, yet ok")
	}
}

func TestCPUUsageMeans(t *testing.T) {
	u := sampleCPU()
	mean := u.MeanBusy()
	if len(mean) != 2 || mean[0] != 98.5 || mean[1] != 51.5 {
		t.Errorf("MeanBusy = %v, want [98.5 51.5]", mean)
	}
	if b := u.BusyCores(); b != 1.5 {
		t.Errorf("BusyCores = %v, want 1.5", b)
	}
	// A last, shorter sample weighs less.
	u.Samples = append(u.Samples, CPUSample{At: u.Samples[len(u.Samples)-1].At + 10*time.Millisecond, Busy: []float64{0, 0}})
	if b := u.BusyCores(); b < 1.48 || b > 1.49 {
		t.Errorf("BusyCores with a short idle sample = %v, want 1.5 × 1000/1010", b)
	}
	if p := u.ProgramCores(); p < 0.96 || p > 0.98 {
		t.Errorf("ProgramCores = %v, want between 0.96 and 0.98", p)
	}
	if (CPUUsage{}).MeanBusy() != nil || (CPUUsage{}).BusyCores() != 0 || (CPUUsage{}).ProgramCores() != 0 {
		t.Error("no samples must give no means")
	}
}

func TestLiveDescendantsCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	// A child that spins: its CPU time counts while it runs.
	cmd := exec.Command("sh", "-c", "while :; do :; done")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	before := programCPU(os.Getpid())
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if liveDescendantsCPU(os.Getpid()) >= 30*time.Millisecond {
			if programCPU(os.Getpid()) <= before {
				t.Error("programCPU did not grow with the child's")
			}
			return
		}
	}
	t.Errorf("a spinning child shows %v of CPU time after 5s", liveDescendantsCPU(os.Getpid()))
}
