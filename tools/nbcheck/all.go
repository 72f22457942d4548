package main

import (
	"fmt"
	"os"
)

// cmdAll implements `nbcheck all`, what `make test` runs: one JupyterLab
// server and one browser for everything, the security check, every
// notebook live as by `lab`, then the interrupt check. The closing line
// "N passed, M failed" counts the checks.
func cmdAll(args []string) int {
	fs := newFlagSet("all", "[flags] [notebooks...]")
	var o labOpts
	o.flags(fs)
	fs.Parse(args)
	paths, err := notebookArgs(o.root, fs.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		return 2
	}
	ls, err := openLab(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		return 2
	}
	defer ls.done()
	passed, failed := ls.checkAll(paths)
	if ls.ctx.Err() == nil {
		if line, ok := ls.checkInterrupt(); ok {
			fmt.Println("PASS " + line)
			passed++
		} else {
			fmt.Println("FAIL " + line)
			failed++
		}
	}
	return summary(passed, failed)
}
