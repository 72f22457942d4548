package kit

import (
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStartupBesideFloor measures what `make bench` compares in one
// run, alternating the two: the start-up of Processes(2) and the floor, two
// empty static Go programs started and reaped at once. It reports the
// medians, in ms, and their ratio: medians, because other work on the
// machine makes single starts slow now and then.
func BenchmarkStartupBesideFloor(b *testing.B) {
	bin := buildEmpty(b)
	var ups, floors, upCPU, floorCPU []float64
	for b.Loop() {
		before := childCPU()
		ex := Processes(2).Start()
		d, err := ex.Startup()
		ex.Close()
		if err != nil {
			b.Fatal(err)
		}
		mid := childCPU()
		ups = append(ups, ms(d))
		floors = append(floors, ms(startTwo(b, bin)))
		upCPU = append(upCPU, ms(mid-before))
		floorCPU = append(floorCPU, ms(childCPU()-mid))
	}
	up, floor := median(ups), median(floors)
	b.ReportMetric(up, "startup-ms")
	b.ReportMetric(floor, "floor-ms")
	b.ReportMetric(up/floor, "x-floor")
	// The CPU time of the two children, which other work on the machine
	// changes less than the wall time.
	b.ReportMetric(median(upCPU), "workers-cpu-ms")
	b.ReportMetric(median(floorCPU), "floor-cpu-ms")
	b.ReportMetric(0, "ns/op")
}

// startTwo starts and reaps bin twice at once, and says how long it took.
func startTwo(tb testing.TB, bin string) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if err := exec.Command(bin).Run(); err != nil {
				tb.Error(err)
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// childCPU is the CPU time of this process's children waited for so far.
func childCPU() time.Duration {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}
