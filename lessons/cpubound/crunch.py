"""Lessons 1 and 3 in Python: the number-crunching simulation on the built-in
map, a ThreadPool and a Pool of processes, measured for kit.Python.

    python3 lessons/cpubound/crunch.py                    # the simulations [1, 8, 1.5, 2]
    python3 lessons/cpubound/crunch.py --inputs '[1, 1, 1, 1]' --workers 2

crunch_numbers(x) counts down from x * 10**7 (the source lesson's count,
shrunk by KIT_SCALE) and returns x squared. Counting is pure Python: a thread
holds the GIL while it counts, so two threads take turns on one core, while
two processes count on two cores at once.

Go's cpubound.CrunchNumbers counts 10**9 per unit, a hundred times as far,
because compiled Go counts about a hundred times faster: both take roughly as
long per unit, so compare speedups, not the steps.
"""
import os
import sys
from multiprocessing.pool import Pool, ThreadPool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)

UNIT = 10_000_000  # steps per unit of x, as the source lesson counts


def crunch_numbers(x):
    """Pretends to simulate something for x units: counts down, one step at a time."""
    n = x * kit.scaled(UNIT)
    while n > 0:
        n -= 1
    return x * x


if __name__ == "__main__":
    workers = int(kit.arg("workers", "2"))
    report = kit.Report("crunch", kit.inputs([1, 8, 1.5, 2]))
    report.map("map", crunch_numbers)
    report.map(f"ThreadPool({workers})", crunch_numbers, ThreadPool, workers)
    report.map(f"Pool({workers})", crunch_numbers, Pool, workers)
    report.done()
