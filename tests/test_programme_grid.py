"""A conference with days, rooms and parallel talks: a grid per day (programme.py; the
layout's own tests are in test_programme_layout.py), every talk in it with the page of
its abstract, and abstracts in the order of the day."""

from __future__ import annotations

import pypdf
import pypdfium2
import pytest
import yaml
from helpers import (
    ROOMS,
    bookmarks,
    generate,
    overlapping_lines,
    page_references,
    page_text,
    section_page,
    write_content,
)

import booklet
from booklet.programme import track_marks


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    folder = generate(40, tmp_path_factory.mktemp("grid") / "content")
    result = booklet.build(folder, tmp_path_factory.mktemp("grid-out"))
    programme = yaml.safe_load((folder / "programme.yaml").read_text())
    return result, pypdf.PdfReader(result.pdf_path), programme


def day_pages(reader, heading: str) -> list[int]:
    return [
        number
        for number, page in enumerate(reader.pages, start=1)
        if heading in page_text(page) and section_page(reader, "Oplæg") > number
    ]


DAYS = {"2031-05-13": "Tirsdag den 13. maj 2031", "2031-05-14": "Onsdag den 14. maj 2031"}


def grid_pages(reader) -> range:
    """The grid's pages: after the overview, which opens the programme on its own page."""
    start, end = section_page(reader, "Program"), section_page(reader, "Oplæg")
    overview = page_text(reader.pages[start - 1])
    assert all(day in overview for day in DAYS.values())
    return range(start + 1, end)


def test_each_day_shows_its_four_rooms_side_by_side_on_pages_of_its_own(two_days):
    """Four rooms fit on an A5 page (programme.py: six do): no spread is needed, and no
    page holds two days."""
    _, reader, _ = two_days
    for day in DAYS.values():
        pages = [n for n in grid_pages(reader) if day in page_text(reader.pages[n - 1])]
        assert pages, day
        for number in pages:
            text = page_text(reader.pages[number - 1])
            assert all(room in text for room in ROOMS), (day, number)
            assert all(other not in text for other in DAYS.values() if other != day)


def test_every_talk_is_in_the_grid_with_the_page_of_its_abstract(two_days):
    _, reader, programme = two_days
    start, end = section_page(reader, "Program"), section_page(reader, "Oplæg")
    grid_text = " ".join(page_text(reader.pages[n - 1]) for n in range(start, end))
    for item in programme:
        assert item["title"] in grid_text, item["title"]
    references = [r for n in range(start, end) for r in page_references(reader, n - 1)]
    talks = {r.destination for r in references if r.destination.startswith("talk-")}
    assert talks == {f"talk-{item['id']}" for item in programme}
    # The overview names the page where each day starts.
    days = [r for r in references if r.destination.startswith("programme-day-")]
    assert [r.destination for r in days] == ["programme-day-0", "programme-day-1"]
    assert all(
        DAYS[day] in page_text(reader.pages[r.printed - 1])
        for r, day in zip(days, DAYS, strict=True)
    )
    for reference in references:
        assert reference.printed == reference.target_page_number, reference


def test_abstracts_follow_day_time_and_room(two_days):
    _, reader, programme = two_days
    titles = [title for title, _ in bookmarks(reader)]
    talks = [title for title in titles if title in {item["title"] for item in programme}]

    def order(item):
        hours, minutes = map(int, item["start"].split(":"))
        return item["day"], hours * 60 + minutes, ROOMS.index(item["room"])

    assert talks == [item["title"] for item in sorted(programme, key=order)]


def test_every_page_of_the_grid_has_the_legend_of_its_days_tracks(two_days):
    _, reader, programme = two_days
    for number in grid_pages(reader):
        text = page_text(reader.pages[number - 1])
        (day,) = [day for day, heading in DAYS.items() if heading in text]
        for track in {item["track"] for item in programme if str(item["day"]) == day}:
            assert track in text, (number, track)


def test_no_text_is_printed_over_other_text(two_days):
    result, _, _ = two_days
    assert overlapping_lines(result.pdf_path) == []


def test_a_day_without_rooms_and_breaks_beside_talks_keep_every_item(tmp_path):
    conference = {"title": "Grid", "organiser": "Org", "language": "en", "rooms": ["A", "B"]}
    speakers = [{"id": "s", "name": "Sam Stone"}]
    day1, day2 = "2031-05-13", "2031-05-14"
    programme = [
        {"title": "Talk in A", "day": day1, "start": "9:00", "room": "A", "speakers": ["s"]},
        {"title": "Talk in B", "day": day1, "start": "09:00", "room": "B", "speakers": ["s"]},
        {"title": "Welcome", "day": day1, "start": "9:00", "kind": "keynote", "speakers": ["s"]},
        {"title": "Coffee", "day": day1, "start": "10:00", "kind": "break"},
        {"title": "Lunch", "day": day1, "start": "10:00", "kind": "break"},
        {"title": "Excursion", "day": day2, "start": "9:00", "speakers": ["s"]},
    ]  # fmt: skip
    result = booklet.build(write_content(tmp_path / "c", conference, speakers, programme), tmp_path)
    reader = pypdf.PdfReader(result.pdf_path)
    start, end = section_page(reader, "Programme"), section_page(reader, "Talks")
    grid = " ".join(page_text(reader.pages[n - 1]) for n in range(start, end))
    for item in programme:
        assert grid.count(item["title"]) == 1, item["title"]
    # 9:00 and 09:00 are one time: the plenary row, then one row with both rooms.
    assert grid.index("Welcome") < grid.index("Talk in A") < grid.index("Talk in B")


def test_an_item_given_three_times_has_one_abstract_that_lists_the_other_times(tmp_path):
    """camp2019's "Meet CADUS!" four times: one abstract, under its first time, with the
    others after "Also:"; every time in the grid and the index refers to its page."""
    conference = {"title": "Camp", "organiser": "Org", "language": "en", "rooms": ["A", "B"]}
    speakers = [{"id": "cc", "name": "Corinna Cadus"}, {"id": "sam", "name": "Sam Stone"}]
    meet = {"title": "Meet CADUS!", "speakers": ["cc"], "abstract": "Humanitarian aid, open."}
    programme = [
        {**meet, "day": "2031-05-13", "start": "14:00", "end": "15:00", "room": "A"},
        {"title": "Other", "speakers": ["sam"], "day": "2031-05-13", "start": "14:00",
         "end": "15:00", "room": "B", "abstract": "Something else."},
        {**meet, "day": "2031-05-14", "start": "14:00", "end": "15:00", "room": "A"},
        {**meet, "day": "2031-05-15", "start": "01:00", "end": "02:00", "room": "B"},
    ]  # fmt: skip
    result = booklet.build(write_content(tmp_path / "c", conference, speakers, programme), tmp_path)
    reader = pypdf.PdfReader(result.pdf_path)
    start, end = section_page(reader, "Talks"), section_page(reader, "Speakers")
    abstracts = " ".join(page_text(reader.pages[n - 1]) for n in range(start, end))
    assert abstracts.count("Humanitarian aid, open.") == 1
    assert [title for title, _ in bookmarks(reader)].count("Meet CADUS!") == 1
    also = abstracts[abstracts.index("ALSO:") :]
    assert also.startswith("ALSO: WEDNESDAY, MAY 14, 2031 14:00–15:00; THURSDAY, MAY 15, 2031")
    assert "2031 NIGHT 01:00–02:00, B" in also
    meet_anchors = {a for a in result.page_of if a.startswith("talk-") and "meet" in a}
    assert len(meet_anchors) == 1  # one abstract, one link target
    references = [r for n in range(len(reader.pages)) for r in page_references(reader, n)]
    to_meet = [r for r in references if r.destination in meet_anchors]
    assert len(to_meet) >= 4  # three boxes in the grid, one index entry
    assert all(r.printed == r.target_page_number for r in to_meet)
    index = page_text(reader.pages[section_page(reader, "Speakers") - 1])
    assert f"{to_meet[0].printed}Cadus,Corinna" in index.replace(" ", "")  # one page, once


def test_forty_tracks_have_marks_of_two_characters_that_fit_their_keys(tmp_path):
    """Beyond 26 tracks (FOSDEM has 70) a mark has two characters, never more, and the
    legend's keys widen for them: no mark runs into its track's name or an item's title."""
    folder = generate(40, tmp_path / "content")
    programme = yaml.safe_load((folder / "programme.yaml").read_text())
    names = [f"Www {chr(65 + n % 26)}{n}" for n in range(40)]  # W: the widest letter
    for item, name in zip(programme, names * 2, strict=False):
        item["track"] = name
    (folder / "programme.yaml").write_text(yaml.safe_dump(programme, allow_unicode=True))
    result = booklet.build(folder, tmp_path / "out")
    marks = track_marks(names)
    assert {len(mark) for mark in marks.values()} == {1, 2}
    reader = pypdf.PdfReader(result.pdf_path)
    overview = section_page(reader, "Program") - 1
    document = pypdfium2.PdfDocument(result.pdf_path)
    try:
        text = document[overview].get_textpage()
        letters = text.get_text_range()
        for name in names:
            start = letters.index(name)
            mark = letters.rindex(marks[name], 0, start)
            mark_right = text.get_charbox(mark + len(marks[name]) - 1)[2]
            assert text.get_charbox(start)[0] - mark_right > 1.0, (name, marks[name])
    finally:
        document.close()
