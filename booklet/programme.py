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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .checks import DAY, day_minutes, span

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
LEGEND_KEY = 7.5  # the swatch and letter before a name, and the air after it, mm

# Millimetres per minute: at least enough for a 30-minute talk's time, title and
# speakers; at most what keeps a short day from spreading over more pages than it needs.
SCALE_MIN, SCALE_MAX = 0.30, 0.62
FILL_MAX = 0.9  # a window shorter than its page is drawn larger, up to this
SHORT = 15  # minutes: items this short in one room, back to back, are one box
STEP = 15  # window edges on the quarter hour
DEFAULT_LENGTH = 30  # an item without an end, with nothing after it in its room


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
    night: bool = False  # its hours run past midnight: the day's name gets the night cue


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

    @property
    def opens_with_overview(self) -> bool:
        """Spreads start on a left page: the programme's heading and an overview of when
        each room runs take the right page before them, so no page is left blank. Rooms
        printed one by one need that overview too."""
        return any(
            not day.pages or any(page.side == "left" for page in day.pages) for day in self.days
        )

    def colour(self, track: str | None) -> str:
        return self.colours.get(track, "transparent") if track else "transparent"

    def marks_of(self, tracks: list[str]) -> str:
        return "".join(self.mark(track) for track in tracks)

    def cut(self, text: str, width: float, size: float = 6.5) -> str:
        """The text cut with an ellipsis to what fits on one line of `width` mm. Cut
        here rather than clipped by CSS: clipped text would still be in the PDF, where
        search, copy and screen readers find letters no one can see."""
        fits = max(1, int(width / (CHAR * size / 6.5 * 1.06)))
        return text if len(text) <= fits else text[: max(1, fits - 1)].rstrip() + "…"

    def tint(self, track: str | None) -> str:
        """The track's colour, four fifths white: a box's ground that keeps text dark."""
        colour = self.colour(track)
        if not colour.startswith("#"):
            return "#f3f4f6"
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        return "#" + "".join(f"{round(255 - (255 - c) * 0.2):02x}" for c in channels)

    def mark(self, track: str | None) -> str:
        return self.marks.get(track, "") if track else ""


def clock(minutes: int) -> str:
    """'14:05'; a night item after midnight as '00:30'."""
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def track_marks(tracks: list[str]) -> dict[str, str]:
    """A letter per track, its initial where free ('C' for 'CCC'), so that a block tells
    its track in black and white; two letters beyond 26 tracks."""
    marks: dict[str, str] = {}
    taken: set[str] = set()
    for track in tracks:
        letters = [c for c in re.sub(r"[^A-Za-z]", "", track).upper()]
        choice = next((c for c in letters if c not in taken), None)
        if choice is None:
            free = [chr(c) for c in range(ord("A"), ord("Z") + 1) if chr(c) not in taken]
            choice = free[0] if free else f"{(letters or ['X'])[0]}{len(marks) + 1}"
        marks[track] = choice
        taken.add(choice)
    return marks


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
    )
    per_page = ROOMS_PER_PAGE[paper]
    plans = []
    for index, (day, talks) in enumerate(programme_days):
        used = {talk.item.room for talk in talks if talk.item.room}
        rooms = [room for room in room_order if room in used]
        plans.append((index, day, talks, rooms, _list_day(talks, rooms, index)))
    # No overview page before the grids: the first page carries the programme's heading.
    opening = all(len(rooms) <= per_page for _, _, _, rooms, _ in plans)
    # Pages after the overview (a right page): a spread must start on a left page, at an
    # odd position. A day of single pages before it takes one page more when needed.
    position = 1
    previous_single: int | None = None
    for index, day, talks, rooms, listing in plans:
        anchor = f"programme-day-{index}"
        if len(rooms) > 2 * per_page:
            layout.days.append(ProgrammeDay(day, anchor, [], listing))
            previous_single = None  # a list's length is not known here
            continue
        spread = len(rooms) > per_page
        pages = _grid_day(day, talks, rooms, layout, opening and index == 0)
        if spread and position % 2 == 0 and previous_single is not None:
            earlier = layout.days[previous_single]
            _, _, earlier_talks, earlier_rooms, _ = plans[previous_single]
            longer = _grid_day(
                earlier.day, earlier_talks, earlier_rooms, layout,
                opening and previous_single == 0, windows=_windows_count(earlier.pages) + 1,
            )  # fmt: skip
            position += len(longer) - len(earlier.pages)
            earlier.pages = longer
        layout.days.append(ProgrammeDay(day, anchor, pages, listing))
        position += len(pages)
        previous_single = None if spread else index
    # The part after the programme opens on a right page: an odd count of pages after
    # the overview's would leave a blank one. A day of single pages after the last
    # spread takes one page more instead.
    if layout.opens_with_overview and all(day.pages for day in layout.days) and position % 2:
        after_spreads = [
            index for index, day in enumerate(layout.days)
            if not any(page.side == "left" for d in layout.days[index:] for page in d.pages)
        ]  # fmt: skip
        if after_spreads:
            last = layout.days[after_spreads[-1]]
            _, _, last_talks, last_rooms, _ = plans[after_spreads[-1]]
            last.pages = _grid_day(
                last.day, last_talks, last_rooms, layout, False,
                windows=_windows_count(last.pages) + 1,
            )  # fmt: skip
    return layout


def _windows_count(pages: list[GridPage]) -> int:
    return sum(1 for page in pages if page.side != "right")


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


def _needed_height(box: Box, width: float) -> float:
    """The height the box's text needs, estimated from its letters: a run a line per
    item; an item its time, its title's lines and one line of speakers."""
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
    windows: int | None = None,
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

    windows_of_day = _windows(boxes, area, column, windows)

    pages: list[GridPage] = []
    for number, (window_start, window_end, scale) in enumerate(windows_of_day):
        for side_index, (side, names) in enumerate(sides):
            placed = _place(boxes, names, window_start, window_end, scale, column, side)
            marks = [
                TimeMark(clock(t), (t - window_start) * scale, t % 60 == 0)
                for t in range(-(-window_start // 30) * 30, window_end + 1, 30)
            ]
            if scale * 30 < LINE * 1.6:  # half hours too close for a label: lines only
                marks = [m if m.hour else TimeMark("", m.top, False) for m in marks]
            pages.append(
                GridPage(day, side, names, column, placed, marks,
                         (clock(window_start), clock(window_end)),
                         (window_end - window_start) * scale, legends[side_index],
                         number == 0 and side_index == 0,
                         opens_programme and number == 0 and side_index == 0,
                         night=window_end > DAY)
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
    per_line = max(6, int(((layout.width - TIME_COLUMN) / columns - LEGEND_KEY) / LEGEND_CHAR))
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
    boxes: list[Box], area: float, column: float, count: int | None
) -> list[tuple[int, int, float]]:
    """The day cut into windows that each fill a page: (start, end, mm per minute).

    Each window is as long as its own boxes allow (a night of long sets is drawn at a
    smaller scale than an afternoon of short talks), ending where fewest boxes run
    across; then all are shortened alike until the last is as full as the others, or
    until the day takes `count` windows."""
    edges = sorted({b.start for b in boxes} | {b.end for b in boxes})
    last = max(b.end for b in boxes)
    need = {id(b): _needed_height(b, column) / (b.end - b.start) for b in boxes}
    crossing = {e: sum(b.start < e < b.end for b in boxes) for e in edges}

    def cut(fill: float) -> list[tuple[int, int, float]]:
        windows = []
        start = min(b.start for b in boxes) // STEP * STEP
        while start < last:
            best = None
            for end in [e for e in edges if e > start] + [last]:
                inside = [b for b in boxes if b.end > start and b.start < end]
                if (end - start) * _scale(inside, need) > area * fill and best is not None:
                    break
                # Longer is better, and so is an edge few boxes run across.
                score = (end - start) - 45 * crossing[end]
                best = (end, score) if best is None or score >= best[1] else best
                if end == last:
                    break
            end = best[0] if best else last
            # Prefer an edge nobody crosses in the window's last quarter.
            calm = [e for e in edges if start + 0.75 * (end - start) <= e <= end
                    and not crossing[e]]  # fmt: skip
            end = max(calm) if calm else end
            windows.append((start, end, min(FILL_MAX, area / max(end - start, 1))))
            later = [b.start for b in boxes if b.start >= end]
            start = max(end, min(later) // STEP * STEP) if later else last
        return windows

    def fullness(windows: list[tuple[int, int, float]]) -> float:
        """How full the emptiest page is, as the boxes' text needs it."""
        return min(
            (end - start) * _scale([b for b in boxes if b.end > start and b.start < end],
                                   need) / area
            for start, end, _ in windows
        )  # fmt: skip

    tries = [cut(fill / 10) for fill in range(10, 3, -1)]
    wanted = max(count or 0, len(tries[0]))
    same = [w for w in tries if len(w) == wanted] or tries[:1]
    return max(same, key=fullness)


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
