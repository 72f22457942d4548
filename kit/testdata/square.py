"""A small program for kit's tests of kit.Python: squares its inputs on the
built-in map, a ThreadPool(2) and a Pool(2).

    square.py [--inputs JSON] [--fail N] [--crash] [--missing] [--drop FIELD]

--fail N makes input N raise; --crash raises before any report; --missing
imports a module that does not exist; --drop removes a field from every run
of the report, to test kit's checks.
"""
import os
import sys
from multiprocessing.pool import Pool, ThreadPool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import kit  # noqa: E402

FAIL = int(kit.arg("fail", "-1"))


def square(x):
    if x == FAIL:
        raise ValueError(f"no square for {x}")
    return x * x


if __name__ == "__main__":
    if "--crash" in sys.argv:
        raise RuntimeError("this program crashed on purpose")
    if "--missing" in sys.argv:
        import no_such_module_for_kit_tests  # noqa: F401
    report = kit.Report("square", kit.inputs([1, 2, 3, 4]))
    report.map("map", square)
    report.map("ThreadPool(2)", square, ThreadPool, 2)
    report.map("Pool(2)", square, Pool, 2)
    drop = kit.arg("drop")
    if drop:
        for run in report.runs:
            del run[drop]
    report.done()
