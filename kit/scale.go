package kit

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"sync"
	"time"
)

// ScaleEnv is the environment variable that shrinks the lessons' workloads.
// KIT_SCALE=1 (the default) reproduces the source lessons' sizes; KIT_SCALE=0.01
// makes every sleep and loop a hundred times shorter, which is what the tests use.
const ScaleEnv = "KIT_SCALE"

var scaleOnce = sync.OnceValue(func() float64 {
	s, err := parseScale(os.Getenv(ScaleEnv))
	if err != nil {
		// A typo must not silently run a 20-minute lesson: say so and use 1.
		fmt.Fprintf(os.Stderr, "kit: %v; using %s=1\n", err, ScaleEnv)
		return 1
	}
	return s
})

func parseScale(v string) (float64, error) {
	if v == "" {
		return 1, nil
	}
	s, err := strconv.ParseFloat(v, 64)
	if err != nil || s <= 0 || math.IsInf(s, 0) || math.IsNaN(s) {
		return 0, fmt.Errorf("%s=%q is not a positive number", ScaleEnv, v)
	}
	return s, nil
}

// Scale reports the factor read from KIT_SCALE: 1 unless the environment says
// otherwise. It is read once per process.
func Scale() float64 { return scaleOnce() }

// Seconds converts a duration in seconds, as the source lessons write them
// (time.sleep(1.5)), into a time.Duration shrunk by [Scale].
func Seconds(s float64) time.Duration {
	return time.Duration(s * Scale() * float64(time.Second))
}

// Scaled shrinks a count (loop iterations, rows, samples) by [Scale], never
// below 1, so that a scaled-down lesson still does some work.
func Scaled(n int) int {
	m := int(math.Round(float64(n) * Scale()))
	if m < 1 {
		return 1
	}
	return m
}
