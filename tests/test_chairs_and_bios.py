"""Speakers besides the talks: chairs printed with their session and moderators with
their item, both in the speaker index at those pages; bios in the index or with the
talks (`show: bios`); portraits one size and crop, a coarse one a warning."""

from __future__ import annotations

import pikepdf
import pypdf
import pytest
from example_project import example_build, fresh_project, set_in_conference
from helpers import find_pages, page_text

import booklet


@pytest.fixture(scope="module")
def reader() -> pypdf.PdfReader:
    return pypdf.PdfReader(example_build().pdf_path)


def test_the_chair_is_printed_with_the_sessions_first_item(reader):
    [page] = find_pages(reader, "Publishing a town's budget as data Ben Sample")
    text = page_text(reader.pages[page - 1])
    assert "CHAIR: Dina Host" in text
    assert text.count("CHAIR:") == 1  # once, where the session begins


def test_the_moderator_is_printed_with_the_panel(reader):
    [page] = find_pages(reader, "MODERATOR: Dina Host")
    assert "What should we open next?" in page_text(reader.pages[page - 1])


def test_chairs_and_moderators_are_in_the_speaker_index_at_those_pages(reader):
    [index] = find_pages(reader, "Host, Dina")
    text = page_text(reader.pages[index - 1])
    pages = text.split("Host, Dina", 1)[0].rsplit("Example", 1)[-1].split()[-2:]
    chaired = find_pages(reader, "CHAIR: Dina Host")[0]
    moderated = find_pages(reader, "MODERATOR: Dina Host")[0]
    assert [int(p.strip(",")) for p in pages] == sorted({chaired, moderated})


def test_bios_print_in_the_speakers_index_by_default_and_with_the_talks_when_asked(
    reader, tmp_path
):
    [index] = find_pages(reader, "Host, Dina")
    assert "Works on open data in public administration." in page_text(reader.pages[index - 1])
    project = fresh_project(tmp_path / "p")
    set_in_conference(project, "bios: speakers", "bios: abstracts")
    result = booklet.build(project / "content", project / "output", strict=True)
    moved = pypdf.PdfReader(result.pdf_path)
    bio = "Works on open data in public administration."
    pages = find_pages(moved, bio)
    assert pages and all("Ada Example" in page_text(moved.pages[p - 1]) for p in pages)
    assert not find_pages(moved, "Example, Ada Professor, Example University Works on")
    with pikepdf.open(result.pdf_path) as pdf:  # the portraits went with the bios
        abstract_page = pdf.pages[pages[0] - 1]
        assert any(
            x.Subtype == "/Image" and int(x.Width) == 240
            for x in abstract_page.Resources.XObject.values()
        )


def test_a_photo_too_coarse_for_print_is_a_warning(tmp_path):
    from PIL import Image

    project = fresh_project(tmp_path / "p")
    Image.new("RGB", (90, 90), "grey").save(project / "content/photos/ben-sample.png")
    warnings = [str(w) for w in booklet.check(project / "content").warnings]
    assert any(
        "speakers.yaml:" in w and "speakers[1].photo: warning: 90×90 pixels print at 163 dpi" in w
        for w in warnings
    ), warnings


def test_an_unknown_chair_or_moderator_is_an_error_with_a_suggestion(tmp_path):
    project = fresh_project(tmp_path / "p")
    set_in_conference(project, "chairs: [dina-host]", "chairs: [dina-hots]")
    programme = project / "content" / "programme.yaml"
    programme.write_text(
        programme.read_text().replace("moderators: [dina-host]", "moderators: [x]")
    )
    with pytest.raises(booklet.ContentError) as raised:
        booklet.check(project / "content")
    problems = [str(p) for p in raised.value.problems]
    assert any(
        "conference.sessions[0].chairs[0]: no speaker with id 'dina-hots'; did you mean "
        "'dina-host'?" in p
        for p in problems
    ), problems
    assert any("programme[4].moderators[0]: no speaker with id 'x'" in p for p in problems)
