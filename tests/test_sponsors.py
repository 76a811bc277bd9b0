"""Sponsors and partners: logos by tier on a page of their own and on the back cover, an
SVG logo kept vector, a raster one measured at 300 dpi; a logo that is not an image is
refused, with its file, line and field."""

from __future__ import annotations

from collections import Counter

import pikepdf
import pypdf
import pytest
from example_project import example_build, fresh_project, set_in_conference
from helpers import bookmarks, page_text

import booklet


def _drawing_operators(pdf: pikepdf.Pdf, page_index: int) -> Counter:
    """The operators a page draws with, its form XObjects' included; and for each
    image it draws, an operator 'image <width>'."""
    counted: Counter = Counter()

    def walk(stream_owner, resources) -> None:
        for operands, operator in pikepdf.parse_content_stream(stream_owner):
            counted[str(operator)] += 1
            if str(operator) == "Do":
                xobject = resources.XObject[operands[0]]
                if xobject.Subtype == "/Form":
                    walk(xobject, xobject.get("/Resources", resources))
                else:
                    counted[f"image {int(xobject.Width)}"] += 1

    walk(pdf.pages[page_index], pdf.pages[page_index].Resources)
    return counted


def _image_widths(pdf: pikepdf.Pdf) -> set[int]:
    widths = set()
    for page in pdf.pages:
        for xobject in page.Resources.get("/XObject", {}).values():
            if xobject.Subtype == "/Image":
                widths.add(int(xobject.Width))
    return widths


def test_the_sponsors_page_groups_the_logos_by_tier_before_the_back_cover():
    reader = pypdf.PdfReader(example_build().pdf_path)
    page = dict(bookmarks(reader))["Sponsors and partners"]
    assert page == len(reader.pages) - 1
    text = page_text(reader.pages[page - 1])
    assert text.index("MAIN SPONSOR") < text.index("PARTNERS")
    with pikepdf.open(example_build().pdf_path) as pdf:
        assert _drawing_operators(pdf, page - 1)["image 700"] == 1  # the university's PNG


def test_an_svg_logo_stays_vector_and_a_png_logo_is_embedded_as_it_is():
    result = example_build()
    with pikepdf.open(result.pdf_path) as pdf:
        sponsors_page = len(pdf.pages) - 2
        # Images in the whole booklet: three 240-pixel portraits, the 1,400-pixel map and
        # the 700-pixel university logo; the two SVG logos are none of them.
        assert _image_widths(pdf) == {240, 1400, 700}
        operators = _drawing_operators(pdf, sponsors_page)
    assert operators["c"] >= 4, operators  # the foundation's circle, as curves
    assert operators["re"] + operators["l"] >= 3, operators  # the town's bars


def test_the_back_cover_carries_the_logos_only_when_asked(tmp_path):
    with pikepdf.open(example_build().pdf_path) as pdf:
        with_logos = _drawing_operators(pdf, len(pdf.pages) - 1)
    project = fresh_project(tmp_path / "p")
    set_in_conference(project, "sponsors_on_back_cover: true", "sponsors_on_back_cover: false")
    result = booklet.build(project / "content", project / "output")
    with pikepdf.open(result.pdf_path) as pdf:
        without = _drawing_operators(pdf, len(pdf.pages) - 1)
        assert _drawing_operators(pdf, len(pdf.pages) - 2)["image 700"] == 1  # its page stays
    assert with_logos["image 700"] == 1 and without["image 700"] == 0
    assert with_logos["c"] > without["c"] + 100  # the SVG logos' outlines


def test_tiers_are_sized_by_rank_and_a_logo_is_fitted_to_its_tier(tmp_path):
    from booklet.load import load_content
    from booklet.pages import LogoTier

    project = fresh_project(tmp_path / "p")
    loaded = load_content(project / "content")
    from booklet.html import booklet_view

    tiers = booklet_view(loaded).sponsor_tiers
    assert [tier.size for tier in tiers] == ["large", "medium"]
    assert all(isinstance(tier, LogoTier) for tier in tiers)
    set_in_conference(project, "  - name: Partners\n", "  - name: Partners\n    size: small\n")
    assert [
        tier.size for tier in booklet_view(load_content(project / "content")).sponsor_tiers
    ] == [
        "large",
        "small",
    ]


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (lambda path: path.write_text("just text"), "is not an SVG image"),
        (
            lambda path: path.write_text(
                '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>'
                '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
            ),
            "with a DOCTYPE or entities",
        ),
        (lambda path: path.write_text("<html><body>hi</body></html>"), "is not an SVG image"),
    ],
)
def test_a_logo_that_is_not_an_image_is_refused_where_it_is_named(tmp_path, write, message):
    project = fresh_project(tmp_path / "p")
    write(project / "content" / "logos" / "example-town.svg")
    with pytest.raises(booklet.ContentError) as raised:
        booklet.check(project / "content")
    problems = [str(problem) for problem in raised.value.problems]
    assert any(
        "conference.yaml:" in p and "conference.sponsors[1].sponsors[1].logo:" in p and message in p
        for p in problems
    ), problems


def test_a_logo_outside_the_content_folder_is_refused(tmp_path):
    project = fresh_project(tmp_path / "p")
    (tmp_path / "outside.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    set_in_conference(project, "logo: logos/example-town.svg", "logo: ../../outside.svg")
    with pytest.raises(booklet.ContentError, match="must be inside the content folder"):
        booklet.check(project / "content")


def test_a_raster_logo_too_coarse_for_print_is_a_warning(tmp_path):
    from PIL import Image

    project = fresh_project(tmp_path / "p")
    Image.new("RGB", (200, 80), "white").save(project / "content/logos/example-university.png")
    warnings = [str(w) for w in booklet.check(project / "content").warnings]
    assert any(
        "conference.sponsors[1].sponsors[0].logo: warning: 200×80 pixels print at" in w
        and "too coarse for print" in w
        for w in warnings
    ), warnings
