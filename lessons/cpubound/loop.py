"""Lesson 3's nested comparison loop in Python: for each row of one table,
how many rows of another table equal it, on the built-in map, a Pool(4) and a
ThreadPool(4), measured for kit.Python.

    python3 lessons/cpubound/loop.py                     # its own random tables
    python3 lessons/cpubound/loop.py --inputs - < tables.json

The inputs are {"rows": [[...], ...], "against": [[...], ...], "blocks": 16}:
the rows are cut into that many blocks, and each block, with the whole second
table, is one task, as in the Go lesson (kit.PythonOn sends Go's own tables).
A block's result is the list of its rows' counts.
"""
import os
import random
import sys
from multiprocessing.pool import Pool, ThreadPool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)

ROWS, WIDTH, HIGH = 20_000, 5, 20  # the source's randint(0, 20, size=[20000, 5])


def count_matches(rows, against):
    """For each row, the number of rows of against equal to it."""
    return [against.count(row) for row in rows]


def random_tables(seed=2024):
    """Two tables of random rows, the row count shrunk with the square root of
    KIT_SCALE (the loop's work grows with its square)."""
    rng = random.Random(seed)
    n = max(1, round(ROWS * kit.scale() ** 0.5))
    table = lambda: [[rng.randrange(HIGH) for _ in range(WIDTH)] for _ in range(n)]  # noqa: E731
    return {"rows": table(), "against": table(), "blocks": 16}


if __name__ == "__main__":
    data = kit.inputs(None) or random_tables()
    rows, against, n = data["rows"], data["against"], data["blocks"]
    blocks = [(rows[k * len(rows) // n:(k + 1) * len(rows) // n], against) for k in range(n)]
    workers = int(kit.arg("workers", "4"))
    report = kit.Report("count-block", blocks, labels=[f"{len(b)} rows" for b, _ in blocks])
    report.map("map", count_matches, star=True)
    report.map(f"Pool({workers})", count_matches, Pool, workers, star=True)
    report.map(f"ThreadPool({workers})", count_matches, ThreadPool, workers, star=True)
    report.done()
