"""A larger, generated conference: talks of every length never split awkwardly, and every
page reference still names the page that holds its target."""

from __future__ import annotations

import random

import pypdf
import pytest
from helpers import (
    WORDS,
    bookmarks,
    overlapping_lines,
    page_references,
    page_text,
    section_page,
    write_content,
)

import booklet


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    chance = random.Random(2026)
    speakers = [
        {"id": f"s{n}", "name": f"Person {chr(65 + n % 26)}{n} Efternavn{n:02d}", "role": "Leder"}
        for n in range(24)
    ]
    programme = []
    for n in range(30):
        length = chance.choice([12, 40, 90, 160, 260])
        paragraphs = [
            " ".join(chance.choice(WORDS) for _ in range(length // 2)).capitalize() + "."
            for _ in range(2)
        ]
        programme.append(
            {
                "id": f"talk{n}",
                "title": f"Oplæg nummer {n}: {chance.choice(WORDS)} og {chance.choice(WORDS)}",
                "speakers": chance.sample([s["id"] for s in speakers], k=chance.choice([1, 1, 2])),
                "abstract": "\n\n".join(paragraphs),
            }
        )
    used = {s for item in programme for s in item["speakers"]}
    speakers = [s for s in speakers if s["id"] in used]
    conference = {"title": "Stor konference", "organiser": "Test", "language": "da"}
    folder = write_content(tmp_path_factory.mktemp("big") / "c", conference, speakers, programme)
    result = booklet.build(folder, tmp_path_factory.mktemp("big-out"))
    return result, pypdf.PdfReader(result.pdf_path), programme, speakers


def test_a_talk_starts_with_its_speakers_and_opening_words_on_one_page(generated):
    _, reader, programme, _ = generated
    for item in programme:
        page = page_text(reader.pages[section_page(reader, item["title"]) - 1])
        assert item["title"] in page
        opening = " ".join(item["abstract"].split()[:6])
        assert opening in page, f"{item['id']}: abstract starts on another page than its title"


def test_no_page_ends_with_a_talk_heading(generated):
    _, reader, programme, _ = generated
    titles = {item["title"] for item in programme}
    for number, page in enumerate(reader.pages, start=1):
        lines = [line for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if not line.strip().isdigit()]
        if body:  # a page left blank so that the abstracts begin on a right-hand page
            assert body[-1].strip() not in titles, f"page {number} ends with a heading"


def test_every_reference_in_contents_programme_and_index_is_right(generated):
    _, reader, programme, speakers = generated
    checked = 0
    for section in ["Indhold", "Program", "Oplægsholdere"]:
        start = section_page(reader, section)
        following = [page for _, page in bookmarks(reader) if page > start]
        end = min(following) if following else len(reader.pages) + 1
        for page_number in range(start, max(end, start + 1)):
            for reference in page_references(reader, page_number - 1):
                assert reference.printed == reference.target_page_number, reference
                checked += 1
    # contents: programme, abstracts, speaker index; programme: 30 talks; index: one per
    # talk per speaker, merged where talks share a page, so at least one per speaker.
    assert checked >= 3 + 30 + len(speakers)


def test_no_text_is_printed_over_other_text(generated):
    result, *_ = generated
    assert overlapping_lines(result.pdf_path) == []
