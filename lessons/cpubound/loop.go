package cpubound

import (
	"math"
	"math/rand/v2"
	"slices"

	"parallelgo.dev/course/kit"
)

// The shape of the nested comparison loop's inputs: Rows rows of Width random
// integers from 0 to High-1, as the source's
// np.random.randint(low=0, high=20, size=[20000, 5]).
const (
	Rows  = 20_000
	Width = 5
	High  = 20
)

// RandomRows returns n rows of width random integers in [0, High), the same
// rows for the same seed on every machine and Go version (PCG generator).
func RandomRows(n, width int, seed int64) [][]int {
	r := rand.New(rand.NewPCG(uint64(seed), 0))
	rows := make([][]int, n)
	for i := range rows {
		rows[i] = make([]int, width)
		for j := range rows[i] {
			rows[i][j] = r.IntN(High)
		}
	}
	return rows
}

// LoopInputs returns the two tables of the nested comparison loop: the rows
// to compare and the rows they are compared against, each Rows x Width,
// drawn from seed and seed+1.
//
// The loop does rows² comparisons, so the row count shrinks with the square
// root of KIT_SCALE: KIT_SCALE=0.01 gives 2,000 rows and a hundredth of the
// work.
func LoopInputs(seed int64) (a, b [][]int) {
	n := max(1, int(math.Round(Rows*math.Sqrt(kit.Scale()))))
	return RandomRows(n, Width, seed), RandomRows(n, Width, seed+1)
}

// CountMatches is the nested comparison loop: for each row of a, the number
// of rows of b equal to it, element by element.
//
// The source calls test_loop(values_to_compare, values_compared_against) from
// a helper module it does not show. We read it as "compare every row of the
// first list with every row of the second": Python's b.count(row) for each
// row, 20,000 x 20,000 = 4e8 row comparisons, which matches the 11.4 s the
// source measures. A count says more than a yes/no and costs the same.
//
// With 20 values in 5 columns there are 3.2 million possible rows, so most
// counts are 0.
func CountMatches(a, b [][]int) []int {
	counts := make([]int, len(a))
	countRange(a, b, counts, 0, len(a))
	return counts
}

// countRange fills counts[lo:hi] for rows a[lo:hi].
func countRange(a, b [][]int, counts []int, lo, hi int) {
	for i := lo; i < hi; i++ {
		n := 0
		for _, row := range b {
			if slices.Equal(a[i], row) {
				n++
			}
		}
		counts[i] = n
	}
}
