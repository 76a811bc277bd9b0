"""How `booklet check` scales with the size and the shape of the content: big YAML files,
many speakers, and the shapes that once made it quadratic. Each case is generated, the
same every time, and checked in a fresh process; the table shows the median of several
runs (wall time of `booklet.check` itself, without starting Python) and the peak memory.

    python benchmarks/content_scale.py                   # this checkout, 3 runs a case
    python benchmarks/content_scale.py --before HEAD~3   # and that commit, side by side
    python benchmarks/content_scale.py --runs 5 --timeout 120 overlaps titles

`--before REF` takes booklet's package from git (`git archive`, nothing in the checkout
changes) and runs the same cases against it, so a change is measured in one run. A case
that runs past `--timeout` seconds is stopped and shown as "> N s".
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from conference_generator import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CONFERENCE = "title: Scale\norganiser: Benchmark\nrooms: [Hall]\n"
SPEAKERS = "".join(f"- id: speaker-{n}\n  name: Speaker {n}\n" for n in range(20))


def _programme_items(count: int, item: Callable[[int], str]) -> str:
    return "".join(item(number) for number in range(count))


def talks_of_size(megabytes: float) -> Callable[[Path], None]:
    """A real-looking programme (talks with abstracts) of about that many megabytes."""

    def write(folder: Path) -> None:
        # The generator writes about 1.5 KB a talk.
        generate(max(1, int(megabytes * 1024 * 1024 / 1500)), folder)

    return write


def tiny_values_of_size(megabytes: float) -> Callable[[Path], None]:
    """As many tiny values as fit: the shape that once parsed for minutes before the
    limit on values was even looked at."""

    def write(folder: Path) -> None:
        count = int(megabytes * 1024 * 1024 / 6)  # "s123, " is six bytes
        speakers = ", ".join(f"s{n % 1000:03d}" for n in range(count))
        _write(folder, programme=f"- title: Many\n  speakers: [{speakers}]\n")

    return write


def speakers(count: int) -> Callable[[Path], None]:
    """A real-looking conference with that many speakers, each in a talk."""

    def write(folder: Path) -> None:
        generate(max(1, count // 2), folder, speakers=count)

    return write


def references_in_one_item(count: int) -> Callable[[Path], None]:
    """One item naming `count` speakers that do not exist (the last one twice), beside
    1,000 that do: each unknown id once looked for a near miss among all of them."""

    def write(folder: Path) -> None:
        names = [f"ghost-{n}" for n in range(count - 1)] + [f"ghost-{count - 2}"]
        _write(folder, programme=f"- title: Crowd\n  speakers: [{', '.join(names)}]\n")
        speakers = "".join(f"- id: speaker-{n}\n  name: Speaker {n}\n" for n in range(1000))
        (folder / "speakers.yaml").write_text(speakers)

    return write


def items_with_one_title(count: int) -> Callable[[Path], None]:
    """`count` items with the same title and no id: each needs an id made from it."""

    def write(folder: Path) -> None:
        _write(folder, programme=_programme_items(count, lambda n: "- title: Same\n"))

    return write


def items_at_one_time(count: int) -> Callable[[Path], None]:
    """`count` items in one room at the same time: each overlaps every other."""

    def write(folder: Path) -> None:
        item = "- title: Clash {}\n  start: '9:00'\n  end: '10:00'\n  room: Hall\n".format
        _write(folder, programme=_programme_items(count, item))

    return write


def _write(folder: Path, programme: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conference.yaml").write_text(CONFERENCE)
    (folder / "speakers.yaml").write_text(SPEAKERS)
    (folder / "programme.yaml").write_text(programme)


CASES: dict[str, list[tuple[str, Callable[[Path], None]]]] = {
    "talks": [(f"talks, {mb} MB", talks_of_size(mb)) for mb in (1, 5, 9.5, 20)],
    "tiny": [(f"tiny values, {mb} MB", tiny_values_of_size(mb)) for mb in (1, 5, 9.5, 20)],
    "speakers": [(f"{n:,} speakers", speakers(n)) for n in (1000, 2000, 4000)],
    "references": [
        (f"{n:,} unknown speakers in one item", references_in_one_item(n))
        for n in (25_000, 50_000, 100_000)
    ],
    "titles": [
        (f"{n:,} items with one title", items_with_one_title(n)) for n in (10_000, 20_000, 40_000)
    ],
    "overlaps": [
        (f"{n:,} items in one room at once", items_at_one_time(n)) for n in (375, 750, 1500)
    ],
}

# Runs in the child: booklet.check, timed, and what it ended with.
CHILD = """
import json, sys, time
import booklet
started = time.perf_counter()
try:
    booklet.check(sys.argv[1])
    outcome = "no problems"
except booklet.ContentError as error:
    outcome = f"{len(error.problems):,} problems, {len(str(error)):,} characters of message"
except booklet.BookletError as error:
    outcome = f"error: {str(error)[:60]}"
print(json.dumps({"seconds": time.perf_counter() - started, "outcome": outcome}))
"""


def measure(folder: Path, package_parent: Path, timeout: float) -> tuple[float | None, int, str]:
    """(seconds or None when stopped, peak memory in MB, outcome) of one check."""
    environment = {**os.environ, "PYTHONPATH": str(package_parent)}
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(folder)],
            stdout=output,
            stderr=subprocess.DEVNULL,
            env=environment,
            cwd=package_parent,  # so that `import booklet` finds that package first
        )
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                return None, usage.ru_maxrss // 1024, "stopped"
            time.sleep(0.02)
        process.returncode = status
        output.seek(0)
        text = output.read().decode()
    if status != 0 or not text:
        return None, usage.ru_maxrss // 1024, f"crashed (status {status})"
    result = json.loads(text)
    return result["seconds"], usage.ru_maxrss // 1024, result["outcome"]


def package_at(reference: str, into: Path) -> Path:
    """booklet's package and default theme as they were at a git commit, in `into`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", reference, "booklet", "styles"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> None:
    if sys.argv[1:2] == ["--write"]:  # python content_scale.py --write GROUP NUMBER FOLDER
        group, number, folder = sys.argv[2:5]
        CASES[group][int(number)][1](Path(folder))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", help=f"some of: {', '.join(CASES)} (default: all)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--before", help="a git commit to measure beside this checkout")
    arguments = parser.parse_args()
    groups = arguments.groups or list(CASES)
    if unknown := set(groups) - set(CASES):
        parser.error(f"no such group: {', '.join(sorted(unknown))}")

    with tempfile.TemporaryDirectory(prefix="content-scale-") as temporary:
        work = Path(temporary)
        versions = {"now": ROOT}
        if arguments.before:
            versions = {"before": package_at(arguments.before, work / "before"), **versions}
        header = f"{'case':40} {'MB':>6}"
        for name in versions:
            header += f" | {name + ' s':>9} {'peak MB':>8}"
        print(header + " | outcome (now)")
        print("-" * len(header) + "-" * 40)
        for group in groups:
            for number, (label, _) in enumerate(CASES[group]):
                folder = work / f"{group}-{number}"
                # Written by a process of its own: Linux counts the memory a process had
                # when it started another in that one's peak, so this one stays small.
                subprocess.run(
                    [sys.executable, __file__, "--write", group, str(number), str(folder)],
                    check=True,
                )
                megabytes = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
                row = f"{label:40} {megabytes:6.1f}"
                outcome = ""
                for package_parent in versions.values():
                    times, peaks = [], []
                    for _ in range(arguments.runs):
                        seconds, peak, outcome = measure(folder, package_parent, arguments.timeout)
                        peaks.append(peak)
                        if seconds is None:  # one stop is enough to know
                            break
                        times.append(seconds)
                    if len(times) == arguments.runs:
                        shown = f"{statistics.median(times):9.2f}"
                    elif outcome == "stopped":
                        shown = f"{'> ' + format(arguments.timeout, '.0f'):>9}"
                    else:
                        shown = f"{'crashed':>9}"
                    row += f" | {shown} {max(peaks):8d}"
                print(f"{row} | {outcome}", flush=True)


if __name__ == "__main__":
    main()
