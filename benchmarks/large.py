"""How booklet scales: time, peak memory, pages and file size from small to large
conferences, beside the naive single-pass document (naive_reference.py), in one run.

For each size: the naive build; booklet's cold build (no previous build); and a
rebuild after one abstract was edited (booklet starts from the last page numbers).

    python benchmarks/large.py 50 100 200 500 1000
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conference_generator import generate

HERE = Path(__file__).resolve().parent


def measured(command: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (MB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


def main(sizes: list[int]) -> None:
    print("| talks | pages | PDF | naive | booklet cold | peak memory | rebuild after one edit |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for talks in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            content = generate(talks, Path(scratch) / "content")
            naive_time, _ = measured(
                [sys.executable, str(HERE / "naive_reference.py"), str(content), f"{scratch}/n.pdf"]
            )
            build = [sys.executable, "-m", "booklet", "build", str(content), "-o", scratch, "-q"]
            cold_time, cold_memory = measured(build)
            programme = content / "programme.yaml"
            programme.write_text(programme.read_text().replace(".", ", i sandhed.", 1))
            warm_time, _ = measured(build)
            (pdf,) = Path(scratch).glob("konference-*.pdf")
            import pypdf

            pages = len(pypdf.PdfReader(pdf).pages)
            size = pdf.stat().st_size / 1024
            print(
                f"| {talks} | {pages} | {size:,.0f} KB | {naive_time:.1f} s | {cold_time:.1f} s "
                f"({naive_time / cold_time:.1f}× faster) | {cold_memory} MB | {warm_time:.1f} s "
                f"({warm_time / cold_time:.2f} of cold) |",
                flush=True,
            )


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or [50, 100, 200, 500])
