"""Text in one byte a glyph where a font allows it, and justified spaces by word spacing.

WeasyPrint shows text as glyph ids of two bytes (Identity-H) and places each space of a
justified line with two offsets of its own in the TJ array, `...)-51( )-48(...`: in a
500-talk booklet these were a fifth of the compressed page content. Here, while each PDF
is written (compact.py's finisher), a TrueType font whose every glyph shown has a code
below gets codes of one byte:

- the glyph that the font itself gives a character of Windows-1252 (Latin-1, with the
  typographer's quotes, dashes and the euro) has that character's code, the space 32;
- the ligatures ff, fi, fl, ffi, ffl, the hyphen WeasyPrint draws where it breaks a word,
  and a few other signs (EXTRA_CODES) have codes that Windows-1252 leaves free.

The codes depend on the font and the text alone, never on the glyphs a document happens
to use, so the subsets of one face in the parts of a booklet merge into one font
(subsets.py), the union of theirs. The font stays a CID font, its codes its CIDs: a
constant one-byte identity CMap, a CIDToGIDMap from code to the glyph, and /W and
ToUnicode by code, so a reader that takes a code for a CID (pypdf does) still measures
and reads it right. Any other font (a glyph without a code, a small capital, Greek, a
font shown other than in WeasyPrint's TJ arrays), and every font of a PDF with form
fields, keeps its encoding.

With the space the one-byte code 32, word spacing (Tw) applies to it: a justified line
sets its extra space once, and its spaces lose their offsets. Every other glyph stays
within half a thousandth of an em of where WeasyPrint put it (the rounding carried on,
as compact.py does); the space glyph itself, which draws nothing, moves to the end of the
word before it. Word spacing is part of the graphics state: it is set back to 0 before a
form is drawn (a form inherits it) and at the end of a stream.
"""

from __future__ import annotations

import io
import re

from .page_content import TJ_ARRAY, TJ_ITEM, written_number

# The constant encoding: one byte a code, each code its CID. subsets.py merges fonts that
# use it (or Identity-H), not one with the other.
CMAP_NAME = "Booklet-OneByte-Identity"
ENCODING_CMAP = b"\n".join(
    [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo 3 dict dup begin /Registry (Adobe) def /Ordering (Identity) def"
        b" /Supplement 0 def end def",
        b"/CMapName /" + CMAP_NAME.encode() + b" def",
        b"/CMapType 1 def",
        b"1 begincodespacerange",
        b"<00> <ff>",
        b"endcodespacerange",
        b"1 begincidrange",
        b"<00> <ff> 0",
        b"endcidrange",
        b"endcmap",
        b"CMapName currentdict /CMap defineresource pop",
        b"end",
        b"end",
    ]
)
# Glyphs beyond Windows-1252 by their text, each with a code that Windows-1252 leaves
# free (0 to 31, 127, 129, 141, 143, 144, 157): ligatures, the hyphen of a broken word,
# spaces and signs of careful typesetting. The codes that are white space or NUL in a
# PDF come last: a tool that reads a content stream line by line meets them least.
_FREE_CODES = [
    *range(0x01, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D,
    0x00, 0x09, 0x0A, 0x0C, 0x0D,
]  # fmt: skip
EXTRA_CODES = dict(
    zip(
        [
            "ff", "fi", "fl", "ffi", "ffl", "st",
            "\u2010", "\u2011", "\u2212", "\u2009", "\u202f", "\u2007", "\u200a",
            "\u2002", "\u2003", "\u2032", "\u2033", "\u2192", "\u2190", "\u2191",
            "\u2193", "\u2194", "\u2248", "\u2260", "\u2264", "\u2265", "\u2116",
            "\u2044", "\u25cf", "\u25cb", "\u2605", "\u2713", "\u2715", "\u2060",
            "\u200b",
        ],
        _FREE_CODES,
        strict=False,
    )
)  # fmt: skip

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_HEX_GLYPHS = re.compile(rb"<([0-9a-fA-F]*)>")
_TEXT_SHOWN = (b"TJ", b"Tj", b"'", b'"')


def encode_fonts(pdf) -> dict[bytes, dict[int, bytes]]:
    """Give each font of a pydyf PDF (before WeasyPrint writes it) that can take them
    codes of one byte. Returns the fonts changed, by resource name (b"/F1"): each glyph
    id -> its code. Their text must then be written in these codes
    (compact.compact_operations): every text in these fonts, as checked here."""
    import pydyf

    if "AcroForm" in pdf.catalog:
        return {}  # a viewer writes a field's text in the field's font: left as it is
    fonts: dict[bytes, object] = {}
    for resources in pdf.objects:
        if not isinstance(resources, pydyf.Dictionary):
            continue
        if resources.get("Type") == "/ExtGState" and "Font" in resources:
            return {}  # a state that sets a font: what is shown in which is not followed
        named = _resolved(pdf, resources.get("Font")) if "Font" in resources else None
        if isinstance(named, pydyf.Dictionary):
            for name, reference in named.items():
                font = _resolved(pdf, reference)
                if fonts.setdefault(b"/" + name.encode(), font) is not font:
                    return {}  # one name, two fonts: names are not followed per stream
    codes = {}
    for name, font in fonts.items():
        found = _codes_of(pdf, font)
        if found is not None:
            codes[name] = found
    codes = _shown_as_rewritten(pdf, codes)
    if codes:
        encoding = pydyf.Stream(ENCODING_CMAP.split(b"\n"), _cmap_dictionary(pydyf), compress=True)
        pdf.add_object(encoding)
        for name in codes:
            _encode(pdf, fonts[name], codes[name], encoding.reference)
    return codes


def _cmap_dictionary(pydyf):
    """The encoding's stream dictionary."""
    return pydyf.Dictionary(
        {
            "Type": "/CMap",
            "CMapName": "/" + CMAP_NAME,
            "CIDSystemInfo": pydyf.Dictionary(
                {
                    "Registry": pydyf.String("Adobe"),
                    "Ordering": pydyf.String("Identity"),
                    "Supplement": 0,
                }
            ),
        }
    )


def _resolved(pdf, value):
    """A pydyf reference (b"12 0 R") -> its object; anything else as it is."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        try:
            return pdf.objects[int(value.split()[0])]
        except (ValueError, IndexError):
            return None
    return value


def _codes_of(pdf, font) -> dict[int, bytes] | None:
    """Glyph id -> code for a font that can take codes of one byte; None for any other."""
    import pydyf

    try:
        descendant = _resolved(pdf, font["DescendantFonts"][0])
        descriptor = _resolved(pdf, descendant["FontDescriptor"])
        program = _resolved(pdf, descriptor["FontFile2"])
        to_unicode = _resolved(pdf, font["ToUnicode"])
        if not (
            font.get("Subtype") == "/Type0"
            and font.get("Encoding") == "/Identity-H"
            and descendant.get("Subtype") == "/CIDFontType2"
            and descendant.get("CIDToGIDMap") == "/Identity"
            and "DW" not in descendant
            and "CIDSet" not in descriptor
            and isinstance(program, pydyf.Stream)
            and isinstance(to_unicode, pydyf.Stream)
        ):
            return None
        text = _unicode_of(b"\n".join(_as_bytes(line) for line in to_unicode.stream))
        widths = cid_widths(descendant.get("W", []))
        character_glyphs = _character_glyphs(b"".join(_as_bytes(p) for p in program.stream))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None
    if character_glyphs is None:
        return None
    codes: dict[int, bytes] = {}
    taken: dict[bytes, int] = {}
    for glyph in sorted(set(text) | set(widths)):
        characters = text.get(glyph, "")
        code = None
        if characters in EXTRA_CODES:
            code = bytes([EXTRA_CODES[characters]])
        elif len(characters) == 1 and character_glyphs.get(ord(characters)) == glyph:
            try:
                code = characters.encode("cp1252")
            except UnicodeEncodeError:
                return None
            if code[0] < 0x20:
                return None
        if code is None or taken.setdefault(code, glyph) != glyph:
            return None  # a glyph without a code of its own: the font as it is
        codes[glyph] = code
    return codes or None


def _as_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("latin-1")


def _unicode_of(cmap: bytes) -> dict[int, str]:
    """A ToUnicode map of two-byte codes -> {glyph id: text}."""
    if b"beginbfrange" in cmap:
        raise ValueError("ranges are not read here")
    entries = to_unicode_entries(cmap)
    if any(len(code) != 2 for code in entries):
        raise ValueError("not a map of two-byte codes")
    return {int.from_bytes(code, "big"): text.decode("utf-16-be") for code, text in entries.items()}


def to_unicode_entries(cmap: bytes) -> dict[bytes, bytes]:
    """A ToUnicode map's single codes: code (its bytes) -> text (UTF-16 bytes)."""
    entries: dict[bytes, bytes] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in _BFCHAR.findall(block):
            if len(code) % 2 == 0 and len(text) % 2 == 0:
                entries[bytes.fromhex(code.decode())] = bytes.fromhex(text.decode())
    return entries


def cid_widths(array) -> dict[int, float]:
    """A CID font's /W array (pydyf's or pikepdf's): `first [w1 w2 ...]` or `first last
    w` -> {CID: width}."""
    widths: dict[int, float] = {}
    items = list(array)
    index = 0
    while index < len(items):
        first = int(items[index])
        if index + 1 < len(items) and _is_array(items[index + 1]):
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


def _is_array(value) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def widths_array(widths: dict[int, float]) -> list:
    """{CID: width} -> a /W array: runs of consecutive CIDs, `first [w1 w2 ...]`."""
    array: list = []
    run: list = []
    previous = None
    for cid in sorted(widths):
        if previous is None or cid != previous + 1:
            if run:
                array.append(run)
            array.append(cid)
            run = []
        width = widths[cid]
        run.append(int(width) if width == int(width) else round(width, 3))
        previous = cid
    if run:
        array.append(run)
    return array


def _character_glyphs(program: bytes) -> dict[int, int] | None:
    """The font's own character -> glyph id map (its best cmap subtable)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(program), lazy=True)
        return {character: font.getGlyphID(name) for character, name in font.getBestCmap().items()}
    except (TTLibError, KeyError, ValueError, AttributeError, AssertionError, OSError):
        return None


def _shown_as_rewritten(pdf, codes: dict[bytes, dict[int, bytes]]) -> dict:
    """`codes` less every font whose text is not all in TJ arrays of glyph ids that have
    a code; none at all when text is shown in a font not set in its own stream (a form
    that inherits its font)."""
    import pydyf

    kept = dict(codes)
    shown: dict[bytes, list[bytes]] = {name: [] for name in codes}  # glyph ids, in hex
    for stream in pdf.objects:
        if not isinstance(stream, pydyf.Stream) or b"BT" not in stream.stream:
            continue
        font, saved = None, []
        for item in stream.stream:
            if not isinstance(item, bytes):
                continue
            operator = item.rpartition(b" ")[2]
            if item == b"q":
                saved.append(font)
            elif item == b"Q":
                font = saved.pop() if saved else None
            elif operator == b"Tf":
                font = item.split()[0]
            elif operator in _TEXT_SHOWN or item.endswith((b"'", b'"')):
                if font is None:
                    return {}
                if font in kept:
                    match = TJ_ARRAY.fullmatch(item)
                    strings = _HEX_GLYPHS.findall(match[1]) if match else [b"?"]
                    if any(len(glyphs) % 4 for glyphs in strings):
                        del kept[font]
                    else:
                        shown[font] += strings
    for font in list(kept):
        glyphs = {int(glyph, 16) for glyph in _FOUR_DIGITS.findall(b"".join(shown[font]))}
        if not glyphs <= kept[font].keys():
            del kept[font]
    return kept


_FOUR_DIGITS = re.compile(rb"[0-9a-fA-F]{4}")
_SPACE_APART = re.compile(rb"( )")
# An offset of 0 between two glyph strings, as WeasyPrint writes one after every glyph:
# left out, the strings meet.
_NO_MOVE = re.compile(rb">0<")


def _encode(pdf, font, codes: dict[int, bytes], encoding: bytes) -> None:
    """The font made one of codes of one byte: `codes` its CIDs."""
    import pydyf

    descendant = _resolved(pdf, font["DescendantFonts"][0])
    to_unicode = _resolved(pdf, font["ToUnicode"])
    text = _unicode_of(b"\n".join(_as_bytes(line) for line in to_unicode.stream))
    widths = cid_widths(descendant.get("W", []))
    glyph_of = {code[0]: glyph for glyph, code in codes.items()}
    to_glyphs = pydyf.Stream([glyph_map(glyph_of)], compress=True)
    pdf.add_object(to_glyphs)
    font["Encoding"] = encoding
    descendant["CIDToGIDMap"] = to_glyphs.reference
    descendant["W"] = pydyf.Array(
        pydyf.Array(item) if isinstance(item, list) else item
        for item in widths_array(
            {codes[glyph][0]: width for glyph, width in widths.items() if glyph in codes}
        )
    )
    entries = {
        codes[glyph]: characters.encode("utf-16-be")
        for glyph, characters in text.items()
        if glyph in codes
    }
    to_unicode.stream = to_unicode_cmap(entries).split(b"\n")


def glyph_map(glyph_of: dict[int, int]) -> bytes:
    """A CIDToGIDMap: two bytes a CID, from 0 to the highest."""
    return b"".join(glyph_of.get(cid, 0).to_bytes(2, "big") for cid in range(max(glyph_of) + 1))


def glyphs_of_map(data: bytes) -> dict[int, int]:
    """A CIDToGIDMap's bytes -> {CID: glyph id}, glyph 0 (nothing) left out."""
    return {
        cid: glyph
        for cid in range(len(data) // 2)
        if (glyph := int.from_bytes(data[2 * cid : 2 * cid + 2], "big"))
    }


def to_unicode_cmap(entries: dict[bytes, bytes]) -> bytes:
    """A ToUnicode map: code -> UTF-16 text; codes of two bytes (<0000> to <ffff>, as
    WeasyPrint writes them) or all of one byte (<00> to <ff>)."""
    one_byte = bool(entries) and all(len(code) == 1 for code in entries)
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<00> <ff>" if one_byte else b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(entries.items())
    for start in range(0, len(items), 100):  # at most 100 to a block
        batch = items[start : start + 100]
        lines.append(b"%d beginbfchar" % len(batch))
        lines += [b"<%s> <%s>" % (code.hex().encode(), text.hex().encode()) for code, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def encoded_tj(
    inside: bytes, codes: dict[int, bytes], size: float, spacing: float, spaced: bool = True
):
    """The inside of a TJ array of glyph ids, in a font of `codes` at `size`, with the
    word spacing `spacing` in force -> (the operations that show it, the word spacing
    then in force). Word spacing is set to the extra space of the array's first space
    (to 0 when not `spaced`: the spaces keep their offsets); every glyph but a space
    stays where it was (within half a thousandth of an em)."""
    # Tokens: the codes of glyphs that follow one another (a space on its own), an
    # offset, an empty string. An offset of 0 moves nothing: left out.
    tokens: list[bytes | float | None] = []
    for match in TJ_ITEM.finditer(_NO_MOVE.sub(b"", inside)):
        glyphs, number = match.groups()
        if number is not None:
            if value := float(number):
                tokens.append(value)
        elif not glyphs:
            tokens.append(None)
        else:
            text = b"".join([codes[int(glyphs[i : i + 4], 16)] for i in range(0, len(glyphs), 4)])
            for piece in _SPACE_APART.split(text):
                if not piece:
                    continue
                if (
                    piece != b" "
                    and tokens
                    and isinstance(tokens[-1], bytes)
                    and tokens[-1] != b" "
                ):
                    tokens[-1] += piece
                else:
                    tokens.append(piece)
    # Where each token stands: after a space, before a space (the nearest glyphs).
    after_space, before_space = [False] * len(tokens), [False] * len(tokens)
    last = following = None
    for index, token in enumerate(tokens):
        if isinstance(token, bytes):
            last = token
        after_space[index] = spaced and last == b" "
    for index in range(len(tokens) - 1, -1, -1):
        if isinstance(tokens[index], bytes):
            following = tokens[index]
        before_space[index] = spaced and following == b" "
    operations = []
    if b" " in tokens:
        wanted = b"0"  # at a size of nothing, only word spacing would move a space on
        if spaced and size and abs(size) < 1e6:
            first = tokens.index(b" ")
            extra = 0.0  # the offsets around the first space, thousandths of an em
            for index in range(first - 1, -1, -1):
                if isinstance(tokens[index], bytes):
                    break
                extra += tokens[index] or 0.0
            for index in range(first + 1, len(tokens)):
                if isinstance(tokens[index], bytes):
                    break
                extra += tokens[index] or 0.0
            wanted = _written(-extra * size / 1000)
        if wanted != _written(spacing):
            operations.append(wanted + b" Tw")
            spacing = float(wanted)
    # A space moves on by the word spacing: thousandths of an em, as the offsets are.
    per_space = spacing * 1000 / size if spacing and b" " in tokens else 0.0
    items: list[bytes | int] = []  # glyph codes run together, and offsets
    exact, written, spaces = 0.0, 0, 0

    def move() -> None:  # an offset where the rounding carried on needs one
        nonlocal written
        step = round(exact + per_space * spaces) - written
        if step:
            items.append(step)
            written += step

    for index, token in enumerate(tokens):
        near_space = after_space[index] or before_space[index]
        if isinstance(token, float):
            exact += token
            if not near_space:  # next to a space, one move before the next glyph
                move()
        elif token is None:
            if not near_space and not (items and isinstance(items[-1], bytes)):
                items.append(b"")  # kept between offsets, as compact_tj does
        else:
            if token != b" ":  # a space can stand anywhere: it draws nothing
                move()
            if items and isinstance(items[-1], bytes):
                items[-1] += token
            else:
                items.append(token)
            spaces += token == b" "
    move()  # where the array ends, for text shown after it with no move (a next font)
    end = len(items) - 1
    parts = [
        str(item).encode() if isinstance(item, int) else b"<" + item.hex().encode() + b">"
        for index, item in enumerate(items)
        if item != b"" or 0 < index < end  # an empty string between offsets: kept
    ]
    operations.append(b"[" + b"".join(parts) + b"] TJ")
    return operations, spacing


def _written(value: float) -> bytes:
    return written_number(value, 3)
