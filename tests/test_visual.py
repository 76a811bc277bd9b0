"""Look at the seed booklet the way a reader does: rendered pages, as pixels and glyph boxes.

pypdfium2 renders without any system tool. These checks catch what text extraction
cannot: text running into the margins, an empty page, a cover that lost its colour,
ragged lines where the theme promises justified text.
"""

from __future__ import annotations

import pypdfium2
import pytest
import yaml
from helpers import SEED, overlapping_lines, section_page

DPI = 50
CONFERENCE = yaml.safe_load((SEED / "conference.yaml").read_text())


@pytest.fixture(scope="module")
def rendered(seed_build):
    document = pypdfium2.PdfDocument(seed_build.pdf_path)
    pages = [page.render(scale=DPI / 72).to_pil().convert("RGB") for page in document]
    yield document, pages
    document.close()


def test_both_covers_are_filled_with_the_theme_colour(rendered):
    _, pages = rendered
    for cover in (pages[0], pages[-1]):
        pixels = list(cover.get_flattened_data())
        accent = (0x1F, 0x4E, 0x79)
        near = sum(
            1 for p in pixels if all(abs(a - b) < 12 for a, b in zip(p, accent, strict=True))
        )
        assert near / len(pixels) > 0.85


def test_no_page_between_the_covers_is_empty(rendered):
    _, pages = rendered
    for number, page in enumerate(pages[1:-1], start=2):
        dark = sum(1 for p in page.get_flattened_data() if sum(p) < 600)
        assert dark > 200, f"page {number} looks empty"


def test_nothing_prints_in_the_outer_margin_band(rendered):
    """The 8 mm next to each trim edge stays white: nothing overflows the text block."""
    _, pages = rendered
    band = round(8 * DPI / 25.4)
    for number, page in enumerate(pages[1:-1], start=2):  # the covers are coloured to the edge
        width, height = page.size
        for box in [(0, 0, band, height), (width - band, 0, width, height), (0, 0, width, band)]:
            strip = page.crop(box)
            assert all(sum(p) > 740 for p in strip.get_flattened_data()), (
                f"ink in the margin of page {number}"
            )


def _line_right_edges(page) -> list[float]:
    """The right edge of each text line on a PDF page, from glyph boxes."""
    text = page.get_textpage()
    lines: dict[int, float] = {}
    for index in range(text.count_chars()):
        # Loose boxes span the whole line height, so every glyph of a line shares its top.
        left, bottom, right, top = text.get_charbox(index, loose=True)
        if right - left <= 0:
            continue
        lines[round(top)] = max(lines.get(round(top), 0), right)
    text.close()
    return [right for _, right in sorted(lines.items())]


def test_welcome_text_is_justified(rendered, seed_pdf):
    document, _ = rendered
    page = document[section_page(seed_pdf, "Velkommen") - 1]
    edges = _line_right_edges(page)
    block_right = max(edges)
    short = sum(1 for right in edges if block_right - right > 1.5)
    # Only the last line of each paragraph, the heading and the page number fall short
    # of the right edge of the text block; every other line is set flush.
    paragraphs = len(CONFERENCE["welcome"].split("\n\n"))
    assert short <= paragraphs + 2, (short, len(edges))
    assert len(edges) > 2 * paragraphs


def test_no_text_is_printed_over_other_text(seed_build):
    assert overlapping_lines(seed_build.pdf_path) == []
