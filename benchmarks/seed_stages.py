"""Where the seed build's time goes, stage by stage, in one fresh process each run:
importing WeasyPrint (as booklet imports it, booklet/engine.py), importing booklet,
checking the content (and, within it, reading the fonts' characters), the words of the
language, the stylesheets and fonts, each layout, and writing; medians of several runs,
in CPU seconds of the process (steadier than wall time on a shared machine; the build
runs in one thread). With `--first`, no page numbers are known from a build before (a
first build: two layouts), else they are. Bytecode is written and read as Python does
by default.

    python benchmarks/seed_stages.py [--runs 7] [--first]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import functools, gc, json, runpy, sys, tempfile, time
stages = {}
start = time.process_time()
runpy.run_path("booklet/engine.py")
import weasyprint
stages["import WeasyPrint"] = time.process_time() - start
mark = time.process_time()
import booklet.cli
stages["import booklet"] = time.process_time() - mark
gc.freeze()  # as the command line does
from booklet import api, pdf

def timed(module, name, stage):
    function = getattr(module, name)
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        mark = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            stages[stage] = stages.get(stage, 0) + time.process_time() - mark
    setattr(module, name, wrapper)

timed(api, "_check", "check the content")
timed(api, "covered_characters", "  the fonts' characters")
timed(api, "labels_for", "words of the language")
timed(pdf, "load_stylesheets", "stylesheets and fonts")
timed(api, "render_html", "HTML")
render, write = weasyprint.HTML.render, weasyprint.Document.write_pdf
layouts = []
def layout(*args, **kwargs):
    mark = time.process_time()
    try:
        return render(*args, **kwargs)
    finally:
        layouts.append(time.process_time() - mark)
weasyprint.HTML.render = layout
timed(weasyprint.Document, "write_pdf", "write the PDF")
with tempfile.TemporaryDirectory() as output:
    mark = time.process_time()
    booklet.build("content", output)
    stages["build, all of it"] = time.process_time() - mark
for number, seconds in enumerate(layouts, start=1):
    stages[f"layout {number}"] = seconds
print(json.dumps(stages))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--first", action="store_true", help="no page numbers known")
    arguments = parser.parse_args()
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as cache:
        environment = {**os.environ, "XDG_CACHE_HOME": cache}
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        for run in range(arguments.runs + 1):  # the first: a warm-up, not counted
            if arguments.first:
                shutil.rmtree(Path(cache) / "booklet" / "pages", ignore_errors=True)
            result = subprocess.run(
                [sys.executable, "-c", SCRIPT],
                cwd=ROOT,
                env=environment,
                check=True,
                capture_output=True,
                text=True,
            )
            if run:
                runs.append(json.loads(result.stdout))
    known = "no page numbers known" if arguments.first else "page numbers known"
    print(f"seed build, {known}; medians of {arguments.runs} runs, seconds")
    for stage in runs[0]:
        print(f"{stage:24}: {statistics.median(run.get(stage, 0.0) for run in runs):.3f}")


if __name__ == "__main__":
    main()
