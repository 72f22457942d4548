package kit

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parallelgo.dev/course/internal/claims"
)

// Every line Check prints must read back as the record it came from: the
// reference run is made by reading those lines out of executed notebooks.
func TestParseClaimReadsVerdict(t *testing.T) {
	calm := machine{cores: 2, others: 0, wall: 2e9, scale: 1}
	busy := machine{cores: 2, others: 1.5, wall: 2e9, scale: 1}
	for _, tc := range []struct {
		says string
		want Want
		got  float64
		m    machine
	}{
		{"Threads(2) about twice as fast as Serial", About(2, 0.25), 1.92, calm},
		{"SumShared slower than one goroutine alone (time ratio)", AtLeast(1), 0.5, busy},
		{"copying 1200 numbers", Between(1000, 2000), 1200, calm},
		{"a tiny cost", AtMost(1e-6), 3.5e-7, calm},
		{"missed on a calm machine (no reason visible)", AtLeast(2), 1, calm},
	} {
		c := &Claim{says: tc.says, want: tc.want, workers: 2}
		rec, line := c.verdict(tc.got, tc.m)
		held := rec.Held
		r, ok := claims.Parse(line)
		if !ok {
			t.Fatalf("claims.Parse(%q) failed", line)
		}
		if !held && r.Reason == "" {
			t.Errorf("claims.Parse(%q) lost the reason", line)
		}
		if r.Claim != tc.says || r.Held != held || r.Expected != tc.want.String() || math.Abs(r.Measured-tc.got) > 0.01*math.Abs(tc.got) {
			t.Errorf("claims.Parse(%q) = %+v, want claim %q held %v expected %q measured %v", line, r, tc.says, held, tc.want, tc.got)
		}
	}
}

func TestReferenceTable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "reference.json")
	ref := `{"date":"2026-12-04","scale":1,"machine":{"LogicalCores":2,"PhysicalCores":1,"GOMAXPROCS":2,"GoVersion":"go1.26"},
	 "lessons":{"03-cpu-bound":[{"claim":"Threads(2) close to the ideal 2x","measured":1.9,"expected":"≥ 1.6","held":true}]}}`
	if err := os.WriteFile(path, []byte(ref), 0o644); err != nil {
		t.Fatal(err)
	}
	mine := []claims.Record{{Claim: "Threads(8) close to the ideal 8x", Measured: 5, Expected: "≥ 6.4", Held: false, Reason: "other programs kept 3 of the 8 cores busy"}}
	heads := []Headline{{Claim: "Threads(*) close to the ideal *x", Source: "Pool(4) 7.13 s"}, {Claim: "never checked"}}
	tab := referenceTable("03-cpu-bound", path, mine, false, heads)
	if tab.refErr != nil {
		t.Fatal(tab.refErr)
	}
	text := tab.String()
	for _, want := range []string{"Reference run of 2026-12-04 at KIT_SCALE=1: 2 logical cores", "1.9 (held)", "5 (did not hold: other programs kept 3 of the 8 cores busy)",
		"Pool(4) 7.13 s", "≥ 6.4", "(no such figure)", "not recorded", "not run yet"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
	if h := tab.HTML(); !strings.Contains(h, "<table") || !strings.Contains(h, "1.9 (held)") {
		t.Errorf("HTML lacks the table or a value: %s", h)
	}

	missing := referenceTable("03-cpu-bound", filepath.Join(dir, "none.json"), nil, false, heads)
	if !strings.Contains(missing.String(), "no reference run recorded yet") {
		t.Errorf("a missing file should say so:\n%s", missing)
	}
	self := referenceTable("03-cpu-bound", path, mine, true, heads)
	if s := self.String(); strings.Contains(s, "reference run  ") || !strings.Contains(s, "recorded as the reference") {
		t.Errorf("the reference run itself should show one measured column:\n%s", s)
	}
}

// This run's claims outlive a GoNB cell: they are kept in the kernel's folder.
func TestRecordClaimInKernelFolder(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	recordClaim(claims.Record{Claim: "a", Measured: 1, Held: true})
	recordClaim(claims.Record{Claim: "b", Measured: 2})
	recordClaim(claims.Record{Claim: "a", Measured: 3}) // checked again: the newer value counts
	got := sessionClaims()
	if len(got) != 2 || got[0].Claim != "b" || got[1].Measured != 3 {
		t.Errorf("session claims = %+v, want b then a=3", got)
	}
}
