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

Fonts whose text is in codes of one byte (text_codes.py) merge alike: their codes mean
the same glyphs in every part, so the merged font's map from code to glyph
(CIDToGIDMap) is the union of theirs. Where a part's font kept Identity-H (a glyph
without a code of one byte), the face has two fonts, one of each kind, drawing with
one merged program.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

from . import text_codes
from .files import cache_folder, keep_newest, read_cache_file, write_atomically
from .pdf_resources import resources_by_page


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
        for font in fonts:
            if merged[font.objgen].objgen != font.objgen:
                replacement[font.objgen] = merged[font.objgen]
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
    """A TrueType CID font whose CIDs are its glyph ids, or its codes of one byte mapped
    to them (text_codes.py): the glyph ids of its subsets are the face's own."""
    import pikepdf

    try:
        descendant = font.DescendantFonts[0]
        glyph_map = descendant.get("/CIDToGIDMap")
        return (
            font.Subtype == "/Type0"
            and descendant.Subtype == "/CIDFontType2"
            and (glyph_map == "/Identity" or isinstance(glyph_map, pikepdf.Stream))
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


def _merge(document, fonts: list) -> dict | None:
    """The fonts made one program that holds the glyphs of them all: font -> the font
    that stands for it, the first of its kind (Identity-H, or codes of one byte), made to
    hold the widths and text of its kind; None when they cannot be merged. Fonts of both
    kinds (a part with a glyph that has no code of one byte) share the program."""
    import pikepdf

    try:
        sources = [_font_program(font).read_bytes() for font in fonts]
    except (pikepdf.PdfError, ValueError, OSError):
        return None
    kinds = [_one_byte_glyphs(font) for font in fonts]
    if any(kind is False for kind in kinds) or not _missing_glyphs_agree(fonts):
        return None
    one_byte: dict[int, int] = {}  # code -> glyph, over the fonts of codes of one byte
    for glyphs in kinds:
        for code, glyph in (glyphs or {}).items():
            if one_byte.setdefault(code, glyph) != glyph:
                return None  # a code that means two glyphs: not fonts of one face
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

    descriptor = fonts[0].DescendantFonts[0].FontDescriptor
    descriptor.FontFile2 = document.make_stream(data, Length1=len(data))
    boxes = [[float(v) for v in font.DescendantFonts[0].FontDescriptor.FontBBox] for font in fonts]
    descriptor.FontBBox = pikepdf.Array(
        [min(b[0] for b in boxes), min(b[1] for b in boxes)]
        + [max(b[2] for b in boxes), max(b[3] for b in boxes)]
    )
    kept_for: dict = {}
    for coded in (False, True):
        group = [font for font, kind in zip(fonts, kinds, strict=True) if bool(kind) == coded]
        if not group:
            continue
        kept = group[0]
        descendant = kept.DescendantFonts[0]
        widths: dict[int, float] = {}
        text: dict[bytes, bytes] = {}
        for font in group:
            widths.update(text_codes.cid_widths(font.DescendantFonts[0].get("/W", [])))
            if "/ToUnicode" in font:
                text.update(text_codes.to_unicode_entries(font.ToUnicode.read_bytes()))
            kept_for[font.objgen] = kept
        if coded:
            descendant.CIDToGIDMap = document.make_stream(text_codes.glyph_map(one_byte))
        else:
            kept.Encoding = pikepdf.Name("/Identity-H")  # every part's glyph ids
        descendant.FontDescriptor = descriptor
        descendant.W = pikepdf.Array(text_codes.widths_array(widths))
        kept.ToUnicode = document.make_stream(text_codes.to_unicode_cmap(text))
        _rename(kept, _tag(data))
    return kept_for


def _one_byte_glyphs(font) -> dict[int, int] | None | bool:
    """A font's codes of one byte (text_codes.py), code -> glyph; None for glyph ids of
    two bytes (Identity-H, or WeasyPrint's own CMap for glyphs that no font has); False
    for any other encoding."""
    import pikepdf

    encoding = font.get("/Encoding")
    glyph_map = font.DescendantFonts[0].get("/CIDToGIDMap")
    if glyph_map == pikepdf.Name("/Identity") and (
        encoding == pikepdf.Name("/Identity-H") or _missing_glyphs_cmap(encoding)
    ):
        return None
    if (
        isinstance(encoding, pikepdf.Stream)
        and encoding.get("/CMapName") == pikepdf.Name("/" + text_codes.CMAP_NAME)
        and encoding.read_bytes() == text_codes.ENCODING_CMAP
        and isinstance(glyph_map, pikepdf.Stream)
    ):
        return text_codes.glyphs_of_map(glyph_map.read_bytes()) or False
    return False


def _missing_glyphs_cmap(encoding) -> bool:
    """Is this WeasyPrint's CMap for a font that lacks glyphs (weasyprint/pdf/fonts.py):
    glyph ids as codes, and each missing glyph's code, an id past the font's own, drawn
    as .notdef? Merged, the font is Identity-H: such an id names no glyph of the merged
    program, and a viewer draws .notdef or nothing (as before codes of one byte)."""
    import pikepdf

    return (
        isinstance(encoding, pikepdf.Stream)
        and str(encoding.get("/CMapName", "")).startswith("/WP-Encod")
        and b"<0000> <ffff>" in encoding.read_bytes()
    )


def _missing_glyphs_agree(fonts: list) -> bool:
    """Do the fonts that lack glyphs give each missing glyph's id (WeasyPrint numbers
    them from the font's glyph count, in each document anew) the same text? Two missing
    characters under one id in one merged font would read as one."""
    text: dict[bytes, bytes] = {}
    for font in fonts:
        encoding = font.get("/Encoding")
        if not _missing_glyphs_cmap(encoding) or "/ToUnicode" not in font:
            continue
        entries = text_codes.to_unicode_entries(font.ToUnicode.read_bytes())
        for code in re.findall(rb"<([0-9a-fA-F]{4})>\s+0\b", encoding.read_bytes()):
            code = bytes.fromhex(code.decode())
            if code != b"\0\0" and text.setdefault(code, entries.get(code, b"")) != text[code]:
                return False
    return True


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
