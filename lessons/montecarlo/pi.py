"""Lessons 5 and 9 in Python: Monte-Carlo pi, sample(n) over the inputs
[10**5, 20**5] (shrunk by KIT_SCALE), on the built-in map, a Pool(2) whose
processes fork (the default on Linux), a Pool(2) whose processes spawn (the
default on macOS and Windows: a fresh interpreter each), and Dask's delayed
tasks under its threaded and its processes schedulers, measured for
kit.Python.

    python3 lessons/montecarlo/pi.py
    python3 lessons/montecarlo/pi.py --only dask      # the Dask runs only
    python3 lessons/montecarlo/pi.py --inputs '[100000, 100000, 100000, 100000]' --workers 2

Each run draws its own random points, so the estimates differ from run to
run (the report says so) and are each close to pi.
"""
import multiprocessing
import os
import random
import sys
from multiprocessing.pool import Pool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)

SMALL, LARGE = 10**5, 20**5


def sample(n):
    """pi from n random points: 4 times the share inside the quarter circle."""
    inside = 0
    for _ in range(n):
        x, y = random.random(), random.random()
        if x * x + y * y < 1.0:
            inside += 1
    return 4 * inside / n


def dask_run(report, scheduler, workers):
    """One run of sample over the inputs as dask.delayed tasks, computed
    together by a Dask scheduler: "threads" (a thread pool, under the GIL)
    or "processes" (a pool of processes; Dask starts them by spawn)."""
    executor = f"dask {scheduler}({workers})"
    if not report.wanted(executor):
        return
    import dask
    import dask.multiprocessing  # noqa: F401  (imported now, not inside the run)
    import dask.threaded  # noqa: F401
    # Dask's first compute in a program sets itself up (about half a second
    # here): do that now, so that the runs measure the schedulers, as
    # %timeit's later loops would.
    dask.compute(dask.delayed(abs)(-1), scheduler="sync")
    task = kit.traced(sample)
    items = list(enumerate(report.xs))

    def body():
        graph = [dask.delayed(task)(item) for item in items]
        return dask.compute(*graph, scheduler=scheduler, num_workers=workers)

    kind = "threads" if scheduler == "threads" else "processes"
    method = dask.config.get("multiprocessing.context", "spawn") if kind == "processes" else None
    report.measure(executor, kind, workers, body, start_method=method)


if __name__ == "__main__":
    workers = int(kit.arg("workers", "2"))
    report = kit.Report("sample", kit.inputs([kit.scaled(SMALL), kit.scaled(LARGE)]), agree=False)
    report.map("map", sample)
    report.map(f"Pool({workers})", sample, Pool, workers)
    report.map(f"Pool({workers}) spawn", sample, multiprocessing.get_context("spawn").Pool, workers)
    dask_run(report, "threads", workers)
    dask_run(report, "processes", workers)
    report.done()
