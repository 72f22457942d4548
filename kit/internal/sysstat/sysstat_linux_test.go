package sysstat

import (
	"math"
	"testing"

	"github.com/shirou/gopsutil/v3/cpu"
	"github.com/shirou/gopsutil/v3/host"
	"github.com/shirou/gopsutil/v3/mem"
)

// On Linux sysstat reads the system itself: it must agree with gopsutil,
// which it replaces there (and which other systems still use).

func TestCoresAndModelAgreeWithGopsutil(t *testing.T) {
	for _, logical := range []bool{true, false} {
		got, err := Cores(logical)
		want, werr := cpu.Counts(logical)
		if err != nil || werr != nil || got != want {
			t.Errorf("Cores(%v) = %d, %v; gopsutil says %d, %v", logical, got, err, want, werr)
		}
	}
	model, err := CPUModel()
	infos, werr := cpu.Info()
	if werr == nil && len(infos) > 0 && (err != nil || model != infos[0].ModelName) {
		t.Errorf("CPUModel() = %q, %v; gopsutil says %q", model, err, infos[0].ModelName)
	}
}

func TestMemoryAndOSAgreeWithGopsutil(t *testing.T) {
	total, avail, err := Memory()
	vm, werr := mem.VirtualMemory()
	if err != nil || werr != nil || total != vm.Total {
		t.Fatalf("Memory() total %d, %v; gopsutil says %d, %v", total, err, vm.Total, werr)
	}
	// Available memory moves between the two readings: allow 5%.
	if math.Abs(float64(avail)-float64(vm.Available)) > 0.05*float64(vm.Total) {
		t.Errorf("Memory() available %d; gopsutil says %d", avail, vm.Available)
	}
	h, err := OS()
	w, werr := host.Info()
	if err != nil || werr != nil {
		t.Fatalf("OS(): %v; gopsutil: %v", err, werr)
	}
	want := Host{w.Platform, w.PlatformVersion, w.OS, w.KernelVersion, w.KernelArch}
	if h != want {
		t.Errorf("OS() = %+v; gopsutil says %+v", h, want)
	}
}

func TestCPUTimesAgreeWithGopsutil(t *testing.T) {
	for _, perCPU := range []bool{false, true} {
		got, err := CPUTimes(perCPU)
		want, werr := cpu.Times(perCPU)
		if err != nil || werr != nil || len(got) != len(want) {
			t.Fatalf("CPUTimes(%v): %d readings, %v; gopsutil: %d, %v", perCPU, len(got), err, len(want), werr)
		}
		for i := range got {
			g, w := got[i], want[i]
			// The counters tick between the two readings: allow a second per state.
			for _, d := range []float64{g.User - w.User, g.System - w.System, g.Idle - w.Idle, g.Nice - w.Nice,
				g.Iowait - w.Iowait, g.Irq - w.Irq, g.Softirq - w.Softirq, g.Steal - w.Steal} {
				if math.Abs(d) > 1 {
					t.Fatalf("CPUTimes(%v)[%d] = %+v; gopsutil says %+v", perCPU, i, g, w)
				}
			}
		}
	}
}
