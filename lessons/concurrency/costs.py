"""The Python side of the course's cheat sheet (notebook 00): what each of
Python's ways to run a function over inputs costs, measured for kit.Python on
one small task (squaring a number), so that the cost is all overhead.

    python3 lessons/concurrency/costs.py                  # 1000 inputs
    python3 lessons/concurrency/costs.py --inputs '[1, 2, 3]'

Every pool is started inside its run (its start-up counts, as in a
`with Pool(2) as p:` block) and has two workers.
"""
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.pool import Pool, ThreadPool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)


def square(x):
    """The smallest useful task: the time a pool takes is its own."""
    return x * x


if __name__ == "__main__":  # spawned workers import this file: without the guard they would run it all again
    report = kit.Report("square", kit.inputs(list(range(1000))))
    report.map("map(f, xs)", square)
    report.map("ThreadPool(2).map", square, ThreadPool, 2)
    report.map("Pool(2).map", square, Pool, 2)
    report.map("Pool(2).imap_unordered", square, Pool, 2, how="imap_unordered")
    report.submit("Pool(2).apply_async", square, Pool, 2)
    report.submit("ThreadPoolExecutor(2).submit", square, ThreadPoolExecutor, 2)
    report.map("ProcessPoolExecutor(2).map", square, ProcessPoolExecutor, 2)
    report.map("Pool(2).map, spawn", square, multiprocessing.get_context("spawn").Pool, 2)
    report.done()
