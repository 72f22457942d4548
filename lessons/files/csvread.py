"""Lesson 6 in Python: a big CSV file read with pandas three times, one read
after the other, then three reads at once in three threading.Thread objects,
measured for kit.Python.

    python3 lessons/files/csvread.py                     # writes its own file of 10M rows, shrunk by KIT_SCALE
    python3 lessons/files/csvread.py --inputs '["data.csv", "data.csv", "data.csv"]'

Each read returns the number of rows pandas found. (The source lets pandas
take the first line for a header; here every line is a row, header=None, so
that the count equals Go's files.ReadCSV. The parsing is the same.) pandas'
parser lets go of the GIL for part of its work, so three threads can beat one.
"""
import os
import sys
import tempfile

import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit"))
import kit  # noqa: E402  (found through the line above)

ROWS = 10_000_000  # the source's file, shrunk by KIT_SCALE


def read_rows(path):
    """Reads the file into a DataFrame and counts its rows."""
    return len(pd.read_csv(path, header=None))


def write_csv(path, rows):
    """Lines "line,data,0", "line,data,1", ...: what the Go lesson writes."""
    with open(path, "w") as f:
        f.writelines(f"line,data,{i}\n" for i in range(rows))


if __name__ == "__main__":
    paths = kit.inputs(None)
    tmp = None
    if paths is None:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
        tmp.close()
        write_csv(tmp.name, kit.scaled(ROWS))
        paths = [tmp.name] * 3
    try:
        report = kit.Report("read-csv", paths, labels=[f"read {k + 1}" for k in range(len(paths))])
        report.map("loop", read_rows)
        report.each(f"Thread×{len(paths)}", read_rows, "threads")
        report.done()
    finally:
        if tmp is not None:
            os.remove(tmp.name)
