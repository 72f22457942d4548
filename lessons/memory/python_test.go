package memory

import (
	"encoding/json"
	"testing"

	"parallelgo.dev/course/lessons/internal/pytest"
)

// TestSharedDictPy runs shared_dict.py: a loop and four threads fill the
// dict they are given, a pool of four processes leaves it empty, and every
// run returns Go's results.
func TestSharedDictPy(t *testing.T) {
	quiet(t)
	goIO := map[int]int{}
	goComp := map[int]float64{}
	var wantIO []int
	var wantComp []float64
	for i := range 4 {
		wantIO = append(wantIO, LongIO(i, goIO))
		wantComp = append(wantComp, LongComp(i, goComp))
	}
	for _, c := range []struct {
		work string
		want any
		full string
	}{
		{"io", wantIO, `{"0":0,"1":2,"2":4,"3":6}`},
		{"comp", wantComp, mustJSON(t, goComp)},
	} {
		py := pytest.On(t, []int{0, 1, 2, 3}, "shared_dict.py", "--work", c.work)
		pytest.Runs(t, py, "Python loop", "Python Thread×4", "Python Pool(4).apply_async")
		if err := py.Agrees(c.want); err != nil {
			t.Errorf("%s: %v", c.work, err)
		}
		for k, want := range []string{c.full, c.full, `{}`} {
			if got := compact(t, py.After[k]); got != want {
				t.Errorf("%s: after %s the dict holds %s, want %s", c.work, py.Runs[k].Executor, got, want)
			}
		}
	}
}

// mustJSON is v as compact JSON with string keys, as Python writes a dict.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// compact re-encodes JSON without spaces, keys sorted.
func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return mustJSON(t, v)
}
