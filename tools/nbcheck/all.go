package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cmdAll implements `nbcheck all`, what `make test` runs: every notebook is
// executed and checked as by `run`, its exported page is checked in the
// browser as by `browser`, and one notebook also runs in the live Notebook
// UI. A notebook passes when all of its checks pass; the closing line
// "N passed, M failed" counts notebooks.
func cmdAll(args []string) int {
	fs := newFlagSet("all", "[flags] [notebooks...]")
	setup := runFlags(fs)
	var o browserOpts
	o.flags(fs)
	fs.Parse(args)
	r, paths, err := setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		return 2
	}
	o.root, o.out, o.scale = fs.Lookup("root").Value.String(), r.out, r.scale

	ok := map[string]bool{} // by notebook file name
	var names []string
	for _, res := range r.runAll(paths) {
		ok[res.name] = res.ok()
		names = append(names, res.name)
	}

	ctx, br, done, err := openBrowser(o)
	if err != nil {
		// Without a browser no chart was seen to draw: that fails them all.
		fmt.Println("FAIL browser checks:", err)
		return summary(0, len(names))
	}
	defer done()
	fmt.Println("browser checks:")
	if o.pages {
		for _, name := range names {
			page := filepath.Join(r.out, "html", strings.TrimSuffix(name, ".ipynb")+".html")
			if _, err := os.Stat(page); err != nil {
				continue // its run failed before the export and says so above
			}
			if !br.checkPage(ctx, page, o) {
				ok[name] = false
			}
		}
	}
	// The live UI check belongs to its notebook; it is skipped when that
	// notebook is not among those checked (make test checks them all).
	if live := filepath.Base(o.notebook); o.live && ctx.Err() == nil {
		if _, checked := ok[live]; checked {
			ok[live] = br.checkLive(ctx, o) && ok[live]
		} else {
			fmt.Printf("SKIP live %s  not among the notebooks checked\n", live)
		}
	}
	if ctx.Err() != nil {
		fmt.Println("FAIL interrupted")
		return summary(0, len(names))
	}
	passed := 0
	for _, name := range names {
		if ok[name] {
			passed++
		}
	}
	return summary(passed, len(names)-passed)
}
