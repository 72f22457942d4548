"""Lesson 4 in Python: functions that store their result in a dict passed to
them, run by threads and by a pool of processes, measured for kit.Python.

    python3 lessons/memory/shared_dict.py               # long_io: sleeps 2 s each
    python3 lessons/memory/shared_dict.py --work comp   # long_comp: a 5,000,000-step loop

For inputs 0-3: a plain loop, four threading.Thread objects and a Pool(4)
with apply_async and .get(). After each run the program reports what the
dict holds: threads share this process's memory and fill it, the processes
each fill a copy of their own, and this one stays empty; the results still
come back, as return values.
"""
import math
import os
import sys
import time
from multiprocessing.pool import Pool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)

STEPS = 5_000_000  # the long computation's length, shrunk by KIT_SCALE


def long_io(i, res):
    """Stands for slow input or output: waits 2 s, stores and returns i*2."""
    print(f"function {i} started at {now()}")
    time.sleep(kit.seconds(2))
    res[i] = i * 2
    print(f"function {i} finished at {now()}")
    return res[i]


def long_comp(i, res):
    """The long computation: step y squares x - y when x is an even whole
    number, else takes the square root of x + y. Stores and returns x."""
    print(f"function {i} started at {now()}")
    x = float(i)
    for y in range(kit.scaled(STEPS)):
        if x % 2 == 0:
            d = x - y
            x = d * d
        else:
            x = math.sqrt(x + y)
    res[i] = x
    print(f"function {i} finished at {now()}")
    return x


def now():
    """The time of day to the millisecond, as the Go lesson prints it."""
    t = time.time()
    return time.strftime("%H:%M:%S", time.localtime(t)) + f".{int(t * 1000) % 1000:03d}"


if __name__ == "__main__":
    work = {"io": long_io, "comp": long_comp}[kit.arg("work", "io")]
    ids = kit.inputs([0, 1, 2, 3])
    res = {}
    report = kit.Report(work.__name__, [(i, res) for i in ids], labels=[str(i) for i in ids])
    for executor, run in [
        ("loop", lambda: report.map("loop", work, star=True)),
        (f"Thread×{len(ids)}", lambda: report.each(f"Thread×{len(ids)}", work, "threads", star=True)),
        (f"Pool({len(ids)}).apply_async", lambda: report.submit(f"Pool({len(ids)}).apply_async", work, Pool, len(ids), star=True)),
    ]:
        res.clear()
        if run() is not None:
            report.after({str(k): v for k, v in sorted(res.items())})
            print(f"{executor}: res = {res}")
    report.done()
