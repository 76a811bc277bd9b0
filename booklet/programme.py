"""The programme of a conference with parallel rooms, laid out as printed congress
programmes are: per day, time runs down the page and rooms across, and an item's height
is its length, so a reader sees at once what runs where and for how long.

WeasyPrint cannot keep a time-proportional table across pages, so this stage paginates
it itself: each day is cut into time windows that fit a page, and each window becomes a
page (up to ROOMS_PER_PAGE rooms) or a spread of two facing pages (up to twice as many:
rooms 1-6 on the left page, 7-12 on the right, the same hours on both). Every box is
placed in millimetres; the templates only draw them.

A day with more rooms than a spread holds (a 30-room event) is printed per room instead:
an overview of when each room runs, then each room's day as a list.

Nothing here knows HTML: html.BookletView asks for `programme_layout(...)` and the
templates (programme_grid.html.j2) draw what it returns.
"""

from __future__ import annotations

import datetime
import math
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .checks import DAY, ISO_CLOCK, ClockStyle, clock, clock_style, day_minutes, span

if TYPE_CHECKING:  # html imports this module; only the type is needed here
    from .html import Talk

# How many rooms side by side still leave a readable column (about 19 mm on A5).
ROOMS_PER_PAGE = {"A5": 6, "A4": 9}

# 16 colours from Okabe-Ito's and Paul Tol's colour-blind-safe sets, each chosen as far
# as it can be (CIELAB, seen normally and with deuteranopia and protanopia; as a swatch
# and as a box's pale ground) from those before it: a booklet of few tracks gets no two
# blues or two oranges. Beyond 16 tracks colours repeat; the track's mark tells them apart.
TRACK_COLOURS = [
    "#0072b2", "#e69f00", "#44bb99", "#eedd88", "#cc3311", "#66ccee", "#882255", "#f0e442",
    "#ee7733", "#ee8866", "#ee6677", "#332288", "#33bbee", "#117733", "#d55e00", "#009e73",
]  # fmt: skip
# The ground of an item or room without a track, and its edge: a colour, never
# "transparent" (WeasyPrint draws a transparent edge at opacity 0, which a print shop's
# preflight flags as transparency).
NO_TRACK = "#f3f4f6"

# The programme's own pages (@page programme in booklet.css): paper and margins in mm.
PAPER = {"A5": (148.0, 210.0), "A4": (210.0, 297.0)}
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_INNER, MARGIN_OUTER = 14.0, 14.0, 13.0, 10.0
TIME_COLUMN = 8.0  # the hours, on the outer edge of each page
HEADER = 13.0  # the day's name and the rooms' names
OPENING = 16.0  # on the programme's first page when there is no page before the grids
SAFETY = 3.0  # what WeasyPrint may add (rules, rounding, the last line's descent)

# Text in the boxes: 6.5 pt on 1.18 lines; a bold letter of Booklet Serif is ~0.52 em.
LINE = 6.5 * 0.3528 * 1.18
CHAR = 6.5 * 0.3528 * 0.52
PADDING = 1.3  # top and bottom of a box and the air under its head, together
LEGEND_LINE = 3.2
LEGEND_CHAR = 6 * 0.3528 * 0.5  # a letter of the legend (6 pt, regular)
# The swatch and mark before a name (booklet.css: 7.2 mm, 9.6 mm for marks of two
# characters), and the air after it.
LEGEND_KEY, WIDE_LEGEND_KEY = 8.2, 10.6

# Millimetres per minute: at least enough for a 30-minute talk's time, title and
# speakers; at most what keeps a short day from spreading over more pages than it needs.
SCALE_MIN, SCALE_MAX = 0.30, 0.62
FILL_MAX = 0.9  # a window shorter than its page is drawn larger, up to this
SHORT = 15  # minutes: items this short in one room, back to back, are one box
# A run of this many in a column narrower than this (mm, where a line has no room for its
# time) is summarised: "Lightning Talks, 25 talks, 56-69".
SUMMARY_FROM, SUMMARY_WIDTH = 4, 25.0
STEP = 15  # window edges on the quarter hour
DEFAULT_LENGTH = 30  # an item without an end, with nothing after it in its room
# A night that runs this long past midnight (sets until 5:00) may get a smaller scale.
NIGHT_SCALE_AFTER = 180


@dataclass
class Box:
    """One item (or a run of short items) placed on a page; mm from the time area's top
    left, `left` and `width` in mm within the rooms' area."""

    talks: list[Talk]
    room: str | None
    start: int  # minutes since the day's midnight (a night item: past 24:00)
    end: int
    top: float = 0.0
    height: float = 0.0
    left: float = 0.0
    width: float = 0.0
    lines: int = 0  # title lines that fit
    continued_from_before: bool = False  # the box started on the previous window
    continues_after: bool = False
    all_short: bool = False  # every item in it is short: a next short one may join
    summary: bool = False  # a run too narrow for a line per item: its name, count and pages
    as_lines: bool = False  # set a line per item (a run, or too short for more)
    shows_speakers: bool = False
    shows_until: bool = False  # the box runs on past the page: its end on its last line
    shown: list[Talk] = field(default_factory=list)  # a run's items that start on this page

    @property
    def is_run(self) -> bool:
        return len(self.talks) > 1

    @property
    def talk(self) -> Talk:
        return self.talks[0]

    @property
    def track(self) -> str | None:
        return self.talks[0].item.track

    @property
    def spanning(self) -> bool:
        return self.room is None


@dataclass
class TimeMark:
    label: str  # "14:00"
    top: float
    hour: bool  # a full hour (a stronger line)


@dataclass
class GridPage:
    """One page of a day's window: its rooms, their boxes and the hours beside them."""

    day: datetime.date | None
    side: str  # "single", "left" or "right"
    rooms: list[str]
    column_width: float
    boxes: list[Box]
    marks: list[TimeMark]
    window: tuple[str, str]  # "14:00", "19:00"
    time_height: float  # mm of the time area
    legend: list[str]  # the tracks whose key this page carries, in the booklet's order
    opens_day: bool  # carries the day's heading (and its bookmark)
    opens_programme: bool = False  # carries the programme's heading (no page before it)
    night: bool = False  # most of its hours are past midnight: the day's name gets the night cue
    starts_spread: bool = False  # the first page of a day of more than one: a left page


@dataclass
class RoomDay:
    """A room's day in the per-room pages: its items in order, and its span."""

    room: str
    anchor: str
    talks: list[Talk]
    start: int
    end: int
    tracks: list[str]


@dataclass
class ListDay:
    """When each room runs on a day (the overview), and each room's items (the pages
    of a day of more rooms than a spread holds)."""

    rooms: list[RoomDay]
    first: int  # the overview's first hour, minutes
    last: int


@dataclass
class ProgrammeDay:
    day: datetime.date | None
    anchor: str
    pages: list[GridPage]  # none when the day is printed per room
    listing: ListDay  # when each room runs (the overview); per room, its items


@dataclass
class ProgrammeLayout:
    paper: str
    width: float  # the page's text area, mm
    height: float
    days: list[ProgrammeDay]
    tracks: list[str]
    marks: dict[str, str] = field(default_factory=dict)  # track -> its letter
    colours: dict[str, str] = field(default_factory=dict)  # track -> its colour
    # The programme's heading and an overview of its days (when each room runs, and on
    # which page) take a right page, so that the days start on a left one. A programme
    # of one page carries its heading on that page instead.
    opens_with_overview: bool = True
    clock_style: ClockStyle = ISO_CLOCK  # the scale's times written as the items' are

    def hour(self, minute: int) -> str:
        """An hour of the overview's axis: '09', or '9' where the items' times read '9.30'."""
        hour = minute // 60 % 24
        return f"{hour:02d}" if self.clock_style.leading_zero else str(hour)

    @property
    def overview_hours(self) -> tuple[int, int]:
        """The overview's one axis for every day (minutes from the day's midnight), so
        that the same hour stands in the same place in each day's rows."""
        listings = [day.listing for day in self.days if day.listing.rooms]
        if not listings:
            return 0, 60
        return min(x.first for x in listings), max(x.last for x in listings)

    def colour(self, track: str | None) -> str:
        return self.colours.get(track, NO_TRACK) if track else NO_TRACK

    def cut(self, text: str, width: float, size: float = 6.5) -> str:
        """The text cut with an ellipsis to what fits on one line of `width` mm. Cut
        here rather than clipped by CSS: clipped text would still be in the PDF, where
        search, copy and screen readers find letters no one can see."""
        fits = max(1, int(width / (CHAR * size / 6.5 * 1.06)))
        return text if len(text) <= fits else text[: max(1, fits - 1)].rstrip() + "…"

    def tint(self, track: str | None) -> str:
        """The track's colour, four fifths white: a box's ground that keeps text dark."""
        if track not in self.colours:
            return NO_TRACK
        colour = self.colours[track]
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        return "#" + "".join(f"{round(255 - (255 - c) * 0.2):02x}" for c in channels)

    @property
    def wide_marks(self) -> bool:
        """Marks of two characters: the legend's keys are wider."""
        return any(len(mark) > 1 for mark in self.marks.values())

    def mark(self, track: str | None) -> str:
        return self.marks.get(track, "") if track else ""


def track_marks(tracks: list[str]) -> dict[str, str]:
    """A letter per track, its initial where free ('C' for 'CCC'), so that a block tells
    its track in black and white. Beyond 26 tracks, two characters, never more (a mark
    must fit the legend's key, booklet.css): the initials of its first two words, else its
    first letter and another of its own ('OH' for 'Open Hardware', 'DI' for
    'Distributions')."""
    marks: dict[str, str] = {}
    taken: set[str] = set()
    for track in tracks:
        letters = [c for c in re.sub(r"[^A-Za-z]", "", track).upper()]
        choice = next((c for c in letters if c not in taken), None)
        if choice is None:
            free = [chr(c) for c in range(ord("A"), ord("Z") + 1) if chr(c) not in taken]
            # (Past some 960 tracks every pair is taken: marks repeat, as colours do.)
            pairs = _pairs(track)
            choice = free[0] if free else next((m for m in pairs if m not in taken), "··")
        marks[track] = choice
        taken.add(choice)
    return marks


def _pairs(track: str) -> Iterator[str]:
    """Two-character marks for a track, the likeliest to be read as its name first."""
    words = re.findall(r"[A-Z0-9]+", track.upper())
    characters = "".join(words)
    first = next((c for c in characters if c.isalpha()), "X")
    if len(words) > 1:
        yield first + words[1][0]
    yield from (first + c for c in characters[1:])
    yield from (first + c for c in string.ascii_uppercase + string.digits)
    yield from (
        a + b for a in string.ascii_uppercase for b in string.ascii_uppercase + string.digits
    )


def programme_layout(
    programme_days: list[tuple[datetime.date | None, list[Talk]]],
    room_order: list[str],
    paper: str,
) -> ProgrammeLayout:
    width = PAPER[paper][0] - MARGIN_INNER - MARGIN_OUTER
    height = PAPER[paper][1] - MARGIN_TOP - MARGIN_BOTTOM
    tracks = list(
        dict.fromkeys(t.item.track for _, ts in programme_days for t in ts if t.item.track)
    )
    layout = ProgrammeLayout(
        paper,
        width,
        height,
        [],
        tracks,
        track_marks(tracks),
        {track: TRACK_COLOURS[i % len(TRACK_COLOURS)] for i, track in enumerate(tracks)},
        clock_style=clock_style(_written_times(programme_days)),
    )
    per_page = ROOMS_PER_PAGE[paper]
    plans = []
    for index, (day, talks) in enumerate(programme_days):
        used = {talk.item.room for talk in talks if talk.item.room}
        rooms = [room for room in room_order if room in used]
        plans.append((day, talks, rooms, _list_day(talks, rooms, index)))
    listed = [len(rooms) > 2 * per_page for _, _, rooms, _ in plans]
    extras = [0] * len(plans)

    def lay(index: int, opening: bool = False) -> list[GridPage]:
        day, talks, rooms, _ = plans[index]
        return [] if listed[index] else _grid_day(day, talks, rooms, layout, opening, extras[index])

    pages = [lay(index) for index in range(len(plans))]
    # A programme of one page carries its own heading; any more open with an overview
    # of the days (and their pages) on a right page, so that the days start on a left one.
    if len(plans) == 1 and len(pages[0]) <= 1:
        opening = lay(0, opening=True)
        if len(opening) == 1:
            pages[0] = opening
            layout.opens_with_overview = False
    if layout.opens_with_overview:
        _whole_spreads(pages, listed, extras, lay)
    for index, (day, _, _, listing) in enumerate(plans):
        if len(pages[index]) > 1 or (pages[index] and pages[index][0].side == "left"):
            pages[index][0].starts_spread = True
        layout.days.append(ProgrammeDay(day, f"programme-day-{index}", pages[index], listing))
    return layout


def _written_times(programme_days: list[tuple[datetime.date | None, list[Talk]]]) -> list[str]:
    items = [talk.item for _, talks in programme_days for talk in talks]
    return [time for item in items for time in (item.start, item.end) if time]


def _whole_spreads(pages: list[list[GridPage]], listed: list[bool], extras: list[int], lay) -> None:
    """Facing pages never show two days, so that a reader never takes one day's hours
    for another's: a day of more than one page starts on a left page and takes whole
    spreads, by one window more where it needs one, or by one more for the single-page
    day before it. Two days of one page each may face each other. The programme ends on
    a left page, so that the part after it opens on the right without a blank page."""
    offset: int | None = 0  # pages after the overview (a right page): even is a left page

    def one_page(index: int) -> bool:
        return index >= 0 and not listed[index] and len(pages[index]) == 1

    def longer(index: int) -> int:
        """One page more for the day: a window more, or two if one falls in a gap."""
        before, extra = pages[index], extras[index]
        for more in range(1, 4):
            extras[index] = extra + more
            pages[index] = lay(index)
            if len(pages[index]) == len(before) + 1:
                return 1
        pages[index], extras[index] = before, extra  # no count gives one page more
        return 0

    last = len(pages) - 1
    for index in range(len(pages)):
        if listed[index]:
            offset = None  # a list's length is not known here
            continue
        many = len(pages[index]) > 1
        if offset is not None and offset % 2 and many and one_page(index - 1):
            offset += longer(index - 1)
        if many and len(pages[index]) % 2 and index < last:
            longer(index)
        offset = None if offset is None else offset + len(pages[index])
    if not pages or offset is None or offset % 2 or listed[last]:
        return
    spread = pages[last][0].side == "left"
    if len(pages[last]) > 1 and not spread:
        longer(last)
    elif one_page(last) and one_page(last - 1):
        longer(last - 1)


def _minutes(talks: list[Talk]) -> list[tuple[Talk, int, int | None]]:
    """(talk, start, end) in minutes into the programme day (checks.py: a night item
    after the evening, an end past midnight after its start)."""
    starts = [day_minutes(talk.item.start) for talk in talks if talk.item.start]
    first = min(starts, default=9 * 60)
    timed = []
    for talk in talks:
        if not talk.item.start:  # shown at the day's start, without a time
            timed.append((talk, first, None))
            continue
        times = span(talk.item.start, talk.item.end) if talk.item.end else None
        timed.append((talk, day_minutes(talk.item.start), times[1] if times else None))
    return timed


def _boxes(talks: list[Talk], rooms: list[str]) -> list[Box]:
    """The day's boxes: short items back to back in one room are one box. An item
    without an end runs until the next one in its room (15 to 60 minutes), unless one
    starts with it: then it names what follows ("Lightning talks") and heads its run."""
    by_room: dict[str | None, list[tuple[Talk, int, int | None]]] = {}
    for talk, start, end in sorted(_minutes(talks), key=lambda entry: entry[1]):
        room = talk.item.room if talk.item.room in rooms else None
        by_room.setdefault(room, []).append((talk, start, end))
    boxes: list[Box] = []
    for room, entries in by_room.items():
        for index, (talk, start, end) in enumerate(entries):
            heads = False
            if end is None:
                later = [s for _, s, _ in entries[index + 1 :] if s >= start]
                heads = bool(later) and later[0] == start
                length = later[0] - start if later else DEFAULT_LENGTH
                end = start + (0 if heads else min(60, max(15, length)))
            short = end - start <= SHORT
            last = boxes[-1] if boxes and boxes[-1].room == room else None
            if last is not None and short and last.all_short and 0 <= start - last.end <= 5:
                last.talks.append(talk)
                last.end = max(last.end, end)
            else:
                boxes.append(Box([talk], room, start, end, all_short=short))
    for box in boxes:
        box.end = max(box.end, box.start + 5)  # a heading with nothing after it
    return boxes


def _summarised(box: Box, width: float) -> bool:
    """A run of short items in a column too narrow for their titles (a line each would
    show eight letters of each) is printed as its name, its count and its pages."""
    return len(box.talks) >= SUMMARY_FROM and width < SUMMARY_WIDTH


def _needed_height(box: Box, width: float) -> float:
    """The height the box's text needs, estimated from its letters: a run a line per
    item (a summarised one five); an item its time, its title's lines and one line
    of speakers."""
    if _summarised(box, width):
        return PADDING + LINE * 5  # time, name (two lines), count, pages
    if box.is_run or box.all_short:
        return PADDING + LINE * len(box.talks)
    title = _title_lines(box.talk.item.title, width)
    return PADDING + LINE * (1 + title + (1 if box.talk.speakers else 0))


def _title_lines(title: str, width: float) -> int:
    return _wrapped_lines(title, max(6, int((width - 1.6) / CHAR)))


def _as_lines(box: Box, scale: float) -> bool:
    """A run, or an item too short for its time and title on lines of their own, is set
    a line per item: time, title cut short, page."""
    return box.is_run or box.all_short or (box.end - box.start) * scale < PADDING + 2 * LINE


def _lanes(boxes: list[Box]) -> dict[int, tuple[int, int]]:
    """Items that overlap in one room (an export's mistake, or two things at once) share
    its column side by side: (lane, lanes) per box."""
    placed: dict[int, tuple[int, int]] = {}
    cluster: list[Box] = []
    cluster_end = -1

    def close() -> None:
        lane_ends: list[int] = []
        lanes: dict[int, int] = {}
        for box in cluster:
            lane = next((i for i, end in enumerate(lane_ends) if end <= box.start), None)
            if lane is None:
                lane_ends.append(box.end)
                lane = len(lane_ends) - 1
            lane_ends[lane] = box.end
            lanes[id(box)] = lane
        for box in cluster:
            placed[id(box)] = (lanes[id(box)], len(lane_ends))

    for box in sorted(boxes, key=lambda b: (b.start, b.end)):
        if cluster and box.start >= cluster_end:
            close()
            cluster = []
        cluster.append(box)
        cluster_end = max(cluster_end, box.end) if len(cluster) > 1 else box.end
    if cluster:
        close()
    return placed


def _grid_day(
    day: datetime.date | None,
    talks: list[Talk],
    rooms: list[str],
    layout: ProgrammeLayout,
    opens_programme: bool,
    extra: int = 0,
) -> list[GridPage]:
    per_page = ROOMS_PER_PAGE[layout.paper]
    spread = len(rooms) > per_page
    halves = [rooms[: math.ceil(len(rooms) / 2)], rooms[math.ceil(len(rooms) / 2) :]]
    sides = list(zip(["left", "right"], halves, strict=False)) if spread else [("single", rooms)]
    boxes = _boxes(talks, rooms)
    # Items without a room (a break, a plenary) span every room, unless something runs
    # beside them: then they get a column of their own, first.
    loose = [box for box in boxes if box.room is None]
    if any(a is not b and a.start < b.end and b.start < a.end for a in loose for b in boxes):
        rooms = ["", *rooms]
        for box in loose:
            box.room = ""
        sides[0] = (sides[0][0], ["", *sides[0][1]])
    # The legend keeps the booklet's order of tracks on every page, so a key is found
    # where it was on the page before.
    used = {t.item.track for t in talks if t.item.track}
    day_tracks = [track for track in layout.tracks if track in used]
    column = (layout.width - TIME_COLUMN) / max(1, max(len(names) for _, names in sides))
    half = math.ceil(len(day_tracks) / len(sides))
    legends = [day_tracks[index * half : (index + 1) * half] for index in range(len(sides))]
    legend_height = max(_legend_height(legend, layout) for legend in legends)
    area = layout.height - HEADER - legend_height - SAFETY - (OPENING if opens_programme else 0)
    if not boxes:
        return [GridPage(day, side, names, column, [], [], ("", ""), 0.0, legends[index],
                         index == 0, opens_programme and index == 0)
                for index, (side, names) in enumerate(sides)]  # fmt: skip

    windows_of_day = _windows(boxes, area, column, extra)

    pages: list[GridPage] = []
    style = layout.clock_style
    for number, (window_start, window_end, scale) in enumerate(windows_of_day):
        for side_index, (side, names) in enumerate(sides):
            placed = _place(boxes, names, window_start, window_end, scale, column, side)
            marks = [
                TimeMark(clock(t, style), (t - window_start) * scale, t % 60 == 0)
                for t in range(-(-window_start // 30) * 30, window_end + 1, 30)
            ]
            if scale * 30 < LINE * 1.6:  # half hours too close for a label: lines only
                marks = [m if m.hour else TimeMark("", m.top, False) for m in marks]
            pages.append(
                GridPage(day, side, names, column, placed, marks,
                         (clock(window_start, style), clock(window_end, style)),
                         (window_end - window_start) * scale, legends[side_index],
                         number == 0 and side_index == 0,
                         opens_programme and number == 0 and side_index == 0,
                         night=window_end - DAY > (window_end - window_start) / 2)
            )  # fmt: skip
    return pages


def legend_columns(paper: str) -> int:
    """Keys side by side in a page's legend (booklet.css: .legend-item's width)."""
    return 3 if paper == "A5" else 4


def _legend_height(tracks: list[str], layout: ProgrammeLayout) -> float:
    """The legend's height: rows of keys, a full track name wrapping onto more lines."""
    if not tracks:
        return 0.0
    columns = legend_columns(layout.paper)
    key = WIDE_LEGEND_KEY if layout.wide_marks else LEGEND_KEY
    per_line = max(6, int(((layout.width - TIME_COLUMN) / columns - key) / LEGEND_CHAR))
    lines = [_wrapped_lines(track, per_line) for track in tracks]
    rows = [max(lines[i : i + columns]) for i in range(0, len(lines), columns)]
    return sum(rows) * LEGEND_LINE + 2.0


def _wrapped_lines(text: str, per_line: int) -> int:
    lines, length = 1, 0
    for word in text.split():
        if length and length + 1 + len(word) > per_line:
            lines += 1
            length = len(word)
        else:
            length += (1 if length else 0) + len(word)
        while length > per_line:  # a word longer than the line breaks (overflow-wrap)
            lines += 1
            length -= per_line
    return lines


def _scale(boxes: list[Box], need: dict[int, float]) -> float:
    """Millimetres per minute that most boxes' text needs (a long title in a short slot
    is cut), and every run's (a run's items are a line each, and none may be lost);
    `need` holds each box's own."""
    if not boxes:
        return SCALE_MIN
    needs = sorted(need[id(box)] for box in boxes)
    runs = [need[id(box)] for box in boxes if _as_lines(box, 0)]
    return min(SCALE_MAX, max(SCALE_MIN, needs[int(0.8 * (len(needs) - 1))], *runs))


def _windows(
    boxes: list[Box], area: float, column: float, extra: int = 0
) -> list[tuple[int, int, float]]:
    """The day cut into windows that each fill a page: (start, end, mm per minute).

    One scale for the day, so that an hour is as tall on every page of it and a reader
    compares lengths across pages: the day is cut into as few windows of about equal
    length as its busiest hours allow (`extra` more when the pages must come out even).
    The night after it (long sets after midnight, few of them) may be drawn at a smaller
    scale of its own, when that saves pages; its pages say "night" and their hours."""
    need = {id(b): _needed_height(b, column) / (b.end - b.start) for b in boxes}
    first = min(b.start for b in boxes) // STEP * STEP
    last = max(b.end for b in boxes)
    whole = _cut(boxes, need, first, last, area, extra)
    if last - DAY < NIGHT_SCALE_AFTER or first >= DAY:
        return whole
    evening_ends = max(min(b.end, DAY) for b in boxes if b.start < DAY)
    evening = _cut(boxes, need, first, evening_ends, area, extra)
    night = _cut(boxes, need, DAY, last, area, 0, largest=evening[0][2])
    return evening + night if len(evening) + len(night) <= len(whole) else whole


def _cut(
    boxes: list[Box],
    need: dict[int, float],
    first: int,
    last: int,
    area: float,
    extra: int,
    largest: float = FILL_MAX,
) -> list[tuple[int, int, float]]:
    """[first, last) in windows of about equal length at one scale: the fewest whose
    scale gives every window's boxes what their text needs, then `extra` more. Each edge
    moves up to half an hour to where fewest boxes run across; a window's empty start (a
    gap in the day) is left out, and a window with nothing in it is no page."""
    edges = sorted({b.start for b in boxes} | {b.end for b in boxes})

    def inside(start: int, end: int) -> list[Box]:
        return [b for b in boxes if b.end > start and b.start < end]

    def crossing(minute: int) -> int:
        return sum(b.start < minute < b.end for b in boxes)

    # The time something runs, as (start, end) stretches: the windows share it out
    # equally, so that a break of an hour in the day does not leave a page half empty.
    busy: list[list[int]] = []
    for box in sorted(boxes, key=lambda b: b.start):
        start, end = max(box.start, first), min(box.end, last)
        if start >= end:
            continue
        if busy and start <= busy[-1][1]:
            busy[-1][1] = max(busy[-1][1], end)
        else:
            busy.append([start, end])
    busy_total = sum(end - start for start, end in busy)

    def busy_minute(share: float) -> int:
        """The clock minute by which `share` of the busy time has passed."""
        for start, end in busy:
            if share <= end - start:
                return start + round(share)
            share -= end - start
        return last

    def clock_minute(share: float) -> int:
        return first + round(share * (last - first) / busy_total)

    def cut(windows: int) -> tuple[list[tuple[int, int]], float]:
        """The better of two cuts: equal shares of the busy time, or of the clock."""
        cuts = [cut_by(windows, busy_minute), cut_by(windows, clock_minute)]
        fitting = [(spans, scale) for spans, scale in cuts if fits(spans, scale)] or cuts
        return max(fitting, key=lambda candidate: candidate[1])

    def cut_by(windows: int, minute_at) -> tuple[list[tuple[int, int]], float]:
        bounds = [first]
        for number in range(1, windows):
            target = round(minute_at(number * busy_total / windows) / STEP) * STEP
            near = [e for e in edges if abs(e - target) <= 30 and bounds[-1] < e < last]
            near += [target] if bounds[-1] < target < last else []
            if near:
                bounds.append(min(near, key=lambda e: (crossing(e), abs(e - target))))
        bounds.append(last)
        spans = []
        for start, end in zip(bounds, bounds[1:], strict=False):
            boxes_in = inside(start, end)
            if not boxes_in:
                continue
            if not any(b.start < start for b in boxes_in):  # a gap before its first box
                start = max(start, min(b.start for b in boxes_in) // STEP * STEP)
            spans.append((start, end))
        longest = max((end - start for start, end in spans), default=1)
        return spans, min(largest, area / max(longest, 1))

    def fits(spans: list[tuple[int, int]], scale: float) -> bool:
        return all(_scale(inside(start, end), need) <= scale + 1e-9 for start, end in spans)

    windows = 1
    spans, scale = cut(windows)
    while not fits(spans, scale) and windows < (last - first) // STEP:
        windows += 1
        spans, scale = cut(windows)
    if extra:
        spans, scale = cut(windows + extra)
    return [(start, end, scale) for start, end in spans]


def _place(
    boxes: list[Box],
    rooms: list[str],
    start: int,
    end: int,
    scale: float,
    column: float,
    side: str = "single",
) -> list[Box]:
    """The boxes of these rooms (and the spanning ones) inside one window, in mm."""
    width = column * max(1, len(rooms))  # a day without rooms: one column
    inside = [
        b for b in boxes if b.end > start and b.start < end and (b.room in rooms or b.spanning)
    ]
    lanes: dict[int, tuple[int, int]] = {}
    for room in rooms:
        lanes.update(_lanes([b for b in inside if b.room == room]))
    placed = []
    for box in inside:
        top_minute, bottom_minute = max(box.start, start), min(box.end, end)
        copy = Box(
            box.talks,
            box.room,
            box.start,
            box.end,
            top=(top_minute - start) * scale,
            height=(bottom_minute - top_minute) * scale,
            continued_from_before=box.start < start,
            continues_after=box.end > end,
            all_short=box.all_short,
            as_lines=_as_lines(box, scale),
            summary=_summarised(box, column),
            # An item across all rooms is named on the left page of a spread only.
            shown=[t for t in box.talks if start <= _start(t, box.start) < end]
            if not (box.spanning and side == "right")
            else [],
        )
        if box.spanning:
            copy.left, copy.width = 0.0, width
        else:
            lane, lane_count = lanes[id(box)]
            copy.width = column / lane_count
            copy.left = rooms.index(box.room) * column + lane * copy.width
        text_lines = int((copy.height - PADDING) / LINE + 0.15)
        copy.shows_speakers = bool(box.talk.speakers) and text_lines >= 3
        # A box that runs on past the page says until when, on its last line.
        until = copy.continues_after and not copy.as_lines and text_lines >= 3
        copy.shows_until = until
        copy.shows_speakers = copy.shows_speakers and text_lines >= 3 + until
        copy.lines = max(1, text_lines - 1 - copy.shows_speakers - until)
        placed.append(copy)
    return placed


def _start(talk: Talk, day_start: int) -> int:
    """A talk's start in minutes into the programme day, as its box's."""
    return day_minutes(talk.item.start) if talk.item.start else day_start


def _list_day(talks: list[Talk], rooms: list[str], index: int) -> ListDay:
    room_days = []
    timed = _minutes(talks)
    for number, room in enumerate(rooms):
        entries = [(t, s, e) for t, s, e in timed if t.item.room == room]
        if not entries:
            continue
        room_days.append(
            RoomDay(
                room,
                f"room-{index}-{number}",
                [t for t, _, _ in entries],
                min(s for _, s, _ in entries),
                max((e or s + DEFAULT_LENGTH) for _, s, e in entries),
                list(dict.fromkeys(t.item.track for t, _, _ in entries if t.item.track)),
            )
        )
    first = min((r.start for r in room_days), default=0) // 60 * 60
    last = -(-max((r.end for r in room_days), default=60) // 60) * 60
    # Items without a room, or without a time, are listed first, under no room.
    others = [t for t in talks if t.item.room not in rooms or not t.item.start]
    if others:
        room_days.insert(0, RoomDay("", f"room-{index}-none", others, first, first, []))
    return ListDay(room_days, first, last)
