package memory

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"

	"parallelgo.dev/course/kit"
)

// GoroutineCost starts n goroutines that do nothing but wait, measures how
// much memory the Go runtime holds for them, lets them finish and returns the
// cost of one, in bytes.
//
// The cost is the growth of the stacks in use (a goroutine starts with a
// small stack, 2 KiB or the average the program has needed so far, and grows
// it only when it must) plus the growth of the heap (the goroutine's own
// record, its closure). Expect a few kilobytes; a child process costs
// megabytes (see [RSS]), and an OS thread reserves a stack of megabytes.
//
// Use n in the thousands: the runtime hands out memory in pages, so a handful
// of goroutines gives a noisy answer.
func GoroutineCost(n int) float64 {
	if n <= 0 {
		return 0
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	release := make(chan struct{})
	var started, done sync.WaitGroup
	started.Add(n)
	done.Add(n)
	for range n {
		go func() {
			started.Done()
			<-release // parked: no CPU, only memory
			done.Done()
		}()
	}
	started.Wait()
	runtime.ReadMemStats(&after)
	close(release)
	done.Wait()

	used := int64(after.StackInuse+after.HeapInuse) - int64(before.StackInuse+before.HeapInuse)
	return float64(max(used, 0)) / float64(n)
}

// RSS returns the resident set size of the process with the given id: the
// bytes of its memory that sit in RAM now, as the kernel counts them (the
// VmRSS line of /proc/<pid>/status). Start the process any way you like,
// with kit.Processes for instance, and pass its pid; RSS(os.Getpid()) is the
// current process.
//
// It works on Linux only (Binder and most containers); elsewhere it returns
// an error.
func RSS(pid int) (bytes uint64, err error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("memory.RSS: %w (it reads /proc, which only Linux has)", err)
	}
	return parseVmRSS(status)
}

// parseVmRSS finds "VmRSS:   1234 kB" in the text of /proc/<pid>/status.
func parseVmRSS(status []byte) (uint64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) == 3 && string(f[0]) == "VmRSS:" && string(f[2]) == "kB" {
			kb, err := strconv.ParseUint(string(f[1]), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("memory.RSS: bad VmRSS line %q", sc.Text())
			}
			return kb * 1024, nil
		}
	}
	// A zombie (exited, not yet waited for) or a kernel thread has no VmRSS.
	return 0, fmt.Errorf("memory.RSS: no VmRSS line (has the process exited?)")
}

// FormatBytes writes a byte count the way people read it: "2.6 KiB",
// "7.5 MiB".
func FormatBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", b)
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}

// BigInput returns mb mebibytes of float64s (scaled by KIT_SCALE), holding
// 0, 1, 2, ...: an input large enough that copying it to a worker costs
// time. A goroutine that receives the slice shares its memory, whatever its
// size; a child process gets a copy of every byte.
func BigInput(mb float64) []float64 {
	n := kit.Scaled(int(mb * (1 << 20) / 8))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i)
	}
	return xs
}

// Sum adds up xs: a small task to run on a [BigInput], so that the time is
// spent moving the input, not computing on it.
func Sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
