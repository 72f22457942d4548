package main

// cmdAll implements `nbcheck all`, what `make test` runs: one JupyterLab
// server and one browser for everything, the security check, every
// notebook live as by `lab`, then the interrupt check. The closing line
// "N passed, M failed" counts the checks.
func cmdAll(args []string) int { return labCommand("all", args, true) }
