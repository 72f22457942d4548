package memory

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"parallelgo.dev/course/kit"
	"parallelgo.dev/course/lessons/cpubound"
)

// TestMain shrinks the lesson a hundredfold. kit reads KIT_SCALE once per
// process, the first time anything asks for it, so t.Setenv in a test would
// come too late: the variable is set here, before any test or example runs.
func TestMain(m *testing.M) {
	os.Setenv(kit.ScaleEnv, "0.01")
	os.Exit(m.Run())
}

// quiet sends the progress lines to a buffer for the length of a test.
func quiet(t *testing.T) *syncBuffer {
	var b syncBuffer
	old := Progress
	Progress = &b
	t.Cleanup(func() { Progress = old })
	return &b
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Goroutines share memory: four concurrent LongIO calls fill one map. Run
// with -race, this also checks that the lock covers the writes.
func TestLongIOGoroutinesFillTheMap(t *testing.T) {
	log := quiet(t)
	res := map[int]int{}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := LongIO(i, res); got != 2*i {
				t.Errorf("LongIO(%d) = %d", i, got)
			}
		}()
	}
	wg.Wait()
	if wall := time.Since(start); wall < kit.Seconds(2) {
		t.Errorf("four LongIO took %v, less than one sleep of %v", wall, kit.Seconds(2))
	}
	want := map[int]int{0: 0, 1: 2, 2: 4, 3: 6}
	if len(res) != len(want) {
		t.Fatalf("res = %v, want %v", res, want)
	}
	for k, v := range want {
		if res[k] != v {
			t.Errorf("res[%d] = %d, want %d", k, res[k], v)
		}
	}
	out := log.String()
	for _, s := range []string{"function 0 started at ", "function 3 finished at "} {
		if !strings.Contains(out, s) {
			t.Errorf("progress lines %q lack %q", out, s)
		}
	}
}

func TestLongCompGoroutinesFillTheMap(t *testing.T) {
	quiet(t)
	res := map[int]float64{}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			LongComp(i, res)
		}()
	}
	wg.Wait()
	want := cpubound.LongComp(0)
	if len(res) != 4 {
		t.Fatalf("res = %v", res)
	}
	for i, x := range res {
		if x != want {
			t.Errorf("res[%d] = %v, want %v", i, x, want)
		}
	}
}

func TestGoroutineCost(t *testing.T) {
	c := GoroutineCost(10_000)
	// A goroutine's stack starts at 2 KiB; the race detector and the heap
	// add to that. Anything from 1 KiB to 64 KiB is a goroutine; a megabyte
	// would be an OS thread.
	if c < 1<<10 || c > 64<<10 {
		t.Errorf("GoroutineCost(10000) = %v bytes, outside [1 KiB, 64 KiB]", c)
	}
	t.Logf("one parked goroutine: %s", FormatBytes(c))
	if GoroutineCost(0) != 0 || GoroutineCost(-1) != 0 {
		t.Error("GoroutineCost of no goroutines is not 0")
	}
}

func TestRSSSelf(t *testing.T) {
	b, err := RSS(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if b < 1<<20 || b > 1<<40 {
		t.Errorf("RSS(self) = %d bytes", b)
	}
}

func TestRSSChild(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc here")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command")
	}
	cmd := exec.Command(sleep, "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	// Right after exec the new program has touched only a page or two; give
	// it a moment to load, so that the logged size means something. The
	// assertion does not depend on it.
	time.Sleep(100 * time.Millisecond)
	b, err := RSS(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if b == 0 {
		t.Error("RSS of a running child is 0")
	}
	t.Logf("RSS of %s: %s", sleep, FormatBytes(float64(b)))
}

func TestRSSErrors(t *testing.T) {
	if _, err := RSS(-1); err == nil {
		t.Error("RSS(-1) gave no error")
	}
	for _, s := range []string{"Name:\tx\n", "VmRSS:\tlots kB\n", ""} {
		if _, err := parseVmRSS([]byte(s)); err == nil {
			t.Errorf("parseVmRSS(%q) gave no error", s)
		}
	}
	if b, err := parseVmRSS([]byte("Name:\tx\nVmRSS:\t    1234 kB\nVmData:\t 9 kB\n")); err != nil || b != 1234*1024 {
		t.Errorf("parseVmRSS = %d, %v", b, err)
	}
}

func TestFormatBytes(t *testing.T) {
	for _, c := range []struct {
		b    float64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {2600, "2.5 KiB"},
		{7.5 * (1 << 20), "7.5 MiB"}, {3 << 30, "3.0 GiB"}, {1 << 50, "1024.0 TiB"},
	} {
		if got := FormatBytes(c.b); got != c.want {
			t.Errorf("FormatBytes(%v) = %q, want %q", c.b, got, c.want)
		}
	}
}

func TestBigInputAndSum(t *testing.T) {
	xs := BigInput(100)
	// 100 MiB is 13,107,200 float64s; a hundredth of that at KIT_SCALE=0.01.
	if len(xs) != 131_072 {
		t.Fatalf("BigInput(100) has %d values", len(xs))
	}
	n := float64(len(xs))
	if got, want := Sum(xs), n*(n-1)/2; got != want {
		t.Errorf("Sum = %v, want %v", got, want)
	}
	if len(BigInput(0)) != 1 {
		t.Error("BigInput(0) should still hold one value (kit.Scaled never gives 0)")
	}
}

func TestFillByReturn(t *testing.T) {
	quiet(t)
	got := FillByReturn([]int{0, 1, 2, 3}, func(i int) int { return LongIO(i, map[int]int{}) })
	want := map[int]int{0: 0, 1: 2, 2: 4, 3: 6}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("got[%d] = %d, want %d", k, got[k], v)
		}
	}
	if m := FillByReturn(nil, func(int) int { return 1 }); len(m) != 0 {
		t.Errorf("no ids gave %v", m)
	}
}

func TestFit(t *testing.T) {
	for _, c := range []struct {
		budget uint64
		per    float64
		want   int
	}{
		{2 << 30, 2048, 1 << 20}, {2 << 30, 30 << 20, 68}, {100, 0, -1}, {100, 3, 33},
	} {
		if got := Fit(c.budget, c.per); got != c.want {
			t.Errorf("Fit(%d, %v) = %d, want %d", c.budget, c.per, got, c.want)
		}
	}
}

func BenchmarkGoroutineCost(b *testing.B) {
	for b.Loop() {
		GoroutineCost(10_000)
	}
}

func BenchmarkBigInput(b *testing.B) {
	for b.Loop() {
		BigInput(100)
	}
}

func BenchmarkSum(b *testing.B) {
	xs := BigInput(100)
	for b.Loop() {
		Sum(xs)
	}
}

func BenchmarkLongIO(b *testing.B) {
	old := Progress
	Progress = io.Discard
	defer func() { Progress = old }()
	res := map[int]int{}
	for b.Loop() {
		LongIO(1, res)
	}
}
