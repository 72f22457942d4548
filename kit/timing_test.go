package kit

import (
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// captureTimingStdout runs f and returns what it printed to os.Stdout. If f
// panics, os.Stdout is restored and the panic goes on.
func captureTimingStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// Read while f writes, so that a full pipe cannot block f.
	out := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		r.Close()
		out <- string(b)
	}()
	saved := os.Stdout
	os.Stdout = w
	func() {
		defer func() {
			os.Stdout = saved
			w.Close()
		}()
		f()
	}()
	return <-out
}

// IPython's %%time lines, as a parser of IPython's output reads them.
var (
	ipythonCPUTimes = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?m)^CPU times: user (\d[\d.e+]*) (ns|[µµu]s|ms|s), sys: (\d[\d.e+]*) (ns|[µµu]s|ms|s), total: (\d[\d.e+]*) (ns|[µµu]s|ms|s)$`)
	})
	ipythonWallTime = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^Wall time: (\d[\d.e+]*) (ns|[µµu]s|ms|s)$`) })
)

func TestTimingString(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		t    Timing
		want string
	}{
		{
			name: "zero",
			t:    Timing{},
			want: "CPU times: user 0 ns, sys: 0 ns, total: 0 ns\n" +
				"Wall time: 0 ns\n" +
				"Parallelism: 0.00 (CPU / wall time)",
		},
		{
			name: "sleep",
			t:    Timing{Wall: 12500 * ms, User: 2010 * time.Microsecond, Sys: 487 * time.Microsecond},
			want: "CPU times: user 2.01 ms, sys: 487 µs, total: 2.5 ms\n" +
				"Wall time: 12.5 s\n" +
				"Parallelism: 0.00 (CPU / wall time)",
		},
		{
			name: "children",
			t:    Timing{Wall: 100 * ms, User: 10 * ms, Sys: 5 * ms, ChildUser: 150 * ms, ChildSys: 35 * ms},
			want: "CPU times: user 10 ms, sys: 5 ms, total: 15 ms\n" +
				"Wall time: 100 ms\n" +
				"Child processes: user 150 ms, sys: 35 ms, total: 185 ms\n" +
				"Parallelism: 2.00 (CPU / wall time)",
		},
		{
			name: "long",
			t:    Timing{Wall: 65 * time.Second, User: 65 * time.Second},
			want: "CPU times: user 1min 5s, sys: 0 ns, total: 1min 5s\n" +
				"Wall time: 1min 5s\n" +
				"Parallelism: 1.00 (CPU / wall time)",
		},
	}
	for _, tt := range tests {
		if got := tt.t.String(); got != tt.want {
			t.Errorf("%s: String() =\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}

func TestTimingHTML(t *testing.T) {
	ms := time.Millisecond
	plain := Timing{Wall: 100 * ms, User: 10 * ms, Sys: 5 * ms}
	h := plain.HTML()
	for _, want := range []string{"<table", "<td>10 ms</td><td>5 ms</td><td>15 ms</td>", ">100 ms<", ">0.15 (CPU / wall time)<"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML() = %s\nwant it to contain %q", h, want)
		}
	}
	if strings.Contains(h, "Child") {
		t.Errorf("HTML() without child CPU time has a children row:\n%s", h)
	}
	kids := plain
	kids.ChildUser = 150 * ms
	if h := kids.HTML(); !strings.Contains(h, ">Child processes</th><td>150 ms</td><td>0 ns</td><td>150 ms</td>") {
		t.Errorf("HTML() = %s\nwant a children row", h)
	}
}

func TestTimePrintsIPythonFormat(t *testing.T) {
	var got Timing
	out := captureTimingStdout(t, func() {
		got = Time(func() { time.Sleep(time.Millisecond) })
	})
	if out != got.String()+"\n" {
		t.Errorf("Time printed %q, want its result's String() %q", out, got.String())
	}
	if !ipythonCPUTimes().MatchString(out) || !ipythonWallTime().MatchString(out) {
		t.Errorf("Time printed\n%s\nwhich IPython's regular expressions do not parse", out)
	}
	// Sleep lasts at least as long as asked: a bound that cannot flake.
	if got.Wall < time.Millisecond {
		t.Errorf("Wall = %v after a 1 ms sleep", got.Wall)
	}
}

func TestTimeCell(t *testing.T) {
	var got Timing
	out := captureTimingStdout(t, func() {
		stop := TimeCell()
		time.Sleep(time.Millisecond)
		got = stop()
	})
	if out != got.String()+"\n" {
		t.Errorf("stop printed %q, want its result's String() %q", out, got.String())
	}
	if got.Wall < time.Millisecond {
		t.Errorf("Wall = %v after a 1 ms sleep", got.Wall)
	}
}

// TestTimingBurnCPUHelper is not a test: TestTimeCountsChildren runs the test
// binary again with this test only, as a child process that burns CPU time.
func TestTimingBurnCPUHelper(t *testing.T) {
	if os.Getenv("KIT_TIMING_BURN_CPU") != "1" {
		t.Skip("helper process for TestTimeCountsChildren")
	}
	// Burn CPU time, not wall time, so that a loaded machine only makes
	// this take longer.
	start := readCPUClock()
	x := 1
	for start.since().User < 200*time.Millisecond {
		for i := range 1_000_000 {
			x = x*31 + i
		}
	}
	if x == 0 {
		t.Log("unlikely") // keeps the loop from being optimized away
	}
}

func TestTimeCountsChildren(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip("cannot find the test binary:", err)
	}
	var got Timing
	out := captureTimingStdout(t, func() {
		got = Time(func() {
			cmd := exec.Command(exe, "-test.run=^TestTimingBurnCPUHelper$")
			cmd.Env = append(os.Environ(), "KIT_TIMING_BURN_CPU=1")
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("child process: %v\n%s", err, b)
			}
		})
	})
	// The child burnt 200 ms of CPU time by its own clock; half of it is a
	// safe lower bound whatever the load.
	if kids := got.ChildUser + got.ChildSys; kids < 100*time.Millisecond {
		t.Errorf("children's CPU time = %v, want >= 100 ms; Timing:\n%v", kids, got)
	}
	if got.Parallelism() <= 0 {
		t.Errorf("Parallelism() = %v, want > 0", got.Parallelism())
	}
	if !strings.Contains(out, "\nChild processes: user ") {
		t.Errorf("Time printed\n%s\nwithout the children's line", out)
	}
	if !ipythonCPUTimes().MatchString(out) || !ipythonWallTime().MatchString(out) {
		t.Errorf("Time printed\n%s\nwhich IPython's regular expressions do not parse", out)
	}
}

func TestTimeNil(t *testing.T) {
	defer func() {
		if r := recover(); r != "kit.Time: f is nil" {
			t.Errorf("Time(nil) panicked with %v", r)
		}
	}()
	Time(nil)
}

type timingPanicValue struct{ n int }

// panickingTimedFunc has a name that the stack of its panic must show.
func panickingTimedFunc() { panic(&timingPanicValue{42}) }

// recoverTimingPanic runs f, which must panic, and returns the value and the
// stack as the panic reached f's caller.
func recoverTimingPanic(f func()) (value any, stack string) {
	defer func() {
		value = recover()
		stack = string(debug.Stack())
	}()
	f()
	return nil, ""
}

func TestTimePanicPropagates(t *testing.T) {
	for name, call := range map[string]func(){
		"Time":                             func() { Time(panickingTimedFunc) },
		"TimeIt":                           func() { TimeIt(panickingTimedFunc) },
		"Timer{}.WithLoops(3).TimeIt(...)": func() { Timer{}.WithLoops(3).TimeIt(panickingTimedFunc) },
	} {
		var value any
		var stack string
		out := captureTimingStdout(t, func() {
			value, stack = recoverTimingPanic(call)
		})
		if p, ok := value.(*timingPanicValue); !ok || p.n != 42 {
			t.Errorf("%s: recovered %#v, want the original *timingPanicValue", name, value)
		}
		// Had it recovered and panicked again, the frame would be gone.
		if !strings.Contains(stack, "panickingTimedFunc") {
			t.Errorf("%s: the panic's stack lost the panicking function:\n%s", name, stack)
		}
		if out != "" {
			t.Errorf("%s printed %q for a panicking function", name, out)
		}
	}
}
