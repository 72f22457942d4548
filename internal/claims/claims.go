// Package claims is the record of the claims a lesson checks: the line
// kit's Claim.Check prints, read back into a Record, and the reference run
// that `make site` writes from those lines and kit.Reference shows beside a
// learner's own run.
//
// It lives outside kit because two programs share it: kit, which prints
// claims and reads the reference, and the course's claimsum command, which
// reads claims out of executed notebooks and writes the reference. Neither
// is part of kit's public face.
package claims

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The first words of the line a checked claim prints.
const (
	Held   = "claim held:"
	Missed = "claim did not hold:"
)

// ReasonSep ends a missed claim's numbers and starts its likely reasons.
const ReasonSep = "); likely reason: "

// File is where the reference run is recorded, relative to the course's root.
const File = "notebooks/reference.json"

// RunEnv, set to 1, says that this run is the one `make site` records as
// the reference.
const RunEnv = "KIT_REFERENCE_RUN"

// NotRun is what a reference table shows for a headline this run did not
// check: a claim not reached yet, or a headline that no longer matches the
// lesson's claim (claimsum -ran fails on it).
const NotRun = "not run yet: run the cells above"

// Record is one checked claim as a run printed it.
type Record struct {
	Claim    string  `json:"claim"`    // the sentence given to kit.Expect
	Measured float64 `json:"measured"` // the value Check was given
	Expected string  `json:"expected"` // the expectation, as the line printed it
	Held     bool    `json:"held"`
	Reason   string  `json:"reason,omitempty"` // for a miss, the likely reason the run gave
}

// Machine is what the reference run ran on (the fields of kit.System that
// the table's caption names, under the same JSON keys).
type Machine struct {
	CPUModel      string
	PhysicalCores int
	LogicalCores  int
	GOMAXPROCS    int
	CPUQuota      float64
	MemoryTotal   uint64
	GoVersion     string
	OS            string
}

// Reference is the content of [File]: what every lesson's claims measured
// in one run, and on what.
type Reference struct {
	Date    string              `json:"date"`  // when the run was recorded, UTC, YYYY-MM-DD
	Scale   float64             `json:"scale"` // the run's KIT_SCALE: 1 is the source lessons' sizes
	Machine Machine             `json:"machine"`
	Lessons map[string][]Record `json:"lessons"` // by notebook name without .ipynb, in the order the claims printed
}

// Parse reads a line printed by kit's Claim.Check back into a Record. It
// reports false for any other line.
func Parse(line string) (Record, bool) {
	var r Record
	switch {
	case strings.HasPrefix(line, Held):
		r.Held, line = true, strings.TrimPrefix(line, Held)
	case strings.HasPrefix(line, Missed):
		line = strings.TrimPrefix(line, Missed)
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
	if exp, why, ok := strings.Cut(rest, ReasonSep); ok {
		r.Expected, r.Reason = exp, why
	} else if j := strings.LastIndex(rest, ")"); j >= 0 {
		r.Expected = rest[:j]
	}
	return r, true
}

// Load reads a reference run recorded by `make site`.
func Load(path string) (Reference, error) {
	var ref Reference
	b, err := os.ReadFile(path)
	if err != nil {
		return ref, err
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		return ref, fmt.Errorf("%s is not a reference run: %v", path, err)
	}
	return ref, nil
}

// Find returns the record of a lesson's claim whose sentence matches claim
// (see [Find]), and false if the run recorded none.
func (ref Reference) Find(lesson, claim string) (Record, bool) {
	return Find(ref.Lessons[lesson], claim)
}

// Find returns the first record whose sentence matches claim, in which a *
// stands for any text (a sentence that names this machine's cores reads
// differently on another machine), and false if none does.
func Find(recs []Record, claim string) (Record, bool) {
	for _, r := range recs {
		if Match(claim, r.Claim) {
			return r, true
		}
	}
	return Record{}, false
}

// Match reports whether sentence matches pattern, where each * in pattern
// stands for any text, possibly empty.
func Match(pattern, sentence string) bool {
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
