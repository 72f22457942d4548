package montecarlo_test

import (
	"fmt"
	"math"

	"parallelgo.dev/course/lessons/montecarlo"
)

func ExampleSample() {
	pi := montecarlo.Sample(100_000) // a fresh seed each call
	fmt.Println(math.Abs(pi-math.Pi) < 0.05)
	// Output: true
}

func ExampleSampleSeeded() {
	a := montecarlo.SampleSeeded(100_000, 1)
	b := montecarlo.SampleSeeded(100_000, 1)
	fmt.Println(a == b, math.Abs(a-math.Pi) < 0.05)
	// Output: true true
}

func ExampleInside() {
	n := 10_000
	in := montecarlo.Inside(n, 1)
	fmt.Println(in > 7500 && in < 8200, 4*float64(in)/float64(n) == montecarlo.SampleSeeded(n, 1))
	// Output: true true
}

func ExampleInputs() {
	// KIT_SCALE=0.01 in these tests; 1 in the lesson gives [100000 3200000].
	fmt.Println(montecarlo.Inputs(), montecarlo.Small, montecarlo.Large)
	// Output: [1000 32000] 100000 3200000
}

func ExampleSplit() {
	fmt.Println(montecarlo.Split(10, 3))
	fmt.Println(montecarlo.Split(3_200_000, 4))
	fmt.Println(montecarlo.Split(2, 5))
	// Output:
	// [4 3 3]
	// [800000 800000 800000 800000]
	// [1 1]
}

func ExampleEstimate() {
	one := montecarlo.Estimate(1_000_000, 8, 1, 42)
	four := montecarlo.Estimate(1_000_000, 8, 4, 42)
	fmt.Println(one == four)
	// Output: true
}

func ExampleMean() {
	fmt.Println(montecarlo.Mean([]float64{3.143, 3.141715}))
	// Output: 3.1423575
}

func ExampleErrorVsSamples() {
	t := montecarlo.ErrorVsSamples(6, 20, 1)
	for _, r := range t {
		fmt.Printf("%8d points: RMS error within a factor 2 of expected: %v\n", r.N, r.Err > r.StdErr/2 && r.Err < 2*r.StdErr)
	}
	fmt.Printf("slope of log error against log points: %.1f\n", t.Slope())
	// Output:
	//      100 points: RMS error within a factor 2 of expected: true
	//     1000 points: RMS error within a factor 2 of expected: true
	//    10000 points: RMS error within a factor 2 of expected: true
	//   100000 points: RMS error within a factor 2 of expected: true
	//  1000000 points: RMS error within a factor 2 of expected: true
	// slope of log error against log points: -0.5
}

func ExampleExpectedError() {
	fmt.Printf("%.4f %.6f\n", montecarlo.ExpectedError(100), montecarlo.ExpectedError(1_000_000))
	// Output: 0.1642 0.001642
}

func ExampleAccuracyTable() {
	t := montecarlo.AccuracyTable{{N: 100, Runs: 12, Pi: 3.2, Err: 0.0584, StdErr: 0.1642}}
	fmt.Print(t)
	// Output:
	// samples  runs  mean estimate  RMS error  expected error
	//     100    12       3.200000   0.058400        0.164200
}

func ExampleAccuracyTable_Chart() {
	t := montecarlo.AccuracyTable{{N: 100, Runs: 12, Pi: 3.2, Err: 0.0584, StdErr: 0.1642}}
	fmt.Print(t.Chart()) // in a notebook, kit.Show(t) draws it above the table
	// Output:
	// Error of the estimate against the number of samples
	// series                  samples n   error
	// RMS error (measured)          100  0.0584
	// expected error 1.64/√n        100   0.164
}

func ExampleAccuracy() {
	r := montecarlo.ErrorVsSamples(2, 1, 1)[0]
	fmt.Println(r.N, r.Runs, r.Err == math.Abs(r.Pi-math.Pi)) // one run: its error is the RMS error
	// Output: 100 1 true
}
