"""What a schema cannot see: ids that clash, references to nothing, times that collide,
files that are missing or are not images. Each check reports with the exact location."""

from __future__ import annotations

import datetime
import difflib
import io
import stat
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from . import labels
from .errors import Problem, display_path
from .files import UnsafeFileError, read_regular_file
from .model import Conference, ProgrammeItem, Speaker
from .yaml_source import FieldPath, SourceFile, dotted

# A portrait in a booklet needs a few hundred pixels a side; anything far larger is a
# mistake (a raw camera file) or an attack (a decompression bomb).
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# The first day an import gives days that have names but no dates ("Dag 1", "Wed") when
# it was given no --first-day: plainly not real, and warned of until it is replaced.
PLACEHOLDER_FIRST_DAY = datetime.date(2000, 1, 1)


# A suggestion compares the word with every choice. Past this many comparisons in one
# check (a hundred thousand different unknown ids, each against thousands of speakers),
# mistakes get no suggestion: their messages are summed up in one line anyway.
MAX_COMPARISONS = 100_000


class NearMisses:
    """close_matches(), each word looked up once (a typo made in a thousand items costs
    one search), and at most MAX_COMPARISONS comparisons in all."""

    def __init__(self, budget: int = MAX_COMPARISONS):
        self.comparisons_left = budget
        self.found: dict[tuple[str, str], list[str]] = {}

    def close_matches(self, word: str, choices: Collection[str], among: str) -> list[str]:
        """The choice closest to `word`, if any; `among` names the choices."""
        key = (word, among)
        if key not in self.found:
            if self.comparisons_left < len(choices):
                return []
            self.comparisons_left -= len(choices)
            self.found[key] = close_matches(word, choices)
        return self.found[key]

    def did_you_mean(self, word: str, choices: Collection[str], among: str) -> str:
        close = self.close_matches(word, choices, among)
        return f"; did you mean '{close[0]}'?" if close else ""


@dataclass
class Checker:
    sources: dict[str, SourceFile]
    folder: Path
    problems: list[Problem]
    near_misses: NearMisses

    def report(self, path: FieldPath, message: str) -> None:
        part = str(path[0])
        self.problems.append(self.sources[part].problem(path[1:], dotted(path), message))


def check_content(
    conference: Conference | None,
    speakers: list[tuple[int, Speaker]],
    programme: list[tuple[int, ProgrammeItem]],
    written_speaker_ids: set,
    sources: dict[str, SourceFile],
    folder: Path,
    near_misses: NearMisses | None = None,
) -> list[Problem]:
    checker = Checker(sources, folder, [], near_misses or NearMisses())
    if conference:
        _check_conference(conference, checker)
    speaker_ids = _first_of_each_id("speakers", speakers, checker)
    _first_of_each_id("programme", programme, checker)
    for index, speaker in speakers:
        if speaker.photo:
            _check_image(speaker.photo, ("speakers", index, "photo"), checker)
    rooms = set(conference.rooms) if conference else set()
    sessions = {session.id for session in conference.sessions} if conference else set()
    for index, item in programme:
        where = ("programme", index)
        for position, speaker_id in enumerate(item.speakers):
            if speaker_id not in written_speaker_ids:
                suggestion = checker.near_misses.did_you_mean(speaker_id, speaker_ids, "speakers")
                checker.report(
                    (*where, "speakers", position),
                    f"no speaker with id '{speaker_id}'{suggestion}",
                )
        if item.room and rooms and item.room not in rooms:
            suggestion = checker.near_misses.did_you_mean(item.room, rooms, "rooms")
            checker.report(
                (*where, "room"), f"no room '{item.room}' in conference.yaml's rooms{suggestion}"
            )
        if len(set(item.speakers)) < len(item.speakers):
            times_listed = Counter(item.speakers)
            twice = next(sid for sid in item.speakers if times_listed[sid] > 1)
            checker.report((*where, "speakers"), f"'{twice}' is listed twice")
        if item.session and conference and item.session not in sessions:
            suggestion = checker.near_misses.did_you_mean(item.session, sessions, "sessions")
            checker.report((*where, "session"), f"no session with id '{item.session}'{suggestion}")
        if item.start and item.end and span(item.start, item.end) is None:
            checker.report((*where, "end"), f"ends before it starts ({item.start})")
    _check_overlaps(programme, checker)
    return checker.problems


def _check_conference(conference: Conference, checker: Checker) -> None:
    if conference.language not in labels.available_languages():
        checker.report(
            ("conference", "language"),
            f"no labels for language '{conference.language}'; "
            f"available: {', '.join(labels.available_languages())}",
        )
    if conference.end_date and not conference.date:
        checker.report(("conference", "end_date"), "is given without date")
    elif conference.end_date and conference.date and conference.end_date < conference.date:
        checker.report(("conference", "end_date"), f"is before date ({conference.date})")
    _first_of_each_id("conference", [(i, s) for i, s in enumerate(conference.sessions)], checker)
    rooms_seen: set[str] = set()
    for index, room in enumerate(conference.rooms):
        if room in rooms_seen:
            checker.report(("conference", "rooms", index), f"'{room}' is listed twice")
        rooms_seen.add(room)


def _first_of_each_id(part: str, entries: list, checker: Checker) -> dict[str, int]:
    """id -> index of its first entry; every later entry with the same id is reported."""
    prefix: tuple = ("conference", "sessions") if part == "conference" else (part,)
    first: dict[str, int] = {}
    for index, entry in entries:
        if entry.id in first:
            checker.report(
                (*prefix, index, "id"),
                f"id '{entry.id}' is used by {dotted((*prefix, first[entry.id]))} too",
            )
        elif entry.id is not None:
            first[entry.id] = index
    return first


def _check_overlaps(programme: list[tuple[int, ProgrammeItem]], checker: Checker) -> None:
    """Two items in one room on one day may not share a minute.

    Every item that does is named, not every pair (1,500 items at one time are over a
    million pairs): sorted by start in each room and day, an item overlaps something
    that started before it exactly when it starts before the latest end so far, so one
    sweep finds them. Each overlap is reported at the item written later in the file."""
    rooms: dict[tuple, list[_Slot]] = defaultdict(list)
    for index, item in programme:
        times = span(item.start, item.end) if item.start and item.end else None
        if item.room and times:
            rooms[(item.room, item.day)].append(_Slot(*times, index, item))
    for slots in rooms.values():
        slots.sort()  # by start (then end, then as written; indexes differ)
        latest = slots[0]  # of the items started so far, the one that ends last
        for slot in slots[1:]:
            if slot.start < latest.end:
                earlier, later = sorted([latest, slot], key=lambda each: each.index)
                checker.report(
                    ("programme", later.index, "start"),
                    f"overlaps programme[{earlier.index}] '{earlier.item.title}' in "
                    f"{later.item.room} ({earlier.item.start}–{earlier.item.end})",
                )
            if slot.end > latest.end:
                latest = slot


class _Slot(NamedTuple):
    start: int  # minutes into the programme day
    end: int
    index: int
    item: ProgrammeItem


def _check_image(value: str, path: FieldPath, checker: Checker) -> None:
    """A regular file inside the content folder (links resolved) that really is an image
    of a sane size. A named pipe, a device or a link to elsewhere is refused unread."""
    if urlsplit(value).scheme or value.startswith("//"):
        checker.report(path, f"must be a file in the content folder, not a URL ({value})")
        return
    if Path(value).is_absolute():
        checker.report(path, f"must be a path relative to the content folder ({value})")
        return
    if "\0" in value or len(value) > 1000:
        checker.report(path, "is not a file name")
        return
    file = checker.folder / value
    try:
        if not file.resolve().is_relative_to(checker.folder.resolve()):
            checker.report(path, f"must be inside the content folder ({value})")
            return
        status = file.stat()
    except (OSError, RuntimeError):  # RuntimeError: a loop of links
        checker.report(path, f"no such file '{value}'")
        return
    if not stat.S_ISREG(status.st_mode):
        checker.report(path, f"is not a file ({value})")
    elif status.st_size > MAX_IMAGE_BYTES:
        size = status.st_size / 1024 / 1024
        checker.report(path, f"is {size:.0f} MB; at most {MAX_IMAGE_BYTES // 2**20} MB, please")
    else:
        try:  # checked again as it is opened: the file may have changed since
            data = read_regular_file(file, [checker.folder], MAX_IMAGE_BYTES, "photo")
        except UnsafeFileError as error:
            checker.report(path, str(error).removeprefix(f"{display_path(file)}: "))
            return
        problem = _image_problem(data)
        if problem:
            checker.report(path, f"{problem} ({value})")


def _image_problem(data: bytes) -> str | None:
    from PIL import Image  # WeasyPrint needs Pillow anyway; only builds with photos load it

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return f"has more than {MAX_IMAGE_PIXELS:,} pixels; use a smaller image"
            if image.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
                return f"is a {image.format} image; use PNG, JPEG, GIF or WebP"
            image.verify()
    except Image.DecompressionBombError:  # Pillow's own, far larger limit
        return f"has more than {MAX_IMAGE_PIXELS:,} pixels; use a smaller image"
    except Exception:  # Pillow raises many kinds of error for a file that is not an image
        return "is not an image that can be read (PNG, JPEG, GIF or WebP)"
    return None


# A programme day runs into the night: a talk at 01:00 follows the 23:00 one on the same
# day, and a film from 23:30 to 01:00 ends after it starts.
NIGHT_ENDS = 6 * 60
DAY = 24 * 60
MAX_NIGHT_CROSSING = 12 * 60


def minutes(clock: str) -> int:
    """Minutes after midnight: '9:30' and '9.30' -> 570."""
    hours, minutes_part = clock.replace(".", ":").split(":")
    return int(hours) * 60 + int(minutes_part)


class ClockStyle(NamedTuple):
    """How times are written: '09:30' (":", True), '9.30' (".", False)."""

    separator: str = ":"
    leading_zero: bool = True


def clock_style(written: Collection[str]) -> ClockStyle:
    """The way most of the organiser's times are written, for the times booklet writes
    itself (a grid's scale beside its boxes' '9.30'); '09:30' when there are none."""
    if not written:
        return ISO_CLOCK
    separator = Counter("." if "." in time else ":" for time in written).most_common(1)[0][0]
    padded = Counter(len(time) == 5 for time in written if int(time[:2].rstrip(".:")) < 10)
    return ClockStyle(separator, padded[True] >= padded[False])


ISO_CLOCK = ClockStyle()


def clock(minutes_after_midnight: int, style: ClockStyle = ISO_CLOCK) -> str:
    """570 -> '09:30' ('9.30' in that style); past midnight round the clock again:
    1530 -> '01:30'."""
    hours, minutes_part = divmod(minutes_after_midnight % DAY, 60)
    hour = f"{hours:02d}" if style.leading_zero else str(hours)
    return f"{hour}{style.separator}{minutes_part:02d}"


def day_minutes(clock: str) -> int:
    """Minutes into the programme day, for ordering: 01:00 -> 1500, the night after it."""
    value = minutes(clock)
    return value + DAY if value < NIGHT_ENDS else value


def span(start: str, end: str) -> tuple[int, int] | None:
    """(start, end) in minutes into the programme day, or None when the end comes before
    the start. An end earlier on the clock than the start is past midnight, if that makes
    the item last less than half a day (23:30–1:15); otherwise (9:00–8:00) a mistake."""
    duration = (minutes(end) - minutes(start)) % DAY
    crosses_midnight = minutes(end) < minutes(start)
    if duration == 0 or (crosses_midnight and duration > MAX_NIGHT_CROSSING):
        return None
    begin = day_minutes(start)
    return begin, begin + duration


def close_matches(word: str, choices) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)


def did_you_mean(word: str, choices) -> str:
    close = close_matches(word, choices)
    return f"; did you mean '{close[0]}'?" if close else ""
