"""Real schedule exports, imported and built: every page reference in the booklet, on
every page, names the page its link goes to, and every bookmark lands on its title."""

from __future__ import annotations

import re

import pypdf
import pytest
from helpers import DATA, bookmarks, overlapping_lines, page_references, words_on_page

import booklet
from booklet.importer import import_schedule

SAMPLES = ["31c3-schedule.xml", "camp2019-stages.schedule.json"]


@pytest.fixture(scope="module", params=SAMPLES)
def sample(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample") / "content"
    import_schedule(DATA / "schedules" / request.param, folder)
    result = booklet.build(folder, tmp_path_factory.mktemp("sample-out"))
    return result, pypdf.PdfReader(result.pdf_path)


def test_every_page_reference_names_the_page_it_links_to(sample):
    result, reader = sample
    checked = 0
    for index in range(len(reader.pages)):
        for reference in page_references(reader, index):
            assert reference.printed == reference.target_page_number, reference
            checked += 1
    talks = sum(1 for anchor in result.page_of if anchor.startswith("talk-"))
    speakers = sum(1 for anchor in result.page_of if anchor.startswith("speaker-"))
    # Each talk once in the programme; each speaker at least once in each index.
    assert checked >= talks + speakers


def test_every_bookmark_lands_on_its_title(sample):
    _, reader = sample
    for title, page_number in bookmarks(reader):
        squeezed = re.sub(r"[\s-]+", "", title)
        assert squeezed in words_on_page(reader.pages[page_number - 1]), title


def test_no_text_is_printed_over_other_text(sample):
    result, _ = sample
    assert overlapping_lines(result.pdf_path) == []
