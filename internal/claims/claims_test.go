package claims

import "testing"

func TestParseRejectsOtherLines(t *testing.T) {
	for _, line := range []string{"", "claim held: no numbers", "Wall time: 1 s", "claim held: x (measured abc, expected 1)"} {
		if r, ok := Parse(line); ok {
			t.Errorf("Parse(%q) = %+v, want false", line, r)
		}
	}
}

func TestParseKeepsParenthesesOfTheSentenceAndTheReason(t *testing.T) {
	line := Missed + " SumShared slower (time ratio) (measured 0.5, expected ≥ 1" + ReasonSep + "other programs (2 of them) were busy"
	r, ok := Parse(line)
	if !ok || r.Claim != "SumShared slower (time ratio)" || r.Measured != 0.5 || r.Expected != "≥ 1" || r.Held || r.Reason != "other programs (2 of them) were busy" {
		t.Errorf("Parse(%q) = %+v, %v", line, r, ok)
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, sentence string
		want              bool
	}{
		{"GIL(2) about as fast as Serial", "GIL(2) about as fast as Serial", true},
		{"GIL(2) about as fast", "GIL(2) about as fast as Serial", false},
		{"Threads(*) close to the ideal *x", "Threads(2) close to the ideal 2x", true},
		{"Threads(*) close to the ideal *x", "Threads(2) reaches the 12.5/8 limit", false},
		{"* goroutines faster than the serial loop", "16 goroutines faster than the serial loop", true},
		{"a*a", "a", false},
		{"a*a", "aa", true},
	} {
		if got := Match(tc.pattern, tc.sentence); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.sentence, got, tc.want)
		}
	}
}
