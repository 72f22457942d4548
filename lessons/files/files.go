// Package files holds the workloads and exercise solutions of lesson 6,
// "Files", which re-creates the CSV example of the source's threads-versus-
// processes lesson (seed 003): write a file of 10 million "line,data,i" rows,
// read it three times in a row, then three times at once in threads, and
// compare. (The source's other file-sized example, the nested comparison loop
// of seed 002, lives in package cpubound.)
//
// In the source, three threads read faster than one (7.2 s against 5.2 s)
// because pandas' parser releases the GIL for part of its work. Goroutines
// have no GIL to release: whether they help depends on what bounds the read,
// the disk or the CPU that parses. [MeasureThroughput] tells the two apart.
package files

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"

	"parallelgo.dev/course/kit"
)

// SourceRows is the size of the source's file: 10 million rows.
const SourceRows = 10_000_000

// Rows is the lesson's row count, SourceRows shrunk by KIT_SCALE.
func Rows() int { return kit.Scaled(SourceRows) }

// WriteCSV writes rows lines "line,data,0", "line,data,1", ... to path,
// replacing the file. 10 million rows make about 190 MB.
func WriteCSV(path string, rows int) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	line := []byte("line,data,")
	for i := range rows {
		buf := strconv.AppendInt(line, int64(i), 10)
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return w.Flush()
}

// ReadCSV parses the file at path with encoding/csv, as pandas' read_csv does
// the source's: it splits every record and converts the third field to an
// integer. It returns the number of records. (pandas takes the first line for
// a header, so its frame has one row fewer; see [Head].)
func ReadCSV(path string) (rows int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parse(f)
}

func parse(r io.Reader) (rows int, err error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<20))
	cr.ReuseRecord = true // one record buffer for the whole file
	cr.FieldsPerRecord = 3
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		if _, err := strconv.Atoi(rec[2]); err != nil {
			return rows, fmt.Errorf("record %d: %w", rows+1, err)
		}
		rows++
	}
}

// Head returns the first line as a header and the next n records, like the
// source's pd.read_csv(...).head(): the header is "line,data,0", so the first
// row of data is "line,data,1".
func Head(path string, n int) (header []string, rows [][]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	if header, err = cr.Read(); err != nil {
		return nil, nil, err
	}
	for range n {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return header, rows, err
		}
		rows = append(rows, rec)
	}
	return header, rows, nil
}

// ReadSerial reads the file times times, one after the other (the source's
// for loop of three read_csv calls), and returns the records read in all.
func ReadSerial(path string, times int) (rows int, err error) {
	for range times {
		n, err := ReadCSV(path)
		rows += n
		if err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// ReadConcurrent reads the file times times at once, one goroutine per read
// (the source's three Threads), and returns the records read in all.
func ReadConcurrent(path string, times int) (rows int, err error) {
	counts := make([]int, times)
	errs := make([]error, times)
	var wg sync.WaitGroup
	for i := range times {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = ReadCSV(path)
		}()
	}
	wg.Wait()
	for _, n := range counts {
		rows += n
	}
	return rows, errors.Join(errs...)
}

// ReadSplit is the exercise "read one big file faster": it cuts the file into
// parts byte ranges, moves each cut forward to the next line start, and parses
// the parts in parallel. It returns the records read, the same number as
// [ReadCSV]. This only pays when parsing, not the disk, is the bottleneck.
// parts is capped at 1024.
func ReadSplit(path string, parts int) (rows int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := st.Size()
	// More parts than cores buys nothing; more than maxParts only costs.
	parts = int(min(int64(min(max(parts, 1), maxParts)), max(size, 1)))
	cuts := make([]int64, parts+1)
	cuts[parts] = size
	for i := 1; i < parts; i++ {
		if cuts[i], err = nextLine(f, size*int64(i)/int64(parts), size); err != nil {
			return 0, err
		}
		cuts[i] = max(cuts[i], cuts[i-1])
	}
	counts := make([]int, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// *os.File's ReadAt is safe for concurrent use.
			counts[i], errs[i] = parse(io.NewSectionReader(f, cuts[i], cuts[i+1]-cuts[i]))
		}()
	}
	wg.Wait()
	for _, n := range counts {
		rows += n
	}
	return rows, errors.Join(errs...)
}

// maxParts bounds the goroutines of one ReadSplit.
const maxParts = 1024

// nextLine is the offset of the first line that starts at or after off.
func nextLine(f *os.File, off, size int64) (int64, error) {
	if off == 0 {
		return 0, nil
	}
	buf := make([]byte, 4096)
	for pos := off - 1; pos < size; pos += int64(len(buf)) {
		n, err := f.ReadAt(buf, pos)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return pos + int64(i) + 1, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
	}
	return size, nil
}
