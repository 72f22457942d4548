package sysstat

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ticksPerSecond is Linux's USER_HZ, the unit of /proc/stat: 100 on every
// architecture Go supports (gopsutil uses the same value, sysconf's CLK_TCK).
const ticksPerSecond = 100

// CPUTimes returns the counters of every core (perCPU) or of all together,
// from /proc/stat.
func CPUTimes(perCPU bool) ([]Times, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return nil, err
	}
	var out []Times
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) < 9 || !strings.HasPrefix(f[0], "cpu") || (f[0] == "cpu") == perCPU {
			continue
		}
		var v [8]float64 // user nice system idle iowait irq softirq steal
		for i := range v {
			n, err := strconv.ParseUint(f[i+1], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("/proc/stat: %s: %w", f[0], err)
			}
			v[i] = float64(n) / ticksPerSecond
		}
		out = append(out, Times{User: v[0], Nice: v[1], System: v[2], Idle: v[3],
			Iowait: v[4], Irq: v[5], Softirq: v[6], Steal: v[7]})
	}
	if len(out) == 0 {
		return nil, errors.New("/proc/stat: no cpu lines")
	}
	return out, nil
}

// Cores counts the logical cores (the processors /proc/cpuinfo lists) or
// the physical ones (distinct sets of hardware threads that share a core,
// from /sys).
func Cores(logical bool) (int, error) {
	if logical {
		n := 0
		err := cpuinfo(func(key, _ string) bool {
			if key == "processor" {
				n++
			}
			return true
		})
		if n == 0 && err == nil {
			err = errors.New("/proc/cpuinfo lists no processor")
		}
		return n, err
	}
	for _, name := range []string{"core_cpus_list", "thread_siblings_list"} {
		files, _ := filepath.Glob("/sys/devices/system/cpu/cpu[0-9]*/topology/" + name)
		cores := map[string]bool{}
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil {
				cores[string(bytes.TrimSpace(b))] = true
			}
		}
		if len(cores) > 0 {
			return len(cores), nil
		}
	}
	return 0, errors.New("no CPU topology in /sys/devices/system/cpu")
}

// CPUModel is the first core's model name, from /proc/cpuinfo.
func CPUModel() (string, error) {
	model := ""
	err := cpuinfo(func(key, value string) bool {
		if key == "model name" {
			model = value
			return false
		}
		return true
	})
	if model == "" && err == nil {
		err = errors.New("/proc/cpuinfo names no model")
	}
	return model, err
}

// cpuinfo calls f with each "key: value" line of /proc/cpuinfo, until f
// returns false.
func cpuinfo(f func(key, value string) bool) error {
	file, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if ok && !f(strings.TrimSpace(key), strings.TrimSpace(value)) {
			return nil
		}
	}
	return sc.Err()
}

// Memory returns the machine's memory and how much of it programs can
// still have without swapping, in bytes, from /proc/meminfo.
func Memory() (total, available uint64, err error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, 0, err
	}
	kB := map[string]uint64{}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) >= 2 {
			if n, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				kB[strings.TrimSuffix(f[0], ":")] = n
			}
		}
	}
	total, ok := kB["MemTotal"]
	if !ok {
		return 0, 0, errors.New("/proc/meminfo has no MemTotal")
	}
	available, ok = kB["MemAvailable"]
	if !ok { // kernels before 3.14
		available = kB["MemFree"] + kB["Buffers"] + kB["Cached"]
	}
	return total * 1024, available * 1024, nil
}

// OS describes the operating system: the distribution from
// /etc/os-release (Debian's point release from /etc/debian_version, as
// gopsutil gives it) and the kernel from uname.
func OS() (Host, error) {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return Host{}, err
	}
	h := Host{OS: "linux", KernelVersion: utsString(u.Release[:]), KernelArch: utsString(u.Machine[:])}
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		b, _ = os.ReadFile("/usr/lib/os-release")
	}
	for line := range strings.Lines(string(b)) {
		key, value, _ := strings.Cut(strings.TrimSpace(line), "=")
		value = strings.Trim(value, `"'`)
		switch key {
		case "ID":
			h.Platform = value
		case "VERSION_ID":
			h.PlatformVersion = value
		}
	}
	if h.Platform == "debian" {
		if b, err := os.ReadFile("/etc/debian_version"); err == nil {
			if v := strings.TrimSpace(string(b)); v != "" && v[0] >= '0' && v[0] <= '9' {
				h.PlatformVersion = v
			}
		}
	}
	return h, nil
}

// utsString is a NUL-terminated uname field as a string.
func utsString[T int8 | uint8](field []T) string {
	b := make([]byte, 0, len(field))
	for _, c := range field {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return string(b)
}
