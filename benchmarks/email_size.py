"""What each size lever gives the email edition of a large booklet, side by side.

Builds the email edition of a synthetic conference (500 talks by default) with the levers
of booklet/compact.py added one at a time: none; text compacted (TJ offsets and Tm
positions); then WeasyPrint's one-element-a-line /Span folded into its paragraph; then
<div>s and anonymous blocks too (all of compact.py). Then, from the last PDF, what object
streams and a cross-reference stream (written by pikepdf when joining the parts) give:
the same PDF saved without them. One font subset per face (subsets.py) is on in every
row. Sizes are exact, no timing involved.

    python benchmarks/email_size.py [--talks 500]
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
from pathlib import Path

from conference_generator import generate

import booklet
from booklet import compact

LEVERS = [
    ("nothing compacted (WeasyPrint's text and tags)", False, set()),
    ("text compacted", True, set()),
    ("+ a line's /Span into its paragraph", True, {"/Span"}),
    ("+ <div>s and anonymous blocks (all of compact.py)", True, {"/Span", "/Div", "/NonStruct"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, default=500)
    talks = parser.parse_args().talks
    compact_operation, wrappers = compact.compact_operation, set(compact._WRAPPERS)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["XDG_CACHE_HOME"] = str(Path(scratch) / "cache")
        content = generate(talks, Path(scratch) / "content")
        print(f"email edition, {talks} talks")
        print("| levers | PDF | tag tree elements |")
        print("|---|---:|---:|")
        last = None
        for number, (name, text, folded) in enumerate(LEVERS):
            compact.compact_operation = compact_operation if text else (lambda item: item)
            compact._WRAPPERS = folded
            result = booklet.build(
                content, Path(scratch) / str(number), edition="email", max_size=10**9
            )
            last = result.pdf_path
            size = last.stat().st_size
            print(f"| {name} | {size / 1000:,.0f} kB | {_elements(last):,} |", flush=True)
        compact.compact_operation, compact._WRAPPERS = compact_operation, wrappers
        assert last is not None
        import pikepdf

        with pikepdf.open(last) as pdf:
            output = io.BytesIO()
            pdf.save(output, object_stream_mode=pikepdf.ObjectStreamMode.disable)
            pages = sum(
                len(stream.read_raw_bytes())
                for page in pdf.pages
                for stream in _contents(page.obj.get("/Contents"))
            )
        print(
            f"| the last, saved without object streams | {len(output.getvalue()) / 1000:,.0f} kB "
            f"| {_elements(last):,} |"
        )
        print(
            f"\nOf the last PDF ({last.stat().st_size / 1000:,.0f} kB), the pages' own content "
            f"streams (their text and drawing, compressed): {pages / 1000:,.0f} kB"
        )


def _contents(contents) -> list:
    import pikepdf

    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def _elements(pdf_path: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        return sum(
            1
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem"
        )


if __name__ == "__main__":
    main()
