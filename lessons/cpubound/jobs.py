"""Lesson 3's sixty-four jobs in Python: sum(range(n)) for each job, on the
built-in map, a ThreadPool(4) and a Pool(4), measured for kit.Python.

    python3 lessons/cpubound/jobs.py                     # 64 jobs of range(10_000_000), shrunk by KIT_SCALE
    python3 lessons/cpubound/jobs.py --inputs '[1000, 2000]' --workers 2

sum() runs in C, but it holds the GIL all the same: a thread pool does not
add a core, a pool of processes does.
"""
import os
import sys
from multiprocessing.pool import Pool, ThreadPool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)

JOBS, SIZE = 64, 10_000_000  # the source's [range(10_000_000)] * 64


def sum_range(n):
    """Adds up 0, 1, ..., n-1, one number at a time."""
    return sum(range(n))


if __name__ == "__main__":
    workers = int(kit.arg("workers", "4"))
    report = kit.Report("sum-range", kit.inputs([kit.scaled(SIZE)] * JOBS))
    report.map("map", sum_range)
    report.map(f"ThreadPool({workers})", sum_range, ThreadPool, workers)
    report.map(f"Pool({workers})", sum_range, Pool, workers)
    report.done()
