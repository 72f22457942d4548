package kit_test

import (
	"fmt"
	"strings"

	"parallelgo.dev/course/kit"
)

// A lesson closes with its headline claims beside the Python source's figure,
// the reference run's measurement and this run's. Here the claim was checked
// just before; the reference column depends on notebooks/reference.json.
func ExampleReference() {
	kit.Expect("Threads(2) about twice as fast as Serial", kit.About(2, 0.25)).Check(1.9)
	t := kit.Reference("01-concurrency-and-parallelism",
		kit.Headline{Claim: "Threads(2) about twice as fast as Serial", Source: "ThreadPool(2): 10.3 s against map's 9.9 s"})
	// kit.Show(t) draws it in a notebook; its last column is this run's.
	fmt.Println(strings.Contains(t.String(), "1.9 (held)"))
	// Output:
	// claim held: Threads(2) about twice as fast as Serial (measured 1.9, expected 2 ± 25%)
	// true
}

// A headline names a claim by its sentence; a * stands for the words that
// depend on the machine, such as its number of cores.
func ExampleHeadline() {
	kit.Expect("Threads(2) close to the ideal 2x", kit.AtLeast(1.6)).Check(1.7)
	t := kit.Reference("03-cpu-bound",
		kit.Headline{Claim: "Threads(*) close to the ideal *x", Source: "Pool(4): 4x"})
	fmt.Println(strings.Contains(t.String(), "Threads(2) close to the ideal 2x"))
	// Output:
	// claim held: Threads(2) close to the ideal 2x (measured 1.7, expected ≥ 1.6)
	// true
}

// A headline no cell has checked yet says so in this run's column.
func ExampleReferenceTable() {
	t := kit.Reference("05-overheads", kit.Headline{Claim: "a claim this run never checked"})
	fmt.Println(strings.Contains(t.String(), "not run yet"))
	// Output:
	// true
}
