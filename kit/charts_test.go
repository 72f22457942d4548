package kit

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sample data for the chart tests: small, fixed, and shaped like what the
// lessons produce.

func sampleWallBars() []WallBar {
	return []WallBar{
		{Name: "Serial()", Wall: 1200 * time.Millisecond, Parallelism: 0.99},
		{Name: "GIL(2)", Wall: 1180 * time.Millisecond, Parallelism: 1.01},
		{Name: "Threads(2)", Wall: 640 * time.Millisecond, Parallelism: 1.93},
		{Name: "Processes(2)", Wall: 700 * time.Millisecond, Parallelism: 1.85},
	}
}

// sampleTrace is two workers over eight inputs of uneven length, the last
// one failed: worker 1 idles at the end.
func sampleTrace() *Trace {
	tr := NewTrace("Threads(2)", 2)
	ms := time.Millisecond
	lengths := []time.Duration{100 * ms, 300 * ms, 50 * ms, 200 * ms, 80 * ms, 60 * ms, 400 * ms, 30 * ms}
	free := []time.Duration{0, 0}
	for i, d := range lengths {
		w := 0
		if free[1] < free[0] {
			w = 1
		}
		tr.Add(Span{Worker: w, Input: i, Label: fmt.Sprintf("n=%d", d/ms), Start: free[w], End: free[w] + d, Err: i == 7})
		free[w] += d
	}
	return tr
}

// sampleSpeedups are exact Amdahl speedups for a serial fraction s.
func sampleSpeedups(s float64) []SpeedupPoint {
	var ps []SpeedupPoint
	for _, n := range []int{1, 2, 4, 8, 16} {
		wall := time.Duration(float64(time.Second) * (s + (1-s)/float64(n)))
		ps = append(ps, SpeedupPoint{Workers: n, Wall: wall})
	}
	return ps
}

func sampleRuns() []time.Duration {
	ms := time.Millisecond
	return []time.Duration{605 * ms, 598 * ms, 611 * ms, 640 * ms, 602 * ms, 600 * ms, 607 * ms}
}

// sampleCPU is two cores over a second: first one core busy, then both, the
// program using a core less than the machine.
func sampleCPU() CPUUsage {
	u := CPUUsage{Cores: 2, Interval: 50 * time.Millisecond}
	for i := 1; i <= 20; i++ {
		busy, program := []float64{100, 4}, 0.96
		if i > 10 {
			busy, program = []float64{97, 99}, 0.98
		}
		u.Samples = append(u.Samples, CPUSample{At: time.Duration(i) * 50 * time.Millisecond, Busy: busy, Program: program})
	}
	return u
}

// gallery is every chart kind, with the numbers its text must show.
func gallery() []struct {
	name    string
	chart   Chart
	numbers []string
} {
	return []struct {
		name    string
		chart   Chart
		numbers []string
	}{
		{"wall", WallChart("Compare", sampleWallBars()), []string{"Threads(2)", "0.64", "1.88x", "1.93", "wall (s)"}},
		{"timeline", TimelineChart(sampleTrace()), []string{"n=400", "failed", "780", "busy (ms)", "workers busy 78%"}},
		{"speedup", SpeedupChart("Speedup", sampleSpeedups(0.1)), []string{"s = 0.100", "6.40x", "16.0x", "10.0x"}},
		{"spread", SpreadChart("TimeIt", sampleRuns()), []string{"605", "640", "mean 609 ms ± 13.3 ms", "best 598 ms"}},
		{"cpu", sampleCPU().Chart(), []string{"1.50 of 2 cores busy", "this program: 0.97 cores", "98%", "100%", "▁", "█"}},
	}
}

var chartDivRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`<div id="(kit-chart-[0-9a-f]{16})" class="kit-chart" data-kit-chart="[a-z]+" style="width:100%;height:(\d+)px;`)
})

func TestChartHTML(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range gallery() {
		h := g.chart.HTML()
		m := chartDivRe().FindStringSubmatch(h)
		if m == nil {
			t.Errorf("%s: no sized chart element in %.300s", g.name, h)
			continue
		}
		if seen[m[1]] {
			t.Errorf("%s: id %s used twice", g.name, m[1])
		}
		seen[m[1]] = true
		if px, _ := strconv.Atoi(m[2]); px < 200 || px > 900 {
			t.Errorf("%s: height %dpx", g.name, px)
		}
		script := h[strings.LastIndex(h, "<script>"):]
		for _, want := range []string{"window.echarts", `"` + m[1] + `"`, g.chart.option, "</script>"} {
			if !strings.Contains(script, want) {
				t.Errorf("%s: script lacks %.80q", g.name, want)
			}
		}
		if !strings.HasPrefix(g.chart.option, "{") || strings.Contains(g.chart.option, "__f__") {
			t.Errorf("%s: option is not a JavaScript object: %.100s", g.name, g.chart.option)
		}
		// The text table shows where scripts do not run.
		if !strings.Contains(h, html.EscapeString(strings.Split(g.chart.String(), "\n")[0])) {
			t.Errorf("%s: HTML lacks the text form", g.name)
		}
	}
}

func TestChartText(t *testing.T) {
	for _, g := range gallery() {
		text := g.chart.String()
		for _, want := range g.numbers {
			if !strings.Contains(text, want) {
				t.Errorf("%s: text lacks %q:\n%s", g.name, want, text)
			}
		}
	}
}

func TestChartLibraryOnce(t *testing.T) {
	resetChartLibrary()
	c := WallChart("", sampleWallBars())
	first, second := c.HTML(), c.HTML()
	lib := `<script type="` + chartLibraryType + `"`
	if !strings.HasPrefix(first, lib) || strings.Contains(second, lib) {
		t.Fatalf("library in first chart: %v, in second: %v; want it first in the first only",
			strings.HasPrefix(first, lib), strings.Contains(second, lib))
	}
	if strings.Count(first, lib) != 1 {
		t.Error("library twice in one chart")
	}
	t.Logf("bytes: first chart %d, next %d", len(first), len(second))
	if len(first) > 500_000 || len(second) > 20_000 {
		t.Errorf("bytes: first chart %d (want < 500 KB), next %d (want < 20 KB)", len(first), len(second))
	}

	// What the page unpacks is the exact file from the npm package.
	payload := first[strings.Index(first, ">")+1 : strings.Index(first, "</script>")]
	gz, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	js, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(js); hex.EncodeToString(sum[:]) != echartsSHA256 {
		t.Errorf("library unpacks to SHA-256 %x, want %s", sum, echartsSHA256)
	}
	if !bytes.Contains(js, []byte(`version="`+echartsVersion+`"`)) {
		t.Errorf("library is not echarts %s", echartsVersion)
	}
}

func TestChartOptionEscapesScriptEnd(t *testing.T) {
	c := WallChart("a </script><script>alert(1)</script> <!-- title", []WallBar{{Name: "</script>", Wall: time.Second}})
	h := c.HTML()
	script := h[strings.LastIndex(h, "<script>")+len("<script>"):]
	if strings.Index(script, "</script") != len(script)-len("</script>") || strings.Contains(script, "<!--") {
		t.Errorf("title or name ends the script early or opens a comment:\n%s", script)
	}
}

func TestChartUnit(t *testing.T) {
	for _, c := range []struct {
		largest, d time.Duration
		want       string
	}{
		{0, 0, "0.00 ns"},
		{999 * time.Nanosecond, 512, "512 ns"},
		{1500 * time.Nanosecond, 1500, "1.50 µs"},
		{2 * time.Millisecond, 605 * time.Microsecond, "0.60 ms"},
		{time.Second, 1200 * time.Millisecond, "1.20 s"},
		{time.Second, 61200 * time.Millisecond, "61.2 s"},
		{time.Second, 612 * time.Second, "612 s"},
	} {
		u := chartUnitFor(c.largest)
		if got := chartDecimal(u.of(c.d)) + " " + u.name; got != c.want {
			t.Errorf("unit for %v formats %v as %q, want %q", c.largest, c.d, got, c.want)
		}
	}
	if chartNum(math.NaN()) != nil || chartNum(math.Inf(1)) != nil {
		t.Error("NaN and Inf must become null")
	}
	for v, want := range map[float64]float64{0.3: 0.5, 1.92: 2, 2.1: 2.5, 4: 5, 7: 10, 0: 1, 100: 100} {
		if got := chartNiceCeil(v); got != want {
			t.Errorf("chartNiceCeil(%v) = %v, want %v", v, got, want)
		}
	}
}

func TestFitAmdahl(t *testing.T) {
	for _, s := range []float64{0, 0.01, 0.1, 0.25, 0.5, 0.9, 1} {
		got, ok := FitAmdahl(sampleSpeedups(s))
		if !ok || math.Abs(got-s) > 1e-3 {
			t.Errorf("exact points for s=%v: fit %v, %v", s, got, ok)
		}
	}
	// Noisy points, and a baseline of 2 workers: close, not exact.
	var noisy []SpeedupPoint
	for i, p := range sampleSpeedups(0.2)[1:] {
		p.Wall = time.Duration(float64(p.Wall) * (1 + 0.02*float64(i%2*2-1)))
		noisy = append(noisy, p)
	}
	if got, ok := FitAmdahl(noisy); !ok || math.Abs(got-0.2) > 0.03 {
		t.Errorf("noisy points for s=0.2: fit %v, %v", got, ok)
	}
	for _, ps := range [][]SpeedupPoint{
		nil,
		{{Workers: 4, Wall: time.Second}},
		{{Workers: 4, Wall: time.Second}, {Workers: 4, Wall: 2 * time.Second}},
		{{Workers: 0, Wall: time.Second}, {Workers: 2, Wall: 0}},
	} {
		if s, ok := FitAmdahl(ps); ok || !math.IsNaN(s) {
			t.Errorf("FitAmdahl(%v) = %v, %v; want NaN, false", ps, s, ok)
		}
	}
}

// TestChartsBadInput: every chart function gives a chart or a message for
// data it cannot draw as is, never an empty output or a panic.
func TestChartsBadInput(t *testing.T) {
	for _, c := range badInputCharts() {
		text, h := c.chart.String(), c.chart.HTML()
		if strings.TrimSpace(text) == "" || h == "" {
			t.Errorf("%s: empty output", c.name)
		}
		if drawn := c.chart.option != ""; drawn != c.draws {
			t.Errorf("%s: draws %v, want %v:\n%s", c.name, drawn, c.draws, text)
		}
		if c.draws && (strings.Contains(c.chart.option, "NaN") || strings.Contains(c.chart.option, "Inf")) {
			t.Errorf("%s: option holds a number JSON cannot: %.200s", c.name, c.chart.option)
		}
		if !strings.Contains(text, c.says) {
			t.Errorf("%s: text lacks %q:\n%s", c.name, c.says, text)
		}
		if len(h) > 300_000 {
			t.Errorf("%s: %d bytes of HTML", c.name, len(h))
		}
	}
}

type badInput struct {
	name  string
	chart Chart
	draws bool   // a chart, rather than a message
	says  string // in its text
}

func badInputCharts() []badInput {
	ms := time.Millisecond

	empty := NewTrace("Threads(4)", 4)
	empty.Stop()
	zero := NewTrace("zero", 2)
	zero.Add(Span{Worker: 0, Input: 0, Label: "a"})
	zero.Add(Span{Worker: 1, Input: 1, Label: "b", Start: 5, End: 2}) // ends before it starts
	zero.Add(Span{Worker: -1, Input: 2, Label: "c"})                  // no worker
	wide := NewTrace("Threads(300)", 300)
	for w := range 300 {
		wide.Add(Span{Worker: w, Input: w, Label: strconv.Itoa(w), Start: time.Duration(w) * ms, End: time.Duration(w+10) * ms})
	}
	long := NewTrace("Threads(4)", 4)
	for i := range 20000 {
		long.Add(Span{Worker: i % 4, Input: i, Label: strconv.Itoa(i), Start: time.Duration(i/4) * ms, End: time.Duration(i/4+1) * ms, Err: i == 777})
	}
	many := make([]time.Duration, 10000)
	for i := range many {
		many[i] = time.Duration(1000+i%7) * time.Microsecond
	}
	wideCPU := CPUUsage{Cores: 64, Interval: CPUInterval}
	for i := range 5000 {
		busy := make([]float64, 64)
		for c := range busy {
			busy[c] = float64((i + c) % 101)
		}
		wideCPU.Samples = append(wideCPU.Samples, CPUSample{At: time.Duration(i+1) * CPUInterval, Busy: busy})
	}
	odd := CPUUsage{Cores: 3, Interval: CPUInterval, Samples: []CPUSample{
		{At: 50 * ms, Busy: []float64{math.NaN(), 150}, Program: math.NaN()}, {At: 100 * ms, Busy: []float64{-5, 20, 30, 40}, Program: 7},
	}}

	return []badInput{
		{"wall nil", WallChart("", nil), false, "no runs"},
		{"wall one", WallChart("", []WallBar{{Name: "Serial()", Wall: time.Second}}), true, "1.00x"},
		{"wall zero and NaN", WallChart("", []WallBar{{Name: "a"}, {Name: "b", Wall: -1, Speedup: math.NaN(), Parallelism: math.Inf(1)}}), true, "?"},
		{"timeline nil", TimelineChart(nil), false, "no trace"},
		{"timeline empty", TimelineChart(empty), false, "no work recorded on 4 workers"},
		{"timeline zero lengths", TimelineChart(zero), true, "2 inputs on 2 workers"},
		{"timeline 300 workers", TimelineChart(wide), true, "2 workers per row"},
		{"timeline 20000 spans", TimelineChart(long), true, "neighbouring inputs per bar"},
		{"speedup nil", SpeedupChart("", nil), false, "no measurements"},
		{"speedup one", SpeedupChart("", []SpeedupPoint{{Workers: 2, Wall: time.Second}}), true, "needs measurements on at least two worker counts"},
		{"speedup bad points", SpeedupChart("", append(sampleSpeedups(0.3), SpeedupPoint{Workers: 0, Wall: 1}, SpeedupPoint{Workers: 3})), true, "left out: 2 points"},
		{"speedup 512 workers", SpeedupChart("", []SpeedupPoint{{1, time.Second}, {512, 10 * ms}}), true, "100x"},
		{"spread nil", SpreadChart("", nil), false, "no runs"},
		{"spread one", SpreadChart("", []time.Duration{3}), true, "1 run"},
		{"spread zero and negative", SpreadChart("", []time.Duration{0, 0, -1}), true, "1 run with a negative time left out"},
		{"spread 10000", SpreadChart("", many), true, "9980 more"},
		{"cpu zero", CPUUsage{}.Chart(), false, "no samples"},
		{"cpu error", CPUUsage{Err: errors.New("no /proc")}.Chart(), false, "not measured: no /proc"},
		{"cpu odd samples", odd.Chart(), true, "of 3 cores busy"},
		{"cpu 64 cores long", wideCPU.Chart(), true, "of 64 cores busy"},
	}
}
