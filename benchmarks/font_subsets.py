"""One font subset per face in a joined booklet: the 500-talk print edition, its fonts
and its size, with the parts' subsets merged (booklet's way) and without (each part's
own subset, as before issue 11). The same code otherwise; medians of the runs.

    python benchmarks/font_subsets.py            # 500 talks, 3 runs each
    python benchmarks/font_subsets.py 1000 --runs 5

The first run of each lays every part out (cold); the others reuse the parts' cache,
so that their time is the joining and finishing, where the merging happens. The two
ways are built in turn, into folders of their own.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from unittest import mock

import pikepdf
from conference_generator import generate

import booklet
from booklet import editions


def fonts_of(path: Path) -> tuple[int, int, int]:
    """Font programs, their bytes (as stored), and subset names shared by several."""
    programs: dict[str, set[tuple[int, int]]] = defaultdict(set)
    stored = 0
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                program = obj.get("/FontFile2") or obj.get("/FontFile3")
                if program is not None and program.objgen not in programs[str(obj.FontName)]:
                    programs[str(obj.FontName)].add(program.objgen)
                    stored += len(program.read_raw_bytes())
    count = sum(len(found) for found in programs.values())
    shared = sum(1 for found in programs.values() if len(found) > 1)
    return count, stored, shared


def build(content: Path, output: Path, merged: bool) -> tuple[float, booklet.BuildResult]:
    keep = editions.one_subset_per_face
    with mock.patch.object(editions, "one_subset_per_face", keep if merged else lambda _: None):
        start = time.perf_counter()
        result = booklet.build(content, output, edition="print")
        return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("talks", nargs="?", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    ways = {"parts' own subsets": False, "one subset per face": True}
    times: dict[str, list[float]] = {name: [] for name in ways}
    last: dict[str, booklet.BuildResult] = {}
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        content = generate(arguments.talks, Path(folder) / "content")
        for _ in range(arguments.runs):  # the two ways in turn: a busy machine slows both
            for name, merged in ways.items():
                elapsed, last[name] = build(content, Path(folder) / str(merged), merged)
                times[name].append(elapsed)
        for name, result in last.items():
            count, stored, shared = fonts_of(result.pdf_path)
            rows[name] = (result, result.pdf_path.stat().st_size, count, stored, shared)
    print(f"{arguments.talks} talks, print edition, {arguments.runs} runs each (medians)")
    print("| fonts | pages | PDF | font programs | their bytes | names shared | cold | warm |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (result, size, count, stored, shared) in rows.items():
        cold, warm = times[name][0], statistics.median(times[name][1:] or times[name])
        print(
            f"| {name} | {result.page_count} | {size / 1000:,.0f} KB | {count} "
            f"| {stored / 1000:,.0f} KB | {shared} | {cold:.1f} s | {warm:.1f} s |"
        )
        for error in result.preflight.errors[:2]:
            print(f"  preflight: {error}")


if __name__ == "__main__":
    main()
