"""Lesson 2's five long-running tasks in Python: sleeps of [5, 2, 4, 1, 5]
seconds (shrunk by KIT_SCALE), one after the other, then in five processes
started by hand, one task each, measured for kit.Python.

    python3 lessons/iobound/sleeps.py
    python3 lessons/iobound/sleeps.py --inputs '[5, 2, 4, 1, 5]'

Each task prints a line when it is done: in the processes, shortest first.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)


def long_task(task_id, seconds):
    """Waits the task's time, says so, and returns its id."""
    time.sleep(kit.seconds(seconds))
    print(f"task {task_id} done after {seconds:g}s")
    return task_id


if __name__ == "__main__":
    times = kit.inputs([5, 2, 4, 1, 5])
    report = kit.Report("long-task", list(enumerate(times)), labels=[f"{t:g}s" for t in times])
    report.map("loop", long_task, star=True)
    report.each(f"Process×{len(times)}", long_task, "processes", star=True)
    report.done()
