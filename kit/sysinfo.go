package kit

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"

	"parallelgo.dev/course/kit/internal/sysstat"
)

// System describes the machine a run had to work with. Fields that could not
// be read are zero (numbers) or empty (text); a lesson's prose should not
// depend on them being present.
type System struct {
	CPUModel      string
	PhysicalCores int     // cores on the chip(s)
	LogicalCores  int     // hardware threads: 2 per core with hyper-threading
	GOMAXPROCS    int     // how many goroutines Go runs at the same instant
	CPUQuota      float64 // cores the container may use (cgroup); 0 means no limit
	MemoryTotal   uint64  // bytes of RAM in the machine
	MemoryFree    uint64  // bytes available for new work now
	MemoryLimit   uint64  // the container's memory limit in bytes; 0 means none
	GoVersion     string
	OS            string // e.g. "debian 12.8 (linux 6.1.0, amd64)"
}

// SysInfo reads the machine's cores, memory, the container's CPU and memory
// limits (cgroup v1 or v2) and the Go and OS versions. It never fails: what
// cannot be read is left zero.
func SysInfo() System {
	s := System{
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
		OS:         runtime.GOOS + " " + runtime.GOARCH,
	}
	s.PhysicalCores, _ = sysstat.Cores(false)
	s.LogicalCores, _ = sysstat.Cores(true)
	if s.LogicalCores == 0 {
		s.LogicalCores = runtime.NumCPU()
	}
	if model, err := sysstat.CPUModel(); err == nil {
		s.CPUModel = strings.TrimSpace(model)
	}
	if total, avail, err := sysstat.Memory(); err == nil {
		s.MemoryTotal, s.MemoryFree = total, avail
	}
	if h, err := sysstat.OS(); err == nil {
		s.OS = fmt.Sprintf("%s %s (%s %s, %s)", h.Platform, h.PlatformVersion, h.OS, h.KernelVersion, h.KernelArch)
	}
	if runtime.GOOS == "linux" {
		root := os.DirFS("/sys/fs/cgroup")
		s.CPUQuota = cgroupCPUQuota(root)
		s.MemoryLimit = cgroupMemoryLimit(root)
	}
	return s
}

// cgroupCPUQuota reads the CPU limit in cores from a cgroup file system:
// v2's cpu.max ("200000 100000" is two cores, "max 100000" none) or v1's
// cfs_quota_us over cfs_period_us (a quota of -1 is none).
func cgroupCPUQuota(root fs.FS) float64 {
	if f := fields(root, "cpu.max"); len(f) == 2 {
		return ratio(f[0], f[1])
	}
	q, p := fields(root, "cpu/cpu.cfs_quota_us"), fields(root, "cpu/cpu.cfs_period_us")
	if len(q) == 1 && len(p) == 1 {
		return ratio(q[0], p[0])
	}
	return 0
}

// cgroupMemoryLimit reads the memory limit in bytes: v2's memory.max ("max"
// is none) or v1's memory.limit_in_bytes (a huge number means none).
func cgroupMemoryLimit(root fs.FS) uint64 {
	for _, name := range []string{"memory.max", "memory/memory.limit_in_bytes"} {
		if f := fields(root, name); len(f) == 1 {
			n, err := strconv.ParseUint(f[0], 10, 64)
			if err != nil || n >= 1<<62 { // "max", or v1's "unlimited" (near MaxInt64)
				return 0
			}
			return n
		}
	}
	return 0
}

func fields(root fs.FS, name string) []string {
	b, err := fs.ReadFile(root, name)
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

// ratio is quota/period in cores; 0 when there is no quota.
func ratio(quota, period string) float64 {
	q, err1 := strconv.ParseFloat(quota, 64)
	p, err2 := strconv.ParseFloat(period, 64)
	if err1 != nil || err2 != nil || q <= 0 || p <= 0 {
		return 0
	}
	return q / p
}

// table is the facts as label/value rows, shared by String and HTML.
func (s System) table() Table {
	quota := "no limit"
	if s.CPUQuota > 0 {
		quota = fmt.Sprintf("%.2f cores", s.CPUQuota)
	}
	memLimit := "no limit"
	if s.MemoryLimit > 0 {
		memLimit = bytesText(s.MemoryLimit)
	}
	t := Table{Caption: "This machine", Align: "ll"}
	t.Row("CPU", s.CPUModel)
	t.Row("physical cores", s.PhysicalCores)
	t.Row("logical cores", s.LogicalCores)
	t.Row("GOMAXPROCS", s.GOMAXPROCS)
	t.Row("container CPU quota", quota)
	t.Row("memory", fmt.Sprintf("%s total, %s available", bytesText(s.MemoryTotal), bytesText(s.MemoryFree)))
	t.Row("container memory limit", memLimit)
	t.Row("Go", s.GoVersion)
	t.Row("OS", s.OS)
	return t
}

// String is the facts as an aligned two-column table.
func (s System) String() string { return s.table().String() }

// HTML is the facts as a two-column table.
func (s System) HTML() string { return s.table().HTML() }

// bytesText writes a byte count with a binary unit: 24.0 GiB.
func bytesText(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
