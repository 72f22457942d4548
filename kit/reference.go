package kit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// ReferenceFile is where the reference run is recorded, relative to the course's root.
const ReferenceFile = "notebooks/reference.json"

// ReferenceRunEnv, set to 1, says that this run is the one `make site` records
// as the reference: [Reference] then shows this run's column as the reference.
const ReferenceRunEnv = "KIT_REFERENCE_RUN"

// ReferenceNotRun is what [Reference]'s table shows for a headline that this
// run did not check: a claim not reached yet, or a headline whose sentence no
// longer matches the lesson's claim (claimsum -ran fails on it).
const ReferenceNotRun = "not run yet: run the cells above"

// ReferenceRun is the content of [ReferenceFile]: what every lesson's claims
// measured in one run, and on what.
type ReferenceRun struct {
	Date    string                   `json:"date"`  // when the run was recorded, UTC, YYYY-MM-DD
	Scale   float64                  `json:"scale"` // the run's KIT_SCALE: 1 is the source lessons' sizes
	Machine System                   `json:"machine"`
	Lessons map[string][]ClaimRecord `json:"lessons"` // by notebook name without .ipynb, in the order the claims printed
}

// ClaimRecord is one checked claim as a run printed it.
type ClaimRecord struct {
	Claim    string  `json:"claim"`    // the sentence given to Expect
	Measured float64 `json:"measured"` // the value Check was given
	Expected string  `json:"expected"` // the expectation, as the line printed it
	Held     bool    `json:"held"`
	Reason   string  `json:"reason,omitempty"` // for a miss, the likely reason the run gave
}

// claimReasonSep ends a missed claim's numbers and starts its reasons in the
// line Claim.verdict prints (TestParseClaimReadsVerdict keeps the two in step).
const claimReasonSep = "); likely reason: "

// ParseClaim reads a line printed by [Claim.Check] back into a record. It
// reports false for any other line.
func ParseClaim(line string) (ClaimRecord, bool) {
	var r ClaimRecord
	switch {
	case strings.HasPrefix(line, ClaimHeld):
		r.Held, line = true, strings.TrimPrefix(line, ClaimHeld)
	case strings.HasPrefix(line, ClaimMissed):
		line = strings.TrimPrefix(line, ClaimMissed)
	default:
		return r, false
	}
	// The sentence may hold parentheses of its own: the numbers are in the
	// last "(measured ..., expected ...)" of the line.
	const open = " (measured "
	i := strings.LastIndex(line, open)
	if i < 0 {
		return r, false
	}
	r.Claim = strings.TrimSpace(line[:i])
	rest := line[i+len(open):]
	num, rest, ok := strings.Cut(rest, ", expected ")
	if !ok {
		return r, false
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return r, false
	}
	r.Measured = v
	// A reason may hold parentheses too; an expectation ("2 ± 25%", "≥ 1") never does.
	if exp, why, ok := strings.Cut(rest, claimReasonSep); ok {
		r.Expected, r.Reason = exp, why
	} else if j := strings.LastIndex(rest, ")"); j >= 0 {
		r.Expected = rest[:j]
	}
	return r, true
}

// LoadReference reads a reference run recorded by `make site`.
func LoadReference(path string) (ReferenceRun, error) {
	var ref ReferenceRun
	b, err := os.ReadFile(path)
	if err != nil {
		return ref, err
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		return ref, fmt.Errorf("%s is not a reference run: %v", path, err)
	}
	return ref, nil
}

// Find returns the record of a lesson's claim whose sentence matches claim,
// in which a * stands for any text (a sentence that names this machine's
// cores reads differently on another machine), and false if the run recorded
// none.
func (ref ReferenceRun) Find(lesson, claim string) (ClaimRecord, bool) {
	return findClaim(ref.Lessons[lesson], claim)
}

func findClaim(recs []ClaimRecord, claim string) (ClaimRecord, bool) {
	for _, r := range recs {
		if matchClaim(claim, r.Claim) {
			return r, true
		}
	}
	return ClaimRecord{}, false
}

// matchClaim reports whether sentence matches pattern, where each * in
// pattern stands for any text, possibly empty.
func matchClaim(pattern, sentence string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == sentence
	}
	if !strings.HasPrefix(sentence, parts[0]) {
		return false
	}
	rest := sentence[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	last := parts[len(parts)-1]
	return len(rest) >= len(last) && strings.HasSuffix(rest, last)
}

// This run's claims. A GoNB cell is a process of its own, so the claims a
// notebook checked are kept in a file of the kernel's build folder
// (GONB_TMP_DIR), which lives as long as the kernel; outside GoNB they are
// kept in memory.
var thisRun struct {
	sync.Mutex
	mem []ClaimRecord
}

func sessionClaimsFile() string {
	if dir := os.Getenv("GONB_TMP_DIR"); dir != "" {
		return filepath.Join(dir, "kit-claims.json")
	}
	return ""
}

// recordClaim keeps one checked claim for [Reference]: a newer check of the
// same sentence replaces the older one.
func recordClaim(r ClaimRecord) {
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

func sessionClaims() []ClaimRecord {
	thisRun.Lock()
	defer thisRun.Unlock()
	return sessionClaimsLocked()
}

func sessionClaimsLocked() []ClaimRecord {
	path := sessionClaimsFile()
	if path == "" {
		return append([]ClaimRecord(nil), thisRun.mem...)
	}
	var recs []ClaimRecord
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
// lesson, the reference run and this run. Show it with [Show].
type ReferenceTable struct {
	Lesson string
	Rows   []ReferenceRow
	// Ref is the recorded reference run; RefErr says why there is none.
	Ref    ReferenceRun
	RefErr error
	// IsReference reports that this run is the one being recorded
	// (KIT_REFERENCE_RUN=1, set by `make site`).
	IsReference bool
}

// ReferenceRow is one headline: Ref and This are the claim as the reference
// run and this run checked it, if they did.
type ReferenceRow struct {
	Headline
	Ref, This        ClaimRecord
	InRef, InThisRun bool
}

// Reference builds the table of a lesson's headlines (lesson is the notebook's
// name without .ipynb, e.g. "03-cpu-bound"). This run's column holds the claims
// checked since the kernel started, so run the lesson's cells first.
func Reference(lesson string, headlines ...Headline) ReferenceTable {
	path := ""
	if root := courseRoot(); root != "" {
		path = filepath.Join(root, ReferenceFile)
	}
	return referenceTable(lesson, path, sessionClaims(), os.Getenv(ReferenceRunEnv) == "1", headlines)
}

// referenceTable is Reference with its inputs given: the reference file's
// path ("" when the course's folder is unknown) and this run's claims.
func referenceTable(lesson, path string, mine []ClaimRecord, isRef bool, headlines []Headline) ReferenceTable {
	t := ReferenceTable{Lesson: lesson, IsReference: isRef}
	if path == "" {
		t.RefErr = errors.New("the course's folder was not found, so neither was " + ReferenceFile)
	} else {
		t.Ref, t.RefErr = LoadReference(path)
		if errors.Is(t.RefErr, os.ErrNotExist) {
			t.RefErr = errors.New("no reference run recorded yet: `make site` records one in " + ReferenceFile)
		}
	}
	for _, h := range headlines {
		row := ReferenceRow{Headline: h}
		row.Ref, row.InRef = t.Ref.Find(lesson, h.Claim)
		row.This, row.InThisRun = findClaim(mine, h.Claim)
		t.Rows = append(t.Rows, row)
	}
	return t
}

// columns are the table's header and cells, shared by String and HTML.
func (t ReferenceTable) columns() (head []string, cells [][]string) {
	head = []string{"claim", "expected", "source lesson"}
	if !t.IsReference {
		head = append(head, "reference run")
	}
	this := "this run"
	if t.IsReference {
		this = "this run (recorded as the reference)"
	}
	head = append(head, this)
	for _, r := range t.Rows {
		source := r.Source
		if source == "" {
			source = "(no such figure)"
		}
		// This run's sentence and expectation, else the reference's: they differ only where the
		// sentence names the machine's cores (a * in the headline), or the lesson changed.
		claim, expected := r.Claim, ""
		switch {
		case r.InThisRun:
			claim, expected = r.This.Claim, r.This.Expected
		case r.InRef:
			claim, expected = r.Ref.Claim, r.Ref.Expected
		}
		row := []string{claim, expected, source}
		if !t.IsReference {
			row = append(row, claimCell(r.Ref, r.InRef, "not recorded"))
		}
		row = append(row, claimCell(r.This, r.InThisRun, ReferenceNotRun))
		cells = append(cells, row)
	}
	return head, cells
}

// claimCell is a measured value with whether its claim held and, if not,
// the reason the run gave: a reference that missed says why, too.
func claimCell(r ClaimRecord, ok bool, missing string) string {
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
	if t.IsReference {
		return fmt.Sprintf("This run (KIT_SCALE=%s) is a reference run: `make site` records its claims, at KIT_SCALE=1 in %s.", num(Scale()), ReferenceFile)
	}
	if t.RefErr != nil {
		return "Reference run: " + t.RefErr.Error() + "."
	}
	m := t.Ref.Machine
	return fmt.Sprintf("Reference run of %s at KIT_SCALE=%s: %d logical cores (%d physical, GOMAXPROCS %d), %s, %s, %s.",
		t.Ref.Date, num(t.Ref.Scale), m.LogicalCores, m.PhysicalCores, m.GOMAXPROCS, orUnknown(m.CPUModel), m.GoVersion, m.OS)
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
