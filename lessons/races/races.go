// Package races holds the exercise solutions of lesson 8, "Race conditions".
// The demonstrations themselves (lost updates, the concurrent-map-writes
// crash, a deadlock) are in kit, one call per notebook cell: kit.LostUpdates,
// kit.CountWithMutex, kit.CountWithAtomic, kit.CountWithChannel,
// kit.CountWithSyncMap, kit.ConcurrentMapWrites and kit.Deadlock.
//
// The source lessons name race conditions as the price of threads' shared
// memory (seed 003) and fill a shared dict from threads (seed 004), which the
// GIL makes safe in Python. The Go versions of those fixes are here: a map
// guarded by a mutex, per-goroutine results merged at the end, and money
// transfers that take two locks without deadlocking.
package races

import (
	"errors"
	"maps"
	"math/rand/v2"
	"strings"
	"sync"
)

// SafeCounter is a map of counts that goroutines may update at once: the
// mutex makes each read-modify-write of a count one step. It is the fix for
// the source's shared res_dict written from threads.
type SafeCounter struct {
	mu sync.Mutex
	m  map[string]int
}

// Inc adds n to key's count.
func (c *SafeCounter) Inc(key string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]int{}
	}
	c.m[key] += n
}

// Value is key's count.
func (c *SafeCounter) Value(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

// Snapshot is a copy of all counts, safe to use after the lock is released.
func (c *SafeCounter) Snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.m)
}

// WordCount counts the words of texts on workers goroutines, each with its own
// map, merged once all are done. Nothing is shared while they work, so
// nothing needs a lock: the "share memory by communicating" fix, and usually
// the fastest, because the goroutines never wait for each other.
func WordCount(texts []string, workers int) map[string]int {
	workers = max(1, min(workers, len(texts)))
	parts := make([]map[string]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := map[string]int{}
			for i := w; i < len(texts); i += workers {
				for _, word := range strings.Fields(texts[i]) {
					m[strings.ToLower(word)]++
				}
			}
			parts[w] = m
		}()
	}
	wg.Wait()
	total := map[string]int{}
	for _, m := range parts {
		for k, n := range m {
			total[k] += n
		}
	}
	return total
}

// WordCountShared is WordCount with one [SafeCounter] shared by all the
// goroutines: correct too, but every word takes the lock, so the goroutines
// queue behind each other. Benchmark both.
func WordCountShared(texts []string, workers int) map[string]int {
	workers = max(1, min(workers, len(texts)))
	var c SafeCounter
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(texts); i += workers {
				for _, word := range strings.Fields(texts[i]) {
					c.Inc(strings.ToLower(word), 1)
				}
			}
		}()
	}
	wg.Wait()
	return c.Snapshot()
}

// Account is a bank account with its own lock.
type Account struct {
	ID      int // the lock order: lower IDs are locked first
	mu      sync.Mutex
	balance int
}

// NewAccounts makes n accounts with IDs 0..n-1, each holding balance.
func NewAccounts(n, balance int) []*Account {
	as := make([]*Account, n)
	for i := range as {
		as[i] = &Account{ID: i, balance: balance}
	}
	return as
}

// Balance is the account's balance.
func (a *Account) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// ErrInsufficient is returned by Transfer when from holds less than amount.
var ErrInsufficient = errors.New("races: insufficient funds")

// Transfer moves amount from one account to another, holding both locks so
// that nobody sees the money in both or in neither. It takes the two locks in
// ID order whatever the direction: a transfer a→b and one b→a running at once
// would otherwise each hold one lock and wait for the other forever, the
// deadlock kit.Deadlock shows.
func Transfer(from, to *Account, amount int) error {
	if from == to {
		return nil
	}
	first, second := from, to
	if second.ID < first.ID {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	if from.balance < amount {
		return ErrInsufficient
	}
	from.balance -= amount
	to.balance += amount
	return nil
}

// Total is the sum of all balances.
func Total(accounts []*Account) int {
	t := 0
	for _, a := range accounts {
		t += a.Balance()
	}
	return t
}

// RandomTransfers has workers goroutines each make transfers random
// transfers of 1..10 between random accounts, each goroutine with its own
// generator (seed+worker). It returns how many went through; the total of
// the balances never changes, and nothing deadlocks.
func RandomTransfers(accounts []*Account, workers, transfers int, seed uint64) int {
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for w := range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed+uint64(w), 0xacc7))
			ok := 0
			for range transfers {
				a, b := accounts[r.IntN(len(accounts))], accounts[r.IntN(len(accounts))]
				if Transfer(a, b, 1+r.IntN(10)) == nil {
					ok++
				}
			}
			mu.Lock()
			done += ok
			mu.Unlock()
		}()
	}
	wg.Wait()
	return done
}
