"""Python's multiprocessing costs, for comparison with kit.Processes.

Run by BenchmarkPythonPool (kit/executor_bench_test.go):

    python3 pool_bench.py N

For each start method (fork, spawn) it prints one line:

    <method> startup-ms <ms to start a Pool(2) and run two trivial tasks>
             roundtrip-us <µs per input of pool.map(identity, range(N), chunksize=1)>
             default-us <µs per input of pool.map(identity, range(N)), Pool.map's own chunks>
             apply-us <µs per pool.apply_async(identity, (i,)).get(), one after another>

Start-up is the mean of five pools; the others are the best of the five,
each the mean of its map or of its N/4 calls, as kit's are measured: one
moment of another program on this machine slows one of them, not the
figure.
"""
import multiprocessing as mp
import sys
import time


def identity(x):
    return x


def measure(method, n, reps=5):
    ctx = mp.get_context(method)
    startup = 0.0
    roundtrip = default = apply = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        with ctx.Pool(2) as pool:
            pool.map(identity, [0, 1], chunksize=1)  # both workers ready and used
            t1 = time.perf_counter()
            pool.map(identity, range(n), chunksize=1)
            t2 = time.perf_counter()
            pool.map(identity, range(n))
            t3 = time.perf_counter()
            for i in range(n // 4):
                pool.apply_async(identity, (i,)).get()
            t4 = time.perf_counter()
        startup += t1 - t0
        roundtrip = min(roundtrip, t2 - t1)
        default = min(default, t3 - t2)
        apply = min(apply, t4 - t3)
    return (startup / reps * 1e3, roundtrip / n * 1e6, default / n * 1e6, apply / (n // 4) * 1e6)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    for method in ("fork", "spawn"):
        if method not in mp.get_all_start_methods():
            continue
        s, r, d, a = measure(method, n)
        print(f"{method} startup-ms {s:.2f} roundtrip-us {r:.2f} default-us {d:.3f} apply-us {a:.2f}", flush=True)
