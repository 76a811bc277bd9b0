"""A large booklet laid out in parts side by side is the same booklet, page for page, as
one laid out in a single document; and a rebuild lays out only what changed."""

from __future__ import annotations

import shutil

import pikepdf
import pypdf
import pytest
import yaml
from helpers import bookmarks, generate, page_references, page_text, section_page, tag_tree

import booklet
from booklet.load import load_content
from booklet.parts import PARTS_FROM_TALKS, worth_parts


@pytest.fixture(scope="module")
def three_days(tmp_path_factory):
    content = generate(70, tmp_path_factory.mktemp("parts") / "content")
    messages: list[str] = []
    in_parts = booklet.build(
        content, tmp_path_factory.mktemp("in-parts"), parts=True, progress=messages.append
    )
    single = booklet.build(content, tmp_path_factory.mktemp("single"), parts=False)
    return content, in_parts, single, messages


def test_parts_give_the_same_pages_as_one_document(three_days):
    _, in_parts, single, messages = three_days
    assert any(m.startswith("layout: 1 of ") and "of abstracts" in m for m in messages)
    a, b = pypdf.PdfReader(in_parts.pdf_path), pypdf.PdfReader(single.pdf_path)
    assert len(a.pages) == len(b.pages) == in_parts.page_count
    for number, (page, same) in enumerate(zip(a.pages, b.pages, strict=True), start=1):
        # Text, running heads and page numbers alike.
        assert page_text(page) == page_text(same), f"page {number} differs"
    assert bookmarks(a) == bookmarks(b)
    assert in_parts.page_of == single.page_of
    assert in_parts.warnings == []


def test_every_reference_in_the_joined_booklet_names_its_page(three_days):
    _, in_parts, _, _ = three_days
    reader = pypdf.PdfReader(in_parts.pdf_path)
    checked = 0
    for index in range(len(reader.pages)):
        for reference in page_references(reader, index):
            assert reference.printed == reference.target_page_number, reference
            checked += 1
    assert checked >= 70


def test_the_joined_pdf_is_sound_with_fonts_embedded(three_days):
    _, in_parts, _, _ = three_days
    with pikepdf.open(in_parts.pdf_path) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert pdf.Root.Lang == "da"
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                assert "/FontFile2" in descriptor


def test_a_rebuild_lays_out_only_the_changed_days_and_gives_the_same_bytes(three_days, tmp_path):
    content, in_parts, _, _ = three_days
    # A copy of the first build, cache and all: the other tests keep reading the original.
    output = tmp_path / "again"
    shutil.copytree(in_parts.pdf_path.parent, output)
    again = booklet.build(content, output, parts=True)
    assert again.pdf_path.read_bytes() == in_parts.pdf_path.read_bytes()

    programme = content / "programme.yaml"
    text = programme.read_text()
    items = yaml.safe_load(text)
    items[-1]["abstract"] = "Et nyt resumé."  # the last talk, on the last day
    programme.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False))
    try:
        messages: list[str] = []
        edited = booklet.build(content, output, parts=True, progress=messages.append)
        (summary,) = [m for m in messages if m.endswith("reused")]
        laid_out, reused = (int(word) for word in summary.split() if word.isdigit())
        # Reused at least: the other days' abstracts and the two drafts (their numbers are
        # stand-ins). Laid out again: the edited day, and only if its length changed what
        # prints page numbers (front matter, indexes, running heads of the abstracts).
        assert laid_out + reused == 7 and 1 <= laid_out <= 4 and reused >= 3, summary
        assert "Et nyt resumé." in " ".join(
            page_text(page) for page in pypdf.PdfReader(edited.pdf_path).pages
        )
    finally:
        programme.write_text(text)


def test_parts_are_chosen_for_large_conferences_of_several_days(tmp_path):
    small = load_content(generate(PARTS_FROM_TALKS - 10, tmp_path / "small"))
    large = load_content(generate(PARTS_FROM_TALKS, tmp_path / "large"))
    assert not worth_parts(small) and worth_parts(large)


def test_small_days_sharing_a_part_keep_their_blank_pages_blank(tmp_path):
    content = generate(24, tmp_path / "content", per_day=6)  # four small days, one part
    in_parts = booklet.build(content, tmp_path / "parts", parts=True)
    single = booklet.build(content, tmp_path / "single", parts=False)
    a, b = pypdf.PdfReader(in_parts.pdf_path), pypdf.PdfReader(single.pdf_path)
    texts = [page_text(page) for page in a.pages]
    assert texts == [page_text(page) for page in b.pages]
    assert "" in texts  # the abstracts began on a right-hand page after a blank one


def test_a_part_that_lands_on_the_other_side_is_moved_to_its_margins(three_days):
    """A part is laid out from a right-hand page; where it stands from a left-hand one,
    each of its pages is moved by the margins' difference: every page's text stands
    where the one document's does, and no page is left blank between days."""
    import pypdfium2

    _, in_parts, single, _ = three_days

    def left_edges(path) -> list[float]:
        edges = []
        for page in pypdfium2.PdfDocument(path):
            text = page.get_textpage()
            boxes = [text.get_charbox(i) for i in range(text.count_chars())]
            edges.append(round(min((box[0] for box in boxes), default=-1.0), 1))
        return edges

    joined = left_edges(in_parts.pdf_path)
    assert joined == left_edges(single.pdf_path)
    reader = pypdf.PdfReader(in_parts.pdf_path)
    start = section_page(reader, "Oplæg")
    days = [page for title, page in bookmarks(reader) if "dag den" in title and page >= start]
    assert len(days) == 2 and any(page % 2 == 0 for page in days)  # one on a left-hand page
    assert all(page_text(page) for page in reader.pages[start - 1 : -1])  # none blank


def test_the_joined_booklet_has_one_whole_tag_tree_like_one_document(three_days):
    """For screen readers: the parts' tag trees become one. The single document tags its
    running heads as content (NonStruct); the joined one marks them as artifacts."""
    _, in_parts, single, _ = three_days
    joined, whole = tag_tree(in_parts.pdf_path), tag_tree(single.pdf_path)
    joined.pop("/NonStruct", None)
    whole.pop("/NonStruct", None)
    assert joined == whole
    assert joined["/H2"] >= 70  # a heading for every talk
