"""`booklet impose`: sheets that, printed double-sided and folded, read as the booklet.

The sheets are folded in code: the page number on each half of each side is read back
from the PDF, the sheets are nested as a printer would nest them, and the folded booklet
must read 1, 2, 3, ... with any blank pages last.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import weasyprint
from helpers import ROOT
from typer.testing import CliRunner

from booklet.cli import app
from booklet.errors import BookletError
from booklet.impose import impose, spread_order

MM = 72 / 25.4
A4_LANDSCAPE = (297 * MM, 210 * MM)
A3_LANDSCAPE = (420 * MM, 297 * MM)
A5_WIDTH = 148 * MM
A4_WIDTH = 210 * MM
BLEED = 8.5  # 3 mm, as the print edition has

GREEN = (0, 200, 0)
BLUE = (0, 0, 230)
RED = (255, 0, 0)


def make_booklet(path: Path, pages: int, size: str = "A5", colours=("#fff", "#fff")) -> Path:
    """A booklet of `pages` pages, each with its number written large in the middle and
    filled with the first colour on odd pages, the second on even ones."""
    odd, even = colours
    style = f"""
        @page {{ size: {size}; margin: 0 }}
        @page :right {{ background: {odd} }}
        @page :left {{ background: {even} }}
        body {{ margin: 0 }}
        p {{ margin: 40mm 0 0; font: 60pt sans-serif; text-align: center; break-after: page }}
        p:last-child {{ break-after: auto }}
    """
    body = "".join(f"<p>p{number}</p>" for number in range(1, pages + 1))
    weasyprint.HTML(string=f"<style>{style}</style>{body}").write_pdf(path)
    return path


def add_bleed(path: Path) -> Path:
    """Turn a booklet into a print edition: the page becomes the TrimBox of a MediaBox
    8.5 pt larger each side, and the bleed around it is painted red."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(value) for value in page.mediabox)
            page.obj.TrimBox = pikepdf.Array([x0, y0, x1, y1])
            bleed = pikepdf.Array([x0 - BLEED, y0 - BLEED, x1 + BLEED, y1 + BLEED])
            page.obj.MediaBox = bleed
            page.obj.BleedBox = bleed
            # Red over the whole MediaBox, underneath the page's own background, so that
            # only the bleed strips stay red.
            red = (
                f"q 1 0 0 rg {x0 - BLEED} {y0 - BLEED} {x1 - x0 + 2 * BLEED} "
                f"{y1 - y0 + 2 * BLEED} re f Q\n"
            )
            page.contents_add(pdf.make_stream(red.encode()), prepend=True)
        pdf.save(path)
    return path


def read_sides(path: Path) -> list[tuple[int | None, int | None]]:
    """The booklet page number printed on the left and right half of each side; None for
    a half with no text."""
    document = pdfium.PdfDocument(path)
    sides = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage()
        halves = (
            text.get_text_bounded(0, 0, width / 2, height),
            text.get_text_bounded(width / 2, 0, width, height),
        )
        numbers = []
        for half in halves:
            found = re.findall(r"p(\d+)", half)
            assert len(found) <= 1, f"two pages on one half: {half!r}"
            numbers.append(int(found[0]) if found else None)
        sides.append(tuple(numbers))
    document.close()
    return sides


def fold(sides: list[tuple[int | None, int | None]]) -> list[int | None]:
    """The pages of the folded booklet, front to back, from the printed sides.

    Each sheet is a front side and its back side. Flipped on the short edge, the back's
    left half is behind the front's right half. The sheets are nested in print order,
    sheet 1 outermost, and folded: first the right halves of the sheets from the outside
    in (front, then the back behind it), then the left halves from the inside out (the
    back, which faces the centre, then the front).
    """
    sheets = [(sides[index], sides[index + 1]) for index in range(0, len(sides), 2)]
    pages = []
    for front, back in sheets:
        pages += [front[1], back[0]]
    for front, back in reversed(sheets):
        pages += [back[1], front[0]]
    return pages


def page_sizes(path: Path) -> list[tuple[float, float]]:
    with pikepdf.open(path) as pdf:
        return [(float(page.mediabox[2]), float(page.mediabox[3])) for page in pdf.pages]


def assert_size(actual: tuple[float, float], expected: tuple[float, float]) -> None:
    assert actual == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize("pages", [8, 12])
def test_a5_booklet_folds_into_page_order_on_a4_sheets(tmp_path, pages):
    source = make_booklet(tmp_path / "booklet.pdf", pages)
    target = tmp_path / "imposed.pdf"

    result = impose(source, target)

    assert result.target == target
    assert (result.sheet, result.sheets, result.pages) == ("A4", pages // 4, pages)
    assert result.notes == ["A5 pages on A4 landscape sheets"]  # not padded, not scaled
    sizes = page_sizes(target)
    assert len(sizes) == pages // 2
    for size in sizes:
        assert_size(size, A4_LANDSCAPE)
    assert fold(read_sides(target)) == list(range(1, pages + 1))


def test_six_pages_are_padded_with_blank_pages_at_the_end(tmp_path):
    source = make_booklet(tmp_path / "six.pdf", 6)

    result = impose(source, tmp_path / "imposed.pdf")

    assert (result.sheets, result.pages) == (2, 8)
    assert any("added 2 blank pages at the end" in note for note in result.notes)
    sides = read_sides(result.target)
    assert len(sides) == 4
    assert fold(sides) == [1, 2, 3, 4, 5, 6, None, None]


def test_a4_booklet_goes_on_a3_sheets(tmp_path):
    source = make_booklet(tmp_path / "a4.pdf", 8, size="A4")

    result = impose(source, tmp_path / "imposed.pdf")

    assert result.sheet == "A3"
    sizes = page_sizes(result.target)
    assert len(sizes) == 4
    for size in sizes:
        assert_size(size, A3_LANDSCAPE)
    assert fold(read_sides(result.target)) == list(range(1, 9))


def test_spread_order_is_the_printers_order():
    assert spread_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert spread_order(4) == [(4, 1), (2, 3)]


def colour_at(image, x: int, y: int) -> tuple[int, int, int]:
    return image.getpixel((x, y))[:3]


def near(colour, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


@pytest.mark.parametrize(
    ("size", "page_width", "sheet"),
    [("A5", A5_WIDTH, A4_LANDSCAPE), ("A4", A4_WIDTH, A3_LANDSCAPE)],
)
def test_print_edition_is_cut_at_the_trim_box_and_meets_at_the_spine(
    tmp_path, size, page_width, sheet
):
    source = make_booklet(tmp_path / "print.pdf", 4, size=size, colours=("#00c800", "#0000e6"))
    add_bleed(source)

    result = impose(source, tmp_path / "imposed.pdf")

    assert any("bleed and crop marks are left off" in note for note in result.notes)
    assert fold(read_sides(result.target)) == [1, 2, 3, 4]
    scale = 2  # pixels per point
    document = pdfium.PdfDocument(result.target)
    for index, page in enumerate(document):
        assert_size(page.get_size(), sheet)
        image = page.render(scale=scale).to_pil().convert("RGB")
        spine = sheet[0] / 2 * scale
        width = page_width * scale
        # No red bleed anywhere but in the one pixel column the spine runs through: the
        # renderer paints any pixel a clip touches, so the later page may colour it.
        for part in (
            image.crop((0, 0, int(spine), image.height)),
            image.crop((int(spine) + 1, 0, image.width, image.height)),
        ):
            colours = [colour for _count, colour in part.getcolors(maxcolors=1 << 24)]
            assert not any(near(colour, RED, 60) for colour in colours), f"bleed on {index}"
        left, right = BLUE, GREEN  # even pages on the left, odd on the right, as in a book
        row = int(image.height * 0.8)  # below the page number
        assert near(colour_at(image, int(spine) - 2, row), left)
        assert near(colour_at(image, int(spine) + 2, row), right)
        assert near(colour_at(image, int(spine - width) + 2, row), left)
        assert near(colour_at(image, int(spine + width) - 2, row), right)
        # Beyond the trimmed pages the sheet is bare (A5 on A4 leaves 0.5 mm each side).
        outside = int(spine - width) - 2
        if outside >= 0:
            assert near(colour_at(image, outside, row), (255, 255, 255))
            assert near(colour_at(image, image.width - 1 - outside, row), (255, 255, 255))
        # The pages fill the sheet's height: A5 is as tall as A4 is wide, A4 as A3.
        assert near(colour_at(image, int(spine) + 20, 2), right)
        assert near(colour_at(image, int(spine) + 20, image.height - 3), right)
    document.close()


def blank_pages_pdf(path: Path, sizes: list[tuple[float, float]]) -> Path:
    with pikepdf.new() as pdf:
        for size in sizes:
            pdf.add_blank_page(page_size=size)
        pdf.save(path)
    return path


def test_a_size_that_is_neither_a5_nor_a4_gets_a_sheet_two_pages_wide(tmp_path):
    source = blank_pages_pdf(tmp_path / "square.pdf", [(500, 500)] * 4)

    result = impose(source, tmp_path / "imposed.pdf")

    assert result.sheet == "1000 × 500 pt"
    sizes = page_sizes(result.target)
    assert len(sizes) == 2
    for size in sizes:
        assert_size(size, (1000, 500))
    assert any("neither A5 nor A4" in note for note in result.notes)


def test_forcing_a4_sheets_shrinks_a4_pages_to_fit(tmp_path):
    source = make_booklet(tmp_path / "a4.pdf", 4, size="A4")

    result = impose(source, tmp_path / "imposed.pdf", sheet="a4")

    assert result.sheet == "A4"
    assert_size(page_sizes(result.target)[0], A4_LANDSCAPE)
    assert any("scaled to 71%" in note for note in result.notes)
    assert fold(read_sides(result.target)) == [1, 2, 3, 4]


def test_mixed_page_sizes_name_the_first_odd_page_and_keep_the_old_output(tmp_path):
    a5 = (A5_WIDTH, 210 * MM)
    source = blank_pages_pdf(tmp_path / "mixed.pdf", [a5, a5, (210 * MM, 297 * MM), a5])
    target = tmp_path / "imposed.pdf"
    target.write_bytes(b"the last good one")

    with pytest.raises(BookletError, match=r"mixed\.pdf: page 3 is 595 × 842 pt"):
        impose(source, target)

    assert target.read_bytes() == b"the last good one"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["imposed.pdf", "mixed.pdf"]


def test_unknown_sheet_is_refused(tmp_path):
    source = make_booklet(tmp_path / "booklet.pdf", 4)
    with pytest.raises(BookletError, match="no sheet size 'B5'"):
        impose(source, tmp_path / "imposed.pdf", sheet="B5")


def test_encrypted_and_empty_files_are_refused_by_name(tmp_path):
    encrypted = tmp_path / "locked.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(encrypted, encryption=pikepdf.Encryption(owner="owner", user="user"))
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    no_pages = tmp_path / "nopages.pdf"
    with pikepdf.new() as pdf:
        pdf.save(no_pages)

    with pytest.raises(BookletError, match=r"locked\.pdf: the PDF is encrypted"):
        impose(encrypted, tmp_path / "out.pdf")
    with pytest.raises(BookletError, match=r"empty\.pdf: the file is empty"):
        impose(empty, tmp_path / "out.pdf")
    with pytest.raises(BookletError, match=r"nopages\.pdf: the PDF has no pages"):
        impose(no_pages, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_cli_writes_beside_the_source_by_default(tmp_path):
    source = make_booklet(tmp_path / "programme.pdf", 6)

    result = CliRunner().invoke(app, ["impose", str(source)])

    assert result.exit_code == 0, result.stderr
    target = tmp_path / "programme-imposed.pdf"
    assert result.stdout.strip() == str(target)
    assert "added 2 blank pages" in result.stderr
    assert "flip on the short edge" in result.stderr
    assert fold(read_sides(target)) == [1, 2, 3, 4, 5, 6, None, None]


def test_cli_output_and_sheet_options(tmp_path):
    source = make_booklet(tmp_path / "a5.pdf", 4)
    target = tmp_path / "out" / "sheets.pdf"

    result = CliRunner().invoke(app, ["impose", str(source), "-o", str(target), "--sheet", "A3"])

    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(target)
    assert_size(page_sizes(target)[0], A3_LANDSCAPE)


@pytest.mark.parametrize("kind", ["missing", "not a PDF"])
def test_cli_bad_input_exits_1_naming_the_file_without_traceback(tmp_path, kind):
    source = tmp_path / "programme.pdf"
    if kind == "not a PDF":
        source.write_text("Velkommen til konferencen!\n")

    result = subprocess.run(
        [sys.executable, "-m", "booklet", "impose", str(source)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )

    assert result.returncode == 1
    assert "programme.pdf" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "programme-imposed.pdf").exists()
