"""How booklet scales: time, peak memory, pages and file size from small to large
conferences, beside the naive single-pass document (naive_reference.py), in one run.

For each size: the naive build; booklet's cold build (no previous build); a rebuild
after one abstract was edited (booklet starts from the last page numbers); and, as a
floor for any way of building it with WeasyPrint, the CPU time of laying the whole
booklet out once in one process with every page number already known (told the last
build's numbers, a single-document build needs one layout). No build on N cores can
take less wall time than that CPU time divided by N.

    python benchmarks/large.py 50 100 200 500 1000
    python benchmarks/large.py --edition print 500    # an edition other than screen
"""

from __future__ import annotations

import os
import shutil
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


def main(sizes: list[int], edition: str) -> None:
    print(f"booklet's {edition} edition; the naive document is untagged, without bleed")
    print(
        "| talks | pages | PDF | naive | booklet cold | peak memory | rebuild after one edit "
        "| one layout, CPU |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for talks in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            content = generate(talks, Path(scratch) / "content")
            naive_time, _, _ = measured(
                [sys.executable, str(HERE / "naive_reference.py"), str(content), f"{scratch}/n.pdf"]
            )
            build = [sys.executable, "-m", "booklet", "build", str(content), "-o", scratch, "-q"]
            build += ["--edition", edition, "--max-size", "1GB"]
            cold_time, cold_memory, _ = measured(build)
            programme = content / "programme.yaml"
            programme.write_text(programme.read_text().replace(".", ", i sandhed.", 1))
            warm_time, _, _ = measured(build)
            floor = one_layout(content, Path(scratch), Path(scratch) / "one", edition)
            (pdf,) = Path(scratch).glob("konference-*oplaeg*.pdf")
            import pypdf

            pages = len(pypdf.PdfReader(pdf).pages)
            size = pdf.stat().st_size / 1024
            print(
                f"| {talks} | {pages} | {size:,.0f} KB | {naive_time:.1f} s | {cold_time:.1f} s "
                f"({naive_time / cold_time:.1f}× faster) | {cold_memory} MB | {warm_time:.1f} s "
                f"({warm_time / cold_time:.2f} of cold) | {floor:.1f} s |",
                flush=True,
            )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = "screen"
    if "--edition" in arguments:
        at = arguments.index("--edition")
        chosen = arguments[at + 1]
        del arguments[at : at + 2]
    main([int(size) for size in arguments] or [50, 100, 200, 500], chosen)
