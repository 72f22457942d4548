"""Lesson 7 in Python: a worker pool made of a Queue and an Event. Three
workers take tasks from one queue until the event is cleared; the program
puts 15 tasks of 1-5 s, then 11 more of 2-6 s, waits for every result, then
clears the event and the workers shut down. Run with processes
(multiprocessing's Queue and Event), then with threads (queue.Queue and
threading.Event), measured for kit.Python.

    python3 lessons/workqueue/queue_event.py
    python3 lessons/workqueue/queue_event.py --inputs - < tasks.json   # [{"ID": 0, "Seconds": 3}, ...]
    python3 lessons/workqueue/queue_event.py --quiet                   # no line per task

Each task returns its id: every id must come back once, none lost.
"""
import multiprocessing
import os
import queue
import random
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)

WORKERS = 3


def run_task(task_id, seconds):
    """One task: it takes its time, then returns its id."""
    time.sleep(kit.seconds(seconds))
    return task_id


QUIET = "--quiet" in sys.argv


def say(line):
    if not QUIET:
        print(line)


def worker(worker_id, tasks, results, running, task):
    """Takes tasks until running is cleared, polling the queue every 2 s
    (shrunk by KIT_SCALE) so that it notices."""
    say(f"worker {worker_id} starting")
    while running.is_set():
        try:
            item = tasks.get(timeout=kit.seconds(2))
        except queue.Empty:
            continue
        record = task(item)
        say(f"worker {worker_id} did task {item[1][0]} ({item[1][1]:g}s)")
        results.put(record)
    say(f"worker {worker_id} shutting down")


def pool_of(kind, items, task):
    """A body for Report.measure: starts the workers, hands them items,
    collects one record per item, then stops the workers and waits for them."""
    if kind == "processes":
        tasks, results, running, start = multiprocessing.Queue(), multiprocessing.Queue(), multiprocessing.Event(), multiprocessing.Process
    else:
        tasks, results, running, start = queue.Queue(), queue.Queue(), threading.Event(), threading.Thread

    def body():
        running.set()
        workers = [start(target=worker, args=(w, tasks, results, running, task), daemon=True) for w in range(WORKERS)]
        for w in workers:
            w.start()
        for item in items:
            tasks.put(item)
        records = [results.get() for _ in items]
        running.clear()  # every result is in: nothing is lost by stopping
        for w in workers:
            w.join()
        return records
    return body


def default_tasks(seed=7):
    """The source's two batches: ids 0-14 of 1-5 s, then ids 100-110 of 2-6 s."""
    rng = random.Random(seed)
    return ([{"ID": i, "Seconds": rng.randint(1, 5)} for i in range(15)] +
            [{"ID": i, "Seconds": rng.randint(2, 6)} for i in range(100, 111)])


if __name__ == "__main__":
    given = kit.inputs(None) or default_tasks()
    jobs = [(t["ID"], t["Seconds"]) for t in given]
    report = kit.Report("queue-task", jobs, labels=[f"task {i} ({s:g}s)" for i, s in jobs])
    task = kit.traced(run_task, star=True)
    items = list(enumerate(jobs))
    for kind, name in [("processes", "Process"), ("threads", "Thread")]:
        executor = f"{name}×{WORKERS} + Queue + Event"
        method = multiprocessing.get_start_method() if kind == "processes" else None
        report.measure(executor, kind, WORKERS, pool_of(kind, items, task), start_method=method)
    report.done()
