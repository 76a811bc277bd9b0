"""Seed booklet build time against WeasyPrint's own floor, side by side in one run.

Baseline: a fresh `python -c` that imports WeasyPrint and writes a one-page PDF.
Booklet:  a fresh `python -m booklet build content -o <tmp>`, process start to PDF, as
          an edit-and-build loop runs it: this content's page numbers are known from
          the builds before (~/.cache/booklet/pages), so it is laid out once.
First build: the same with no page numbers known (that cache emptied before each run):
          laid out twice, first with stand-in page numbers.
The three alternate, after one untimed warm-up of each, so that disk cache and CPU
frequency treat them alike. Each in its own cache folder (XDG_CACHE_HOME), compiled
templates kept. Prints each median and the ratios (issue 14 asks 1.5).

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cache: Path, forget_pages: bool = False) -> float:
    if forget_pages:
        shutil.rmtree(cache / "booklet" / "pages", ignore_errors=True)
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=environment)
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
        known, first = Path(scratch) / "known", Path(scratch) / "first"
        # warm-up: .pyc files, disk cache, compiled templates, this content's page numbers
        timed(baseline, known), timed(booklet, known), timed(booklet, first, True)
        baseline_times, booklet_times, first_times = [], [], []
        for _ in range(runs):
            baseline_times.append(timed(baseline, known))
            booklet_times.append(timed(booklet, known))
            first_times.append(timed(booklet, first, forget_pages=True))
    base, ours = statistics.median(baseline_times), statistics.median(booklet_times)
    first_build = statistics.median(first_times)
    print(f"runs: {runs} each, alternating")
    print(f"weasyprint one-page PDF : median {base:.3f} s (min {min(baseline_times):.3f})")
    print(f"booklet seed booklet    : median {ours:.3f} s (min {min(booklet_times):.3f})")
    print(f"  the first build of it : median {first_build:.3f} s (min {min(first_times):.3f})")
    print(f"ratio                   : {ours / base:.2f}; first build {first_build / base:.2f}")


if __name__ == "__main__":
    main()
