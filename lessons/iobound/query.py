"""Lesson 2's headline in Python: the dummy database query on the built-in
map, a ThreadPool of 2 and a Pool of 2 processes, measured for kit.Python.

    python3 lessons/iobound/query.py                       # the queries [1, 8, 1.5, 2]
    python3 lessons/iobound/query.py --inputs '[1, 1.5, 2, 8]'

Each query sleeps x seconds (shrunk by KIT_SCALE, as Go's iobound.QueryDatabase)
and returns x squared. A sleeping thread lets go of the GIL, so the two threads
wait at the same time; the two processes do too, after starting up.
"""
import os
import sys
import time
from multiprocessing.pool import Pool, ThreadPool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)


def query_database(x):
    """Waits as long as a database server would for query x, then answers."""
    time.sleep(kit.seconds(x))
    return x * x


if __name__ == "__main__":
    workers = int(kit.arg("workers", "2"))
    report = kit.Report("query", kit.inputs([1, 8, 1.5, 2]))
    report.map("map", query_database)
    report.map(f"ThreadPool({workers})", query_database, ThreadPool, workers)
    report.map(f"Pool({workers})", query_database, Pool, workers)
    report.done()
