"""Text in codes of one byte, justified spaces by word spacing (booklet/text_codes.py)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import weasyprint
from helpers import text_and_origins
from hypothesis import given, settings
from hypothesis import strategies as st

from booklet import compact, text_codes
from booklet.compact import compact_finisher

SPACE, A, B, C = 3, 68, 69, 70  # glyph ids
CODES = {SPACE: b" ", A: b"a", B: b"b", C: b"c"}


def _inside(tokens: list) -> bytes:
    """A TJ array's inside as WeasyPrint writes it: glyph ids, offsets, empty strings."""
    parts = []
    for index, token in enumerate(tokens):
        if token is None:
            parts.append(b"<>")
        elif isinstance(token, int):
            parts.append(b"<%04x>" % token)
        else:
            if index and isinstance(tokens[index - 1], float):
                parts.append(b"<>")  # WeasyPrint never writes two numbers together
            parts.append(repr(float(token)).encode())
    return b"".join(parts)


def _shown(operations: list[bytes], spacing: float):
    """(the word spacing in force, [(code, offsets before it)...], offsets at the end)
    of what encoded_tj wrote."""
    for operation in operations[:-1]:
        assert operation.endswith(b" Tw")
        spacing = float(operation[:-3])
    array = operations[-1]
    assert array.startswith(b"[") and array.endswith(b"] TJ")
    glyphs, pending = [], 0
    for string, number in re.findall(rb"<([0-9a-f]*)>|(-?\d+)", array[1:-4]):
        if number:
            pending += int(number)
        else:
            for byte in bytes.fromhex(string.decode()):
                glyphs.append((bytes([byte]), pending))
                pending = 0
    return spacing, glyphs, pending


def _positions(glyphs_and_offsets, size: float, spacing: float, written: bool):
    """Where each glyph begins, less the glyphs' own widths, in points."""
    position, positions, spaces = 0.0, [], 0
    for code, before in glyphs_and_offsets:
        position -= before / 1000 * size
        positions.append((code, position + spacing * spaces))
        spaces += code == b" "
    return positions


tokens = st.lists(
    st.one_of(
        st.sampled_from([SPACE, A, B, C]),
        st.floats(min_value=-900, max_value=900, allow_nan=False).map(lambda v: round(v, 5)),
        st.none(),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(
    tokens=tokens,
    size=st.floats(min_value=0.5, max_value=80),
    spacing=st.sampled_from([0.0, 1.5, -0.25]),
)
def test_every_glyph_but_a_space_stays_within_half_a_thousandth_of_an_em(tokens, size, spacing):
    operations, after = text_codes.encoded_tj(_inside(tokens), CODES, size, spacing)
    in_force, shown, trailing = _shown(operations, spacing)
    assert in_force == after
    # What WeasyPrint asked: each glyph after the sum of the offsets before it.
    asked, pending = [], 0.0
    for token in tokens:
        if isinstance(token, int):
            asked.append((CODES[token], pending))
            pending = 0.0
        elif token is not None:
            pending += token
    assert [code for code, _ in shown] == [code for code, _ in asked]
    exact = _positions(asked, size, 0.0, written=False)
    drawn = _positions(shown, size, in_force, written=True)
    tolerance = 0.5 / 1000 * size + 1e-9
    for (code, want), (_, got) in zip(exact, drawn, strict=True):
        if code != b" ":
            assert abs(got - want) <= tolerance
    # And where the array ends (a next run in another font goes on from there).
    spaces = sum(code == b" " for code, _ in shown)
    end_asked = -(sum(t for t in tokens if isinstance(t, float)) / 1000 * size)
    end_drawn = -(sum(o for _, o in shown) + trailing) / 1000 * size + in_force * spaces
    assert abs(end_drawn - end_asked) <= tolerance


def test_a_justified_line_sets_its_spacing_once_and_its_spaces_lose_their_offsets():
    line = _inside(
        [A, B, None, -113.66666, SPACE, -108.0, C, A, None, -113.66666, SPACE, -108.0, B]
    )
    operations, spacing = text_codes.encoded_tj(line, CODES, 9.0, 0.0)
    assert operations == [b"1.995 Tw", b"[<61622063612062>] TJ"]
    assert spacing == 1.995
    again, _ = text_codes.encoded_tj(line, CODES, 9.0, spacing)
    assert again == operations[1:]  # already in force: not set again
    unjustified, spacing = text_codes.encoded_tj(_inside([A, SPACE, B]), CODES, 9.0, spacing)
    assert unjustified == [b"0 Tw", b"[<612062>] TJ"]


def test_word_spacing_is_set_back_before_a_form_and_at_the_end():
    codes = {b"/F1": CODES}
    justified = b"[" + _inside([A, None, -100.0, SPACE, -100.0, B]) + b"] TJ"
    items = [b"BT", b"/F1 10 Tf", justified, b"ET", b"/Fm0 Do", b"BT", justified, b"ET"]
    out = compact.compact_operations(items, scale_known=True, codes=codes)
    assert out == [
        b"BT", b"/F1 10 Tf", b"2 Tw", b"[<612062>] TJ", b"ET",
        b"0 Tw", b"/Fm0 Do",
        b"BT", b"2 Tw", b"[<612062>] TJ", b"ET", b"0 Tw",
    ]  # fmt: skip
    # q ... Q restores the spacing with the rest of the state: nothing to set back.
    saved = [b"q", b"BT", b"/F1 10 Tf", justified, b"ET", b"Q", b"/Fm0 Do"]
    assert compact.compact_operations(saved, scale_known=True, codes=codes)[-1] == b"/Fm0 Do"
    assert b"0 Tw" not in compact.compact_operations(saved, scale_known=True, codes=codes)


# --- fonts as WeasyPrint writes them -------------------------------------------------

FONTS = Path(__file__).resolve().parents[1] / "styles" / "fonts"
FACES = "".join(
    f"@font-face {{ font-family: T; font-weight: {weight}; src: url({(FONTS / name).as_uri()}) }}"
    for weight, name in ((400, "BookletSerif-Regular.ttf"), (700, "BookletSerif-Bold.ttf"))
)
JUSTIFIED = (
    '<p style="text-align: justify; width: 9em">'
    + "Offentlig innovation – ledelse og styring, er vi skarpe nok? " * 6
    + "</p>"
)


def _rendered(html: str) -> bytes:
    page = f"<style>{FACES} body {{ font-family: T }}</style>{html}"
    return weasyprint.HTML(string=page).write_pdf(finisher=compact_finisher())


def _plain(html: str, monkeypatch) -> bytes:
    monkeypatch.setattr(compact, "LEVERS", compact.LEVERS - {"one-byte text"})
    try:
        return _rendered(html)
    finally:
        monkeypatch.undo()


def _fonts(pdf: pikepdf.Pdf) -> list:
    return [
        font
        for page in pdf.pages
        for font in page.Resources.get("/Font", {}).values()
        if font.Subtype == "/Type0"
    ]


def test_a_justified_paragraph_reads_and_stands_as_before(monkeypatch):
    encoded, plain = _rendered(JUSTIFIED), _plain(JUSTIFIED, monkeypatch)
    with pikepdf.open(io.BytesIO(encoded)) as pdf:
        fonts = _fonts(pdf)
        assert fonts
        for font in fonts:
            assert font.Encoding.read_bytes() == text_codes.ENCODING_CMAP
            assert isinstance(font.DescendantFonts[0].CIDToGIDMap, pikepdf.Stream)
        content = b"".join(page.Contents.read_bytes() for page in pdf.pages)
    assert b" Tw" in content
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        assert len(content) < len(b"".join(page.Contents.read_bytes() for page in pdf.pages))
    for (text, origins), (plain_text, plain_origins) in zip(
        text_and_origins(encoded), text_and_origins(plain), strict=True
    ):
        assert text == plain_text
        for character, (x, y, size), (px, py, _) in zip(text, origins, plain_origins, strict=True):
            if character.isspace():
                continue  # a space glyph draws nothing; it may stand anywhere
            # Each is within half a thousandth of an em of WeasyPrint's own place.
            assert abs(x - px) <= size / 1000 + 1e-3 and abs(y - py) <= 1e-3
    # pypdf reads the same words (it takes a code for a CID, as these codes are).
    import pypdf

    words = [
        pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split()
        for data in (encoded, plain)
    ]
    assert words[0] == words[1]


def test_a_font_with_a_glyph_without_a_code_keeps_its_encoding(monkeypatch):
    """Hungarian ő (U+0151) is neither Windows-1252 nor an extra: its font stays as it
    is, and reads the same; another face in the same document takes the codes."""
    html = "<p>Erdős Pál</p><p><b>Offentlig innovation</b></p>"
    with pikepdf.open(io.BytesIO(_rendered(html))) as pdf:
        encodings = {str(font.BaseFont).split("+")[-1]: font.Encoding for font in _fonts(pdf)}
    kept = [name for name, encoding in encodings.items() if encoding == "/Identity-H"]
    coded = [name for name, encoding in encodings.items() if isinstance(encoding, pikepdf.Stream)]
    assert kept and coded
    assert (
        text_and_origins(_rendered(html))[0][0] == text_and_origins(_plain(html, monkeypatch))[0][0]
    )


def test_the_codes_do_not_depend_on_the_glyphs_a_document_uses():
    """Two documents, different words: every glyph they share has the same code (so the
    parts of a booklet merge into one font per face)."""

    def codes(html):
        with pikepdf.open(io.BytesIO(_rendered(html))) as pdf:
            (font,) = _fonts(pdf)
            return text_codes.glyphs_of_map(font.DescendantFonts[0].CIDToGIDMap.read_bytes())

    first = codes("<p>effektiv offentlig styring – 10 %</p>")
    second = codes("<p>Ledelse, fisk og “flid” – 2031</p>")
    shared = set(first.values()) & set(second.values())
    assert len(shared) > 5
    first_code = {glyph: code for code, glyph in first.items()}
    second_code = {glyph: code for code, glyph in second.items()}
    assert all(first_code[glyph] == second_code[glyph] for glyph in shared)
    assert first_code[second[ord(" ")]] == ord(" ")


# --- a booklet in parts -----------------------------------------------------------------


def test_a_part_with_a_glyph_without_a_code_shares_its_faces_program(tmp_path, monkeypatch):
    """One abstract with a Hungarian ő: its part's regular face keeps Identity-H, the
    others take codes of one byte. The face is then two fonts, one of each kind, that
    draw with one merged program under one name; the text reads as written. Another
    part shows a character that no font has (WeasyPrint then writes a CMap of its own,
    which draws it as .notdef): it merges too, and pypdf reads its pages as before."""
    import yaml
    from helpers import generate

    import booklet

    content = generate(45, tmp_path / "content", per_day=16)
    programme = yaml.safe_load((content / "programme.yaml").read_text(encoding="utf-8"))
    programme[-1]["abstract"] = "Erdős Pál og offentlig innovation. " + programme[-1]["abstract"]
    programme[0]["abstract"] = "Et tegn \u0fd3 uden skrift. " + programme[0]["abstract"]
    (content / "programme.yaml").write_text(
        yaml.safe_dump(programme, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = booklet.build(content, tmp_path / "out", edition="email", parts=True)
    kinds: dict[str, set] = {}
    programs: dict[str, set] = {}
    with pikepdf.open(result.pdf_path) as pdf:
        for font in {font.objgen: font for font in _fonts(pdf)}.values():
            name = str(font.BaseFont)
            kinds.setdefault(name, set()).add(isinstance(font.Encoding, pikepdf.Stream))
            program = font.DescendantFonts[0].FontDescriptor.FontFile2
            programs.setdefault(name.split("+")[1], set()).add(program.objgen)
    assert any(kind == {True, False} for kind in kinds.values())  # the face of ő: both
    assert all(len(objects) == 1 for objects in programs.values())  # one program a face
    assert len(kinds) == len(programs)  # one name a face
    text = "".join(text for text, _ in text_and_origins(result.pdf_path.read_bytes()))
    assert "Erdős Pál og offentlig innovation." in text
    assert "Et tegn \u0fd3 uden skrift." in text
    import pypdf

    read = [page.extract_text() for page in pypdf.PdfReader(result.pdf_path).pages]
    assert not any("\x00" in page for page in read)  # no font of two-byte codes unmerged
    assert "Erdős Pál og offentlig innovation." in " ".join(" ".join(read).split())
