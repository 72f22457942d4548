package kit_test

import (
	"fmt"

	"parallelgo.dev/course/kit"
)

// A lesson closes with its headline claims beside the Python source's figure,
// the reference run's measurement and this run's. Here the claim was checked
// just before; the reference column depends on notebooks/reference.json.
func ExampleReference() {
	kit.Expect("Threads(2) about twice as fast as Serial", kit.About(2, 0.25)).Check(1.9)
	t := kit.Reference("01-concurrency-and-parallelism",
		kit.Headline{Claim: "Threads(2) about twice as fast as Serial", Source: "ThreadPool(2): 10.3 s against map's 9.9 s"})
	fmt.Println(t.Rows[0].Source, "|", t.Rows[0].This.Measured, t.Rows[0].This.Held)
	// Output:
	// claim held: Threads(2) about twice as fast as Serial (measured 1.9, expected 2 ± 25%)
	// ThreadPool(2): 10.3 s against map's 9.9 s | 1.9 true
}
