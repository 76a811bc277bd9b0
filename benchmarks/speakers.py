"""How booklet scales with speakers: check and cold build of conferences of 1,000, 2,000
and 4,000 speakers (three to a talk), side by side in one run, medians of several runs.

For each size: `booklet check` (wall time); a cold `booklet build` (no previous build):
wall time, CPU time of all its processes (the fairer figure on a busy machine), and peak
memory, the largest resident size of any one of its processes. The last columns divide
by thousands of speakers: flat columns mean linear growth.

    python benchmarks/speakers.py                     # 1000 2000 4000, one run each
    python benchmarks/speakers.py --runs 3 1000 3000
    python benchmarks/speakers.py --booklet /tmp/before --booklet .   # two checkouts,
                                         # same content, runs taken in turn, one row each
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from conference_generator import generate

ROOT = Path(__file__).resolve().parent.parent
SPEAKERS_PER_TALK = 3


@dataclass
class Run:
    wall: float  # s
    cpu: float  # s, user + system, this process and every process it waited for
    peak: int  # MB, the largest resident size of any one process


def measured(command: list[str], checkout: Path) -> Run:
    environment = {**os.environ, "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=checkout, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    # wait4's usage covers the process and the children it waited for (the layout workers):
    # times add up, ru_maxrss is the largest of them.
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024)


def pages_of(pdf: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(pdf).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("speakers", nargs="*", type=int, default=[1000, 2000, 4000])
    parser.add_argument("--runs", type=int, default=1, help="runs per size (median)")
    parser.add_argument(
        "--booklet", type=Path, action="append", help="a checkout to run (default: this one)"
    )
    arguments = parser.parse_args()
    checkouts = [path.resolve() for path in arguments.booklet or [ROOT]]
    python = sys.executable
    print(f"medians of {arguments.runs} run(s); screen edition; cold builds")
    print(
        "| booklet | speakers | talks | pages | check | build | build CPU | peak memory "
        "| build per 1,000 | CPU per 1,000 | memory per 1,000 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for speakers in arguments.speakers:
        talks = -(-speakers // SPEAKERS_PER_TALK)
        with tempfile.TemporaryDirectory() as scratch:
            content = generate(talks, Path(scratch) / "content", speakers=speakers)
            checks: dict[Path, list[Run]] = {checkout: [] for checkout in checkouts}
            builds: dict[Path, list[Run]] = {checkout: [] for checkout in checkouts}
            pages: dict[Path, int] = {}
            for number in range(arguments.runs):
                for place, checkout in enumerate(checkouts):  # in turn: alike for load
                    output = Path(scratch) / f"output-{place}-{number}"  # cold: no cache
                    check = [python, "-m", "booklet", "check", str(content)]
                    checks[checkout].append(measured(check, checkout))
                    build = [python, "-m", "booklet", "build", str(content), "-o", str(output)]
                    builds[checkout].append(measured([*build, "-q"], checkout))
                    if checkout not in pages:
                        pages[checkout] = pages_of(next(output.glob("*.pdf")))
            for checkout in checkouts:
                _row(checkout, speakers, talks, pages[checkout], checks[checkout], builds[checkout])


def _row(checkout: Path, speakers: int, talks: int, pages: int, checks, builds) -> None:
    check = statistics.median(run.wall for run in checks)
    wall = statistics.median(run.wall for run in builds)
    cpu = statistics.median(run.cpu for run in builds)
    peak = statistics.median(run.peak for run in builds)
    per = speakers / 1000
    print(
        f"| {checkout.name} | {speakers:,} | {talks:,} | {pages:,} | {check:.1f} s "
        f"| {wall:.1f} s | {cpu:.1f} s | {peak:,.0f} MB | {wall / per:.1f} s "
        f"| {cpu / per:.1f} s | {peak / per:,.0f} MB |",
        flush=True,
    )


if __name__ == "__main__":
    main()
