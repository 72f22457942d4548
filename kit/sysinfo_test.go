package kit

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCgroupCPUQuota(t *testing.T) {
	cases := []struct {
		name  string
		files fstest.MapFS
		want  float64
	}{
		{"v2 two cores", fstest.MapFS{"cpu.max": {Data: []byte("200000 100000\n")}}, 2},
		{"v2 half a core", fstest.MapFS{"cpu.max": {Data: []byte("50000 100000\n")}}, 0.5},
		{"v2 no limit", fstest.MapFS{"cpu.max": {Data: []byte("max 100000\n")}}, 0},
		{"v1 1.5 cores", fstest.MapFS{
			"cpu/cpu.cfs_quota_us":  {Data: []byte("150000\n")},
			"cpu/cpu.cfs_period_us": {Data: []byte("100000\n")},
		}, 1.5},
		{"v1 no limit", fstest.MapFS{
			"cpu/cpu.cfs_quota_us":  {Data: []byte("-1\n")},
			"cpu/cpu.cfs_period_us": {Data: []byte("100000\n")},
		}, 0},
		{"no cgroup files", fstest.MapFS{}, 0},
		{"garbage", fstest.MapFS{"cpu.max": {Data: []byte("lots of\n")}}, 0},
	}
	for _, c := range cases {
		if got := cgroupCPUQuota(c.files); got != c.want {
			t.Errorf("%s: cgroupCPUQuota = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCgroupMemoryLimit(t *testing.T) {
	cases := []struct {
		name  string
		files fstest.MapFS
		want  uint64
	}{
		{"v2 2 GiB", fstest.MapFS{"memory.max": {Data: []byte("2147483648\n")}}, 2 << 30},
		{"v2 no limit", fstest.MapFS{"memory.max": {Data: []byte("max\n")}}, 0},
		{"v1 1 GiB", fstest.MapFS{"memory/memory.limit_in_bytes": {Data: []byte("1073741824\n")}}, 1 << 30},
		{"v1 unlimited", fstest.MapFS{"memory/memory.limit_in_bytes": {Data: []byte("9223372036854771712\n")}}, 0},
		{"none", fstest.MapFS{}, 0},
	}
	for _, c := range cases {
		if got := cgroupMemoryLimit(c.files); got != c.want {
			t.Errorf("%s: cgroupMemoryLimit = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSysInfoReadsThisMachine(t *testing.T) {
	s := SysInfo()
	if s.LogicalCores < 1 || s.GOMAXPROCS < 1 {
		t.Fatalf("SysInfo() = %+v: want at least one logical core and GOMAXPROCS >= 1", s)
	}
	if s.PhysicalCores > s.LogicalCores {
		t.Errorf("physical cores %d > logical cores %d", s.PhysicalCores, s.LogicalCores)
	}
	for _, want := range []string{"physical cores", "logical cores", "GOMAXPROCS", "container CPU quota", "Go"} {
		if !strings.Contains(s.String(), want) || !strings.Contains(s.HTML(), want) {
			t.Errorf("String or HTML lacks %q:\n%s", want, s)
		}
	}
}

func TestBytesText(t *testing.T) {
	for n, want := range map[uint64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 24 << 30: "24.0 GiB", 3 << 39: "1.5 TiB"} {
		if got := bytesText(n); got != want {
			t.Errorf("bytesText(%d) = %q, want %q", n, got, want)
		}
	}
}
