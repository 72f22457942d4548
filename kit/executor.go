package kit

import (
	"context"
	"runtime"
	"strconv"
	"time"
)

// Executor says how [Map], [Submit] and [Compare] run a [Task] over inputs:
// one after another ([Serial]), on goroutines ([Threads]), on goroutines that
// take turns like Python threads under the GIL ([GIL]), or in child processes
// ([Processes]).
//
// An Executor is a small value: copy it, keep it in a variable, refine it with
// the With... methods, which return a changed copy. The zero value is Serial().
type Executor struct {
	kind         executorKind
	workers      int // as asked; <= 0 means one per logical CPU
	chunk        int // inputs handed out at a time; <= 0 means Python's rule
	failFast     bool
	startTimeout time.Duration // Processes: how long a worker may take to start
	pool         *sharedPool   // Processes: the workers Start started, shared by copies
	remote       Remote        // where a RemoteExecutor runs
}

type executorKind int

const (
	serialKind executorKind = iota // the zero value
	threadsKind
	gilKind
	processesKind
	remoteKind
)

// defaultStartTimeout is generous because a busy machine (or -race) can
// slow a start that normally takes a few milliseconds.
const defaultStartTimeout = 10 * time.Second

// Serial runs the inputs one after another on a single worker: the baseline
// every speedup is measured from.
func Serial() Executor { return Executor{kind: serialKind, workers: 1} }

// Threads runs the inputs on a pool of n goroutines, like Python's
// ThreadPoolExecutor but without a GIL: they run Go code on every core.
// n <= 0 means one goroutine per logical CPU.
func Threads(n int) Executor { return Executor{kind: threadsKind, workers: n} }

// GIL runs the inputs on a pool of n goroutines while GOMAXPROCS is 1, which
// behaves like CPython threads under the GIL: only one runs Go code at a time,
// but sleeps and other blocking calls overlap. GOMAXPROCS is restored when the
// run ends. It is set for the whole program, so other goroutines running at
// the same time are slowed too. n <= 0 means one per logical CPU.
func GIL(n int) Executor { return Executor{kind: gilKind, workers: n} }

// Processes runs the inputs in a pool of n child processes, like Python's
// multiprocessing.Pool: each child is a copy of this program, so it shares no
// memory with the parent. As in Python, the parent puts the chunks of inputs
// in one queue (a pipe) that every child reads, and results come back on
// pipes, all encoded with encoding/gob. The task must be declared at package
// level, see [Task]. n <= 0 means one process per logical CPU.
//
// As it is, Processes starts its workers for each run and shuts them down
// after, so that [Run.Startup] shows what starting them costs. Call
// [Executor.Start] to keep them up for many runs, as Python's
// `with Pool(n) as pool:` does.
func Processes(n int) Executor { return Executor{kind: processesKind, workers: n} }

// WithChunk returns a copy of e that hands inputs to workers size at a time.
// Big chunks cost less communication; small chunks balance uneven work better.
// size <= 0 restores the default, Python's Pool.map rule: the inputs split in
// about four chunks per worker.
func (e Executor) WithChunk(size int) Executor {
	e.chunk = max(size, 0)
	return e
}

// WithFailFast returns a copy of e that stops handing out inputs after the
// first failure, and returns at once. By default every input is run, and each
// failure is reported in [Run.Err].
func (e Executor) WithFailFast() Executor {
	e.failFast = true
	return e
}

// WithStartTimeout returns a copy of e whose worker processes must report
// ready within d, or be killed with an error. It matters only for Processes;
// d <= 0 restores the default of 10 s.
func (e Executor) WithStartTimeout(d time.Duration) Executor {
	e.startTimeout = max(d, 0)
	return e
}

// Start returns a copy of e whose workers are started now and stay up,
// for every run and every copy of it, until [Executor.Close]: runs on it
// have no start-up ([Run.Startup] is zero), like the maps of Python's
// `with Pool(n) as pool:`. Runs on it take turns; [Submit]s go to its
// idle workers, one at a time each, and wait while a run is under way. A
// worker that dies is replaced; a run that stops early (WithFailFast, a
// cancelled context, a loop over [MapUnordered] left early) kills them all,
// and the next run starts new ones. If the workers cannot start,
// [Executor.Startup] says why and every run fails with that error until
// one manages to start them.
//
// Start matters only for Processes: goroutines start in microseconds, and
// Start and Close do nothing for Serial, Threads and GIL, so code can start
// and close any executor alike. Starting a started executor does nothing.
//
//	pool := kit.Processes(2).Start()
//	defer pool.Close()
//	a := kit.Map(pool, square, xs)
//	b := kit.Map(pool, cube, xs) // the same two processes
func (e Executor) Start() Executor {
	if s, ok := e.remote.(RemoteStarter); ok {
		s.Start()
		return e
	}
	if e.kind != processesKind || e.pool != nil {
		return e
	}
	e.pool = newSharedPool(e.Workers(), e.timeout())
	start := time.Now()
	_, _, err := e.pool.acquire(context.Background(), nil)
	e.pool.startup, e.pool.err = time.Since(start), err
	if err == nil {
		e.pool.release()
	}
	return e
}

// Close shuts down the workers [Executor.Start] started, once the run using
// them (if any) has ended, and waits for them to exit. Runs on e or its
// copies fail afterwards. Close does nothing on an executor that was not
// started; closing twice is harmless. Workers never outlive the program:
// they die with it, even if Close was not called.
func (e Executor) Close() {
	if s, ok := e.remote.(RemoteStarter); ok {
		s.Close()
	}
	if e.pool != nil {
		e.pool.close()
	}
}

// Startup is how long [Executor.Start] took to start e's workers, and the
// error that stopped it if it failed: zero and nil if e was not started.
func (e Executor) Startup() (time.Duration, error) {
	if s, ok := e.remote.(RemoteStarter); ok {
		return s.Startup()
	}
	if e.pool == nil {
		return 0, nil
	}
	return e.pool.startup, e.pool.err
}

// Workers is the number of workers e runs: 1 for Serial, otherwise n as
// given, or the number of logical CPUs if n <= 0.
func (e Executor) Workers() int {
	switch {
	case e.kind == serialKind:
		return 1
	case e.kind == remoteKind:
		return max(e.remote.Workers(), 1)
	case e.workers <= 0:
		return runtime.NumCPU()
	default:
		return e.workers
	}
}

// String names the executor as the code that made it reads, e.g.
// "Threads(2)" or "Processes(4).WithChunk(1)"; tables and charts use it.
func (e Executor) String() string {
	var s string
	// strconv, not fmt: every run names its executor, and fmt's first use
	// on a thread costs fresh memory, which shows in a short run.
	switch e.kind {
	case serialKind:
		s = "Serial"
	case threadsKind:
		s = "Threads(" + strconv.Itoa(e.Workers()) + ")"
	case gilKind:
		s = "GIL(" + strconv.Itoa(e.Workers()) + ")"
	case processesKind:
		s = "Processes(" + strconv.Itoa(e.Workers()) + ")"
		if e.pool != nil {
			s += ".Start()"
		}
	case remoteKind:
		s = e.remote.String()
	}
	if e.chunk > 0 {
		s += ".WithChunk(" + strconv.Itoa(e.chunk) + ")"
	}
	return s
}

// chunkSize is how many inputs a worker takes at a time for n inputs:
// the option if set, else Python's Pool.map rule
//
//	chunksize, extra = divmod(len(iterable), len(self._pool) * 4)
//	if extra: chunksize += 1
func (e Executor) chunkSize(n int) int {
	if e.chunk > 0 {
		return e.chunk
	}
	size, extra := n/(4*e.Workers()), n%(4*e.Workers())
	if extra != 0 {
		size++
	}
	return max(size, 1)
}

func (e Executor) timeout() time.Duration {
	if e.startTimeout > 0 {
		return e.startTimeout
	}
	return defaultStartTimeout
}
