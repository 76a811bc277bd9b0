"""The print edition as a print shop wants it (issue 11): PDF/X-4 with a CMYK output
intent, colours stated in CMYK, one font subset per face, notes pages instead of blank
ones, and the same bytes whatever was built before. Read back with pikepdf."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections import defaultdict

import pikepdf
import pypdf
import pytest
from helpers import SEED, generate, page_text

import booklet
from booklet import text_codes
from booklet.errors import BookletError
from booklet.pdfx import DEFAULT_PROFILE_NAME, OutputProfile
from booklet.theme import default_styles_folder

TAG = re.compile(r"^([A-Z]{6})\+(.+)$")


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    """A booklet laid out in parts (several days of abstracts), print edition."""
    content = generate(45, tmp_path_factory.mktemp("joined") / "content", per_day=16)
    return booklet.build(content, tmp_path_factory.mktemp("joined-out"), edition="print")


def test_print_is_pdfx4_with_a_cmyk_output_intent(seed_editions):
    with pikepdf.open(seed_editions["print"].pdf_path) as pdf:
        assert pdf.pdf_version == "1.6"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert intent.DestOutputProfile.N == 4
        assert intent.DestOutputProfile.read_bytes()[16:20] == b"CMYK"
        assert pdf.docinfo.Trapped == "/False"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfxid:GTS_PDFXVersion" in xmp and ">PDF/X-4<" in xmp
        with pdf.open_metadata() as metadata:
            assert metadata["pdf:Trapped"] == "False"
            assert metadata["dc:title"] == str(pdf.docinfo.Title)
        for page in pdf.pages:
            assert "/TrimBox" in page.obj and "/BleedBox" in page.obj
            assert "/Annots" not in page.obj  # no links on paper


def test_print_colours_are_cmyk_and_the_booklet_states_them(seed_editions):
    with pikepdf.open(seed_editions["print"].pdf_path) as pdf:
        operators = defaultdict(list)
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page, "rg RG k K"):
                operators[str(operator)].append([float(v) for v in operands])
            assert page.Resources.ColorSpace.DefaultRGB[0] == "/ICCBased"
        assert not operators["rg"] and not operators["RG"]
        # The text colour, a near black grey, prints in black ink alone.
        assert [0.0, 0.0, 0.0, 1.0] in operators["k"]
        colours = str(pdf.docinfo.BookletColours)
    # The navy of the covers, in the profile's CMYK, and every grey in black alone.
    navy = re.search(r"#1f4e79 = C(\d+) M(\d+) Y(\d+) K(\d+)", colours)
    assert navy and int(navy[1]) > 60 and sum(int(v) for v in navy.groups()) < 300
    assert "#1b1b1b = C0 M0 Y0 K100" in colours


def test_the_profile_ships_with_its_licence_and_a_shop_can_bring_its_own(tmp_path):
    folder = default_styles_folder() / "profiles"
    assert (folder / DEFAULT_PROFILE_NAME).is_file()
    assert "Zlib" in (folder / "LICENSE-profile.txt").read_text(encoding="utf-8")
    assert "FOGRA39" in OutputProfile.default().description
    own = tmp_path / "shop.icc"
    shutil.copy(folder / DEFAULT_PROFILE_NAME, own)
    result = booklet.build(SEED, tmp_path / "out", edition="print", output_profile=own)
    with pikepdf.open(result.pdf_path) as pdf:
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "Custom"
    from PIL import ImageCms

    rgb = tmp_path / "srgb.icc"
    rgb.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    for wrong, says in ((rgb, "RGB"), (tmp_path / "out" / result.pdf_path.name, "not an ICC")):
        with pytest.raises(BookletError, match=says):
            booklet.build(SEED, tmp_path / "out", edition="print", output_profile=wrong)


def _subsets(pdf) -> dict[str, set[bytes]]:
    """Subset name -> the font programs that carry it, across the whole file."""
    found: dict[str, set[bytes]] = defaultdict(set)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            program = obj.get("/FontFile2") or obj.get("/FontFile3") or obj.get("/FontFile")
            found[str(obj.FontName)[1:]].add(program.read_bytes())
    return found


@pytest.mark.parametrize("which", ["seed", "joined"])
def test_every_subset_tag_names_one_subset_and_each_face_has_one(seed_editions, joined, which):
    path = seed_editions["print"].pdf_path if which == "seed" else joined.pdf_path
    with pikepdf.open(path) as pdf:
        subsets = _subsets(pdf)
    assert subsets and all(len(programs) == 1 for programs in subsets.values()), subsets.keys()
    faces = [TAG.match(name)[2] for name in subsets]
    assert len(faces) == len(set(faces)), faces  # one subset per face


def test_a_merged_subset_draws_every_glyph_its_pages_show(joined):
    """Each glyph id shown with a merged font has an outline in it (or is white space)."""
    import io

    from fontTools.ttLib import TTFont

    with pikepdf.open(joined.pdf_path) as pdf:
        shown: dict[tuple[int, int], set[int]] = defaultdict(set)
        fonts = {}
        for page in pdf.pages:
            font_names: dict[str, pikepdf.Object] = dict(page.Resources.get("/Font", {}).items())
            current = None
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    current = font_names.get(str(operands[0]))
                elif str(operator) in ("Tj", "TJ") and current is not None:
                    strings = operands[0] if str(operator) == "TJ" else [operands[0]]
                    for item in strings:
                        if isinstance(item, pikepdf.String):
                            shown[current.objgen] |= set(_glyphs_shown(current, bytes(item)))
                            fonts[current.objgen] = current
        assert len(fonts) >= 2
        for key, glyph_ids in shown.items():
            descendant = fonts[key].DescendantFonts[0]
            program = TTFont(io.BytesIO(descendant.FontDescriptor.FontFile2.read_bytes()))
            order = program.getGlyphOrder()
            text = fonts[key].ToUnicode.read_bytes()
            for glyph_id, code in glyph_ids:
                assert glyph_id is not None, (key, code)  # a code of the font's map
                glyph = program["glyf"][order[glyph_id]]
                if glyph.numberOfContours == 0:
                    drawn = re.search(rb"<%s> <([0-9a-f]+)>" % code, text)
                    assert drawn, (key, glyph_id)
                    assert bytes.fromhex(drawn[1].decode()).decode("utf-16-be").isspace()


def _glyphs_shown(font, data: bytes) -> list[tuple[int | None, bytes]]:
    """(glyph id, code in hexadecimal) of each glyph of a string shown in `font`: two
    bytes a glyph id (Identity-H), or one byte a code that its CIDToGIDMap maps."""
    glyph_map = font.DescendantFonts[0].get("/CIDToGIDMap")
    if isinstance(glyph_map, pikepdf.Stream):
        glyphs = text_codes.glyphs_of_map(glyph_map.read_bytes())
        return [(glyphs.get(code), b"%02x" % code) for code in data]
    return [
        (int.from_bytes(data[i : i + 2], "big"), data[i : i + 2].hex().encode())
        for i in range(0, len(data), 2)
    ]


def test_notes_pages_fill_the_last_sheet_and_no_page_is_left_empty(seed_editions, joined):
    for result in (seed_editions["print"], joined):
        reader = pypdf.PdfReader(result.pdf_path)
        count = len(reader.pages)
        assert count % 4 == 0
        texts = [page_text(page) for page in reader.pages]
        notes = [n for n, text in enumerate(texts, start=1) if text.startswith(("Noter", "Notes"))]
        if notes:  # just before the back cover, numbered
            assert notes == list(range(count - len(notes), count))
            assert all(texts[n - 1].split()[-1] == str(n) for n in notes)
        for number, text in enumerate(texts, start=1):
            if not text:  # only the verso before a part that starts on the right
                assert number % 2 == 0 and number < count - len(notes) - 1, number
    # The seed fills three pages so: a quarter of the booklet used to be blank.
    assert len(pypdf.PdfReader(seed_editions["print"].pdf_path).pages) == 12


def test_notes_pages_speak_the_booklets_language(tmp_path):
    from booklet.notes import NotesPages
    from booklet.theme import theme_for

    loaded = booklet.check(SEED)
    theme = theme_for(SEED)
    notes = NotesPages(loaded, theme, theme.stylesheets(["booklet.css"]), theme.folders)
    assert ">Noter<" in notes.html(2, 9)
    german = loaded.content.conference.model_copy(update={"language": "de"})
    notes.loaded = dataclasses.replace(
        loaded, content=loaded.content.model_copy(update={"conference": german})
    )
    assert ">Notizen<" in notes.html(2, 9)


def test_the_same_content_gives_the_same_bytes_whatever_was_built_before(seed_editions, tmp_path):
    # Another order, into a fresh folder: email first, then print, then screen.
    other = {
        name: booklet.build(SEED, tmp_path / "other", edition=name).pdf_path.read_bytes()
        for name in ("email", "print", "screen")
    }
    # A rebuild: the last build's page numbers beside the output, as after any build.
    rebuilt_folder = tmp_path / "rebuilt"
    shutil.copytree(seed_editions["screen"].pdf_path.parent, rebuilt_folder)
    for name, first in seed_editions.items():
        rebuilt = booklet.build(SEED, rebuilt_folder, edition=name).pdf_path.read_bytes()
        assert first.pdf_path.read_bytes() == other[name] == rebuilt, name


def test_each_page_reference_carries_one_link(seed_editions):
    with pikepdf.open(seed_editions["screen"].pdf_path) as pdf:
        links = 0
        for number, page in enumerate(pdf.pages, start=1):
            rectangles = defaultdict(list)
            for annotation in page.obj.get("/Annots", []):
                if annotation.Subtype == "/Link" and "/Dest" in annotation:
                    rectangles[str(annotation.Dest)].append([float(v) for v in annotation.Rect])
            for target, found in rectangles.items():
                links += len(found)
                for index, (x0, y0, x1, y1) in enumerate(found):
                    for u0, v0, u1, v1 in found[index + 1 :]:
                        overlap = x0 < u1 and u0 < x1 and y0 < v1 and v0 < y1
                        assert not overlap, (number, target)
    assert links >= 5 + 5  # the contents and the programme at least


def test_no_stream_claims_flate_data_it_does_not_have(joined):
    """A blank page between parts once had an empty stream marked FlateDecode, which
    Ghostscript refused to read (qpdf --check passes it)."""
    with pikepdf.open(joined.pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Filter") == "/FlateDecode":
                assert obj.read_raw_bytes(), obj.objgen


def test_a_programme_without_tracks_draws_no_transparency(tmp_path):
    """Rooms and items without a track have no coloured edge: none is drawn, rather than
    a transparent one that WeasyPrint writes at opacity 0 and a preflight flags (the
    LibreOffice and Sessionize sheets of real conferences have no tracks)."""
    content = generate(20, tmp_path / "content")
    programme = content / "programme.yaml"
    programme.write_text(re.sub(r"(?m)^  track: .*\n", "", programme.read_text()))
    assert "track:" not in programme.read_text()
    result = booklet.build(content, tmp_path / "out", edition="print")
    assert result.preflight.standard == "PDF/X-4"
    assert not result.preflight.errors and not result.preflight.warnings, [
        str(finding) for finding in result.preflight.findings
    ]
    reader = pypdf.PdfReader(result.pdf_path)
    assert any("Festsalen" in page_text(page) for page in reader.pages)  # a grid was drawn
