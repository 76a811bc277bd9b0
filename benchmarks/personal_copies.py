"""Personal copies against one build: 1,000 copies of the `booklet new` example, each
with its reader's name on the cover and a "my programme" page of three talks, against
one build of the same booklet (the email edition, which invitations attach).

    python benchmarks/personal_copies.py [--readers 1000] [--runs 3]

Both are timed in this process, alternating, and their medians printed side by side;
the issue asks for the copies in at most 3× one build. A build starts cold (no page
numbers of a last build to start from); the copies start from the built booklet, as
`booklet mail --personal` does after its build: planning, one layout of every reader's
page, and a copy written per reader.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import booklet
from booklet.mail import read_recipients
from booklet.personal_copies import prepare_copies
from booklet.scaffold import new_project

TALK_IDS = ["ten-years-on", "town-budget", "who-reads", "what-next"]
FIRST = ["Ada", "Ben", "Carla", "Dina", "Emil", "Frida", "Gustav", "Hanne", "Ib", "Jens"]
LAST = ["Andersen", "Bøgh", "Christensen", "Dahl", "Eriksen", "Fog", "Grønbech", "Holm"]


def recipients_csv(folder: Path, count: int) -> Path:
    chooser = random.Random(12)  # the same readers every run
    rows = ["email,name,talks"]
    for number in range(count):
        name = f"{chooser.choice(FIRST)} {chooser.choice(LAST)}"
        talks = " ".join(chooser.sample(TALK_IDS, 3))
        rows.append(f"reader{number}@example.org,{name},{talks}")
    path = folder / "people.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def one_build(content: Path, output: Path) -> tuple[float, booklet.BuildResult]:
    for leftover in output.glob(".*.pages.json"):
        leftover.unlink()  # cold: no guess of the page numbers from the last build
    start = time.perf_counter()
    result = booklet.build(content, output, edition="email")
    return time.perf_counter() - start, result


def all_copies(result: booklet.BuildResult, people: Path, folder: Path) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    start = time.perf_counter()
    recipients = read_recipients(people).recipients
    copies = prepare_copies(result.loaded, result.page_of, result.pdf_path, recipients, people.name)
    for plan, pdf in copies:
        (folder / f"{plan.recipient.line:05d}.pdf").write_bytes(pdf)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary) / "project"
        new_project(project)
        people = recipients_csv(Path(temporary), options.readers)
        builds, copies = [], []
        one_build(project / "content", project / "output")  # warm: imports, caches
        for _ in range(options.runs):
            seconds, result = one_build(project / "content", project / "output")
            builds.append(seconds)
            copies.append(all_copies(result, people, Path(temporary) / "copies"))
        size = sum(p.stat().st_size for p in (Path(temporary) / "copies").iterdir())
        build, copied = statistics.median(builds), statistics.median(copies)
        print(f"one build (email edition, {result.page_count} pages): median {build:.2f} s")
        each = f"{copied / options.readers * 1000:.1f} ms a copy"
        print(
            f"{options.readers:,} personal copies: median {copied:.2f} s "
            f"({each}, {size / options.readers / 1000:.0f} KB each)"
        )
        print(f"ratio: {copied / build:.2f}× one build (at most 3×)")
        print("runs:", ", ".join(f"{b:.2f}/{c:.2f}" for b, c in zip(builds, copies, strict=True)))


if __name__ == "__main__":
    main()
