// Package kit is what a learner calls from a notebook cell in the Parallel Go
// course: it measures, runs and draws, so that every claim a lesson makes about
// concurrency and parallelism is checked on the learner's own machine.
//
// The package is organised by concept, one file each:
//
//   - timing: [Time] and [TimeIt], IPython's %%time and %timeit done honestly,
//     including the CPU time of child processes.
//   - executors: [Serial], [Threads], [GIL] and [Processes], four ways to run
//     the same [Task] over a list of inputs with [Map], [MapUnordered],
//     [Submit] and [Compare]; [Executor.Start] keeps a Processes pool up
//     for many runs, as Python's `with Pool(n) as pool:` does. Behind them
//     one engine (backend.go, run.go): a run hands out chunks of inputs and
//     collects results, and a backend runs the chunks on goroutines or in
//     worker processes (processes.go, procqueue.go, worker.go; starting
//     this program again as a child is kit/internal/proc's job). A
//     [Remote] (remote.go) is a backend outside kit: package kit/cluster
//     runs the same runs on NATS JetStream, beyond this machine, without
//     kit linking NATS.
//   - trace: which worker ran which input, from when to when; the raw material
//     of the timeline charts.
//   - charts and display: [Show] prints any kit value as rich HTML in a GoNB
//     cell and as plain text in a terminal or a test.
//   - races: small, reliable demonstrations of lost updates and crashes.
//   - sysinfo: [SysInfo], the cores, memory and CPU quota a run had to work with.
//   - scale: [Scale], the KIT_SCALE knob that shrinks every lesson's sizes so
//     that tests run the real notebooks in seconds.
//   - python: [Python] runs a lesson's Python counterpart (lessons/*/*.py,
//     measured by kit/kit.py, the Python side of kit) and [Beside] draws it
//     next to Go's runs, so both languages are measured on the same machine.
//
// Every value kit returns prints itself: a cell can end with kit.Show(v), or
// simply fmt.Println(v) where plain text is enough.
package kit
