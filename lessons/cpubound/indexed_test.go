package cpubound

import (
	"slices"
	"testing"
)

func TestCountMatchesIndexed(t *testing.T) {
	a := [][]int{{1, 2}, {3, 4}, {1, 2}, {5, 6}}
	b := [][]int{{1, 2}, {1, 2}, {3, 4}, {12, 34}}
	if got := CountMatchesIndexed(a, b); !slices.Equal(got, []int{2, 1, 2, 0}) {
		t.Errorf("CountMatchesIndexed = %v", got)
	}
	// {1, 23} and {12, 3} must not collide.
	if got := CountMatchesIndexed([][]int{{1, 23}}, [][]int{{12, 3}}); got[0] != 0 {
		t.Errorf("rows {1,23} and {12,3} counted as equal")
	}
	x, y := LoopInputs(1) // 632 rows at KIT_SCALE=0.001
	want := CountMatches(x, y)
	if got := CountMatchesIndexed(x, y); !slices.Equal(got, want) {
		t.Errorf("CountMatchesIndexed disagrees with the nested loop")
	}
	// With only 3 possible values per column, matches are certain.
	p, q := RandomRows(200, 2, 5), RandomRows(200, 2, 6)
	for i := range p {
		for j := range p[i] {
			p[i][j] %= 3
			q[i][j] %= 3
		}
	}
	if got, want := CountMatchesIndexed(p, q), CountMatches(p, q); !slices.Equal(got, want) || slices.Max(got) == 0 {
		t.Errorf("indexed %v, nested %v", got[:5], want[:5])
	}
}
