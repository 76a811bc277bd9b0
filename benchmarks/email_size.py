"""What each size lever gives the email edition of a large booklet, side by side.

Builds the email edition of a synthetic conference (500 talks by default) with the levers
of booklet/compact.py and booklet/page_content.py added one at a time: none; text
compacted (TJ offsets and Tm positions); WeasyPrint's one-element-a-line /Span folded
into its paragraph; <div>s and anonymous blocks too; then each lever of the page content
(lines of one element in one marked-content sequence, text objects carried on with Td
moves, states not set again, literal strings, paths from their first point); links'
object references inside their elements; one content stream a page with the running
heads drawn in it; colours, path points and link areas rounded to what they need; text
in codes of one byte with word spacing for justified spaces (text_codes.py). Then,
from the last PDF, what object streams
and a cross-reference stream (written by pikepdf when joining the parts) give: the same
PDF saved without them. One font subset per face (subsets.py) is on in every row. Sizes
are exact, no timing involved. The last rows say where the bytes of the last PDF are.

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
from booklet.pdf_resources import content_streams

# (row, text compacted, wrappers folded, levers of compact.LEVERS on)
ALL_WRAPPERS = {"/Span", "/Div", "/NonStruct"}
STEPS = [
    ("nothing compacted (WeasyPrint's text and tags)", False, set(), []),
    ("text compacted", True, set(), []),
    ("+ a line's /Span into its paragraph", True, {"/Span"}, []),
    ("+ <div>s and anonymous blocks", True, ALL_WRAPPERS, []),
    ("+ an element's lines in one marked content", True, ALL_WRAPPERS, ["marked content"]),
    ("+ text objects carried on, lines moved by Td", True, ALL_WRAPPERS, ["text objects"]),
    ("+ fonts, colours, states not set again", True, ALL_WRAPPERS, ["states"]),
    ("+ glyphs as literal strings", True, ALL_WRAPPERS, ["literal strings"]),
    ("+ long paths drawn from their first point", True, ALL_WRAPPERS, ["paths"]),
    ("+ links' OBJR inside their element, /Pg where needed", True, ALL_WRAPPERS, ["lean elements"]),
    ("+ one stream a page, running heads in it", True, ALL_WRAPPERS, ["one stream a page"]),
    ("+ colours, path points and link areas to what they need", True, ALL_WRAPPERS, ["numbers"]),
    ("+ text in codes of one byte, justified spaces by word spacing", True, ALL_WRAPPERS,
     ["one-byte text"]),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, default=500)
    talks = parser.parse_args().talks
    compact_operation, wrappers = compact.compact_operation, set(compact._WRAPPERS)
    all_levers = compact.LEVERS
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["XDG_CACHE_HOME"] = str(Path(scratch) / "cache")
        content = generate(talks, Path(scratch) / "content")
        print(f"email edition, {talks} talks")
        print("| levers | PDF | tag tree elements |")
        print("|---|---:|---:|")
        last = None
        levers: set[str] = set()
        for number, (name, text, folded, added) in enumerate(STEPS):
            compact.compact_operation = compact_operation if text else _as_written
            compact._WRAPPERS = folded
            levers |= set(added)
            compact.LEVERS = frozenset(levers)
            result = booklet.build(
                content, Path(scratch) / str(number), edition="email", max_size=10**9
            )
            last = result.pdf_path
            size = last.stat().st_size
            print(f"| {name} | {size / 1000:,.0f} kB | {_elements(last):,} |", flush=True)
        compact.compact_operation, compact._WRAPPERS = compact_operation, wrappers
        compact.LEVERS = all_levers
        assert levers == all_levers, "a lever of compact.LEVERS has no row"
        assert last is not None
        import pikepdf

        with pikepdf.open(last) as pdf:
            output = io.BytesIO()
            pdf.save(output, object_stream_mode=pikepdf.ObjectStreamMode.disable)
            pages = sum(
                len(stream.read_raw_bytes())
                for page in pdf.pages
                for stream in content_streams(page.obj)
            )
        print(
            f"| the last, saved without object streams | {len(output.getvalue()) / 1000:,.0f} kB "
            f"| {_elements(last):,} |"
        )
        print(
            f"\nOf the last PDF ({last.stat().st_size / 1000:,.0f} kB), the pages' own content "
            f"streams (their text and drawing, compressed): {pages / 1000:,.0f} kB"
        )
        _where_the_bytes_are(last)


def _where_the_bytes_are(pdf_path: Path) -> None:
    """The last PDF's bytes by kind: streams as stored; objects inside object streams
    (tags, links, bookmarks...) by their share of the object streams' stored bytes."""
    import zlib

    import pikepdf

    kinds: dict[str, int] = {}
    packed: dict[str, list[bytes]] = {}  # kind -> its objects as written, for their share
    with pikepdf.open(pdf_path) as pdf:
        content = {stream.objgen for page in pdf.pages for stream in content_streams(page.obj)}
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                kind = "object streams" if obj.get("/Type") == "/ObjStm" else "other streams"
                if obj.objgen in content:
                    kind = "page content streams"
                elif "/Length1" in obj or "/Length2" in obj or "/Length3" in obj:
                    kind = "fonts"
                kinds[kind] = kinds.get(kind, 0) + len(obj.read_raw_bytes())
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
                kind = _kind(obj) if isinstance(obj, pikepdf.Dictionary) else "other arrays"
                packed.setdefault(kind, []).append(obj.unparse(resolved=True))
    # Compressed each kind alone, shared out in proportion over the object streams.
    alone = {kind: len(zlib.compress(b"\n".join(data), 9)) for kind, data in packed.items()}
    total = sum(alone.values()) or 1
    print("\n| where the bytes are | kB |\n|---|---:|")
    for kind, size in sorted(kinds.items(), key=lambda item: -item[1]):
        print(f"| {kind} | {size / 1000:,.0f} |")
        if kind == "object streams":
            for inner, share in sorted(alone.items(), key=lambda item: -item[1]):
                print(f"| … {inner} | {size * share / total / 1000:,.0f} |")


def _kind(obj) -> str:
    """What a dictionary inside an object stream is for."""
    kind = str(obj.get("/Type", ""))
    if kind in ("/StructElem", "/StructTreeRoot") or "/Nums" in obj and "/S" not in obj:
        return "tags and parent tree"
    if kind in ("/Annot", "/OBJR"):
        return "link annotations"
    if "/Title" in obj or kind == "/Outlines":
        return "bookmarks"
    if "/Limits" in obj or "/Names" in obj:
        return "named destinations"
    if kind in ("/Page", "/Pages"):
        return "page dictionaries"
    if kind in ("/Font", "/FontDescriptor") or "/FontFile2" in obj:
        return "font dictionaries"
    return "other objects"


def _as_written(item, decimals=None):
    """compact.compact_operation with the text lever off: the operation unchanged."""
    return item


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
