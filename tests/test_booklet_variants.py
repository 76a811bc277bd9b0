"""Booklets other than the seed: a dated day with times and rooms, English, A4."""

from __future__ import annotations

import pypdf
import pytest
import yaml
from helpers import (
    DATA,
    SEED,
    bookmarks,
    overlapping_lines,
    page_references,
    page_text,
    section_page,
    text_in_reading_order,
    write_content,
)

import booklet

MM = 72 / 25.4
FULL_DAY = DATA / "full-day"


@pytest.fixture(scope="module")
def full_day(tmp_path_factory):
    result = booklet.build(FULL_DAY, tmp_path_factory.mktemp("full-day"))
    return result, pypdf.PdfReader(result.pdf_path)


def test_cover_gives_the_date_in_danish_and_the_venue(full_day):
    _, reader = full_day
    cover = page_text(reader.pages[0])
    assert "Tirsdag den 13. maj 2031" in cover  # a weekday opening a line takes a capital
    assert "Aarhus Rådhus" in cover and "Rådhuspladsen 2, 8000 Aarhus C" in cover


def test_times_come_out_as_written(full_day):
    _, reader = full_day
    programme = page_text(reader.pages[section_page(reader, "Program") - 1])
    for slot in ["9:30–10:00", "10:00–10:45", "11:00–11:20", "11:20–12:00"]:
        assert slot in programme
    assert "Kaffepause" in programme
    assert "600" not in programme  # YAML 1.1 would have read 10:00 as 600 minutes


def test_breaks_have_no_abstract_page(full_day):
    _, reader = full_day
    titles = [title for title, _ in bookmarks(reader)]
    assert "Kaffepause" not in titles
    assert "Panel om ansvar" in titles


def test_index_follows_danish_alphabet_and_merges_pages(full_day):
    _, reader = full_day
    index_page = section_page(reader, "Oplægsholdere")
    text = page_text(reader.pages[index_page - 1])
    order = ["Hansen,", "Zahle,", "Æbelø,", "Østergaard,", "Aagaard,"]
    assert [text.index(name) for name in order] == sorted(text.index(name) for name in order)

    programme = yaml.safe_load((FULL_DAY / "programme.yaml").read_text())
    references = page_references(reader, index_page - 1)
    for reference in references:
        assert reference.printed == reference.target_page_number
    # Birgitte Zahle gives two talks; each page she speaks on is printed once, in order.
    zahle_pages = sorted(
        {
            section_page(reader, item["title"])
            for item in programme
            if "birgitte-zahle" in item.get("speakers", [])
        }
    )
    zahle_line = min(r.line for r in references if r.destination == "talk-aabning")
    printed = [r.printed for r in references if r.line == zahle_line]
    assert printed == zahle_pages


def test_markdown_renders_without_raw_html(full_day):
    _, reader = full_day
    welcome = page_text(reader.pages[section_page(reader, "Velkommen") - 1])
    assert "åbne data" in welcome and "**" not in welcome


def test_a_link_prints_its_address(full_day):
    _, reader = full_day
    panel = page_text(reader.pages[section_page(reader, "Panel om ansvar") - 1])
    assert "Læs mere på kommunernes side (https://example.org/data)." in panel


def test_english_a4_booklet_uses_english_labels(tmp_path):
    conference = yaml.safe_load((SEED / "conference.yaml").read_text())
    conference.update(language="en", paper="A4", title="Open Data Day", date="2031-05-13")
    speakers = [{"id": "ada", "name": "Ada Lovelace", "role": "Analyst"}]
    programme = [{"id": "engine", "title": "The Engine", "speakers": ["ada"], "abstract": "Notes."}]
    result = booklet.build(
        write_content(tmp_path / "en", conference, speakers, programme), tmp_path
    )
    reader = pypdf.PdfReader(result.pdf_path)
    assert float(reader.pages[0].mediabox.width) == pytest.approx(210 * MM, abs=0.5)
    titles = [title for title, _ in bookmarks(reader)]
    assert titles == ["Welcome", "Contents", "Programme", "Talks", "The Engine", "Speakers"]
    assert "Tuesday, May 13, 2031" in page_text(reader.pages[0])
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_no_text_is_printed_over_other_text(full_day):
    result, _ = full_day
    assert overlapping_lines(result.pdf_path) == []


def test_speaker_photos_are_embedded_and_bios_printed(full_day):
    result, reader = full_day
    index_page = reader.pages[section_page(reader, "Oplægsholdere") - 1]
    images = [name for name in index_page["/Resources"].get("/XObject", {})]
    assert len(images) == 2  # Øystein Aagaard and Mette Hansen have a photo
    assert "Forsker i offentlige data og deres brug siden 2015." in page_text(index_page)


def test_days_head_their_part_of_the_programme_and_tracks_are_named(tmp_path):
    conference = {"title": "Two Days", "organiser": "Org", "language": "en"}
    speakers = [{"id": "a", "name": "Ann Archer"}, {"id": "b", "name": "Bo Berg"}]
    programme = [
        {
            "title": "Opening",
            "day": "2031-05-13",
            "start": "9:00",
            "room": "Hall",
            "speakers": ["a"],
        },
        {
            "title": "Data",
            "day": "2031-05-13",
            "start": "10:00",
            "track": "Data",
            "speakers": ["b"],
        },
        {
            "title": "Closing",
            "day": "2031-05-14",
            "start": "9:00",
            "room": "Hall",
            "speakers": ["a"],
        },
    ]
    result = booklet.build(write_content(tmp_path / "c", conference, speakers, programme), tmp_path)
    reader = pypdf.PdfReader(result.pdf_path)
    text = text_in_reading_order(reader.pages[section_page(reader, "Programme") - 1])
    first, second = text.index("Tuesday, May 13, 2031"), text.index("Wednesday, May 14, 2031")
    assert first < text.index("Opening") < text.index("Data") < second < text.index("Closing")
    assert "Hall" in text and "Data" in text
    closing = page_text(reader.pages[section_page(reader, "Closing") - 1])
    assert "Wednesday, May 14, 2031 · 9:00 · Hall".casefold() in closing.casefold()


GERMAN = (
    "Die Donaudampfschifffahrtsgesellschaft und die Bundesausbildungsförderungsgesetze "
    "verlangen Rechtsschutzversicherungsgesellschaften, Verkehrsinfrastrukturfinanzierung "
    "und Nahrungsmittelunverträglichkeiten. Arbeitsunfähigkeitsbescheinigungen, "
    "Kraftfahrzeughaftpflichtversicherungen und Grundstücksverkehrsgenehmigungen "
    "überfordern Datenschutzbeauftragte und Geschwindigkeitsbegrenzungen."
)


def test_an_abstract_is_hyphenated_in_its_own_language(tmp_path):
    import re

    import pyphen

    conference = {"title": "Languages", "organiser": "Org", "language": "en"}
    speakers = [{"id": "k", "name": "Karl Kraus"}]
    programme = [
        {"id": "de", "title": "Deutsch", "speakers": ["k"], "abstract": GERMAN, "language": "de"}
    ]
    result = booklet.build(write_content(tmp_path / "c", conference, speakers, programme), tmp_path)
    reader = pypdf.PdfReader(result.pdf_path)
    raw = reader.pages[section_page(reader, "Deutsch") - 1].extract_text()
    breaks = re.findall(r"(\w+)\u2010\n(\w+)", raw)
    assert len(breaks) >= 3, raw
    german, english = pyphen.Pyphen(lang="de_DE"), pyphen.Pyphen(lang="en_US")
    for head, tail in breaks:
        assert len(head) in german.positions(head + tail), (head, tail)
    # At least one break that English rules would not allow: the language was German.
    assert any(len(head) not in english.positions(head + tail) for head, tail in breaks)


def test_a_night_belongs_to_the_day_before_and_may_run_past_midnight(tmp_path):
    conference = {"title": "Late", "organiser": "Org", "language": "en", "rooms": ["Hall", "Club"]}
    speakers = [{"id": "a", "name": "Ann Archer"}]
    programme = [
        {"title": "Film", "day": "2031-05-13", "start": "23:30", "end": "1:15", "room": "Hall",
         "speakers": ["a"]},
        {"title": "Morning", "day": "2031-05-13", "start": "9:00", "end": "9:45", "room": "Hall",
         "speakers": ["a"]},
        {"title": "Night set", "day": "2031-05-13", "start": "0:30", "end": "2:00", "room": "Club",
         "speakers": ["a"]},
        {"title": "Clash", "day": "2031-05-13", "start": "1:00", "end": "1:30", "room": "Hall",
         "speakers": ["a"]},
    ]  # fmt: skip
    folder = write_content(tmp_path / "c", conference, speakers, programme)
    with pytest.raises(booklet.ContentError) as caught:
        booklet.build(folder, tmp_path / "out")
    # 23:30–1:15 is no mistake; a talk at 1:00 in the same hall during the film is.
    assert [p.message for p in caught.value.problems] == [
        "overlaps programme[0] 'Film' in Hall (23:30–1:15)"
    ]
    programme.pop()
    result = booklet.build(
        write_content(tmp_path / "c2", conference, speakers, programme), tmp_path
    )
    reader = pypdf.PdfReader(result.pdf_path)
    talks = [title for title, _ in bookmarks(reader) if title in {"Film", "Morning", "Night set"}]
    assert talks == ["Morning", "Film", "Night set"]


def test_a_talk_names_its_session(tmp_path):
    conference = {
        "title": "Sessions", "organiser": "Org", "language": "en",
        "sessions": [{"id": "data", "title": "Session 2: Data"}],
    }  # fmt: skip
    speakers = [{"id": "a", "name": "Ann Archer"}]
    programme = [{"title": "Open data", "session": "data", "speakers": ["a"]}]
    result = booklet.build(write_content(tmp_path / "c", conference, speakers, programme), tmp_path)
    reader = pypdf.PdfReader(result.pdf_path)
    page = page_text(reader.pages[section_page(reader, "Open data") - 1])
    assert "session 2: data" in page.casefold()
