"""The build time of a real conference's booklet, where the programme is the largest part
of the front matter: camp2019 (up to 7 rooms a day, 5 days) by default; and, side by
side in one run, the same with another version of booklet (a git revision).

Median wall time and median CPU time (the build process and its children) of N cold
builds, each in a fresh output folder with a fresh cache; with --against, the two
versions take turns, each importing the export with its own importer. CPU time is the
steadier number on a shared machine.

    python benchmarks/programme.py                                  # camp2019, 3 builds
    python benchmarks/programme.py tests/data/schedules/31c3-schedule.xml 5
    python benchmarks/programme.py --against 72d605c --runs 5       # this tree vs 72d605c
    python benchmarks/programme.py --this HEAD --against 72d605c    # two commits
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "tests/data/schedules/camp2019-stages.schedule.json"


def timed(command: list[str], environment: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (s) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment
    )
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def checkout(revision: str, folder: Path) -> Path:
    """The package and theme of `revision`, unpacked into `folder`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "booklet", "styles"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("schedule", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("runs", nargs="?", type=int, default=3)
    parser.add_argument("--runs", dest="runs_option", type=int)
    parser.add_argument("--against", help="a git revision to compare with, side by side")
    parser.add_argument("--this", help="a git revision to measure instead of this tree")
    arguments = parser.parse_args()
    runs = arguments.runs_option or arguments.runs
    with tempfile.TemporaryDirectory() as folder:
        versions = {"this tree": ROOT}
        if arguments.this:
            versions = {arguments.this: checkout(arguments.this, Path(folder) / "this")}
        if arguments.against:
            versions[arguments.against] = checkout(arguments.against, Path(folder) / "other")
        contents, times = {}, {name: ([], []) for name in versions}
        for number, (name, tree) in enumerate(versions.items()):
            environment = {**os.environ, "PYTHONPATH": str(tree)}
            contents[name] = (Path(folder) / f"content{number}", environment)
            subprocess.run(
                [sys.executable, "-m", "booklet", "import", str(arguments.schedule),
                 "-o", str(contents[name][0])],
                check=True, capture_output=True, env=environment,
            )  # fmt: skip
        for run in range(runs):
            for number, (name, (content, environment)) in enumerate(contents.items()):
                cache = Path(folder) / f"cache-{run}-{number}"
                wall, cpu = timed(
                    [sys.executable, "-m", "booklet", "build", str(content),
                     "-o", f"{folder}/out-{run}-{number}"],
                    {**environment, "XDG_CACHE_HOME": str(cache)},
                )  # fmt: skip
                times[name][0].append(wall)
                times[name][1].append(cpu)
        medians = {}
        for name, (walls, cpus) in times.items():
            medians[name] = statistics.median(walls), statistics.median(cpus)
            print(
                f"{arguments.schedule.name}, {name}: {runs} builds, median wall "
                f"{medians[name][0]:.2f} s, median CPU {medians[name][1]:.2f} s "
                f"(wall {', '.join(f'{w:.2f}' for w in walls)})"
            )
        if arguments.against:
            (wall, cpu), (other_wall, other_cpu) = medians.values()
            print(f"{arguments.this or 'this tree'} / {arguments.against}: "
                  f"wall {wall / other_wall:.2f}, "
                  f"CPU {cpu / other_cpu:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
