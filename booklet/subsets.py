"""One font subset per face in a PDF put together from several (parts.py, notes pages).

Each WeasyPrint document embeds its own subset of each face, named by a tag derived
from the face alone: a booklet joined from seven parts carried seven different
`XXXXXX+Booklet-Serif` programs under one name. The PDF standard wants distinct tags for
distinct subsets (a RIP that caches fonts by name can draw a glyph from the wrong one),
and the copies cost size.

WeasyPrint subsets keep the original glyph ids (HarfBuzz's RETAIN_GIDS, fontTools'
retain_gids) and writes text as glyph ids (Identity-H, CIDToGIDMap /Identity). So the
subsets of one face merge glyph by glyph into one program that serves every page: the
union's widths and ToUnicode entries are the union of theirs, and every page's font
resource is pointed at the merged font. Its tag is made from its bytes, so distinct
subsets always have distinct tags. A face that cannot be merged (a CFF font, programs
that disagree) keeps its subsets, each under a tag of its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

from .files import cache_folder, keep_newest, read_cache_file, write_atomically
from .pdf_resources import resources_by_page

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def one_subset_per_face(document) -> None:
    """Merge, on the open pikepdf document, the subsets of each face into one."""
    faces: dict[str, list] = {}
    seen: set[tuple[int, int]] = set()
    for _, font in _font_resources(document):
        if font.objgen in seen or not _is_truetype_cid_font(font):
            continue
        seen.add(font.objgen)
        faces.setdefault(_face_name(font), []).append(font)
    replacement: dict[tuple[int, int], object] = {}
    for fonts in faces.values():
        if len(fonts) < 2:
            continue
        merged = _merge(document, fonts)
        if merged is None:
            for font in fonts:
                _rename(font, _tag(_font_program(font).read_bytes()))
            continue
        for font in fonts[1:]:
            replacement[font.objgen] = merged
    if replacement:
        for fonts_dictionary, key in list(_font_resources(document, keys=True)):
            font = fonts_dictionary[key]
            if font.objgen in replacement:
                fonts_dictionary[key] = replacement[font.objgen]


def _font_resources(document, keys: bool = False) -> Iterator:
    """(resource dictionary, font name) or (name, font) for every font of every page and
    of the forms they draw (the running heads of joined parts)."""
    import pikepdf

    for _, resources in resources_by_page(document):
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for name in list(fonts.keys()):
                yield (fonts, name) if keys else (name, fonts[name])


def _is_truetype_cid_font(font) -> bool:
    try:
        descendant = font.DescendantFonts[0]
        return (
            font.Subtype == "/Type0"
            and descendant.Subtype == "/CIDFontType2"
            and descendant.get("/CIDToGIDMap") == "/Identity"
            and "/FontFile2" in descendant.FontDescriptor
        )
    except (AttributeError, KeyError, IndexError, TypeError):
        return False


def _face_name(font) -> str:
    name = str(font.BaseFont)[1:]
    return name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name


def _font_program(font):
    return font.DescendantFonts[0].FontDescriptor.FontFile2


def _tag(program: bytes) -> str:
    digest = hashlib.sha256(program).digest()
    return "".join(chr(65 + byte % 26) for byte in digest[:6])


def _rename(font, tag: str) -> None:
    import pikepdf

    name = pikepdf.Name(f"/{tag}+{_face_name(font)}")
    descendant = font.DescendantFonts[0]
    font.BaseFont = descendant.BaseFont = descendant.FontDescriptor.FontName = name


def _merge(document, fonts: list):
    """The first font, made to hold the glyphs, widths and text of them all; None when
    their programs cannot be merged."""
    import pikepdf

    try:
        sources = [_font_program(font).read_bytes() for font in fonts]
    except (pikepdf.PdfError, ValueError, OSError):
        return None
    merged_file = _merged_file(sources)
    data = read_cache_file(merged_file) if merged_file else None
    if data is None:
        data = _merged_program(sources)
        if data is None:
            return None
        if merged_file:
            with contextlib.suppress(OSError):
                merged_file.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(merged_file, data)

    kept = fonts[0]
    descendant = kept.DescendantFonts[0]
    widths: dict[int, float] = {}
    text: dict[int, bytes] = {}
    for font in fonts:
        widths.update(cid_widths(font.DescendantFonts[0].get("/W", [])))
        if "/ToUnicode" in font:
            text.update(to_unicode_entries(font.ToUnicode.read_bytes()))
    descriptor = descendant.FontDescriptor
    descriptor.FontFile2 = document.make_stream(data, Length1=len(data))
    boxes = [[float(v) for v in font.DescendantFonts[0].FontDescriptor.FontBBox] for font in fonts]
    descriptor.FontBBox = pikepdf.Array(
        [min(b[0] for b in boxes), min(b[1] for b in boxes)]
        + [max(b[2] for b in boxes), max(b[3] for b in boxes)]
    )
    descendant.W = _widths_array(widths)
    kept.ToUnicode = document.make_stream(_to_unicode_cmap(text))
    _rename(kept, _tag(data))
    return kept


def _merged_program(sources: list[bytes]) -> bytes | None:
    """One TrueType program with the glyphs of all `sources`, subsets of one face."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        # recalcTimestamp off: the merged font keeps its date, the same bytes every build.
        programs = [TTFont(io.BytesIO(source), recalcTimestamp=False) for source in sources]
        if any("glyf" not in program or "hmtx" not in program for program in programs):
            return None
        # Glyph ids are kept, so the subset reaching the highest id has room for every glyph.
        base = max(programs, key=lambda program: len(program.getGlyphOrder()))
        base_order = base.getGlyphOrder()
        for program in programs:
            if program is not base and not _copy_glyphs(program, base, base_order):
                return None
        output = io.BytesIO()
        base.save(output)
    except (TTLibError, ValueError, OSError, KeyError, AssertionError):
        return None
    return output.getvalue()


# Merged programs kept between builds (~/.cache/booklet/fonts): a rebuild after an edit
# mostly has the same subsets, and merging them is a tenth of a large rebuild. Named by
# the digest of the subsets merged and of fontTools' version.
MERGED_FONTS_KEPT = 100


def _merged_file(sources: list[bytes]) -> Path | None:
    import fontTools

    key = hashlib.sha256(f"1 {fontTools.version}".encode())
    for source in sources:
        key.update(hashlib.sha256(source).digest())
    folder = cache_folder("fonts")
    keep_newest(folder, "*.ttf", MERGED_FONTS_KEPT)
    return folder / f"{key.hexdigest()}.ttf"


def _copy_glyphs(source, target, target_order: list[str]) -> bool:
    """Every glyph drawn in `source` and empty in `target`, copied at its id."""
    source_order = source.getGlyphOrder()
    if len(source_order) > len(target_order):
        return False
    source_glyphs, target_glyphs = source["glyf"], target["glyf"]
    for glyph_id, source_name in enumerate(source_order):
        glyph = source_glyphs[source_name]
        if glyph.numberOfContours == 0:
            continue  # not in this subset (or a space: nothing to copy)
        target_name = target_order[glyph_id]
        if target_glyphs[target_name].numberOfContours != 0:
            continue  # both have it: the same glyph of the same face
        if glyph.isComposite():
            for component in glyph.components:
                component.glyphName = target_order[source.getGlyphID(component.glyphName)]
        target_glyphs[target_name] = glyph
        target["hmtx"].metrics[target_name] = source["hmtx"].metrics[source_name]
    return True


def cid_widths(array) -> dict[int, float]:
    """A CID font's /W array: `first [w1 w2 ...]` or `first last w`."""
    import pikepdf

    widths: dict[int, float] = {}
    items = list(array)
    index = 0
    while index < len(items):
        first = int(items[index])
        if index + 1 < len(items) and isinstance(items[index + 1], pikepdf.Array):
            for offset, width in enumerate(items[index + 1]):
                widths[first + offset] = float(width)
            index += 2
        elif index + 2 < len(items):
            for cid in range(first, int(items[index + 1]) + 1):
                widths[cid] = float(items[index + 2])
            index += 3
        else:
            break
    return widths


def _widths_array(widths: dict[int, float]):
    import pikepdf

    array: list = []
    run: list = []
    previous = None
    for cid in sorted(widths):
        if previous is None or cid != previous + 1:
            if run:
                array.append(pikepdf.Array(run))
            array.append(cid)
            run = []
        run.append(_number(widths[cid]))
        previous = cid
    if run:
        array.append(pikepdf.Array(run))
    return pikepdf.Array(array)


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else round(value, 3)


def to_unicode_entries(cmap: bytes) -> dict[int, bytes]:
    entries: dict[int, bytes] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for glyph, text in _BFCHAR.findall(block):
            entries[int(glyph, 16)] = text
    return entries


def _to_unicode_cmap(entries: dict[int, bytes]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(entries.items())
    for start in range(0, len(items), 100):  # at most 100 to a block
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
