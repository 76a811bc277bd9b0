"""How booklet scales: time, peak memory, pages and file size from small to large
conferences, beside the naive single-pass document (naive_reference.py), in one run.

For each size: the naive build; booklet's cold build (no previous build); a rebuild
after one abstract was edited (booklet starts from the last page numbers); and, as a
floor for any way of building it with WeasyPrint, the CPU time of laying the whole
booklet out once in one process with every page number already known (told the last
build's numbers, a single-document build needs one layout). No build on N cores can
take less wall time than that CPU time divided by N.

And the engine floor (engine_floor.py): a plain WeasyPrint document with the booklet's
text, fonts and page size, and none of booklet's work; booklet's cold build and the
naive document are then compared with it per 1,000 lines of text, in CPU time (all
processes: the steadier figure on a shared machine). With --runs, every figure is the
median of that many runs, taken in turn.

    python benchmarks/large.py 50 100 200 500 1000
    python benchmarks/large.py --edition print 500    # an edition other than screen
    python benchmarks/large.py --runs 3 500
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conference_generator import generate

HERE = Path(__file__).resolve().parent


def measured(command: list[str]) -> tuple[float, int, float]:
    """Wall time (s), peak resident memory (MB) and CPU time (s) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def one_layout(content: Path, last_build: Path, folder: Path, edition: str) -> float:
    """CPU time of one whole-booklet layout in one process, page numbers known."""
    folder.mkdir()
    for pages_file in last_build.glob(".*.pages.json"):
        shutil.copy(pages_file, folder)
    script = (
        "import sys, booklet; "
        "booklet.build(sys.argv[1], sys.argv[2], parts=False, edition=sys.argv[3])"
    )
    _, _, cpu = measured([sys.executable, "-c", script, str(content), str(folder), edition])
    return cpu


def main(sizes: list[int], edition: str, runs: int) -> None:
    print(f"booklet's {edition} edition; the naive document is untagged, without bleed")
    print(f"medians of {runs} run(s); CPU per 1,000 lines of text: naive, booklet, engine floor")
    print(
        "| talks | pages | lines | PDF | naive | booklet cold | peak memory "
        "| rebuild after one edit | one layout, CPU | CPU per 1,000 lines: naive / booklet "
        "/ engine floor | booklet / floor |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for talks in sizes:
        figures: dict[str, list[float]] = {}
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as scratch:
                for name, value in one_run(talks, edition, Path(scratch)).items():
                    figures.setdefault(name, []).append(value)
        median = {name: statistics.median(values) for name, values in figures.items()}
        per_lines = 1000 / median["lines"]
        naive_rate = median["naive_cpu"] * per_lines
        booklet_rate = median["cold_cpu"] * per_lines
        floor_rate = median["floor_cpu"] * per_lines
        print(
            f"| {talks} | {median['pages']:.0f} | {median['lines']:,.0f} "
            f"| {median['size']:,.0f} KB | {median['naive']:.1f} s "
            f"| {median['cold']:.1f} s ({median['naive'] / median['cold']:.1f}× faster) "
            f"| {median['memory']:.0f} MB | {median['warm']:.1f} s "
            f"({median['warm'] / median['cold']:.2f} of cold) | {median['floor']:.1f} s "
            f"| {naive_rate:.2f} / {booklet_rate:.2f} / {floor_rate:.2f} s "
            f"| {booklet_rate / floor_rate:.2f} |",
            flush=True,
        )


def one_run(talks: int, edition: str, scratch: Path) -> dict[str, float]:
    # A cold build has no merged fonts, page numbers or templates from before.
    os.environ["XDG_CACHE_HOME"] = str(scratch / "cache")
    content = generate(talks, scratch / "content")
    naive_time, _, naive_cpu = measured(
        [sys.executable, str(HERE / "naive_reference.py"), str(content), f"{scratch}/n.pdf"]
    )
    build = [sys.executable, "-m", "booklet", "build", str(content), "-o", str(scratch), "-q"]
    build += ["--edition", edition, "--max-size", "1GB"]
    cold_time, cold_memory, cold_cpu = measured(build)
    (pdf,) = scratch.glob("konference-*oplaeg*.pdf")
    import pypdf

    pages = len(pypdf.PdfReader(pdf).pages)
    size = pdf.stat().st_size / 1024
    # The engine floor, from the cold build's text (read back before timing).
    plain = scratch / "plain.html"
    lines = subprocess.run(
        [sys.executable, str(HERE / "engine_floor.py"), "text", str(pdf), str(plain)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    _, _, floor_cpu = measured(
        [sys.executable, str(HERE / "engine_floor.py"), "pdf", str(plain), f"{scratch}/f.pdf"]
    )
    programme = content / "programme.yaml"
    programme.write_text(programme.read_text().replace(".", ", i sandhed.", 1))
    warm_time, _, _ = measured(build)
    floor = one_layout(content, scratch, scratch / "one", edition)
    return {
        "pages": pages,
        "lines": int(lines),
        "size": size,
        "naive": naive_time,
        "naive_cpu": naive_cpu,
        "cold": cold_time,
        "cold_cpu": cold_cpu,
        "memory": cold_memory,
        "warm": warm_time,
        "floor": floor,
        "floor_cpu": floor_cpu,
    }


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen, runs = "screen", 1
    if "--edition" in arguments:
        at = arguments.index("--edition")
        chosen = arguments[at + 1]
        del arguments[at : at + 2]
    if "--runs" in arguments:
        at = arguments.index("--runs")
        runs = int(arguments[at + 1])
        del arguments[at : at + 2]
    main([int(size) for size in arguments] or [50, 100, 200, 500], chosen, runs)
