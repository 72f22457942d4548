// Command nbcheck runs and checks the course notebooks: headless on the GoNB
// kernel, in the browser, and as committed.
//
// Usage (from anywhere in the repository; -root overrides the search for the
// repository root, the nearest parent holding notebooks/):
//
//	nbcheck all [run's and browser's flags] [notebooks...]
//	nbcheck run [-scale 0.02] [-out build] [-kernel gonb-raw] [-timeout 10m] [notebooks...]
//	nbcheck strip [-check] [notebooks...]
//	nbcheck browser [-out build] [-scale 0.02] [-notebook notebooks/00-getting-started.ipynb]
//
// With no notebooks named, every notebooks/*.ipynb of the repository is used.
//
// run executes each notebook, one at a time, with `jupyter nbconvert
// --execute --allow-errors` and KIT_SCALE set, into OUT/executed, exports it
// to OUT/html, and prints one line per notebook:
//
//	PASS 00-getting-started.ipynb  12 cells  8.3s
//	FAIL 01-concurrency.ipynb  cell 7: error in an untagged cell: panic: boom (exit status 2)  (14 cells  9.1s)
//
// then a closing line "N passed, M failed"; the exit status is 1 when any
// notebook failed. A notebook fails when its committed file carries outputs,
// execution counts or run metadata, or when, after the run, a code cell
//   - has an error output and is not tagged raises-exception,
//   - is tagged raises-exception and did not fail,
//   - did not run, or
//   - shows no output although it runs code. Cells that only declare (func,
//     type, var, const, import, but not func main), only hold % magics
//     (%goflags, %env; not %%, %main, %test) or ! shell lines, and cells
//     tagged no-output may stay silent.
//
// "cell N" is the N-th code cell, the In [N] prompt of the executed notebook.
// The -kernel default, gonb-raw, is GoNB installed with --raw_error (plain
// text errors); when it is not installed, run falls back to gonb.
//
// strip removes outputs, execution counts and run metadata (nbclient's
// execution timestamps, widget state, the trust signature, language_info's
// version) in place, keeping tags and everything else, and writes the file
// the way Jupyter does (sorted keys, one-space indent, trailing newline).
// It is idempotent. With -check it changes nothing and exits 1 listing the
// notebooks that need stripping.
//
// browser drives headless Chromium (/usr/bin/chromium, never downloaded)
// through go-rod, with every http(s) request outside the live server blocked:
//   - it loads every OUT/html/*.html page from file:// and requires every
//     chart container, an element carrying the attribute data-kit-chart, to
//     hold a <canvas> whose pixels are not all one colour (blocked CDN
//     scripts of nbconvert's template are only noted);
//   - it mirrors the repository into a temporary folder (notebooks/ copied,
//     the rest symlinked, so the committed files are never touched and a
//     notebook's set-up cell still finds the course module), starts the
//     classic Notebook server there with a random token (passed in
//     JUPYTER_TOKEN, never on the command line; auth is never turned off),
//     checks that /api/contents and /tree without the token are refused
//     (403 or a redirect to /login), runs all cells of one notebook in the
//     live UI, applies the same cell checks to the live notebook, requires at
//     least one drawn chart, and saves OUT/screenshots/NAME.png.
//
// all, what `make test` runs, does run and then browser over the same
// notebooks, and counts a notebook as passed only when its run, its exported
// page and (for the one notebook run live) its live run all passed; its
// closing line "N passed, M failed" counts notebooks.
//
// The server, its kernels and the browser are stopped on every path out,
// Ctrl-C included. -pages=false or -live=false skips a part.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var code int
	switch os.Args[1] {
	case "run":
		code = cmdRun(os.Args[2:])
	case "all":
		code = cmdAll(os.Args[2:])
	case "strip":
		code = cmdStrip(os.Args[2:])
	case "browser":
		code = cmdBrowser(os.Args[2:])
	case "help", "-h", "-help", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "nbcheck: unknown command %q\n", os.Args[1])
		usage()
		code = 2
	}
	os.Exit(code)
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  nbcheck all [run's and browser's flags] [notebooks...]
  nbcheck run [-scale 0.02] [-out build] [-kernel gonb-raw] [-timeout 10m] [notebooks...]
  nbcheck strip [-check] [notebooks...]
  nbcheck browser [-out build] [-scale 0.02] [-notebook notebooks/00-getting-started.ipynb]
Run "nbcheck CMD -h" for a command's flags; "go doc" in tools/nbcheck explains the checks.
`)
}

// newFlagSet is a subcommand's flag set, whose -h prints
// "usage: nbcheck NAME ARGS" and the flags.
func newFlagSet(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: nbcheck %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}
