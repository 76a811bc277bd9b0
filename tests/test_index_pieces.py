"""A long index comes in pieces, each opening a page, so that no one layout holds all of
it (html.py, parts.py): the booklet laid out in parts is still the booklet laid out as
one document, page for page, and every index entry names the page it links to."""

from __future__ import annotations

from types import SimpleNamespace

import pypdf
import pytest
from helpers import bookmarks, generate, page_references, page_text, tag_tree

import booklet
from booklet import html, parts
from booklet.load import load_content

# Pieces of a few speakers each: many pieces from a conference small enough to be quick.
SMALL_PIECES = 12


@pytest.fixture(scope="module")
def cut_index(tmp_path_factory):
    content = generate(40, tmp_path_factory.mktemp("pieces") / "content", per_day=20)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(html, "INDEX_LINES_PER_PIECE", SMALL_PIECES)
        patch.setattr(parts, "INDEX_LINES_PER_PIECE", SMALL_PIECES)
        view = html.booklet_view(load_content(content))
        back_parts = parts._back_parts(view)  # the view's pieces, cut while patched
        messages: list[str] = []
        in_parts = booklet.build(
            content, tmp_path_factory.mktemp("in-parts"), parts=True, progress=messages.append
        )
        single = booklet.build(content, tmp_path_factory.mktemp("single"), parts=False)
    return view, back_parts, in_parts, single, messages


def test_a_long_index_is_laid_out_in_several_parts(cut_index):
    view, back_parts, _, _, messages = cut_index
    assert len(view.speaker_index_pieces) >= 3
    assert len(view.affiliation_index_pieces) >= 2
    assert len(back_parts) >= 4
    assert [part.back_cover for part in back_parts] == [False] * (len(back_parts) - 1) + [True]
    laid_out = next(m for m in messages if m.startswith("layout: ") and "laid out" in m)
    assert int(laid_out.split()[1]) >= 3 + 2 * len(back_parts)  # drafts and finals of each


def test_pieces_give_the_same_pages_as_one_document(cut_index):
    _, _, in_parts, single, _ = cut_index
    a, b = pypdf.PdfReader(in_parts.pdf_path), pypdf.PdfReader(single.pdf_path)
    assert len(a.pages) == len(b.pages)
    for number, (page, same) in enumerate(zip(a.pages, b.pages, strict=True), start=1):
        # Running heads too: a part that opens inside an index has no heading to set one.
        assert page_text(page) == page_text(same), f"page {number} differs"
    assert bookmarks(a) == bookmarks(b)
    assert in_parts.page_of == single.page_of
    assert in_parts.warnings == []
    joined, whole = tag_tree(in_parts.pdf_path), tag_tree(single.pdf_path)
    joined.pop("/NonStruct", None)
    whole.pop("/NonStruct", None)
    assert joined == whole


def test_each_piece_opens_a_page_and_every_entry_names_its_page(cut_index):
    view, _, in_parts, _, _ = cut_index
    reader = pypdf.PdfReader(in_parts.pdf_path)
    page_of = in_parts.page_of
    pieces = view.speaker_index_pieces
    for before, piece in zip(pieces, pieces[1:], strict=False):
        assert page_of[piece[0].anchor] == page_of[before[-1].anchor] + 1
    index_start = page_of["speaker-index"]
    checked = 0
    for index in range(index_start - 1, len(reader.pages)):
        for reference in page_references(reader, index):
            assert reference.printed == reference.target_page_number, reference
            checked += 1
    # At least one reference per speaker, in the speaker index and the affiliation index.
    assert checked >= 2 * len(view.speaker_index)


def test_pieces_are_cut_where_the_initial_letter_changes():
    def cut(names: list[str], budget: int) -> list[list[str]]:
        original = html.INDEX_LINES_PER_PIECE
        html.INDEX_LINES_PER_PIECE = budget
        try:
            return html._index_pieces(names, lambda name: name[0], lambda name: 1)
        finally:
            html.INDEX_LINES_PER_PIECE = original

    names = ["Aa", "Ab", "Ac", "Ba", "Bb", "Ca"]
    assert cut(names, 100) == [names]  # short: one piece, as always
    assert cut(names, 2) == [["Aa", "Ab", "Ac"], ["Ba", "Bb"], ["Ca"]]
    assert cut(["A1", "A2", "A3", "A4", "A5"], 2) == [["A1", "A2", "A3", "A4"], ["A5"]]
    assert cut([], 2) == []


def test_a_project_with_its_own_index_template_keeps_the_back_in_one_part(
    cut_index, tmp_path, monkeypatch
):
    """Its template may not know the pieces: it gets the whole back in one document."""
    view, back_parts, _, _, _ = cut_index
    monkeypatch.setattr(parts, "INDEX_LINES_PER_PIECE", SMALL_PIECES)
    (tmp_path / "speaker_index.html.j2").write_text("<section>{{ booklet.speaker_index }}")
    theme = SimpleNamespace(project_templates=tmp_path)
    assert parts._back_parts(view, theme) == [html.Part("back")]
    assert parts._back_parts(view, SimpleNamespace(project_templates=None)) == back_parts
