"""Dask's costs, for comparison with kit/cluster's Local executor.

Run by TestBenchJSON (kit/cluster/bench_json_test.go), with the course's
.venv python, whose requirements.txt pins dask and distributed:

    python dask_bench.py N

It prints one JSON object:

    first_result_ms  from LocalCluster(2 worker processes) to the first
                     result of one trivial task, the scheduler's and the
                     workers' start included (the imports are not)
    per_task_us      wall time per task of client.map over N trivial tasks
                     on that cluster, warm, gathered in order (the best of
                     a few runs)

The workers are processes with one thread each, like cluster.Local(2)'s, and
the dashboard is off, so that neither side pays for a web server.
"""
import json
import sys
import time

from dask.distributed import Client, LocalCluster


def inc(x):
    return x + 1


def main(n, reps=3):
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    client.submit(inc, 1, pure=False).result()
    first = time.perf_counter() - t0
    try:
        client.gather(client.map(inc, range(100), pure=False))  # warm
        best = float("inf")
        for _ in range(reps):
            t = time.perf_counter()
            out = client.gather(client.map(inc, range(n), pure=False))
            best = min(best, time.perf_counter() - t)
            assert out == [x + 1 for x in range(n)]
    finally:
        client.close()
        cluster.close()
    print(json.dumps({"first_result_ms": first * 1e3, "per_task_us": best / n * 1e6}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
