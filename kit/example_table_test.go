package kit_test

import (
	"fmt"
	"time"

	"parallelgo.dev/course/kit"
)

func ExampleFormatDuration() {
	for _, d := range []time.Duration{999, 1500 * time.Nanosecond, 2010 * time.Microsecond, 12500 * time.Millisecond, 65 * time.Second} {
		fmt.Println(kit.FormatDuration(d))
	}
	// Output:
	// 999 ns
	// 1.5 µs
	// 2.01 ms
	// 12.5 s
	// 1min 5s
}

func ExampleTable() {
	t := kit.Table{Header: []string{"executor", "wall", "speedup"}}
	t.Row("Serial", 2*time.Second, 1.0)
	t.Row("Threads(2)", 1050*time.Millisecond, 1.9047)
	fmt.Print(t)
	// Output:
	// executor      wall  speedup
	// Serial         2 s        1
	// Threads(2)  1.05 s      1.9
}

func ExampleTable_Row() {
	var t kit.Table // no header: the first column names the rows
	t.Row("cores", 2).Row("took", 1500*time.Microsecond).Row("share", 0.25)
	fmt.Print(t)
	// Output:
	// cores       2
	// took   1.5 ms
	// share    0.25
}

func ExampleTable_String() {
	t := kit.Table{Caption: "Words", Header: []string{"word", "count"}, Align: "ll"}
	t.Row("go", 12).Row("goroutine", 3)
	fmt.Print(t.String())
	// Output:
	// Words
	// word       count
	// go         12
	// goroutine  3
}

func ExampleTable_HTML() {
	t := kit.Table{Header: []string{"name", "wall"}}
	t.Row("a<b", 3*time.Millisecond)
	fmt.Print(t.HTML())
	// Output:
	// <table class="kit-table">
	// <tr><th style="text-align:left">name</th><th>wall</th></tr>
	// <tr><th style="text-align:left">a&lt;b</th><td>3 ms</td></tr>
	// </table>
}
