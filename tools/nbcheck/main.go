// Command nbcheck runs and checks the course notebooks: live in JupyterLab
// in headless Chromium, headless on the GoNB kernel, and as committed.
//
// Usage (from anywhere in the repository; -root overrides the search for the
// repository root, the nearest parent holding notebooks/):
//
//	nbcheck lab [-scale 0.02] [-out build] [-timeout 10m] [-pages] [-jupyter J] [notebooks...]
//	nbcheck all [lab's flags] [notebooks...]
//	nbcheck run [-scale 0.02] [-out build] [-kernel gonb-raw] [-timeout 10m] [notebooks...]
//	nbcheck browser [-out build] [-dir PAGES] [-offline]
//	nbcheck latency [-n 20] [-magic CELL] [-json FILE] [run's flags]
//	nbcheck strip [-check] [notebooks...]
//
// With no notebooks named, every notebooks/*.ipynb of the repository is used.
//
// lab starts JupyterLab (the repository's .venv/bin/jupyter, else jupyter on
// PATH, or -jupyter) on 127.0.0.1 with a random token (passed in
// JUPYTER_TOKEN, never on the command line; auth is never turned off) and
// KIT_SCALE in its environment, on a temporary mirror of the repository
// (notebooks/ copied, the rest symlinked, so the committed files are never
// touched and a notebook's set-up cell still finds the course module; a
// notebook from elsewhere is copied into the mirror's notebooks/). It
// checks that the server refuses /api/contents and /tree without the token
// (403 or a redirect to /login), then, for each notebook, in headless
// Chromium (/usr/bin/chromium, never downloaded; every http(s) request
// outside the server blocked), it opens the notebook in JupyterLab, runs
// all cells with JupyterLab's "Run All Cells" command, waits for the kernel
// to be idle, and fails the notebook when
//   - the live notebook model, read as nbformat JSON, fails the checks of
//     a headless run (below);
//   - a chart container (an element carrying data-kit-chart) holds no
//     <canvas> or only one whose pixels are all one colour;
//   - a cell tagged solution shows its source (it must carry metadata
//     jupyter.source_hidden, and none of its lines may be visible text);
//   - once saved and opened afresh in Notebook 7, or exported to HTML and
//     opened from file:// (-pages), its charts do not all draw again.
//
// It saves OUT/screenshots/NAME.png, the saved notebook in OUT/executed and
// the page in OUT/html, and prints one line per notebook:
//
//	PASS 00-getting-started.ipynb  31 cells  2 charts drawn  26.9s  screenshot build/screenshots/00-getting-started.png
//	FAIL bad.ipynb  cell 2: error in an untagged cell: panic: boom (exit status 2)  (32 cells  2 charts drawn  26.7s)
//
// then a closing line "N passed, M failed"; the exit status is 1 when any
// check failed. "cell N" is the N-th code cell, the In [N] prompt when every
// cell ran in order.
//
// all, what `make test` runs, does what lab does, then the interrupt check:
// in a scratch notebook it starts a kit.Processes run that would take
// minutes, presses the toolbar's interrupt button once the workers are up,
// and requires the cell to stop within 5 s, the next cell to run, and none
// of the cell's processes (found in /proc) to be left.
//
// run executes each notebook headless, one at a time, with `jupyter
// nbconvert --execute --allow-errors` and KIT_SCALE set, into OUT/executed,
// exports it to OUT/html, and prints PASS/FAIL lines as lab does; it suits
// long runs (-scale 1) with no browser. A notebook fails when its committed
// file carries outputs, execution counts or run metadata, or when, after
// the run, a code cell
//   - has an error output and is not tagged raises-exception,
//   - is tagged raises-exception and did not fail,
//   - did not run,
//   - has a display output with nothing to show (a progress bar blanked), or
//   - shows no output although it runs code. Cells that only declare (func,
//     type, var, const, import, but not func main), only hold % magics
//     (%goflags, %env; not %%, %main, %test) or ! shell lines, and cells
//     tagged no-output may stay silent.
//
// The -kernel default, gonb-raw, is GoNB installed with --raw_error (plain
// text errors); when it is not installed, run falls back to gonb. lab uses
// the kernel each notebook names (gonb), as a learner does.
//
// latency prints how long a trivial cell takes: a plain `%%` cell, one
// calling kit, and a declaration-only one, N of each in one notebook,
// interleaved one by one and timed by the kernel's clock each cell prints
// (so that kernel start-up drops out and every kind meets the same load);
// the figures are medians. -json merges the figures into
// a JSON file (make bench uses build/bench.json), and -magic runs a cell
// such as %noautoget before the timed blocks, to measure a GoNB setting.
//
// browser checks the charts of every OUT/html/*.html page that run wrote
// (or of the pages in -dir), with the network blocked; -offline also fails a
// page that asked for anything over the network (make site's published pages).
//
// strip removes outputs, execution counts and run metadata (nbclient's
// execution timestamps, widget state, the trust signature, language_info's
// version) in place, keeping tags and everything else, and writes the file
// the way Jupyter does (sorted keys, one-space indent, trailing newline).
// It is idempotent. With -check it changes nothing and exits 1 listing the
// notebooks that need stripping.
//
// The server, its kernels and the browser are stopped on every path out,
// Ctrl-C included.
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
	case "lab":
		code = cmdLab(os.Args[2:])
	case "latency":
		code = cmdLatency(os.Args[2:])
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
  nbcheck lab [-scale 0.02] [-out build] [-timeout 10m] [-pages] [-jupyter J] [notebooks...]
  nbcheck all [lab's flags] [notebooks...]
  nbcheck run [-scale 0.02] [-out build] [-kernel gonb-raw] [-timeout 10m] [notebooks...]
  nbcheck browser [-out build] [-dir PAGES] [-offline]
  nbcheck latency [-n 20] [-magic CELL] [-json FILE] [run's flags]
  nbcheck strip [-check] [notebooks...]
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
