//go:build !linux

package sysstat

import (
	"errors"

	"github.com/shirou/gopsutil/v3/cpu"
	"github.com/shirou/gopsutil/v3/host"
	"github.com/shirou/gopsutil/v3/mem"
)

// CPUTimes returns the counters of every core (perCPU) or of all together.
func CPUTimes(perCPU bool) ([]Times, error) {
	ts, err := cpu.Times(perCPU)
	out := make([]Times, len(ts))
	for i, t := range ts {
		out[i] = Times{User: t.User, System: t.System, Idle: t.Idle, Nice: t.Nice,
			Iowait: t.Iowait, Irq: t.Irq, Softirq: t.Softirq, Steal: t.Steal}
	}
	return out, err
}

// Cores counts the logical cores (hardware threads) or the physical ones.
func Cores(logical bool) (int, error) { return cpu.Counts(logical) }

// CPUModel is the first core's model name.
func CPUModel() (string, error) {
	infos, err := cpu.Info()
	if err == nil && len(infos) == 0 {
		err = errors.New("no CPU described")
	}
	if err != nil {
		return "", err
	}
	return infos[0].ModelName, nil
}

// Memory returns the machine's memory and how much of it programs can
// still have without swapping, in bytes.
func Memory() (total, available uint64, err error) {
	vm, err := mem.VirtualMemory()
	if err != nil {
		return 0, 0, err
	}
	return vm.Total, vm.Available, nil
}

// OS describes the operating system.
func OS() (Host, error) {
	h, err := host.Info()
	if err != nil {
		return Host{}, err
	}
	return Host{h.Platform, h.PlatformVersion, h.OS, h.KernelVersion, h.KernelArch}, nil
}
