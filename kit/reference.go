package kit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"parallelgo.dev/course/internal/claims"
)

// A lesson's conclusions rest on measurements, and a learner's machine may be
// too small or too busy to show them (Binder gives one or two cores). The
// reference run is the course's answer: `make site` executes every notebook at
// full size on one machine, publishes the pages, and records what every claim
// ([Expect]) measured there in notebooks/reference.json, with that machine's
// description and the date. A program writes that file, never a person.
//
// [Reference] then puts a lesson's headline claims in one table: what the
// Python source lesson reported (a quotation, given by the lesson), what the
// reference run measured, and what this run measured, so that a learner sees
// the conclusion even when their own column disagrees, and sees why.

// This run's claims. A GoNB cell is a process of its own, so the claims a
// notebook checked are kept in a file of the kernel's build folder
// (GONB_TMP_DIR), which lives as long as the kernel; outside GoNB they are
// kept in memory.
var thisRun struct {
	sync.Mutex
	mem []claims.Record
}

func sessionClaimsFile() string {
	if dir := os.Getenv("GONB_TMP_DIR"); dir != "" {
		return filepath.Join(dir, "kit-claims.json")
	}
	return ""
}

// recordClaim keeps one checked claim for [Reference]: a newer check of the
// same sentence replaces the older one.
func recordClaim(r claims.Record) {
	thisRun.Lock()
	defer thisRun.Unlock()
	recs := sessionClaimsLocked()
	for i := range recs {
		if recs[i].Claim == r.Claim {
			recs = append(recs[:i], recs[i+1:]...)
			break
		}
	}
	recs = append(recs, r)
	thisRun.mem = recs
	if path := sessionClaimsFile(); path != "" {
		if b, err := json.Marshal(recs); err == nil {
			_ = os.WriteFile(path, b, 0o644) // a lost record only leaves a cell of the table empty
		}
	}
}

func sessionClaims() []claims.Record {
	thisRun.Lock()
	defer thisRun.Unlock()
	return sessionClaimsLocked()
}

func sessionClaimsLocked() []claims.Record {
	path := sessionClaimsFile()
	if path == "" {
		return append([]claims.Record(nil), thisRun.mem...)
	}
	var recs []claims.Record
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &recs) // unreadable: start again
	}
	return recs
}

// Headline is one headline result of a lesson for [Reference]: the claim that
// checks it, as given to [Expect] (or the start of that sentence), and what the
// Python source lesson reported for the same experiment, quoted, or "" where
// the source has no such figure.
type Headline struct {
	Claim  string
	Source string
}

// ReferenceTable is a lesson's headline claims in three columns: the source
// lesson, the reference run and this run. It prints as text and shows as an
// HTML table: show it with [Show].
type ReferenceTable struct {
	lesson string
	rows   []referenceRow
	ref    claims.Reference // the recorded reference run
	refErr error            // why there is none
	// isReference reports that this run is the one being recorded
	// (KIT_REFERENCE_RUN=1, set by `make site`).
	isReference bool
}

// referenceRow is one headline, with the claim as the reference run and
// this run checked it, if they did.
type referenceRow struct {
	Headline
	ref, this        claims.Record
	inRef, inThisRun bool
}

// Reference builds the table of a lesson's headlines (lesson is the notebook's
// name without .ipynb, e.g. "03-cpu-bound"). This run's column holds the claims
// checked since the kernel started, so run the lesson's cells first.
func Reference(lesson string, headlines ...Headline) ReferenceTable {
	path := ""
	if root := courseRoot(); root != "" {
		path = filepath.Join(root, claims.File)
	}
	return referenceTable(lesson, path, sessionClaims(), os.Getenv(claims.RunEnv) == "1", headlines)
}

// referenceTable is Reference with its inputs given: the reference file's
// path ("" when the course's folder is unknown) and this run's claims.
func referenceTable(lesson, path string, mine []claims.Record, isRef bool, headlines []Headline) ReferenceTable {
	t := ReferenceTable{lesson: lesson, isReference: isRef}
	if path == "" {
		t.refErr = errors.New("the course's folder was not found, so neither was " + claims.File)
	} else {
		t.ref, t.refErr = claims.Load(path)
		if errors.Is(t.refErr, os.ErrNotExist) {
			t.refErr = errors.New("no reference run recorded yet: `make site` records one in " + claims.File)
		}
	}
	for _, h := range headlines {
		row := referenceRow{Headline: h}
		row.ref, row.inRef = t.ref.Find(lesson, h.Claim)
		row.this, row.inThisRun = claims.Find(mine, h.Claim)
		t.rows = append(t.rows, row)
	}
	return t
}

// columns are the table's header and cells, shared by String and HTML.
func (t ReferenceTable) columns() (head []string, cells [][]string) {
	head = []string{"claim", "expected", "source lesson"}
	if !t.isReference {
		head = append(head, "reference run")
	}
	this := "this run"
	if t.isReference {
		this = "this run (recorded as the reference)"
	}
	head = append(head, this)
	for _, r := range t.rows {
		source := r.Source
		if source == "" {
			source = "(no such figure)"
		}
		// This run's sentence and expectation, else the reference's: they differ only where the
		// sentence names the machine's cores (a * in the headline), or the lesson changed.
		claim, expected := r.Claim, ""
		switch {
		case r.inThisRun:
			claim, expected = r.this.Claim, r.this.Expected
		case r.inRef:
			claim, expected = r.ref.Claim, r.ref.Expected
		}
		row := []string{claim, expected, source}
		if !t.isReference {
			row = append(row, claimCell(r.ref, r.inRef, "not recorded"))
		}
		row = append(row, claimCell(r.this, r.inThisRun, claims.NotRun))
		cells = append(cells, row)
	}
	return head, cells
}

// claimCell is a measured value with whether its claim held and, if not,
// the reason the run gave: a reference that missed says why, too.
func claimCell(r claims.Record, ok bool, missing string) string {
	switch {
	case !ok:
		return missing
	case r.Held:
		return num(r.Measured) + " (held)"
	case r.Reason != "":
		return fmt.Sprintf("%s (did not hold: %s)", num(r.Measured), r.Reason)
	}
	return num(r.Measured) + " (did not hold)"
}

// caption says what the reference run ran on, or why there is none.
func (t ReferenceTable) caption() string {
	if t.isReference {
		return fmt.Sprintf("This run (KIT_SCALE=%s) is a reference run: `make site` records its claims, at KIT_SCALE=1 in %s.", num(Scale()), claims.File)
	}
	if t.refErr != nil {
		return "Reference run: " + t.refErr.Error() + "."
	}
	m := t.ref.Machine
	return fmt.Sprintf("Reference run of %s at KIT_SCALE=%s: %d logical cores (%d physical, GOMAXPROCS %d), %s, %s, %s.",
		t.ref.Date, num(t.ref.Scale), m.LogicalCores, m.PhysicalCores, m.GOMAXPROCS, orUnknown(m.CPUModel), m.GoVersion, m.OS)
}

func orUnknown(s string) string {
	if s == "" {
		return "CPU unknown"
	}
	return s
}

// table is the reference table as kit's one [Table], every column left.
func (t ReferenceTable) table() Table {
	head, cells := t.columns()
	tb := Table{Caption: t.caption(), Header: head, Align: strings.Repeat("l", len(head))}
	for _, row := range cells {
		r := make([]any, len(row))
		for i, c := range row {
			r[i] = c
		}
		tb.Row(r...)
	}
	return tb
}

// String is the table as aligned text under its caption.
func (t ReferenceTable) String() string { return t.table().String() }

// HTML is the table with its caption.
func (t ReferenceTable) HTML() string { return t.table().HTML() }
