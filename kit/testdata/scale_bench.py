"""One map of a trivial task over n inputs, for kit's scale benchmark.

Run by TestBenchJSON (kit/bench_json_test.go), in fresh interpreters for
each size, so that sizes do not share memory:

    python3 scale_bench.py threads|processes N [MAPS]

It builds the list of N ints, warms up with a map of 1,000 of them on a
pool of its own, then times MAPS maps (1 unless given) of x + 1 over all
of them with two workers, one after another, each with its pool's start
and shutdown, and prints the best

    wall-ns <ns> maxrss-kb <the interpreter's peak resident memory after the first map, kB>

The peak is VmHWM from /proc/self/status: getrusage's ru_maxrss would
include the memory of the process that started this one, kept across
exec.
"""
import sys
import time
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool


def inc(x):
    return x + 1


def peak_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


if __name__ == "__main__":
    kind, n = sys.argv[1], int(sys.argv[2])
    maps = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    pools = {"threads": ThreadPool, "processes": Pool}
    xs = list(range(n))
    with pools[kind](2) as pool:
        pool.map(inc, xs[:1000])
    best = peak = None
    for _ in range(maps):
        t0 = time.perf_counter_ns()
        with pools[kind](2) as pool:
            ys = pool.map(inc, xs)
            pool.close()
            pool.join()
        wall = time.perf_counter_ns() - t0
        assert len(ys) == n and ys[-1] == n
        best = wall if best is None else min(best, wall)
        peak = peak or peak_kb()  # one map's memory
        del ys
    print(f"wall-ns {best} maxrss-kb {peak}", flush=True)
