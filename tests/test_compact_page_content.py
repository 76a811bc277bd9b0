"""Page content and tags compacted (compact.py, page_content.py, issue 14): the same
pages, text and tags in fewer bytes. Each lever is checked on its own operators, then
whole booklets (one document, and joined from parts) against the same build without
the levers: every page the same picture, the same text, the same tag tree."""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest
from helpers import SEED, generate, tag_tree, text_and_origins

import booklet
from booklet import compact, page_content

# --- the operators ------------------------------------------------------------------


def _text_drawn(items: list[bytes]) -> list[tuple[bytes, float, float, bytes]]:
    """(font, x, y, string) for every string a TJ shows, at the text line's origin: what
    a viewer computes from BT, Tm, Td, Tf and the strings (a small interpreter)."""
    drawn = []
    font, line = b"", (0.0, 0.0, 1.0, 1.0)  # e, f, a, d of the line matrix
    for item in items:
        operator = item.rpartition(b" ")[2]
        if item == b"BT":
            line = (0.0, 0.0, 1.0, 1.0)
        elif operator == b"Tm":
            a, _, _, d, e, f = (float(v) for v in item.split()[:6])
            line = (e, f, a, d)
        elif operator == b"Td":
            tx, ty = (float(v) for v in item.split()[:2])
            e, f, a, d = line
            line = (e + tx * a, f + ty * d, a, d)
        elif operator == b"Tf":
            font = item.split()[0]
        elif operator == b"TJ":
            drawn.append((font, round(line[0], 6), round(line[1], 6), _strings(item)))
    return drawn


def _strings(item: bytes) -> bytes:
    """The bytes of a TJ's strings, read as a PDF reader does (hex or literal)."""
    with pikepdf.new() as pdf:
        stream = pdf.make_stream(item)
        [(operands, _)] = pikepdf.parse_content_stream(stream)
        return b"".join(bytes(value) for value in operands[0] if isinstance(value, pikepdf.String))


LINES = [
    b"BT",
    b"1 0 0 -1 71.811 74.449 Tm",
    b"/F1 12.666016 Tf",
    b"[<00540055>-38<0001>-35<0050>] TJ",
    b"ET",
    b"BT",
    b"1 0 0 -1 71.811 92.815 Tm",
    b"/F1 12.666016 Tf",
    b"[<00280029005c000d000a>] TJ",  # ( ) \ CR LF as low bytes: escaped where needed
    b"ET",
    b"BT",
    b"1 0 0 -1 429.381 92.815 Tm",
    b"/F1 12.666016 Tf",
    b"[<0001>] TJ",
    b"ET",
    b"BT",
    b"ET",
]


def test_lines_of_one_text_object_draw_the_same_strings_at_the_same_places():
    compacted = page_content.compact_drawing(LINES)
    assert _text_drawn(compacted)[1:] == _text_drawn(LINES)[1:]
    assert compacted.count(b"BT") == 1 and b"0 -18.366 Td" in compacted  # a move, not Tm
    assert compacted.count(b"/F1 12.666016 Tf") == 1  # set once
    assert b"BT" not in compacted[-2:]  # the empty text object left out


def test_literal_strings_hold_the_very_glyph_ids():
    for item in LINES:
        if item.endswith(b"TJ"):
            (literal,) = page_content.compact_drawing([item], frozenset({"literal strings"}))
            assert b"<" not in literal
            assert _strings(literal) == _strings(item)


def test_a_long_path_drawn_from_its_first_point_has_the_same_points():
    path = [
        b"93.354331 694.587402 m",
        b"99.223097 694.587402 l",
        b"99.895801 694.587402 100.446194 695.137795 100.446194 695.810499 c",
        b"100.446194 701.364304 l",
        b"100.446194 702.037008 99.895801 702.587402 99.223097 702.587402 c",
        b"93.354331 702.587402 l",
        b"h",
        b"10.5 20.25 30 40 re",
        b"f*",
    ]
    compacted = page_content.compact_drawing(path, frozenset({"paths"}))
    assert compacted[:2] == [b"q", b"1 0 0 1 93.354331 694.587402 cm"]
    assert compacted[-2:] == [b"f*", b"Q"]
    for before, after in zip(path[:-1], compacted[2:-2], strict=True):
        values = [float(v) for v in after.split()[:-1]]
        moved = [v + (93.354331 if i % 2 == 0 else 694.587402) for i, v in enumerate(values)]
        if after.endswith(b"re"):
            moved[2:] = values[2:]  # width and height do not move
        assert moved == pytest.approx([float(v) for v in before.split()[:-1]], abs=1e-9)
        assert after.split()[-1] == before.split()[-1]


def test_a_clipping_path_is_left_as_it_is():
    clip = [b"0 0 m", b"10 0 l", b"10 10 l", b"0 10 l", b"5 5 l", b"1 1 l", b"2 2 l", b"W", b"n"]
    assert page_content.compact_drawing(clip) == clip


def _marked(*mcids: int, between: tuple[bytes, ...] = ()) -> list[bytes]:
    items = []
    for mcid in mcids:
        items += [b"/Span", b"<</MCID %d>>" % mcid, b"BDC", b"BT", b"[<01>] TJ", b"ET", b"EMC"]
        items += between
    return items


def test_lines_of_one_element_become_one_marked_content_sequence():
    items = _marked(0, 1, 2, between=(b"Q", b"q"))
    element_of = [b"7 0 R", b"7 0 R", b"8 0 R"]
    output, kept, new_of = page_content.merge_marked_content(items, element_of, {(0, 1), (1, 2)})
    assert kept == [0, 2] and new_of == {0: 0, 1: 0, 2: 1}
    assert output.count(b"BDC") == output.count(b"EMC") == 2
    assert b"<</MCID 1>>" in output  # the third, renumbered


def test_lines_apart_in_the_elements_children_stay_apart():
    element_of = [b"7 0 R", b"7 0 R"]
    merged = page_content.merge_marked_content(_marked(0, 1), element_of, set())
    assert merged is not None and merged[1] == [0, 1]
    # drawn between them: not a change of state, so not merged
    apart = _marked(0, 1, between=(b"0 0 10 10 re", b"f"))
    assert page_content.merge_marked_content(apart, element_of, {(0, 1)})[1] == [0, 1]


def test_a_stream_without_all_its_pages_mcids_is_left_as_it_is():
    assert page_content.merge_marked_content(_marked(0), [b"7 0 R", b"7 0 R"], set()) is None


# --- text objects around marked content (page_content.py) ----------------------------


def _line(mcid: int, y: int, colour: bytes = b"0 0 0 rg") -> list[bytes]:
    return [
        b"/Span", b"<</MCID %d>>" % mcid, b"BDC", colour, b"BT",
        b"1 0 0 -1 10 %d Tm" % y, b"/F1 12 Tf", b"[(a)] TJ", b"ET", b"EMC",
    ]  # fmt: skip


def _nest_items(items: list[bytes]) -> bool:
    return _nests([item.rpartition(b" ")[2] for item in items])


def _nests(operators: list[bytes]) -> bool:
    """No marked-content sequence begins outside a text object and ends in it, or the
    other way round; nothing but text, states and marked content in a text object."""
    in_text, opened_in_text = False, []
    for operator in operators:
        if operator == b"BT":
            if in_text:
                return False
            in_text = True
        elif operator == b"ET":
            if not in_text or (opened_in_text and opened_in_text[-1]):
                return False
            in_text = False
        elif operator in (b"BDC", b"BMC"):
            opened_in_text.append(in_text)
        elif operator == b"EMC":
            if not opened_in_text or opened_in_text.pop() != in_text:
                return False
        elif in_text and operator in _NOT_IN_TEXT:
            return False
    return not in_text and not opened_in_text


_NOT_IN_TEXT = {b"q", b"Q", b"cm", b"m", b"l", b"c", b"re", b"h", b"f", b"f*", b"S", b"B", b"n"}
_NOT_IN_TEXT |= {b"W", b"Do", b"sh", b"BI"}


def test_lines_in_marked_content_of_their_own_share_one_text_object():
    crossing = [b"/Span", b"<</MCID 0>>", b"BDC", b"BT", b"[(a)] TJ", b"EMC", b"ET"]
    assert not _nest_items(crossing)  # what must not come out
    items = _line(0, 100) + _line(1, 120, b"1 0 0 rg") + _line(2, 140)
    out = page_content.compact_drawing(items)
    assert _nest_items(out)
    assert out.count(b"BT") == 1 and out.count(b"ET") == 1
    assert [item for item in out if item.endswith((b" Tm", b" Td"))] == [
        b"1 0 0 -1 10 100 Tm",
        b"0 -20 Td",
        b"0 -20 Td",
    ]
    assert [item for item in out if item.startswith(b"<<")] == [
        b"<</MCID 0>>",
        b"<</MCID 1>>",
        b"<</MCID 2>>",
    ]


def test_marked_content_with_a_drawing_or_an_unpositioned_line_is_left_as_it_is():
    boxed = [b"/Span", b"<</MCID 0>>", b"BDC", b"0 0 10 10 re", b"f", *_line(9, 1)[4:9], b"EMC"]
    moved = _line(0, 100)
    moved[8:8] = [b"ET", b"BT", b"0 -20 Td", b"[(b)] TJ"]  # a second object, moved by Td
    for items in (boxed, moved, boxed + _line(1, 120)):
        out = page_content.compact_drawing(items)
        assert _nest_items(out)
        assert out.count(b"BT") == items.count(b"BT")
    clip = [b"7 Tr", *_line(0, 100), *_line(1, 120)]  # text as a clip: made at each ET
    assert page_content.compact_drawing(clip).count(b"BT") == 2


# --- numbers --------------------------------------------------------------------------


def test_colours_to_three_decimals_keep_their_eight_bit_values():
    for level in range(256):
        written = f"{level / 255:.6f}".encode()
        for operator in (b"rg", b"RG"):
            out = compact.compact_operation(b"%s %s %s %s" % (written, written, written, operator))
            *values, kept = out.split()
            assert kept == operator
            assert all(round(float(value) * 255) == level for value in values)
            assert all(len(value.partition(b".")[2]) <= 3 for value in values)


def test_a_paths_points_to_a_thousandth_of_a_point_on_the_page():
    path = [b"10.123456 20.987654 m", b"30.5004 40.0006 l", b"1.123456 2.000001 3 4 re", b"f"]
    page = compact.compact_operations([b"0.75 0 0 0.75 0 0 cm", *path], scale_known=True)
    assert page[1:] == [b"10.123 20.988 m", b"30.5 40.001 l", b"1.123 2 3 4 re", b"f"]
    magnified = compact.compact_operations([b"20 0 0 20 0 0 cm", *path], scale_known=True)
    assert magnified[1] == b"10.12346 20.98765 m"  # five decimals under a scale of 20
    # In a form, drawn at a scale it does not know, the points stay as written.
    assert compact.compact_operations(path, scale_known=False) == path
    # A rectangle's edges are rounded: a border's two rectangles (filled even-odd) whose
    # right edges met still meet (rounding corner and width apart, they were 0.001 apart).
    outer, inner = (
        compact.compact_operation(item, 3).split()
        for item in (b"252.472441 10 218.07874 5 re", b"249.448819 10 221.102362 5 re")
    )
    edges = {round(float(rectangle[0]) + float(rectangle[2]), 9) for rectangle in (outer, inner)}
    assert edges == {470.551}


def test_a_links_area_to_a_hundredth_of_a_point():
    import types

    import pydyf

    link = pydyf.Dictionary({"Subtype": "/Link", "Rect": pydyf.Array([1.234567, 2, 3.005, 4])})
    other = pydyf.Dictionary({"Subtype": "/Widget", "Rect": pydyf.Array([1.234567, 2, 3, 4])})
    compact.link_areas_rounded(types.SimpleNamespace(objects=[link, other]))
    assert list(link["Rect"]) == [1.23, 2, 3.0, 4] and other["Rect"][0] == 1.234567


# --- whole booklets ------------------------------------------------------------------


ALL_LEVERS = compact.LEVERS


@pytest.fixture(scope="module")
def parts_content(tmp_path_factory):
    """A booklet laid out in parts (several days of abstracts), with running heads."""
    return generate(45, tmp_path_factory.mktemp("parts") / "content", per_day=16)


def _built(content, folder, levers, monkeypatch) -> bytes:
    monkeypatch.setattr(compact, "LEVERS", levers)
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
    return booklet.build(content, folder / "out", edition="email").pdf_path.read_bytes()


# The levers that move glyphs, within half a thousandth of an em (text_codes.py): the
# others draw the same pixels.
MOVING_GLYPHS = frozenset({"one-byte text"})


@pytest.fixture(scope="module", params=["seed", "parts"])
def with_and_without(request, parts_content, tmp_path_factory):
    """The email edition built with every lever, and without those of this work."""
    content = SEED if request.param == "seed" else parts_content
    folder = tmp_path_factory.mktemp(request.param)
    with pytest.MonkeyPatch.context() as monkeypatch:
        plain = _built(content, folder / "plain", frozenset(), monkeypatch)
        drawn = _built(content, folder / "drawn", ALL_LEVERS - MOVING_GLYPHS, monkeypatch)
        compacted = _built(content, folder / "compacted", ALL_LEVERS, monkeypatch)
        again = _built(content, folder / "again", ALL_LEVERS, monkeypatch)
    assert compacted == again  # the same content, the same bytes
    return request.param, plain, compacted, folder, drawn


def _pictures(pdf: bytes) -> list:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=100 / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def test_compacted_pages_are_the_same_pictures(with_and_without):
    """At 100 dpi, no pixel more than 2 levels of 255 apart: the last bits of PDFium's
    arithmetic may shade an edge pixel otherwise; a glyph or line a pixel over would
    differ by tens of levels."""
    from PIL import ImageChops

    _, plain, compacted, _, drawn = with_and_without
    assert len(compacted) < len(drawn) < len(plain)
    before, after = _pictures(plain), _pictures(drawn)
    assert len(after) == len(before)
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        extremes = ImageChops.difference(old, new).getextrema()
        assert max(high for _, high in extremes) <= 2, f"page {number}"


def test_compacted_pages_read_the_same_text(with_and_without):
    """The same text as PDFium (a browser's viewer) reads it, and the same words as
    pypdf reads them (pypdf took a justified space's offset before the space glyph for a
    second space: "Hvad  fortæller"; joined after it, it no longer does)."""
    import pypdfium2

    _, plain, compacted, _, _ = with_and_without
    texts = []
    for pdf in (plain, compacted):
        document = pypdfium2.PdfDocument(pdf)
        texts.append([page.get_textpage().get_text_range() for page in document])
        document.close()
    assert texts[1] == texts[0]
    before, after = (pypdf.PdfReader(io.BytesIO(pdf)) for pdf in (plain, compacted))
    for old, new in zip(before.pages, after.pages, strict=True):
        assert new.extract_text().split() == old.extract_text().split()


def test_glyphs_in_codes_of_one_byte_stand_where_they_stood(with_and_without):
    """Text in codes of one byte, justified spaces by word spacing: PDFium reads the same
    text, and finds every glyph but a space within a thousandth of an em of where it
    was (each within half of one of WeasyPrint's own place: text_codes.py)."""
    _, _, compacted, _, drawn = with_and_without
    coded = moved = 0
    for (text, origins), (drawn_text, drawn_origins) in zip(
        text_and_origins(compacted), text_and_origins(drawn), strict=True
    ):
        assert text == drawn_text
        for character, (x, y, size), (dx, dy, _) in zip(text, origins, drawn_origins, strict=True):
            if not character.isspace():
                assert abs(x - dx) <= size / 1000 + 1e-3 and abs(y - dy) <= 1e-3, character
                moved += (x, y) != (dx, dy)
    with pikepdf.open(io.BytesIO(compacted)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                coded += isinstance(font.get("/Encoding"), pikepdf.Stream)
            assert _text_objects_and_marked_content_nest(page), f"page {page.index + 1}"
    assert coded and moved  # the lever was at work


def _text_objects_and_marked_content_nest(page) -> bool:
    return _nests([str(operator).encode() for _, operator in pikepdf.parse_content_stream(page)])


def test_compacted_tags_are_the_same_tree(with_and_without):
    _, plain, compacted, folder, _ = with_and_without
    (folder / "plain.pdf").write_bytes(plain)
    (folder / "compacted.pdf").write_bytes(compacted)
    # tag_tree checks that every page's marked content and every link has its entry.
    assert tag_tree(folder / "compacted.pdf") == tag_tree(folder / "plain.pdf")
    with pikepdf.open(io.BytesIO(compacted)) as pdf:
        numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
        element_of = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
        links = 0
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                element = element_of[int(annotation.StructParent)]
                assert element.S == "/Link"
                references = [
                    kid
                    for kid in element.K
                    if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
                ]
                assert [ref.Obj.objgen for ref in references] == [annotation.objgen]
                links += 1
        assert links


def test_each_page_is_one_stream_with_its_running_head_in_it(with_and_without):
    """(The pictures above show the running heads and page numbers drawn as before.)"""
    size, plain, compacted, _, _ = with_and_without
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        forms_before = sum(_forms(page) for page in pdf.pages)
    with pikepdf.open(io.BytesIO(compacted)) as pdf:
        for page in pdf.pages:
            assert isinstance(page.obj.Contents, pikepdf.Stream)
            assert not _forms(page), "a form left that only this page draws"
    if size == "parts":  # a joined booklet's running heads were forms before
        assert forms_before > 0


def _forms(page) -> int:
    xobjects = page.obj.Resources.get("/XObject", {})
    return sum(xobject.get("/Subtype") == "/Form" for xobject in xobjects.values())


# --- text positions on the page -----------------------------------------------------------

SCALED_SVG = """<html><body style="margin: 0">
<p style="font-size: 10pt; text-align: justify">Plain text on the page, at the page's own
scale, justified over two lines or more so that its spaces are stretched as well.</p>
<svg width="10cm" height="5cm" viewBox="0 0 0.1 0.05">
  <text x="0.01234" y="0.02" font-size="0.008">Tiny viewBox text</text>
  <text x="0.0111" y="0.04" font-size="0.006" rotate="12">rotated letters</text>
</svg></body></html>"""


def _character_origins(pdf: bytes) -> list[tuple[str, float, float]]:
    """Every character PDFium reads on the first page, with its box's lower left corner."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    text = document[0].get_textpage()
    characters = []
    for index in range(text.count_chars()):
        left, bottom, _, _ = text.get_charbox(index)
        characters.append((text.get_text_range(index, 1), left, bottom))
    return characters


def test_text_stays_within_a_hundredth_of_a_point_whatever_the_scale_it_is_drawn_at():
    """SVG text in a viewBox a tenth of a unit wide is drawn under a scale of thousands:
    its position rounded as a page's would move it a whole point (it did)."""
    import weasyprint

    document = weasyprint.HTML(string=SCALED_SVG).render()
    as_written = _character_origins(document.write_pdf())
    compacted = _character_origins(document.write_pdf(finisher=compact.compact_finisher()))
    assert [c for c, _, _ in compacted] == [c for c, _, _ in as_written]
    assert sum(c.isalpha() for c, _, _ in as_written) > 80
    for (character, x0, y0), (_, x1, y1) in zip(as_written, compacted, strict=True):
        if character == " ":
            continue  # a space draws nothing, and may stand anywhere (text_codes.py)
        assert abs(x0 - x1) < 0.01 and abs(y0 - y1) < 0.01, (character, x0 - x1, y0 - y1)


def test_text_under_a_scale_of_nothing_or_past_any_number_is_kept_as_written():
    """A `cm` that flattens everything, or overflows, leaves no safe rounding."""
    position = b"1 0 0 -1 1.23456 2.34567 Tm"
    for scale in (b"0 0 0 0 0 0 cm", b"1e999 0 0 1e999 0 0 cm"):
        assert compact.compact_operations([b"q", scale, position, b"Q"], True)[2] == position
    rounded = compact.compact_operations([position], True)
    assert rounded == [b"1 0 0 -1 1.235 2.346 Tm"]
    assert compact.compact_operations([position], False) == [position]  # a form's
