// Package kit is what a learner calls from a notebook cell in the Parallel Go
// course: it measures, runs and draws, so that every claim a lesson makes about
// concurrency and parallelism is checked on the learner's own machine.
//
// The package is organised by concept:
//
//   - timing (timing.go, timeit.go, timing_show.go): [Time], [TimeCell] and
//     [TimeIt], IPython's %%time and %timeit done honestly, including the CPU
//     time of child processes; a [Timer] sets %timeit's loops and runs.
//   - executors (executor.go, task.go, run.go, submit.go, compare.go):
//     [Serial], [Threads], [GIL] and [Processes], four ways to run the same
//     [Task] over a list of inputs with [Map], [MapCtx], [MapUnordered],
//     [Submit], [SubmitCtx] and [Compare]; [Executor.Start] keeps a Processes pool up for
//     many runs, as Python's `with Pool(n) as pool:` does. Behind them one
//     engine (backend.go, run.go): a run hands out chunks of inputs and
//     collects results, and a backend runs the chunks on goroutines or in
//     worker processes (processes.go, proccalls.go, procqueue.go, procraw.go, worker.go;
//     starting this program again as a child is kit/internal/proc's job). A [Remote]
//     (remote.go) is a backend outside kit: package kit/cluster runs the same
//     runs on NATS JetStream, beyond this machine, without kit linking NATS.
//   - trace (trace.go, trace_show.go, progress.go): which worker ran which
//     input, from when to when; the raw material of the timeline charts. A
//     run longer than a second shows a progress bar.
//   - output (display.go, format.go, table.go, palette.go, charts.go and
//     chart_*.go): [Show] prints any kit value as rich HTML in a GoNB cell and
//     as plain text in a terminal or a test. Every value speaks one
//     vocabulary: times through [FormatDuration], tables through [Table] (text
//     and HTML alike), colours from one palette, figures as a [Chart]
//     ([WallChart], [TimelineChart], [SpeedupChart], [SpreadChart], [XYChart],
//     [CPUUsage.Chart]).
//   - claims (claim.go): [Expect] writes down what a lesson predicts before a
//     measurement and [Claim.Check] says after it whether this machine agreed,
//     and if not, the reasons it can see.
//   - machine (sysinfo.go, cpu.go): [SysInfo], the cores, memory and CPU quota
//     a run had to work with, and [WatchCPU], how busy every core was during a
//     run.
//   - races (races.go): small, reliable demonstrations of lost updates,
//     crashes and deadlocks, and the fixes with their cost.
//   - scale (scale.go): [Scale], the KIT_SCALE knob that shrinks every lesson's
//     sizes so that tests run the real notebooks in seconds.
//   - python (python.go): [Python] runs a lesson's Python counterpart
//     (lessons/*/*.py, measured by kit/kit.py, the Python side of kit) and
//     [Beside] draws it next to Go's runs, so both languages are measured on
//     the same machine.
//
// Options are With... methods chained after the value they change
// ([Executor.WithChunk], [Timer.WithRepeat], [Claim.WithWorkers]); without
// them, the defaults are the source lessons' (Python's) behaviour.
//
// Every value kit returns prints itself: a cell can end with kit.Show(v), or
// simply fmt.Println(v) where plain text is enough.
package kit
