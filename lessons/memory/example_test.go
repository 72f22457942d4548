package memory_test

import (
	"fmt"
	"io"
	"os"
	"sync"

	"parallelgo.dev/course/lessons/memory"
)

func ExampleLongIO() {
	memory.Progress = io.Discard // hide the "function 0 started at ..." lines
	defer func() { memory.Progress = os.Stdout }()

	res := map[int]int{}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			memory.LongIO(i, res)
		}()
	}
	wg.Wait()
	fmt.Println(res) // the goroutines shared res with us
	// Output: map[0:0 1:2 2:4 3:6]
}

func ExampleLongComp() {
	memory.Progress = io.Discard
	defer func() { memory.Progress = os.Stdout }()

	res := map[int]float64{}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			memory.LongComp(i, res)
		}()
	}
	wg.Wait()
	fmt.Println(len(res), res[0] == res[3])
	// Output: 4 true
}

func ExampleProgress() {
	memory.Progress = os.Stdout // the default: lines go to the cell's output
	fmt.Println(memory.Progress == os.Stdout)
	// Output: true
}

func ExampleGoroutineCost() {
	c := memory.GoroutineCost(10_000)
	fmt.Println("a goroutine costs kilobytes, not megabytes:", c > 1<<10 && c < 1<<20)
	// Output: a goroutine costs kilobytes, not megabytes: true
}

func ExampleRSS() {
	b, err := memory.RSS(os.Getpid())
	if err != nil {
		fmt.Println("this system has no /proc")
		return
	}
	fmt.Println("this process holds more than a megabyte:", b > 1<<20)
	// Output: this process holds more than a megabyte: true
}

func ExampleFormatBytes() {
	fmt.Println(memory.FormatBytes(2600), memory.FormatBytes(7.5*(1<<20)))
	// Output: 2.5 KiB 7.5 MiB
}

func ExampleBigInput() {
	xs := memory.BigInput(100) // 100 MiB at full size, a hundredth in the tests
	fmt.Println(memory.FormatBytes(float64(8 * len(xs))))
	// Output: 1.0 MiB
}

func ExampleSum() {
	fmt.Println(memory.Sum([]float64{1, 2, 3.5}))
	// Output: 6.5
}

func ExampleFillByReturn() {
	double := func(i int) int { return 2 * i }
	fmt.Println(memory.FillByReturn([]int{0, 1, 2, 3}, double))
	// Output: map[0:0 1:2 2:4 3:6]
}

func ExampleFit() {
	budget := uint64(2 << 30) // a 2 GiB container
	fmt.Println(memory.Fit(budget, 2.7*1024), "goroutines or", memory.Fit(budget, 30<<20), "processes")
	// Output: 776722 goroutines or 68 processes
}
