package files

import (
	"fmt"
	"io"
	"os"
	"time"

	"parallelgo.dev/course/kit"
)

// Throughput compares reading a file's bytes with parsing them: the test
// that tells disk-bound from CPU-bound reading.
type Throughput struct {
	Bytes int64         // file size
	Raw   time.Duration // read all bytes, discard them (io.Copy to io.Discard)
	Parse time.Duration // read and parse with [ReadCSV]
}

// MeasureThroughput times one raw read and one parse of the file at path.
//
// The honest reading of the numbers: the raw read right after [WriteCSV], or
// after any earlier read, comes from the operating system's page cache, so it
// measures memory, not the disk. Emptying that cache takes root
// (echo 3 > /proc/sys/vm/drop_caches on Linux), which a notebook does not have,
// so on a course machine the disk mostly is not in the picture at all. What
// the comparison does show: if parsing is many times slower than copying the
// bytes, the work is CPU-bound, and parallel reads help up to the number of
// cores (see [ReadConcurrent], [ReadSplit]). Were the raw read near the parse
// time (a cold cache on a slow disk), the reads would be I/O-bound, and more
// goroutines would only queue at the disk.
func MeasureThroughput(path string) (Throughput, error) {
	var t Throughput
	f, err := os.Open(path)
	if err != nil {
		return t, err
	}
	start := time.Now()
	t.Bytes, err = io.Copy(io.Discard, f)
	t.Raw = time.Since(start)
	f.Close()
	if err != nil {
		return t, err
	}
	start = time.Now()
	_, err = ReadCSV(path)
	t.Parse = time.Since(start)
	return t, err
}

// RawMBps is the raw read speed in megabytes (10^6 bytes) per second.
func (t Throughput) RawMBps() float64 { return mbps(t.Bytes, t.Raw) }

// ParseMBps is the parse speed in megabytes per second.
func (t Throughput) ParseMBps() float64 { return mbps(t.Bytes, t.Parse) }

// Ratio is how many times slower parsing is than reading the bytes.
func (t Throughput) Ratio() float64 {
	if t.Raw <= 0 {
		return 0
	}
	return float64(t.Parse) / float64(t.Raw)
}

// CPUBound reports whether parsing, not reading, dominates: parse more than
// twice as slow as the raw read.
func (t Throughput) CPUBound() bool { return t.Ratio() > 2 }

func mbps(b int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(b) / 1e6 / d.Seconds()
}

// String gives both speeds and the verdict.
func (t Throughput) String() string {
	verdict := "reading the bytes takes about as long as parsing them: I/O-bound, more goroutines will queue at the disk"
	if t.CPUBound() {
		verdict = fmt.Sprintf("parsing is %.0fx slower than reading the bytes (which came from the page cache): CPU-bound, goroutines help up to the number of cores", t.Ratio())
	}
	return fmt.Sprintf("%.1f MB: raw read %s (%.0f MB/s), parse %s (%.0f MB/s)\n%s",
		float64(t.Bytes)/1e6, kit.FormatDuration(t.Raw), t.RawMBps(), kit.FormatDuration(t.Parse), t.ParseMBps(), verdict)
}
