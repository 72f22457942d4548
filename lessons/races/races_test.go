package races

import (
	"maps"
	"os"
	"strings"
	"sync"
	"testing"

	"parallelgo.dev/course/kit"
)

func TestMain(m *testing.M) {
	os.Setenv("KIT_SCALE", "0.01") // before anything reads it
	os.Exit(m.Run())
}

func TestSafeCounter(t *testing.T) {
	var c SafeCounter
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				c.Inc("a", 1)
				c.Inc("b", 2)
			}
		}()
	}
	wg.Wait()
	if c.Value("a") != 8000 || c.Value("b") != 16000 || len(c.Snapshot()) != 2 {
		t.Errorf("counts %v", c.Snapshot())
	}
}

func texts() []string {
	var ts []string
	for i := range 200 {
		ts = append(ts, strings.Repeat("the quick brown fox ", i%7+1)+"The End")
	}
	return ts
}

func TestWordCountsAgree(t *testing.T) {
	want := WordCount(texts(), 1)
	if want["the"] == 0 || want["end"] != 200 {
		t.Fatalf("serial count wrong: %v", want)
	}
	for _, w := range []int{0, 2, 3, 64, 1000} {
		if got := WordCount(texts(), w); !maps.Equal(got, want) {
			t.Errorf("WordCount with %d workers differs", w)
		}
		if got := WordCountShared(texts(), w); !maps.Equal(got, want) {
			t.Errorf("WordCountShared with %d workers differs", w)
		}
	}
}

func TestTransfersKeepTheTotalAndNeverDeadlock(t *testing.T) {
	as := NewAccounts(5, 100)
	n := RandomTransfers(as, 8, 2000, 1)
	if Total(as) != 500 {
		t.Errorf("total %d after %d transfers, want 500", Total(as), n)
	}
	if n == 0 {
		t.Errorf("no transfer went through")
	}
	for _, a := range as {
		if a.Balance() < 0 {
			t.Errorf("account %d overdrawn: %d", a.ID, a.Balance())
		}
	}
}

func TestTransfer(t *testing.T) {
	as := NewAccounts(2, 10)
	if err := Transfer(as[0], as[1], 11); err != ErrInsufficient {
		t.Errorf("overdraft: %v", err)
	}
	if err := Transfer(as[1], as[0], 10); err != nil || as[0].Balance() != 20 || as[1].Balance() != 0 {
		t.Errorf("transfer: %v %d %d", err, as[0].Balance(), as[1].Balance())
	}
	if Transfer(as[0], as[0], 5) != nil || as[0].Balance() != 20 {
		t.Errorf("self transfer changed something")
	}
}

// The kit demos, from the lesson's side: the broken counter loses, the fixes
// do not (a few attempts allowed for the broken one; see kit.LostUpdates).
func TestKitDemosAsTheLessonUsesThem(t *testing.T) {
	lost := false
	for range 5 {
		if r := kit.LostUpdates(4, 1000); !r.OK() {
			lost = true
			break
		}
	}
	if !lost {
		t.Error("kit.LostUpdates lost nothing in 5 attempts")
	}
	for _, r := range (kit.RaceResults{kit.CountWithMutex(4, 1000), kit.CountWithAtomic(4, 1000), kit.CountWithChannel(4, 1000)}) {
		if !r.OK() {
			t.Errorf("%v", r)
		}
	}
}

func BenchmarkWordCount(b *testing.B) {
	ts := texts()
	for b.Loop() {
		WordCount(ts, 4)
	}
}

func BenchmarkWordCountShared(b *testing.B) {
	ts := texts()
	for b.Loop() {
		WordCountShared(ts, 4)
	}
}

func BenchmarkRandomTransfers(b *testing.B) {
	as := NewAccounts(10, 1000)
	for b.Loop() {
		RandomTransfers(as, 4, 1000, 1)
	}
}
