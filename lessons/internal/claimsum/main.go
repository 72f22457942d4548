// Command claimsum counts the claims in executed notebooks: the lines that
// kit.Expect's Check printed, starting with kit.ClaimHeld or kit.ClaimMissed.
// It prints one line per notebook, "held/total", followed by every claim that
// did not hold with the reason the run gave, so that an author sees at once
// which sentence of which lesson the machine disagreed with.
//
//	go run ./lessons/internal/claimsum build/executed/*.ipynb
//
// With -ran it fails (exit status 1) if a notebook printed no claim at all,
// or if a row of its kit.Reference table found no claim of the run (a
// headline whose sentence the lesson changed): the check for a scaled-down
// test run, where timings mean little but every claim must still have been
// reached. With -html it writes the same summary
// as the index page of a published run instead (make site), each notebook
// linked to NAME.html beside it. With -reference FILE it also records every
// claim's measured value in FILE, with this machine's description, the date
// and -scale: the reference run that kit.Reference shows beside a learner's
// run (make site writes notebooks/reference.json this way, never by hand).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"parallelgo.dev/course/internal/claims"
	"parallelgo.dev/course/kit"
)

// tally is the claims of one notebook.
type tally struct {
	name   string
	held   int
	missed []string // the lines of the claims that did not hold
	claims []claims.Record
	// unmatched are the rows of the lesson's kit.Reference table that found
	// no claim of the run: a headline whose sentence the lesson changed.
	unmatched []string
}

func (t tally) total() int { return t.held + len(t.missed) }

func main() {
	ran := flag.Bool("ran", false, "fail if a notebook printed no claim")
	asHTML := flag.Bool("html", false, "write an HTML index page linking NAME.html for each notebook")
	refPath := flag.String("reference", "", "also record every claim's measurement as a reference run in this JSON file")
	scale := flag.Float64("scale", 1, "the KIT_SCALE the notebooks ran at, recorded with -reference")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: claimsum [-ran] [-html] [-reference FILE -scale S] executed.ipynb...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	var tallies []tally
	for _, path := range flag.Args() {
		t, err := count(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "claimsum:", err)
			os.Exit(2)
		}
		tallies = append(tallies, t)
	}
	var ref *claims.Reference
	if *refPath != "" {
		r := reference(tallies, *scale, kit.SysInfo(), time.Now())
		if err := writeReference(*refPath, r); err != nil {
			fmt.Fprintln(os.Stderr, "claimsum:", err)
			os.Exit(2)
		}
		ref = &r
	}
	write := report
	if *asHTML {
		write = func(w io.Writer, t []tally) int { return reportHTML(w, t, ref) }
	}
	if bad := write(os.Stdout, tallies); *ran && bad > 0 {
		fmt.Fprintf(os.Stderr, "claimsum: %d notebook(s) printed no claim, or a reference table row that matched none: did they run to the end?\n", bad)
		os.Exit(1)
	}
}

// report writes the summary and returns how many notebooks had no claim, or
// a headline in their kit.Reference table that matched none.
func report(w io.Writer, tallies []tally) (none int) {
	held, total := 0, 0
	for _, t := range tallies {
		fmt.Fprintf(w, "%-40s claims held %d/%d\n", t.name, t.held, t.total())
		held, total = held+t.held, total+t.total()
		if t.total() == 0 {
			none++
		}
	}
	fmt.Fprintf(w, "%-40s claims held %d/%d\n", "all notebooks", held, total)
	for _, t := range tallies {
		for _, m := range t.missed {
			fmt.Fprintf(w, "\n%s: %s\n", t.name, m)
		}
		for _, u := range t.unmatched {
			fmt.Fprintf(w, "\n%s: a headline of its kit.Reference table matches no claim of the run: %s\n", t.name, u)
		}
		if len(t.unmatched) > 0 {
			none++
		}
	}
	return none
}

// reference is the reference run the tallies make, on machine at now.
func reference(tallies []tally, scale float64, s kit.System, now time.Time) claims.Reference {
	// What the machine is, not a moment's state of it (its free memory).
	machine := claims.Machine{CPUModel: s.CPUModel, PhysicalCores: s.PhysicalCores, LogicalCores: s.LogicalCores,
		GOMAXPROCS: s.GOMAXPROCS, CPUQuota: s.CPUQuota, MemoryTotal: s.MemoryTotal, GoVersion: s.GoVersion, OS: s.OS}
	r := claims.Reference{Date: now.UTC().Format("2006-01-02"), Scale: scale, Machine: machine, Lessons: map[string][]claims.Record{}}
	for _, t := range tallies {
		r.Lessons[t.name] = t.claims
	}
	return r
}

func writeReference(path string, r claims.Reference) error {
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// reportHTML is report as the index page of a published run; ref, when
// given, is the run's machine and date.
func reportHTML(w io.Writer, tallies []tally, ref *claims.Reference) (none int) {
	fmt.Fprint(w, `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Parallel Go: the reference run</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.2em .8em;text-align:left}.miss{color:#a40}</style>
</head><body><h1>Parallel Go: the reference run</h1>
<p>Every lesson of the course, executed from start to end on one machine, with its outputs and charts
(the pages need no network). Each lesson states what it expects of its measurements; the last column
says how many of those claims this run agreed with. Where one did not, the lesson's page says why, and
so does the list below. Each lesson ends with a table of its headline figures: the Python source
lesson's, this reference run's, and, when you run the notebook, yours.</p>
`)
	if ref != nil {
		m := ref.Machine
		fmt.Fprintf(w, "<p>Run of %s at KIT_SCALE=%g on %d logical cores (%d physical, GOMAXPROCS %d), %s, %s, %s.</p>\n",
			html.EscapeString(ref.Date), ref.Scale, m.LogicalCores, m.PhysicalCores, m.GOMAXPROCS,
			html.EscapeString(m.CPUModel), html.EscapeString(m.GoVersion), html.EscapeString(m.OS))
	}
	fmt.Fprint(w, "<table><tr><th>lesson</th><th>claims held</th></tr>\n")
	for _, t := range tallies {
		fmt.Fprintf(w, "<tr><td><a href=\"%s.html\">%s</a></td><td>%d of %d</td></tr>\n",
			html.EscapeString(t.name), html.EscapeString(t.name), t.held, t.total())
		if t.total() == 0 {
			none++
		}
	}
	fmt.Fprint(w, "</table>\n")
	for _, t := range tallies {
		for _, m := range t.missed {
			fmt.Fprintf(w, "<p class=\"miss\"><b>%s</b>: %s</p>\n", html.EscapeString(t.name), html.EscapeString(m))
		}
	}
	fmt.Fprint(w, "</body></html>\n")
	return none
}

// count reads one executed notebook and counts its claim lines.
func count(path string) (tally, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return tally{}, err
	}
	var nb struct {
		Cells []struct {
			Outputs []struct {
				Text json.RawMessage `json:"text"` // a string or a list of strings
				Data struct {
					Plain json.RawMessage `json:"text/plain"` // what kit.Show displayed, as text
				} `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		return tally{}, fmt.Errorf("%s is not a notebook: %v", path, err)
	}
	t := tally{name: strings.TrimSuffix(filepath.Base(path), ".ipynb")}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			// Claims are printed lines; a Reference table is displayed.
			for _, line := range strings.Split(text(o.Text), "\n") {
				if r, ok := claims.Parse(line); ok {
					t.claims = append(t.claims, r)
				}
				switch {
				case strings.HasPrefix(line, kit.ClaimHeld):
					t.held++
				case strings.HasPrefix(line, kit.ClaimMissed):
					t.missed = append(t.missed, line)
				}
			}
			for _, line := range strings.Split(text(o.Data.Plain), "\n") {
				if strings.HasSuffix(strings.TrimSpace(line), claims.NotRun) {
					t.unmatched = append(t.unmatched, strings.TrimSpace(line))
				}
			}
		}
	}
	return t, nil
}

// text joins a notebook output's text, which nbformat allows as one string
// or as a list of lines.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	_ = json.Unmarshal(raw, &lines) // anything else has no text to count
	return strings.Join(lines, "")
}
