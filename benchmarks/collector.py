"""What pausing Python's garbage collector during layout and writing saves (pdf.py's
collector_paused), and that the PDF is the same bytes either way.

Lays the whole booklet out once in one process (page numbers known, as a rebuild does),
with the collector paused as booklet does and with it collecting as Python does by
default, each in a fresh process, in turn; medians of the CPU time of each.

    python benchmarks/collector.py [--talks 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from conference_generator import generate

# Builds in one process (parts=False), told the page numbers of a build before.
SCRIPT = """
import contextlib, gc, sys, time
import booklet
from booklet import pdf
if sys.argv[3] == "collecting":
    pdf.collector_paused = contextlib.nullcontext
gc.freeze()  # as the command line does
start = time.process_time()
booklet.build(sys.argv[1], sys.argv[2], parts=False)
print(time.process_time() - start)
"""


def one_build(content: Path, output: Path, mode: str, last_build: Path) -> float:
    output.mkdir()
    for pages_file in last_build.glob(".*.pages.json"):
        shutil.copy(pages_file, output)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(content), str(output), mode],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    times: dict[str, list[float]] = {"paused": [], "collecting": []}
    pdfs: dict[str, set[bytes]] = {"paused": set(), "collecting": set()}
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["XDG_CACHE_HOME"] = str(Path(scratch) / "cache")
        content = generate(arguments.talks, Path(scratch) / "content")
        first = Path(scratch) / "first"
        subprocess.run(
            [sys.executable, "-m", "booklet", "build", str(content), "-o", str(first), "-q"],
            check=True,
        )
        for run in range(arguments.runs):
            for mode in times:
                output = Path(scratch) / f"{mode}-{run}"
                times[mode].append(one_build(content, output, mode, first))
                (pdf,) = output.glob("*.pdf")
                pdfs[mode].add(pdf.read_bytes())
    paused, collecting = (statistics.median(times[mode]) for mode in ("paused", "collecting"))
    same = len(pdfs["paused"] | pdfs["collecting"]) == 1
    print(
        f"{arguments.talks} talks, one layout and write in one process, medians of "
        f"{arguments.runs} runs, CPU time"
    )
    print(f"collector collecting : {collecting:.1f} s")
    print(f"collector paused     : {paused:.1f} s ({(paused - collecting) / collecting:+.0%})")
    print(f"PDF the same bytes   : {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
