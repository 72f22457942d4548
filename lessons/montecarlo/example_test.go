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
	for _, r := range montecarlo.ErrorVsSamples(7, 1) {
		fmt.Printf("%8d points: error within 6 sigma: %v\n", r.N, r.Err < 6*r.StdErr)
	}
	// Output:
	//      100 points: error within 6 sigma: true
	//     1000 points: error within 6 sigma: true
	//    10000 points: error within 6 sigma: true
	//   100000 points: error within 6 sigma: true
	//  1000000 points: error within 6 sigma: true
	// 10000000 points: error within 6 sigma: true
}

func ExampleExpectedError() {
	fmt.Printf("%.4f %.6f\n", montecarlo.ExpectedError(100), montecarlo.ExpectedError(1_000_000))
	// Output: 0.1642 0.001642
}

func ExampleAccuracyTable() {
	t := montecarlo.AccuracyTable{{N: 100, Pi: 3.2, Err: 0.0584, StdErr: 0.1642}}
	fmt.Print(t)
	// Output:
	//      samples  estimate   |error|    expected error
	//          100  3.200000   0.058400   0.164200
}

func ExampleAccuracy() {
	r := montecarlo.ErrorVsSamples(2, 1)[0]
	fmt.Println(r.N, r.Err == math.Abs(r.Pi-math.Pi))
	// Output: 100 true
}
