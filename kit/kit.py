"""kit.py: the Python side of the course's Go package kit.

The lessons' Python programs (lessons/*/*.py) import this module to do what
kit does on the Go side, so that Go and Python are measured the same way on
the same machine:

- scale(), seconds(), scaled(): the KIT_SCALE knob, read exactly as
  kit/scale.go reads it, so both languages shrink a lesson alike;
- inputs(default): the program's inputs, as kit.PythonOn sends them (JSON on
  standard input) or as given on the command line (--inputs JSON);
- Report: runs one piece of work per executor (the built-in map, a
  ThreadPool, a Pool, Dask, hand-made threads and processes), and records for
  each its wall and CPU time (of this process and of the child processes it
  waited for), the start-up of a process pool, and one span per input: which
  worker ran it, from when to when. Report.done() writes it all as JSON for
  kit.Python (kit/python.go), or prints a short table when run by hand.

A program is a plain script:

    import sys, os
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
    import kit

    def query(x): ...

    if __name__ == "__main__":          # the guard multiprocessing needs
        report = kit.Report("query", kit.inputs([1, 8, 1.5, 2]))
        report.map("map", query)
        report.map("ThreadPool(2)", query, ThreadPool, 2)
        report.map("Pool(2)", query, Pool, 2)
        report.done()

The JSON document (format "kit-python/1"), all times in seconds:

    {"format": "kit-python/1", "program": ..., "python": "3.11.9",
     "implementation": "CPython", "executable": ..., "start_method": "fork",
     "scale": 0.02, "cpus": 2, "task": "query", "inputs": 4,
     "labels": ["1", "8", "1.5", "2"], "agree": true,
     "runs": [{"executor": "ThreadPool(2)", "kind": "threads", "workers": 2,
               "start_method": null, "wall": ..., "user": ..., "sys": ...,
               "child_user": ..., "child_sys": ..., "startup": ...,
               "spans": [{"worker": 0, "pid": 123, "input": 0,
                          "start": ..., "end": ..., "error": false}],
               "results": [...], "after": ..., "error": null}]}

Span times count from the end of start-up (the first input's start for
process pools, the run's start otherwise), as kit's traces do.
"""

import functools
import json
import math
import multiprocessing
import os
import platform
import sys
import threading
import time
import traceback

SCALE_ENV = "KIT_SCALE"
FORMAT = "kit-python/1"


def _read_scale():
    v = os.environ.get(SCALE_ENV, "")
    if v == "":
        return 1.0
    try:
        s = float(v)
    except ValueError:
        s = float("nan")
    if not (s > 0) or math.isinf(s):
        # As kit does: a typo must not silently run a 20-minute lesson.
        print(f'kit: {SCALE_ENV}="{v}" is not a positive number; using {SCALE_ENV}=1', file=sys.stderr)
        return 1.0
    return s


_SCALE = _read_scale()


def scale():
    """The factor read from KIT_SCALE: 1 unless the environment says otherwise."""
    return _SCALE


def seconds(s):
    """s seconds, as the source lessons write them, shrunk by scale()."""
    return s * _SCALE


def scaled(n):
    """A count shrunk by scale(), never below 1. Rounds half away from zero,
    as Go's math.Round does (Python's round() would round half to even), so
    that both languages get the same counts."""
    return max(1, int(math.floor(n * _SCALE + 0.5)))


def inputs(default):
    """The program's inputs: the JSON after --inputs on the command line
    ("-" reads it from standard input, which is what kit.PythonOn sends),
    else default."""
    args = sys.argv[1:]
    if "--inputs" in args:
        k = args.index("--inputs")
        if k + 1 >= len(args):
            sys.exit("kit: --inputs needs a value: JSON, or - to read JSON from standard input")
        text = sys.stdin.read() if args[k + 1] == "-" else args[k + 1]
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            sys.exit(f"kit: the inputs are not JSON: {e}")
    return default


def arg(name, default=None):
    """The value after --name on the command line, or default."""
    args = sys.argv[1:]
    flag = "--" + name
    if flag in args and args.index(flag) + 1 < len(args):
        return args[args.index(flag) + 1]
    return default


def traced(f, star=False):
    """f wrapped so that it runs on one numbered input (i, x) and returns its
    record: (i, value, pid, thread id, start, end, error). It pickles when f
    does (a function of a module), so pools of processes can run it; star
    calls f(*x) for functions of several arguments."""
    return functools.partial(_call, f, star)


def _call(f, star, item):
    i, x = item
    start = time.perf_counter()  # CLOCK_MONOTONIC: one clock for every process
    err = None
    try:
        v = f(*x) if star else f(x)
    except Exception:
        v, err = None, "".join(traceback.format_exception_only(*sys.exc_info()[:2])).strip()
    end = time.perf_counter()
    return (i, v, os.getpid(), threading.get_ident(), start, end, err)


def _cpu_times():
    """(user, sys, children's user, children's sys) CPU seconds so far, to
    the microsecond where getrusage exists (os.times counts in 10 ms ticks).
    Children count once they have been waited for."""
    try:
        import resource
    except ImportError:  # Windows
        t = os.times()
        return t.user, t.system, t.children_user, t.children_system
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime, me.ru_stime, kids.ru_utime, kids.ru_stime


def _send(queue, task, item):
    """Runs task on item in a child process and sends its record home."""
    queue.put(task(item))


def _is_thread_pool(make_pool):
    """Whether make_pool makes a pool of threads (ThreadPool,
    ThreadPoolExecutor) rather than of processes (Pool, ctx.Pool,
    ProcessPoolExecutor)."""
    from concurrent.futures import ThreadPoolExecutor
    from multiprocessing.pool import ThreadPool
    return isinstance(make_pool, type) and issubclass(make_pool, (ThreadPool, ThreadPoolExecutor))


def _start_method(pool):
    ctx = getattr(pool, "_ctx", None) or getattr(pool, "_mp_context", None)
    if ctx is not None:
        return ctx.get_start_method()
    return multiprocessing.get_start_method()


def _finish(pool, cancel=False):
    """Shuts a pool down and waits for its workers, so that their CPU time
    counts (a process's children count once they are waited for); cancel
    drops the work not started yet."""
    if hasattr(pool, "shutdown"):
        pool.shutdown(wait=True, cancel_futures=cancel)
        return
    if cancel:
        pool.terminate()
    else:
        pool.close()
    pool.join()


class Report:
    """The measurements of one program: one run per executor over the same
    inputs (a list, one task call per item). labels name the inputs in
    tables and timelines (str(x) by default); agree=False says that runs may
    give different results (random samples), which kit then does not check."""

    def __init__(self, task, xs, labels=None, agree=True):
        self.task = task
        self.agree = agree  # whether every run must give the same results
        self.xs = list(xs)
        self.labels = labels if labels is not None else [str(x) for x in self.xs]
        self.runs = []
        self.only = [s for s in (arg("only") or "").split(",") if s]

    def wanted(self, executor):
        """Whether --only (comma-separated beginnings of executor names,
        e.g. "map,Pool") selects it."""
        return not self.only or any(executor.startswith(s) for s in self.only)

    def measure(self, executor, kind, workers, body, start_method=None):
        """Runs body() and records it as one run. body returns the records
        of traced() calls, in any order; kind is "serial", "threads" or
        "processes" (which numbers workers by process, and counts start-up
        until the first input began). Returns the results in input order, or
        None if the run was not wanted."""
        if not self.wanted(executor):
            return None
        before, t0 = _cpu_times(), time.perf_counter()
        error = None
        try:
            records = list(body())
        except Exception:
            records, error = [], traceback.format_exc()
        wall, after = time.perf_counter() - t0, _cpu_times()

        startup = 0.0
        if kind == "processes" and records:
            startup = max(min(r[4] for r in records) - t0, 0.0)
        zero = t0 + startup
        workers_by = {}  # pid, or thread id, to worker number, in order of first start
        results = [None] * len(self.xs)
        spans, failed = [], []
        for i, v, pid, tid, start, end, err in sorted(records, key=lambda r: r[4]):
            key = 0 if kind == "serial" else pid if kind == "processes" else tid
            w = workers_by.setdefault(key, len(workers_by))
            results[i] = v
            spans.append({"worker": w, "pid": pid if kind == "processes" else 0, "input": i,
                          "start": start - zero, "end": end - zero, "error": err is not None})
            if err is not None:
                failed.append(f"input {i} ({self.labels[i]}): {err}")
        if failed and error is None:
            error = "\n".join(failed)
        self.runs.append({
            "executor": executor, "kind": kind, "workers": max(workers, len(workers_by)),
            "start_method": start_method if kind == "processes" else None,
            "wall": wall,
            "user": after[0] - before[0], "sys": after[1] - before[1],
            "child_user": after[2] - before[2], "child_sys": after[3] - before[3],
            "startup": startup, "spans": spans, "results": results, "after": None, "error": error,
        })
        return results

    def after(self, value):
        """Notes what the program's own variables held after the last run
        (a dict the workers should have filled, say): JSON, shown beside it."""
        if self.runs:
            self.runs[-1]["after"] = value

    def map(self, executor, f, make_pool=None, workers=1, chunksize=None, star=False, how="map"):
        """One run of f over the inputs: with the built-in map when
        make_pool is None, else with make_pool(workers).map (a ThreadPool,
        a Pool, a concurrent.futures executor), or the pool's method named by
        how ("imap", "imap_unordered"). The pool is made inside the run, so
        its start-up counts, and waited for at the end."""
        items = list(enumerate(self.xs))
        task = traced(f, star)
        if make_pool is None:
            return self.measure(executor, "serial", 1, lambda: map(task, items))

        def use(pool):
            method = getattr(pool, how)
            return method(task, items, chunksize=chunksize) if chunksize else method(task, items)
        return self._with_pool(executor, make_pool, workers, use)

    def each(self, executor, f, kind, star=False):
        """One run of f with one worker per input, made by hand as the
        source lessons do: threading.Thread (kind "threads") or
        multiprocessing.Process (kind "processes") objects, all started,
        then all joined. Processes send their records back on a
        multiprocessing.Queue; a thread's writes are seen by this process."""
        items = list(enumerate(self.xs))
        task = traced(f, star)

        def body():
            if kind == "threads":
                records = []  # list.append is atomic under the GIL
                workers = [threading.Thread(target=lambda it=it: records.append(task(it))) for it in items]
            else:
                records = multiprocessing.Queue()
                workers = [multiprocessing.Process(target=_send, args=(records, task, it)) for it in items]
            for w in workers:
                w.start()
            out = records if kind == "threads" else [records.get() for _ in items]
            for w in workers:
                w.join()
            return out

        method = None if kind == "threads" else multiprocessing.get_start_method()
        return self.measure(executor, kind, len(items), body, start_method=method)

    def submit(self, executor, f, make_pool, workers, star=False):
        """One run of f with each input submitted on its own, as futures:
        pool.apply_async(...) for a multiprocessing pool, executor.submit(...)
        for a concurrent.futures one; then every .get() or .result()."""
        items = list(enumerate(self.xs))
        task = traced(f, star)

        def use(pool):
            if hasattr(pool, "apply_async"):
                return [fut.get() for fut in [pool.apply_async(task, (it,)) for it in items]]
            return [fut.result() for fut in [pool.submit(task, it) for it in items]]
        return self._with_pool(executor, make_pool, workers, use)

    def _with_pool(self, executor, make_pool, workers, use):
        """Measures one run that makes make_pool(workers), gets the records
        from use(pool), and shuts the pool down."""
        threads = _is_thread_pool(make_pool)
        started = []  # the start method, once the pool exists

        def body():
            pool = make_pool(workers)
            if not threads:
                started.append(_start_method(pool))
            try:
                out = list(use(pool))
            except BaseException:
                _finish(pool, cancel=True)
                raise
            _finish(pool)
            return out

        results = self.measure(executor, "threads" if threads else "processes", workers, body)
        if results is not None and started:
            self.runs[-1]["start_method"] = started[0]
        return results

    def done(self):
        """Writes the report: as JSON to the file named by KIT_JSON_FILE (set
        by kit.Python), else as a short table on standard output."""
        doc = {
            "format": FORMAT,
            "program": os.path.basename(sys.argv[0]),
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
            "start_method": multiprocessing.get_start_method(),
            "scale": _SCALE, "cpus": os.cpu_count(),
            "task": self.task, "inputs": len(self.xs), "labels": self.labels, "agree": self.agree,
            "runs": self.runs,
        }
        path = os.environ.get("KIT_JSON_FILE")
        if path:
            with open(path, "w") as f:
                json.dump(doc, f)
            return
        print(f"{self.task} on {len(self.xs)} inputs, KIT_SCALE={_SCALE}, "
              f"{doc['implementation']} {doc['python']}")
        for r in self.runs:
            cpu = r["user"] + r["sys"] + r["child_user"] + r["child_sys"]
            print(f"  {r['executor']:<24} wall {r['wall']:8.3f} s  CPU {cpu:8.3f} s"
                  f"  start-up {r['startup']:.3f} s  results {_short(r['results'])}")
            if r["error"]:
                print("    ERROR: " + r["error"].replace("\n", "\n    "))


def _short(values, width=90):
    """values as text, cut to width characters."""
    text = repr(list(values))
    return text if len(text) <= width else text[:width - 3] + "..."
