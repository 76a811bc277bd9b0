"""Seed booklet build time against WeasyPrint's own floor, side by side in one run.

Baseline: a fresh `python -c` that imports WeasyPrint and writes a one-page PDF.
Direct:   the same with WeasyPrint's libraries opened by name as booklet opens them
          (booklet/engine.py: no `find_library` subprocesses): the floor booklet stands on.
Booklet:  a fresh `python -m booklet build content -o <tmp>`, process start to PDF, as
          an edit-and-build loop runs it: this content's page numbers are known from
          the builds before (~/.cache/booklet/pages), so it is laid out once.
First build: the same with no page numbers known (that cache emptied before each run):
          laid out twice, first with stand-in page numbers.
The four alternate, after one untimed warm-up of each, so that disk cache and CPU
frequency treat them alike. Each in its own cache folder (XDG_CACHE_HOME), compiled
templates kept; bytecode is written as Python writes it by default (even where
PYTHONDONTWRITEBYTECODE is set here), so a run does not compile booklet's modules anew.
Wall time and the CPU time of the process (steadier on a shared machine). Prints each
median and the ratios (issue 14 asks 1.5).

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cache: Path, forget_pages: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command`."""
    if forget_pages:
        shutil.rmtree(cache / "booklet" / "pages", ignore_errors=True)
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=environment)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        one_page = (
            f"weasyprint.HTML(string='<p>Hello</p>').write_pdf({str(Path(scratch) / 'one.pdf')!r})"
        )
        commands = {
            "weasyprint one-page PDF": [sys.executable, "-c", f"import weasyprint; {one_page}"],
            "  libraries found directly": [
                sys.executable,
                "-c",
                # booklet/engine.py run on its own: WeasyPrint imported as booklet imports it
                "import runpy; runpy.run_path('booklet/engine.py'); import weasyprint; " + one_page,
            ],
            "booklet seed booklet": [
                *(sys.executable, "-m", "booklet", "build", "content", "-o", scratch)
            ],
        }
        commands["  the first build of it"] = commands["booklet seed booklet"]
        known, first = Path(scratch) / "known", Path(scratch) / "first"

        def run(name: str) -> tuple[float, float]:
            forget = name == "  the first build of it"
            return timed(commands[name], first if forget else known, forget_pages=forget)

        # warm-up: .pyc files, disk cache, compiled templates, this content's page numbers
        for name in commands:
            run(name)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(runs):
            for name in commands:
                times[name].append(run(name))
    print(f"runs: {runs} each, alternating; medians, seconds")
    print(f"{'':28}{'wall':>7}{'CPU':>7}")
    wall = {name: statistics.median(w for w, _ in runs_) for name, runs_ in times.items()}
    cpu = {name: statistics.median(c for _, c in runs_) for name, runs_ in times.items()}
    for name in commands:
        print(f"{name:28}{wall[name]:7.3f}{cpu[name]:7.3f}")
    for floor in ("weasyprint one-page PDF", "  libraries found directly"):
        print(f"booklet / {floor.strip():26}", end="")
        for build in ("booklet seed booklet", "  the first build of it"):
            print(
                f"  {build.strip()}: wall {wall[build] / wall[floor]:.2f}, "
                f"CPU {cpu[build] / cpu[floor]:.2f}",
                end="",
            )
        print()


if __name__ == "__main__":
    main()
