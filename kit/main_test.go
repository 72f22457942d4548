package kit

import (
	"os"
	"testing"
)

// TestMain starts kit's tests. A program built with -race sleeps a second
// when it exits, for other goroutines to report races; the worker
// processes that tests start and stop by the hundred are told not to,
// unless GORACE says otherwise, so that `go test -race` takes half as long.
func TestMain(m *testing.M) {
	if _, set := os.LookupEnv("GORACE"); !set {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	os.Exit(m.Run())
}
