"""Seed booklet build time against WeasyPrint's own floor, side by side in one run.

Baseline: a fresh `python -c` that imports WeasyPrint and writes a one-page PDF.
Booklet:  a fresh `python -m booklet build content -o <tmp>`, process start to PDF.
The two alternate, after one untimed warm-up of each, so that disk cache and CPU
frequency treat them alike. Prints each median and the ratio (issue 2 asks < 2).

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        baseline = [
            sys.executable,
            "-c",
            "import weasyprint; weasyprint.HTML(string='<p>Hello</p>')"
            f".write_pdf({str(Path(scratch) / 'one.pdf')!r})",
        ]
        booklet = [sys.executable, "-m", "booklet", "build", "content", "-o", scratch]
        timed(baseline), timed(booklet)  # warm-up: .pyc files, disk cache
        baseline_times, booklet_times = [], []
        for _ in range(runs):
            baseline_times.append(timed(baseline))
            booklet_times.append(timed(booklet))
    base, ours = statistics.median(baseline_times), statistics.median(booklet_times)
    print(f"runs: {runs} each, alternating")
    print(f"weasyprint one-page PDF : median {base:.3f} s (min {min(baseline_times):.3f})")
    print(f"booklet seed booklet    : median {ours:.3f} s (min {min(booklet_times):.3f})")
    print(f"ratio                   : {ours / base:.2f} (target < 2)")


if __name__ == "__main__":
    main()
