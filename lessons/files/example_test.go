package files_test

import (
	"fmt"
	"os"
	"path/filepath"

	"parallelgo.dev/course/lessons/files"
)

func tempCSV(rows int) (string, func()) {
	dir, _ := os.MkdirTemp("", "files-example")
	p := filepath.Join(dir, "data.csv")
	if err := files.WriteCSV(p, rows); err != nil {
		panic(err)
	}
	return p, func() { os.RemoveAll(dir) }
}

func ExampleWriteCSV() {
	p, cleanup := tempCSV(3)
	defer cleanup()
	b, _ := os.ReadFile(p)
	fmt.Print(string(b))
	// Output:
	// line,data,0
	// line,data,1
	// line,data,2
}

func ExampleRows() {
	fmt.Println(files.Rows(), files.SourceRows) // KIT_SCALE=0.001 here
	// Output: 10000 10000000
}

func ExampleReadCSV() {
	p, cleanup := tempCSV(files.Rows())
	defer cleanup()
	fmt.Println(files.ReadCSV(p))
	// Output: 10000 <nil>
}

func ExampleHead() {
	p, cleanup := tempCSV(100)
	defer cleanup()
	header, rows, _ := files.Head(p, 3)
	fmt.Println(header)
	fmt.Println(rows)
	// Output:
	// [line data 0]
	// [[line data 1] [line data 2] [line data 3]]
}

func ExampleReadSerial() {
	p, cleanup := tempCSV(files.Rows())
	defer cleanup()
	fmt.Println(files.ReadSerial(p, 3))
	// Output: 30000 <nil>
}

func ExampleReadConcurrent() {
	p, cleanup := tempCSV(files.Rows())
	defer cleanup()
	fmt.Println(files.ReadConcurrent(p, 3))
	// Output: 30000 <nil>
}

func ExampleReadSplit() {
	p, cleanup := tempCSV(files.Rows())
	defer cleanup()
	fmt.Println(files.ReadSplit(p, 4))
	// Output: 10000 <nil>
}

func ExampleMeasureThroughput() {
	p, cleanup := tempCSV(files.Rows())
	defer cleanup()
	t, err := files.MeasureThroughput(p)
	fmt.Println(t.Bytes, err) // the times vary; print t to see them
	// Output: 148890 <nil>
}

func ExampleThroughput() {
	t := files.Throughput{Bytes: 190_000_000, Raw: 95_000_000, Parse: 1_900_000_000}
	fmt.Println(t.RawMBps(), t.ParseMBps(), t.Ratio(), t.CPUBound())
	// Output: 2000 100 20 true
}
