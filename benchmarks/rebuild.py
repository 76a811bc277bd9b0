"""Cold builds and rebuilds after one abstract was edited, every edition side by side in
one run, medians of several runs; and `--edition all` against the three editions built
one by one.

For each edition and run: a fresh copy of the content and a fresh cache folder
(XDG_CACHE_HOME: no page numbers, merged fonts or compiled templates from before), a
cold `booklet build`, then one abstract edited (a few words added) and a rebuild into
the same folder, as an organiser fixing a typo does. Wall time, and CPU time of the
build and every process it waited for (the layout workers): on a shared machine the
CPU time is the steadier figure. The "all" row is one `build --edition all`, against
the sum of the three cold builds of the same run.

    python benchmarks/rebuild.py                  # 500 talks, 3 runs
    python benchmarks/rebuild.py --talks 200 --runs 5
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
from dataclasses import dataclass
from pathlib import Path

from conference_generator import generate

EDITIONS = ("screen", "print", "email")


@dataclass
class Run:
    wall: float  # s
    cpu: float  # s, user + system, this process and every process it waited for


def measured(command: list[str], cache: Path) -> Run:
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return Run(wall, usage.ru_utime + usage.ru_stime)


def edit_one_abstract(content: Path) -> None:
    programme = content / "programme.yaml"
    programme.write_text(programme.read_text().replace(".", ", i sandhed.", 1))


def build(content: Path, output: Path, edition: str, cache: Path) -> Run:
    command = [sys.executable, "-m", "booklet", "build", str(content), "-o", str(output)]
    return measured([*command, "-q", "--edition", edition, "--max-size", "1GB"], cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    cold: dict[str, list[Run]] = {edition: [] for edition in (*EDITIONS, "all")}
    warm: dict[str, list[Run]] = {edition: [] for edition in (*EDITIONS, "all")}
    with tempfile.TemporaryDirectory() as scratch:
        original = generate(arguments.talks, Path(scratch) / "original")
        for run in range(arguments.runs):
            for edition in (*EDITIONS, "all"):  # in turn: alike for the machine's load
                folder = Path(scratch) / f"{edition}-{run}"
                content = folder / "content"
                shutil.copytree(original, content)
                cache = folder / "cache"
                cold[edition].append(build(content, folder / "output", edition, cache))
                edit_one_abstract(content)
                warm[edition].append(build(content, folder / "output", edition, cache))
                shutil.rmtree(folder)
    print(
        f"{arguments.talks} talks, medians of {arguments.runs} runs; "
        "wall time (CPU time of all processes)"
    )
    print("| edition | cold build | rebuild after one edit | rebuild / cold, wall (CPU) |")
    print("|---|---:|---:|---:|")
    for edition in (*EDITIONS, "all"):
        cold_wall = statistics.median(run.wall for run in cold[edition])
        cold_cpu = statistics.median(run.cpu for run in cold[edition])
        warm_wall = statistics.median(run.wall for run in warm[edition])
        warm_cpu = statistics.median(run.cpu for run in warm[edition])
        print(
            f"| {edition} | {cold_wall:.1f} s ({cold_cpu:.1f} s) | {warm_wall:.1f} s "
            f"({warm_cpu:.1f} s) | {warm_wall / cold_wall:.2f} ({warm_cpu / cold_cpu:.2f}) |"
        )
    one_by_one = [
        sum(cold[edition][run].wall for edition in EDITIONS) for run in range(arguments.runs)
    ]
    one_by_one_cpu = [
        sum(cold[edition][run].cpu for edition in EDITIONS) for run in range(arguments.runs)
    ]
    print(
        f"\n`--edition all`, cold: {statistics.median(r.wall for r in cold['all']):.1f} s "
        f"({statistics.median(r.cpu for r in cold['all']):.1f} s CPU), against "
        f"{statistics.median(one_by_one):.1f} s ({statistics.median(one_by_one_cpu):.1f} s "
        "CPU) for the three editions built one by one"
    )


if __name__ == "__main__":
    main()
