package main

import (
	"fmt"
	"os"
)

// cmdBrowser implements `nbcheck browser` (coming in the next commit).
func cmdBrowser(args []string) int {
	fmt.Fprintln(os.Stderr, "nbcheck: browser: not implemented yet")
	return 2
}
