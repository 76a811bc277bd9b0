"""The build time of a real conference's booklet, where the programme is the largest part
of the front matter: camp2019 (8-12 rooms a day, 5 days) by default.

Median wall time and median CPU time (this process and its children) of N cold builds,
each in a fresh output folder. CPU time is the steadier number on a shared machine.

    python benchmarks/programme.py                                  # camp2019, 3 builds
    python benchmarks/programme.py ../shared/data/schedules/31c3-schedule.xml 5
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BOOKLET = [sys.executable, "-m", "booklet"]
DEFAULT = HERE.parent.parent / "shared/data/schedules/camp2019-stages.schedule.json"


def timed(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (s) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> None:
    schedule = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        subprocess.run([*BOOKLET, "import", str(schedule), "-o", str(content)], check=True,
                       capture_output=True)  # fmt: skip
        walls, cpus = [], []
        for run in range(runs):
            wall, cpu = timed([*BOOKLET, "build", str(content), "-o", f"{folder}/out{run}"])
            walls.append(wall)
            cpus.append(cpu)
        print(
            f"{schedule.name}: {runs} builds, median wall {statistics.median(walls):.2f} s, "
            f"median CPU {statistics.median(cpus):.2f} s "
            f"(wall {', '.join(f'{w:.2f}' for w in walls)})"
        )


if __name__ == "__main__":
    main()
