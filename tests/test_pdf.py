"""The seed booklet as a PDF: what an attendee, an organiser and a print shop would check.

Expected values come from the content files, never from a page number written here.
"""

from __future__ import annotations

import re

import pikepdf
import pypdf
import pytest
import yaml
from helpers import (
    SEED,
    bookmarks,
    page_references,
    page_text,
    section_page,
    text_runs,
)

import booklet

MM = 72 / 25.4
CONFERENCE = yaml.safe_load((SEED / "conference.yaml").read_text())
SPEAKERS = {s["id"]: s for s in yaml.safe_load((SEED / "speakers.yaml").read_text())}
PROGRAMME = yaml.safe_load((SEED / "programme.yaml").read_text())
SECTIONS = ["Velkommen", "Indhold", "Program", "Oplæg", "Oplægsholdere", "Organisationer"]


def test_every_page_is_a5_portrait(seed_pdf):
    for page in seed_pdf.pages:
        assert float(page.mediabox.width) == pytest.approx(148 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(210 * MM, abs=0.5)


def test_build_reports_what_it_wrote(seed_build, seed_pdf):
    assert seed_build.pdf_path.name == "turbo-paa-offentlig-innovation.pdf"
    assert seed_build.page_count == len(seed_pdf.pages)
    assert seed_build.warnings == []


def test_cover_carries_title_subtitle_and_organiser_and_no_page_number(seed_pdf):
    cover = page_text(seed_pdf.pages[0])
    for field in ("title", "subtitle", "organiser"):
        assert CONFERENCE[field] in cover
    assert not any(run.text.isdigit() for run in text_runs(seed_pdf.pages[0]))


def test_welcome_text_is_there_in_full(seed_pdf):
    welcome = page_text(seed_pdf.pages[section_page(seed_pdf, "Velkommen") - 1])
    for paragraph in CONFERENCE["welcome"].split("\n\n"):
        assert " ".join(paragraph.split()) in welcome


def test_bookmarks_for_every_section_and_talk_point_at_them(seed_pdf):
    marks = bookmarks(seed_pdf)
    titles = [title for title, _ in marks]
    assert [t for t in titles if t in SECTIONS] == SECTIONS
    assert [t for t in titles if t not in SECTIONS] == [item["title"] for item in PROGRAMME]
    for title, page_number in marks:
        assert title in page_text(seed_pdf.pages[page_number - 1]), title


def test_every_talk_has_its_abstract_with_speakers_roles_and_affiliations(seed_pdf):
    for item in PROGRAMME:
        number = section_page(seed_pdf, item["title"])
        page = page_text(seed_pdf.pages[number - 1])
        # Typeset, not rewritten: a hyphen standing between words is printed as a dash.
        abstract = " ".join(item["abstract"].split()).replace(" - ", " – ")
        # An abstract of more than a few lines may run on to the next page, under its
        # running head (the page's head and number stand between the two halves).
        following = page_text(seed_pdf.pages[number]) if number < len(seed_pdf.pages) else ""
        running_on = re.sub(r"^OPLÆG ", "", following)
        halves = re.sub(r" \d+$", "", page) + " " + running_on
        assert abstract in page or abstract in halves, item["title"]
        for speaker_id in item["speakers"]:
            speaker = SPEAKERS[speaker_id]
            assert speaker["name"] in page
            if "affiliation" in speaker:
                assert speaker["affiliation"] in page
            # Danish writes a title after a name in lower case: "…, analysechef, …".
            role = speaker["role"]
            assert f"{speaker['name']}, {role[0].lower()}{role[1:]}" in page


def test_contents_entries_name_the_pages_that_hold_them(seed_pdf):
    contents_page = section_page(seed_pdf, "Indhold")
    references = page_references(seed_pdf, contents_page - 1)
    # The parts after the contents; talks are listed, with their pages, in the programme.
    parts = [title for title in SECTIONS if title != "Indhold"]
    assert len(references) == len(parts)
    for reference in references:
        assert reference.printed == reference.target_page_number, reference
    assert sorted(r.printed for r in references) == [section_page(seed_pdf, t) for t in parts]


def test_programme_lists_every_talk_in_order_with_its_abstract_page(seed_pdf):
    programme_page = section_page(seed_pdf, "Program")
    text = page_text(seed_pdf.pages[programme_page - 1])
    positions = [text.index(item["title"]) for item in PROGRAMME]
    assert positions == sorted(positions)
    references = page_references(seed_pdf, programme_page - 1)
    assert len({r.destination for r in references}) == len(PROGRAMME)
    for reference in references:
        assert reference.printed == reference.target_page_number, reference


def test_speaker_index_lists_everyone_in_danish_order_with_their_pages(seed_pdf):
    index_page = section_page(seed_pdf, "Oplægsholdere")
    text = page_text(seed_pdf.pages[index_page - 1])
    family_names = ["Andersen", "Hansen", "Lykkebo", "Nielsen", "Rasmussen"]
    assert [text.index(f"{name},") for name in family_names] == sorted(
        text.index(f"{name},") for name in family_names
    )
    for speaker in SPEAKERS.values():
        assert speaker["role"] in text
    references = page_references(seed_pdf, index_page - 1)
    assert len(references) == len(SPEAKERS)
    for reference in references:
        assert reference.printed == reference.target_page_number, reference
        target = page_text(seed_pdf.pages[reference.target_page_number - 1])
        talk = next(i for i in PROGRAMME if f"talk-{i['id']}" == reference.destination)
        assert talk["title"] in target
    # Each speaker's own talk: the reference leaves from their line in the index.
    for item in PROGRAMME:
        for _speaker_id in item["speakers"]:
            assert section_page(seed_pdf, item["title"]) in {
                r.target_page_number for r in references if r.destination == f"talk-{item['id']}"
            }


def test_affiliation_index_lists_each_organisation_with_its_speakers_and_pages(seed_pdf):
    index_page = section_page(seed_pdf, "Organisationer")
    text = page_text(seed_pdf.pages[index_page - 1])
    affiliations = sorted({s["affiliation"] for s in SPEAKERS.values() if "affiliation" in s})
    assert affiliations == ["AU", "Center for Offentlig Innovation", "Idéklinikken", "RUC"]
    assert [text.index(a) for a in affiliations] == sorted(text.index(a) for a in affiliations)
    references = page_references(seed_pdf, index_page - 1)
    assert len(references) == len(affiliations)  # one speaker each, one talk each
    for reference in references:
        assert reference.printed == reference.target_page_number, reference
    for speaker in SPEAKERS.values():
        if "affiliation" in speaker:
            after = text[text.index(speaker["affiliation"]) :]
            assert speaker["name"] in after


def test_page_numbers_sit_in_the_outer_corner_of_every_page_but_the_covers(seed_pdf):
    width = float(seed_pdf.pages[0].mediabox.width)
    for number, page in enumerate(seed_pdf.pages[1:-1], start=2):
        footer = [run for run in text_runs(page) if run.y < 20 * MM and run.text == str(number)]
        assert footer, f"page {number} has no page number in its footer"
        outer_left = number % 2 == 0  # even pages are left-hand pages
        assert (footer[0].x < width / 2) == outer_left, number


def test_running_heads_name_the_section_except_on_its_opening_page(seed_pdf):
    width = float(seed_pdf.pages[0].mediabox.width)
    height = float(seed_pdf.pages[0].mediabox.height)
    starts = {section_page(seed_pdf, title): title for title in SECTIONS}
    current = None
    for number, page in enumerate(seed_pdf.pages[1:-1], start=2):  # not on the covers
        head = [run for run in text_runs(page) if run.y > height - 16 * MM]
        if number in starts:
            current = starts[number]
            assert head == [], f"page {number} opens {current} and should carry no head"
            continue
        assert [run.text.casefold() for run in head] == [current.casefold()], number
        assert (head[0].x < width / 2) == (number % 2 == 0), number


def test_metadata_names_title_author_subject_and_language(seed_pdf):
    metadata = seed_pdf.metadata
    # The subtitle continues the title ("… innovation – ledelse og styring, …").
    assert metadata.title == f"{CONFERENCE['title']} – {CONFERENCE['subtitle']}"
    assert metadata.author == CONFERENCE["organiser"]
    assert metadata.subject == CONFERENCE["subtitle"]
    assert seed_pdf.trailer["/Root"]["/Lang"] == "da"


def test_every_font_is_embedded(seed_build):
    with pikepdf.open(seed_build.pdf_path) as pdf:
        fonts = {}
        for page in pdf.pages:
            for _name, font in page.Resources.get("/Font", {}).items():
                fonts[str(font.BaseFont)] = font
        assert fonts
        for base_font, font in fonts.items():
            descriptor = font.DescendantFonts[0].FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            assert "Booklet-Serif" in base_font, base_font


def test_pdf_structure_is_sound(seed_build):
    with pikepdf.open(seed_build.pdf_path) as pdf:
        assert pdf.check_pdf_syntax() == []


def test_danish_text_is_hyphenated(seed_pdf):
    welcome = seed_pdf.pages[section_page(seed_pdf, "Velkommen") - 1].extract_text()
    # WeasyPrint marks an automatic hyphenation with U+2010 at the end of the line.
    broken = [line for line in welcome.splitlines() if line.endswith("\u2010")]
    assert broken, "no word was hyphenated on the welcome page"


def test_the_pdf_can_be_shared_like_any_file_the_user_makes(seed_build):
    import os

    umask = os.umask(0)
    os.umask(umask)
    assert seed_build.pdf_path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_same_content_builds_the_same_bytes(seed_build, tmp_path):
    again = booklet.build(SEED, tmp_path)
    assert again.pdf_path.read_bytes() == seed_build.pdf_path.read_bytes()


def test_source_date_epoch_sets_the_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    result = booklet.build(SEED, tmp_path)
    reader = pypdf.PdfReader(result.pdf_path)
    assert reader.metadata.creation_date.year == 2026
    assert booklet.build(SEED, tmp_path / "again").pdf_path.read_bytes() == (
        result.pdf_path.read_bytes()
    )


def test_a_rebuild_starts_from_the_last_page_numbers_and_lays_out_once(tmp_path):
    messages: list[str] = []
    first = booklet.build(SEED, tmp_path)
    again = booklet.build(SEED, tmp_path, progress=messages.append)
    assert again.pdf_path.read_bytes() == first.pdf_path.read_bytes()
    # One layout: each page is laid out once (a second layout would start at page 1 again).
    layout = [m for m in messages if m.startswith("layout: page ")]
    assert layout.count("layout: page 1") == 1


def test_a_wrong_guess_of_the_pages_costs_a_layout_not_a_wrong_number(tmp_path):
    first = booklet.build(SEED, tmp_path)
    pages_file = tmp_path / f".{first.pdf_path.stem}.pages.json"
    import json

    wrong = {anchor: page + 1 for anchor, page in json.loads(pages_file.read_text()).items()}
    wrong["talk-removed-long-ago"] = 3
    pages_file.write_text(json.dumps(wrong))
    again = booklet.build(SEED, tmp_path)
    assert again.page_of == first.page_of
    reader = pypdf.PdfReader(again.pdf_path)
    for page_index in range(len(reader.pages)):
        for reference in page_references(reader, page_index):
            assert reference.printed == reference.target_page_number, reference
