// Package sysstat reads what kit reports about the machine: CPU time
// counters, core counts, the CPU model, memory and the operating system.
//
// On Linux it reads /proc, /sys and /etc/os-release itself, giving the
// figures gopsutil gives there; elsewhere it asks gopsutil. Reading them
// directly keeps gopsutil and golang.org/x/sys/unix out of every Linux cell
// that imports kit: about 20 ms less to build and link each one.
package sysstat

// Times is the CPU time counted since boot, in seconds, in each state: of
// one core, or of all together.
type Times struct {
	User, System, Idle, Nice, Iowait, Irq, Softirq, Steal float64
}

// Host names the operating system: Platform and PlatformVersion are the
// distribution ("debian", "12.11") or product, OS the kernel family
// ("linux"), KernelVersion and KernelArch the kernel's release and machine.
type Host struct {
	Platform, PlatformVersion, OS, KernelVersion, KernelArch string
}
