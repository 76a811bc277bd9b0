"""The programme's layout (programme.py), on its own and in the PDF: per day, pages of
time x room where a box's height is its length; up to 12 rooms on facing pages that
share their hours; beyond that, per room behind an overview."""

from __future__ import annotations

import datetime
import math
import random
import re
from pathlib import Path

import pypdf
import pytest
from helpers import (
    overlapping_lines,
    page_references,
    section_page,
    text_runs,
    write_content,
)

import booklet
from booklet.checks import clock
from booklet.html import Talk, booklet_view
from booklet.model import ProgrammeItem, Speaker
from booklet.programme import (
    LINE,
    ROOMS_PER_PAGE,
    TRACK_COLOURS,
    programme_layout,
    track_marks,
)

DAY = datetime.date(2031, 5, 13)
TRACKS = ["Security", "Science", "Ethics, Society & Politics", "Music", "Talk"]
WORDS = ["open", "data", "kernels", "lasers", "the", "radio", "hacking", "of", "democracy"]


def congress_day(rooms: int, day: datetime.date, seed: int, german: bool = True) -> list[dict]:
    """A day like a real congress's: rooms with 30 to 120-minute talks from 10:00 to
    past midnight, gaps between them, a run of 5-minute lightning talks in the second
    room, and now and then a talk in German."""
    chance = random.Random(seed)
    items = []
    for room in range(rooms):
        time = 10 * 60 + chance.choice([0, 15, 30, 60])
        while time < 24 * 60 + 30:
            if room == 1 and 14 * 60 <= time < 15 * 60:
                for _ in range(9):
                    items.append((room, time, 5, "lightning"))
                    time += 5
            length = chance.choice([30, 45, 45, 60, 60, 90, 120])
            items.append((room, time, length, "talk"))
            time += length + chance.choice([0, 15, 15, 30, 60])
    programme = []
    for number, (room, start, length, what) in enumerate(items):
        count = chance.randint(1 if what == "lightning" else 2, 8)
        words = " ".join(chance.choice(WORDS) for _ in range(count))
        programme.append({
            "id": f"d{day.day}-{number}",
            "title": f"{what.title()} {number}: {words}",
            "speakers": [f"s{chance.randrange(20)}"],
            "day": day.isoformat(),
            "start": clock(start),
            "end": clock(start + length),
            "room": f"Room {room + 1}",
            "track": TRACKS[(room + number) % len(TRACKS)],
            **({"language": "de"} if german and number % 7 == 3 else {}),
        })  # fmt: skip
    return programme


def talks_of(programme: list[dict]) -> list[Talk]:
    speakers = {f"s{n}": Speaker(id=f"s{n}", name=f"Speaker {n}") for n in range(20)}
    talks = []
    for entry in programme:
        fields = {key: value for key, value in entry.items() if key != "id"}
        item = ProgrammeItem(**fields)
        talks.append(Talk(item, f"talk-{entry['id']}", [speakers[s] for s in item.speakers]))
    return talks


def by_day(talks: list[Talk]) -> list[tuple[datetime.date | None, list[Talk]]]:
    days: dict = {}
    for talk in talks:
        days.setdefault(talk.item.day, []).append(talk)
    return list(days.items())


# --- the layout on its own --------------------------------------------------------


@pytest.mark.parametrize("paper, rooms", [("A5", 4), ("A5", 12), ("A4", 9), ("A4", 17)])
def test_every_item_is_drawn_once_in_its_rooms_column_within_its_page(paper, rooms):
    talks = talks_of(congress_day(rooms, DAY, seed=rooms))
    names = [f"Room {n + 1}" for n in range(rooms)]
    layout = programme_layout(by_day(talks), names, paper)
    (day,) = layout.days
    drawn: list[str] = []
    for page in day.pages:
        for box in page.boxes:
            assert box.top >= 0 and box.top + box.height <= page.time_height + 0.01
            column = page.rooms.index(box.room)
            assert column * page.column_width <= box.left + 0.01
            assert box.left + box.width <= (column + 1) * page.column_width + 0.01
            if box.as_lines:  # a line per item, the ones that start in this window
                drawn += [talk.anchor for talk in box.shown]
                assert box.height >= LINE * len(box.shown) - 0.01, "no item of a run is lost"
            elif not box.continued_from_before:
                drawn.append(box.talk.anchor)
    assert sorted(drawn) == sorted(talk.anchor for talk in talks)


def test_items_without_an_end_or_a_start_are_drawn_too():
    """A session's name without an end heads the run that starts with it; an item
    without a start stands at the day's start; nothing divides by a zero length."""
    programme = congress_day(3, DAY, seed=2)
    programme.append({"id": "head", "title": "Lightning talks", "day": DAY.isoformat(),
                      "start": "14:00", "room": "Room 2"})  # fmt: skip
    programme.append({"id": "untimed", "title": "Hackspace open", "day": DAY.isoformat()})
    programme.append({"id": "late", "title": "Last", "day": DAY.isoformat(), "start": "23:59",
                      "room": "Room 3"})  # fmt: skip
    talks = talks_of(programme)
    layout = programme_layout(by_day(talks), ["Room 1", "Room 2", "Room 3"], "A5")
    drawn = []
    for page in layout.days[0].pages:
        for box in page.boxes:
            if box.as_lines:
                drawn += [talk.anchor for talk in box.shown]
                if "talk-head" in [talk.anchor for talk in box.shown]:
                    assert box.talks[0].anchor == "talk-head", "the name heads its run"
            elif not box.continued_from_before:
                drawn.append(box.talk.anchor)
    assert sorted(drawn) == sorted(talk.anchor for talk in talks)


def test_a_spread_has_rooms_1_to_6_left_and_the_rest_right_on_the_same_hours():
    talks = talks_of(congress_day(12, DAY, seed=3))
    layout = programme_layout(by_day(talks), [f"Room {n + 1}" for n in range(12)], "A5")
    pages = layout.days[0].pages
    assert layout.opens_with_overview
    assert [page.side for page in pages] == ["left", "right"] * (len(pages) // 2)
    for left, right in zip(pages[::2], pages[1::2], strict=True):
        assert left.rooms == [f"Room {n}" for n in range(1, 7)]
        assert right.rooms == [f"Room {n}" for n in range(7, 13)]
        assert left.window == right.window
        assert [(m.label, m.top) for m in left.marks] == [(m.label, m.top) for m in right.marks]


def test_short_items_back_to_back_in_a_room_are_one_box():
    talks = talks_of(congress_day(3, DAY, seed=1))
    layout = programme_layout(by_day(talks), ["Room 1", "Room 2", "Room 3"], "A5")
    runs = [box for page in layout.days[0].pages for box in page.boxes if box.is_run]
    assert len(runs) == 1
    assert [t.item.start for t in runs[0].talks] == [clock(14 * 60 + 5 * n) for n in range(9)]


def test_no_page_of_a_day_is_near_empty():
    for rooms, seed in [(4, 1), (7, 2), (12, 3)]:
        talks = talks_of(congress_day(rooms, DAY, seed=seed))
        names = [f"Room {n + 1}" for n in range(rooms)]
        pages = programme_layout(by_day(talks), names, "A5").days[0].pages
        tallest = max(page.time_height for page in pages)
        for page in pages:
            assert page.time_height >= 0.4 * tallest, (rooms, page.window)


def one_day_of(rooms: int, day: datetime.date, seed: int, hours: int) -> list[dict]:
    """A congress day cut to its first `hours` hours: a short day fits one page."""
    items = congress_day(rooms, day, seed)
    return [item for item in items if item["start"] < clock(10 * 60 + hours * 60)]


def test_facing_pages_never_show_two_days():
    """After the overview (a right page), a day of more than one page starts on a left
    page and fills whole spreads, the last day aside, which ends on a left page facing the
    abstracts; days of a page each may face each other. Mixes of short days, long days
    and spread days, in every order."""
    names = [f"Room {n + 1}" for n in range(10)]
    kinds = [(3, 3), (3, 15), (10, 15), (2, 2)]  # (rooms, hours): short, long, spread
    checked_ends = 0
    for seed in range(12):
        chance = random.Random(seed)
        programme = []
        for number in range(chance.randint(2, 4)):
            rooms, hours = chance.choice(kinds)
            programme += one_day_of(rooms, DAY + datetime.timedelta(days=number), seed, hours)
        layout = programme_layout(by_day(talks_of(programme)), names, "A5")
        assert layout.opens_with_overview
        offset, counts = 0, [len(day.pages) for day in layout.days]
        for number in range(len(layout.days)):
            last = number == len(layout.days) - 1
            if counts[number] > 1:
                assert offset % 2 == 0, (seed, number, counts)  # starts on a left page
                assert counts[number] % 2 == 0 or last, (seed, number, counts)
            offset += counts[number]
        spread_last = layout.days[-1].pages[0].side == "left"
        lonely_last = counts[-1] == 1 and len(counts) > 1 and counts[-2] > 1
        if not spread_last and not lonely_last:
            assert offset % 2 == 1, (seed, counts)  # the abstracts open on the right
            checked_ends += 1
    assert checked_ends >= 4


def scale_of(page) -> float:
    """Millimetres per minute, from the half-hour marks."""
    first, second = page.marks[0], page.marks[1]
    return (second.top - first.top) / 30


def test_a_day_has_one_time_scale_and_its_long_night_may_have_a_smaller_one():
    for rooms, seed in [(4, 1), (7, 2), (12, 3), (3, 8)]:
        talks = talks_of(congress_day(rooms, DAY, seed=seed))
        # Sets in one room until five in the morning.
        talks += talks_of([
            {"id": f"set-{hour}", "title": f"DJ set {hour}", "day": DAY.isoformat(),
             "start": clock(hour * 60), "end": clock(hour * 60 + 90), "room": "Room 1",
             "track": "Music"}
            for hour in (25, 26, 27, 28) if rooms != 3
        ])  # fmt: skip
        names = [f"Room {n + 1}" for n in range(rooms)]
        pages = programme_layout(by_day(talks), names, "A5").days[0].pages
        evening = {round(scale_of(p), 4) for p in pages if not p.window[0].startswith("0")}
        night = {round(scale_of(p), 4) for p in pages if p.window[0].startswith("0")}
        assert len(evening) == 1 and len(night) <= 1, (rooms, evening, night)
        assert not night or max(night) <= min(evening)
        for page in pages:  # each page names its hours
            assert page.window[0] != page.window[1]


def test_more_rooms_than_a_spread_holds_are_printed_per_room():
    rooms = 2 * ROOMS_PER_PAGE["A5"] + 21  # 33, as at FOSDEM
    talks = talks_of(congress_day(rooms, DAY, seed=5))
    names = [f"Room {n + 1}" for n in range(rooms)]
    layout = programme_layout(by_day(talks), names, "A5")
    (day,) = layout.days
    assert day.pages == [] and layout.opens_with_overview
    assert [room.room for room in day.listing.rooms] == names
    listed = [talk.anchor for room in day.listing.rooms for talk in room.talks]
    assert sorted(listed) == sorted(talk.anchor for talk in talks)


def test_sixteen_tracks_have_sixteen_colours_and_every_track_its_own_mark():
    assert len(set(TRACK_COLOURS)) == 16
    tracks = [f"Track {chr(65 + n % 26)}{n}" for n in range(40)]
    marks = track_marks(tracks)
    assert len(set(marks.values())) == 40
    assert track_marks(["CCC", "Security", "Science"]) == {"CCC": "C", "Security": "S",
                                                            "Science": "I"}  # fmt: skip


def test_legends_keep_the_booklet_order_and_pages_past_midnight_say_night():
    """The second day meets its tracks in another order: its legends keep the booklet's.
    A page whose hours are mostly past midnight is a night page, on both sides of a
    spread; an evening that runs on past midnight is not ("Saturday · night 18:30")."""
    second = congress_day(10, DAY.replace(day=14), seed=5)
    for item in second:
        item["track"] = TRACKS[-1 - TRACKS.index(item["track"])]
    talks = talks_of(congress_day(3, DAY, seed=4) + second)
    layout = programme_layout(by_day(talks), [f"Room {n + 1}" for n in range(10)], "A5")
    order = {track: index for index, track in enumerate(layout.tracks)}
    for day in layout.days:
        windows: dict[tuple[str, str], list] = {}
        for page in day.pages:
            windows.setdefault(page.window, []).append(page)
        for pages in windows.values():
            legend = [track for page in pages for track in page.legend]
            assert legend == sorted(legend, key=order.__getitem__), legend
            assert len({page.night for page in pages}) == 1
        assert not day.pages[0].night  # 10:00 to past midnight
        for page in day.pages:
            start, end = (int(clock[:2]) * 60 + int(clock[3:]) for clock in page.window)
            start += 1440 if start < 6 * 60 else 0  # a window after midnight
            while end <= start:
                end += 1440
            assert page.night == (end - 1440 > (end - start) / 2), page.window


def _lab(colour: str, deficiency: list[list[float]] | None = None) -> tuple[float, ...]:
    """CIELAB of an sRGB colour, as seen with a colour deficiency (Machado et al.)."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    rgb = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    if deficiency:
        mixed = [sum(m * c for m, c in zip(row, rgb, strict=True)) for row in deficiency]
        rgb = [min(1.0, max(0.0, c)) for c in mixed]
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_the_first_colours_are_told_apart_by_colour_blind_readers_and_as_pale_grounds():
    """31C3's Ethics (orange) and Entertainment (orange-red), CCC and Security (two blues)
    looked alike: among the first eight colours no two are close, seen normally or with
    deuteranopia or protanopia, as a swatch or as a box's ground (four fifths white)."""
    deuteranopia = [[0.367, 0.861, -0.228], [0.280, 0.673, 0.047], [-0.012, 0.043, 0.969]]
    protanopia = [[0.152, 1.053, -0.205], [0.115, 0.786, 0.099], [-0.004, -0.048, 1.052]]
    layout = programme_layout([], [], "A5")
    layout.colours = {colour: colour for colour in TRACK_COLOURS}  # tint() of each colour
    first = TRACK_COLOURS[:8]
    for index, one in enumerate(first):
        for other in first[index + 1 :]:
            for vision in (None, deuteranopia, protanopia):
                assert math.dist(_lab(one, vision), _lab(other, vision)) > 15, (one, other)
                grounds = [_lab(layout.tint(colour), vision) for colour in (one, other)]
                assert math.dist(*grounds) > 3.5, (one, other)


@pytest.mark.parametrize(
    "written, scale",
    [("{h}.{m:02d}", r"^(\d|1\d|2[0-3])\.\d\d$"), ("{h:02d}:{m:02d}", r"^\d\d:\d\d$")],
)
def test_the_scale_writes_its_times_as_the_items_are_written(written, scale):
    """'9.30' in the items, '9.00' on the scale beside them; '09:30', '09:00'."""
    programme = congress_day(3, DAY, seed=4)
    for entry in programme:
        for field in ("start", "end"):
            hours, minutes = divmod(int(entry[field][:2]) * 60 + int(entry[field][3:]), 60)
            entry[field] = written.format(h=hours, m=minutes)
    layout = programme_layout(by_day(talks_of(programme)), ["Room 1", "Room 2", "Room 3"], "A5")
    labels = [mark.label for page in layout.days[0].pages for mark in page.marks if mark.label]
    windows = [time for page in layout.days[0].pages for time in page.window]
    assert labels and all(re.match(scale, label) for label in labels + windows), labels
    assert layout.hour(9 * 60) == ("9" if "." in written else "09")


# --- in the PDF -------------------------------------------------------------------


@pytest.fixture(scope="module")
def congress(tmp_path_factory):
    """Two days: ten rooms (a spread) with a lightning run and talks in German, then
    three rooms (single pages)."""
    programme = congress_day(10, DAY, seed=7) + congress_day(3, DAY.replace(day=14), seed=8)
    conference = {"title": "Congress", "organiser": "Org", "language": "en",
                  "date": "2031-05-13", "end_date": "2031-05-14"}  # fmt: skip
    speakers = [{"id": f"s{n}", "name": f"Speaker {n}"} for n in range(20)]
    folder = tmp_path_factory.mktemp("congress") / "content"
    write_content(folder, conference, speakers, programme)
    result = booklet.build(folder, tmp_path_factory.mktemp("congress-out"))
    return result, pypdf.PdfReader(result.pdf_path), programme


def programme_pages(reader) -> range:
    """0-based indexes of the programme's pages."""
    return range(section_page(reader, "Programme") - 1, section_page(reader, "Talks") - 1)


TIME = re.compile(r"^\d\d:\d\d$")


def hour_labels(page, outer_left: bool) -> list[tuple[str, int]]:
    """The hours printed on the outer edge of a page: (label, height on the page)."""
    width, column = float(page.mediabox.width), 18 / 25.4 * 72  # margin + time column
    runs = [run for run in text_runs(page) if TIME.match(run.text)]
    edge = [r for r in runs if (r.x < column if outer_left else r.x > width - column)]
    return sorted((run.text, round(run.y)) for run in edge)


def test_each_spread_holds_the_same_hours_across_all_its_rooms(congress):
    _, reader, _ = congress
    spreads = 0
    for index in programme_pages(reader):
        text = reader.pages[index].extract_text()
        if "Room 5" in text and "Room 6" not in text:  # rooms 1-5 of 10: a spread's left
            assert (index + 1) % 2 == 0, "a spread's left page is an even page"
            right = reader.pages[index + 1]
            assert "Room 6" in right.extract_text() and "Room 10" in right.extract_text()
            left_hours = hour_labels(reader.pages[index], outer_left=True)
            assert left_hours and left_hours == hour_labels(right, outer_left=False)
            spreads += 1
    assert spreads >= 2


def test_every_item_links_once_to_its_abstract_with_the_right_page(congress):
    """Every item links to its abstract's page, once; a run of lightning talks in a
    narrow column is summarised ("9 short talks", 7–8) and links its first and last, and
    the pages of the others lie between."""
    result, reader, programme = congress
    references = [r for index in programme_pages(reader) for r in page_references(reader, index)]
    destinations = [
        r.destination.lstrip("/") for r in references if "programme-day-" not in r.destination
    ]
    runs = [
        [talk.anchor for talk in box.talks]
        for day in booklet_view(result.loaded).programme_layout.days
        for page in day.pages
        for box in page.boxes
        if box.summary and not box.continued_from_before
    ]
    assert runs, "the lightning run of the ten-room day is summarised"
    between = {anchor for run in runs for anchor in run[1:-1]}
    expected = [f"talk-{item['id']}" for item in programme if f"talk-{item['id']}" not in between]
    assert sorted(destinations) == sorted(expected), (
        set(expected) - set(destinations),
        set(destinations) - set(expected),
    )
    for run in runs:
        first, last = result.page_of[run[0]], result.page_of[run[-1]]
        assert all(first <= result.page_of[anchor] <= last for anchor in run)
    for reference in references:
        assert reference.printed == reference.target_page_number, reference


def test_no_programme_page_is_blank_or_near_empty(congress):
    _, reader, programme = congress
    titles = {item["title"].split(":")[0] for item in programme}
    for index in programme_pages(reader):
        text = reader.pages[index].extract_text()
        found = [title for title in titles if title + ":" in text or title + " " in text]
        assert len(found) >= 2 or index == programme_pages(reader)[0], index + 1


def test_legend_on_every_page_and_language_marked(congress):
    _, reader, _ = congress
    for index in programme_pages(reader)[1:]:  # the first is the overview, with all tracks
        text = reader.pages[index].extract_text()
        assert sum(track in text for track in TRACKS) >= 2, index + 1
    text = " ".join(reader.pages[i].extract_text() for i in programme_pages(reader))
    assert " DE " in text or "DE" in text.split()


def test_full_track_names_and_continued_boxes_name_their_item(congress):
    """A legend prints a long track's full name; a box continued from the page before
    repeats its title after the arrow, and no page number is cut."""
    _, reader, _ = congress
    texts = [" ".join(reader.pages[i].extract_text().split()) for i in programme_pages(reader)]
    assert all("Politi…" not in text for text in texts)
    assert sum("Ethics, Society & Politics" in text for text in texts) >= len(texts) // 2
    continued = [m for text in texts for m in re.findall(r"↑ ?(\S*)", text)]
    assert continued and all(re.match(r"(Talk|Lightning|Ethics)", word) for word in continued)


def test_no_text_over_text_in_the_programme(congress):
    result, reader, _ = congress
    pages = {index + 1 for index in programme_pages(reader)}
    assert [line for line in overlapping_lines(result.pdf_path) if line[0] in pages] == []


def test_a_day_of_33_rooms_is_an_overview_and_a_list_per_room(tmp_path: Path):
    rooms = 33
    programme = [dict(item, kind="break") for item in congress_day(rooms, DAY, 9, False)][::4]
    conference = {"title": "Big", "organiser": "Org", "language": "en",
                  "rooms": [f"Room {n + 1}" for n in range(rooms)]}  # fmt: skip
    folder = write_content(tmp_path / "content", conference, [{"id": "s0", "name": "S"}]
                           + [{"id": f"s{n}", "name": f"Speaker {n}"} for n in range(1, 20)],
                           programme)  # fmt: skip
    result = booklet.build(folder, tmp_path / "out")
    reader = pypdf.PdfReader(result.pdf_path)
    start = section_page(reader, "Programme") - 1
    text = " ".join(page.extract_text() for page in reader.pages[start:])
    for item in programme:
        assert text.count(item["title"].split(":")[0] + ":") == 1, item["title"]
    overview = reader.pages[start].extract_text()
    assert "Room 1" in overview and "Room 33" in overview
