package kit_test

import (
	"fmt"

	"parallelgo.dev/course/kit"
)

// SysInfo tells how much parallelism a machine offers; the numbers differ from
// machine to machine, so this example prints only a property of them.
func ExampleSysInfo() {
	s := kit.SysInfo()
	fmt.Println("at least one core:", s.LogicalCores >= 1)
	// Output: at least one core: true
}
