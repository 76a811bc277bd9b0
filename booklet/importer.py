"""A conference schedule export -> a booklet content folder (three YAML files).

The exports are read as the tools really write them, which is not always as their
schemas say: one bad event is skipped (or repaired) and reported, and the rest are
imported. When nothing could be imported, the message says what the file holds (JSON's
keys, XML's elements) and which formats booklet reads. Each format has its reader, which
turns the file into a `Schedule` of `Event`s; everything after that (kinds, days, ids,
speaker merges, overlaps, writing) is done here, the same for all.

- c3voc/pretalx `schedule.json`: schedule.conference.days[].rooms{name: [events]}; c3voc's
  schedule v2 (the 38C3 hub's): schedule.events[], each with its start and end moments.
- frab and Pentabarf XML (FOSDEM): <schedule><conference/><day date=…><room name=…>
  <event id=…>…
- Sessionize's API "All" JSON (booklet/sessionize.py).
- Indico's timetable and event exports (booklet/indico.py).
- Spreadsheets, CSV and XLSX, one row per item (booklet/spreadsheet.py).

Mapping choices:

- kind: the export's type read as words (KIND_WORDS): keynote; workshop; panel
  (podium, discussion); talk (lecture, Vortrag, lightning talk, FOSDEM's maintrack and
  devroom); break (pause, lunch); anything else (concert, djset, film, bof…) is
  "other". A missing type is a talk, booklet's default. A talk whose title has the
  word "keynote" in it ("31C3 Keynote") is a keynote; without a type, a title with the
  word "workshop" is a workshop.
- day: the export's day grouping, so that a talk at 01:00 listed under 27 December
  belongs to the 27th, the evening before (the booklet prints it with a night cue). An
  event in a day without a usable date takes the date of its own timestamp, the
  previous date when it starts before the day's start hour (06:00 when the export
  gives none).
- end: start + duration as the clock shows it, past midnight too (23:30-01:15), as
  booklet reads it (checks.span). An item too long for that (past midnight by more than
  half a day), without a usable duration, or that overlaps a shorter item in its room
  (a "Lightning Talks" slot around its talks) is written without an end.
- speakers: a person is first one speaker per export id *and* name: merged exports
  (camp2019 joins frab and pretalx) reuse one id for different people, so the id alone
  would give "Anja"'s talks to "bigalex". Then speakers of one name, case, accents and
  spacing aside, are one person under two ids, merged under the first id and reported
  (names.plan_merges). bio comes from pretalx's "biography"; family_name from the
  export where it gives one apart (last_name, surname) within the name.
- text: abstracts, descriptions and biographies as the booklet's Markdown, HTML
  converted (markup.imported_markdown); titles, names, rooms and tracks with control
  and separator characters normalised (markup.clean_text).
- ids: items from the export's slug (else its id), speakers from their names, both
  through booklet.model.slug and made unique with -2, -3 in programme order.
- abstract: the subtitle as an italic line, then the abstract and the description,
  each paragraph once (markup.abstract_and_description); a description that only
  repeats the subtitle is left out.
- conference language: the most common event language of those booklet has labels for
  (da, de, en); en when none is. A language written as a word ("German", "Dansk") is
  read as its code.
- no times at all: when no event of the file has a time (a spreadsheet of titles and
  speakers, a Sessionize export before scheduling), the items are written without times
  (with their days where the file gives dates), in the file's order; when some have
  times, those without are skipped.
- speakers' role, affiliation and photo: as the export gives them (Sessionize's tagline
  is the role). A photo is an address in the export; it is not downloaded (a build reads
  no network), and speakers.yaml's header lists the addresses and how to add them.
- sessions: the session an event is part of (an Indico session block, a spreadsheet's
  panel title) is one of conference.yaml's sessions, its id made from its title.
- conference: title, subtitle and venue where the export gives them; else the title is
  the file's name, and the report says so.
- after writing, the content is checked as `booklet build --strict` would check it, and
  each warning that would stop that build is reported.
"""

from __future__ import annotations

import bisect
import datetime
import json
import re
import xml.etree.ElementTree as ElementTree
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import yaml

from . import names
from .checks import DAY, clock, span
from .errors import BookletError, ContentError, display_path
from .files import read_regular_file
from .labels import available_languages
from .load import CONTENT_FILES
from .markup import (
    abstract_and_description,
    clean_text,
    imported_markdown,
    is_html,
    says_something,
    unescaped,
)
from .model import slug
from .schema import schema_text

# When the export says nothing of when its days start, an event before this hour is
# the night of the day before.
DEFAULT_DAY_START_HOUR = 6
# The largest real exports (a congress of 400 talks) are a few MB; the file is read into
# memory, and a named pipe or a device is never waited on.
MAX_SCHEDULE_BYTES = 20 * 1024**2

# An export's event type -> booklet's kind. Types are free text in pretalx ("Talk (30
# min)", "Vortrag", "Hands-on workshop") and words in frab and Pentabarf ("lecture",
# "podium", FOSDEM's "maintrack", "devroom", "lightningtalk", "bof"), so a type is read as
# its letters in lower case ("Lightning-Talks" -> "lightningtalks") and the first rule
# that has a word in it decides. Keynote, workshop and the clear panel words come before
# the talk words ("Keynote talk", "Workshop/Vortrag"); a talk "with discussion" is a talk.
# What matches nothing (concert, djset, film, performance, bof, meeting, certification)
# is "other": the model has no kind for it, and "other" prints no wrong word.
KIND_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("keynote", ("keynote",)),
    ("workshop", ("workshop", "tutorial", "handson", "training", "kurs", "course")),
    ("panel", ("panel", "podium", "roundtable", "fishbowl")),
    (
        "talk",
        (
            "talk", "lecture", "vortrag", "presentation", "praesentation", "präsentation",
            "maintrack", "devroom", "lightning", "speech", "foredrag", "oplæg", "oplaeg",
            "oral", "plenary",  # Indico's contribution types: "Invited Orals", "Plenary"
        ),
    ),
    ("panel", ("discussion", "diskussion", "debate", "debatte", "debat", "samtale")),
    ("break", ("break", "pause", "lunch", "coffee", "frokost", "mittagessen")),
]  # fmt: skip

# A language the export writes as a word, in English or in itself.
LANGUAGE_NAMES = {
    "english": "en", "engelsk": "en", "englisch": "en",
    "german": "de", "deutsch": "de", "tysk": "de",
    "danish": "da", "dansk": "da", "dänisch": "da",
    "french": "fr", "français": "fr", "francais": "fr", "französisch": "fr", "fransk": "fr",
    "spanish": "es", "español": "es", "italian": "it", "italiano": "it",
    "dutch": "nl", "nederlands": "nl", "swedish": "sv", "svenska": "sv",
    "norwegian": "no", "norsk": "no", "polish": "pl", "polski": "pl",
    "portuguese": "pt", "português": "pt", "japanese": "ja", "日本語": "ja",
}  # fmt: skip

# What `booklet import` reads, named in every message about a file it could not use.
FORMATS_READ = (
    "booklet reads pretalx/c3voc schedule.json (v1 and v2), frab/Pentabarf schedule.xml, "
    "Sessionize's API JSON (view 'All'), Indico's export/timetable/ID.json and "
    "export/event/ID.json?detail=contributions, and spreadsheets (CSV or XLSX, one row "
    "per item under a header row)"
)

CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
DURATION = re.compile(r"(\d{1,3}):(\d{2})(?::00)?")


@dataclass
class ImportReport:
    title: str
    days: int
    rooms: int
    items: int
    speakers: int
    skipped: list[str] = field(default_factory=list)  # one line per skipped or repaired thing
    # What `booklet build --strict` would stop at in the written content, one line each.
    strict_warnings: list[str] = field(default_factory=list)


# --- the export as plain records, whatever its format ---------------------------------


@dataclass
class Person:
    export_id: str
    name: str
    bio: str = ""
    family_name: str = ""  # when the export tells, and it is words of the name
    role: str = ""  # a job title, or Sessionize's tagline
    affiliation: str = ""
    photo: str = ""  # the address the export gives; never downloaded


@dataclass
class Event:
    export_id: str
    title: str
    room: str
    day: str  # the date of the export's day that lists the event; "" when it has none
    day_start_hour: int | None  # the hour that day starts, when the export says
    timestamp: str = ""  # the event's own ISO date and time
    start: str = ""
    duration: str = ""
    slug: str = ""
    subtitle: str = ""
    abstract: str = ""
    description: str = ""
    type: str = ""
    track: str = ""
    language: str = ""
    persons: list[Person] = field(default_factory=list)
    session: str = ""  # the title of the session (block) it is part of
    # A spreadsheet without a date column: the item is written with times and no day.
    dateless: bool = False
    # Its day's place among days a spreadsheet names without a date ("1", "Wed").
    day_order: int = 0
    # Where the file has it, when a reader can say better than the id: "programme.csv:5".
    where: str = ""

    @property
    def label(self) -> str:
        """How the report names the event: "event 6571 '31C3 Keynote'", or where it is
        ("programme.csv:5: 'Frokost'"); a long title or id cut short, so that a report line
        stays a line."""
        if self.where:
            return f"{self.where}: '{shortened(self.title)}'" if self.title else self.where
        number = shortened(self.export_id)
        return f"event {number} '{shortened(self.title)}'" if self.title else f"event {number}"


@dataclass
class Schedule:
    title: str
    acronym: str
    rooms: list[str]  # in the order of the export
    events: list[Event]
    room_numbers: dict[str, int] = field(default_factory=dict)  # room -> its place in rooms
    # The parsed file (JSON data or the XML's root), described when nothing is imported.
    source: object = None
    # What the file holds, said by a reader that knows its format, when nothing is imported.
    described: str = ""
    # The conference's language when its events give none (a spreadsheet's Danish headers).
    language: str = ""
    venue: str = ""  # place and address, lines kept (Indico's location and address)
    subtitle: str = ""  # a spreadsheet's second line above its header row


# --- the public entry point -----------------------------------------------------------


@dataclass(frozen=True)
class ImportOptions:
    """What the user can tell the importer beyond the file."""

    # A spreadsheet's header -> the booklet field it holds ("Foredragsholder" -> "speakers").
    columns: dict[str, str] = field(default_factory=dict)
    # An IANA zone ("Europe/Copenhagen"): times with an offset are shown in it.
    timezone: str = ""
    # A spreadsheet's first day, when its date column counts days ("1", "Day 2", "Wed").
    first_day: str = ""


def import_schedule(
    schedule_path: Path, content_folder: Path, options: ImportOptions | None = None
) -> ImportReport:
    """Read a schedule export (any format FORMATS_READ names) and write a content folder."""
    schedule_path, content_folder = Path(schedule_path), Path(content_folder)
    options = options or ImportOptions()
    for filename in CONTENT_FILES.values():
        if (content_folder / filename).exists():
            raise BookletError(
                f"{display_path(content_folder / filename)} exists already; "
                "import into an empty folder"
            )
    if options.timezone:
        zone_named(options.timezone)  # a wrong name is said before the file is read
    if options.first_day:
        try:
            datetime.date.fromisoformat(options.first_day)
        except ValueError:
            raise BookletError(
                f"--first-day '{shortened(options.first_day, 40)}' is not a date like 2026-05-12"
            ) from None
    skipped: list[str] = []
    schedule = read_schedule(schedule_path, skipped, options)
    untimed = bool(schedule.events) and not any(
        event.start or event.timestamp for event in schedule.events
    )
    if untimed:
        skipped.append(
            "no event has a time: imported without times, in the file's order "
            "(add start: and end: in programme.yaml)"
        )
    items = [item for event in schedule.events if (item := draft_item(event, skipped, untimed))]
    if not items:
        raise BookletError(nothing_imported(display_path(schedule_path), schedule, skipped))
    items.sort(key=lambda item: item.sort_key(schedule.room_numbers))
    speakers = assign_speaker_ids(items, skipped)
    assign_item_ids(items, skipped)
    sessions = assign_sessions(items)
    leave_out_overlapping_ends(items, skipped)

    used_rooms = {item.event.room for item in items}
    rooms = [room for room in schedule.rooms if room in used_rooms]
    title = schedule.title or schedule.acronym or schedule_path.stem
    if not schedule.title:
        skipped.append(f"conference: no title; used '{title}'")
    conference = conference_data(title, schedule.acronym, rooms, items, schedule.language)
    if schedule.subtitle:
        conference["subtitle"] = schedule.subtitle
    if schedule.venue:
        conference["venue"] = schedule.venue
    if sessions:
        conference["sessions"] = sessions
    photos = {speaker["id"]: speaker.pop("photo") for speaker in speakers if "photo" in speaker}
    notes = []
    if not schedule.title:
        notes = [f"title: the export gives none, so this is '{title}';", "write the real one here."]
    programme = [item.data for item in items]
    write_content(content_folder, conference, speakers, programme, photos, notes)
    if photos:
        skipped.append(
            f"{len(photos)} speaker photo(s) in the export, not downloaded: their addresses "
            "are listed at the top of speakers.yaml; save each as photos/<speaker id>.jpg in "
            "the content folder and add `photo: photos/<speaker id>.jpg` to the speaker"
        )
    return ImportReport(
        title=title,
        days=len({item.day for item in items if item.day is not None}),
        rooms=len(rooms),
        items=len(items),
        speakers=len(speakers),
        skipped=skipped,
        strict_warnings=strict_build_warnings(content_folder),
    )


# --- when nothing could be imported: what the file holds, and what was expected ------------

JSON_EXPECTED = (
    "a pretalx or c3voc schedule.json holds schedule.conference.days[].rooms, "
    "each room a list of events"
)
XML_EXPECTED = (
    "a frab or Pentabarf schedule.xml holds <schedule> with <day date=…>, "
    "each with <room name=…> holding <event id=…>"
)
SHOWN_KEYS = 8


def strict_build_warnings(content_folder: Path) -> list[str]:
    """What `booklet build --strict` would stop at in the written content, one line each,
    so that the import says why a strict build fails (a character no font draws)."""
    from .api import check  # the API imports the renderer's modules: only when needed

    try:
        loaded = check(content_folder)
    except ContentError as error:  # a bug of the importer: say so rather than hide it
        return [f"the written content fails `booklet check`: {line}" for line in error.lines()]
    except BookletError as error:
        return [f"the written content could not be checked: {error}"]
    return [f"`booklet build --strict` would stop at: {problem}" for problem in loaded.warnings]


def nothing_imported(name: str, schedule: Schedule, skipped: list[str]) -> str:
    """The message for an export that gave no programme item: what the file holds, what
    booklet reads, and why each event found (the first few) was skipped."""
    if schedule.events:
        found = f"{len(schedule.events)} event(s) found, none usable"
    elif schedule.described:
        found = schedule.described
    elif isinstance(schedule.source, ElementTree.Element):
        found = f"{describe_xml(schedule.source)}; expected: {XML_EXPECTED}"
    else:
        found = f"{describe_json(schedule.source)}; expected: {JSON_EXPECTED}"
    reasons = "".join(f"\n  {line}" for line in skipped[:5])
    more = f"\n  … and {len(skipped) - 5} more" if len(skipped) > 5 else ""
    return f"{name}: no event could be imported: {found}{reasons}{more}\n  ({FORMATS_READ})"


def keys_text(mapping: dict) -> str:
    keys = [shortened(str(key), 40) for key in list(mapping)[:SHOWN_KEYS]]
    more = f" and {len(mapping) - SHOWN_KEYS} more" if len(mapping) > SHOWN_KEYS else ""
    return "[" + ", ".join(repr(key) for key in keys) + "]" + more


def json_kind(value: object) -> str:
    if isinstance(value, dict):
        return f"an object with keys {keys_text(value)}" if value else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "null" if value is None else f"a {type(value).__name__}"


def describe_json(data: object) -> str:
    """'the file is JSON with top-level keys [...]', then how far the schedule's path
    (schedule.conference.days[].rooms) goes, and a hint for exports known to be other
    things (pretalx's API and widget data, frab's events.json)."""
    if not isinstance(data, dict):
        entries = (
            [entry for entry in data if isinstance(entry, dict)][:20]
            if isinstance(data, list)
            else []
        )
        if entries and all("fullName" in entry or "tagLine" in entry for entry in entries):
            return (
                f"the file is JSON: {json_kind(data)} speakers (Sessionize's 'Speakers' view, "
                "without times or rooms); export the 'All' view (…/api/v2/ID/view/All)"
            )
        return f"the file is JSON: {json_kind(data)}"
    described = f"the file is JSON with top-level keys {keys_text(data)}"
    if {"talks", "rooms"} <= data.keys() or {"results", "count"} <= data.keys():
        return described + " (pretalx's API or widget data, not its schedule export)"
    if "conference_events" in data:
        return described + " (frab's events.json, not its schedule.json)"
    path, value = "", data
    for key in ("schedule", "conference", "days"):
        if not isinstance(value, dict) or key not in value:
            return f"{described}; {path or 'the top level'} has no '{key}'"
        path, value = f"{path}.{key}" if path else key, value[key]
    if not isinstance(value, list):
        return f"{described}; {path} is {json_kind(value)}, not a list of days"
    rooms = [room for day in value if isinstance(day, dict) for room in as_dict(day.get("rooms"))]
    days = f"{len(value)} day(s) with {len(rooms)} room(s)"
    return f"{described}; {path} is a list of {days} and no events"


def as_dict(value: object) -> dict:
    """A JSON value that should be an object: itself, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list:
    """A JSON value that should be a list: itself, else an empty one."""
    return value if isinstance(value, list) else []


def children_text(element: ElementTree.Element) -> str:
    tags = Counter(str(child.tag) for child in element)
    shown = [
        f"<{shortened(tag, 40)}>" + (f" ×{count}" if count > 1 else "")
        for tag, count in list(tags.items())[:SHOWN_KEYS]
    ]
    more = f" and {len(tags) - SHOWN_KEYS} more" if len(tags) > SHOWN_KEYS else ""
    return ", ".join(shown) + more if shown else "nothing"


def describe_xml(root: ElementTree.Element) -> str:
    """'the file is XML: <html> holding <head>, <body>', and, for a <schedule>, what its
    days and rooms hold."""
    described = f"the file is XML: <{shortened(str(root.tag), 40)}> holding {children_text(root)}"
    if root.tag != "schedule":
        return described
    days = root.findall("day")
    rooms = [room for day in days for room in day.findall("room")]
    return f"{described}; {len(days)} <day>, {len(rooms)} <room>, no <event> in them"


# --- reading ---------------------------------------------------------------------------


# Files that are spreadsheets booklet cannot open, by their first bytes.
OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003), also .doc
ZIP = b"PK\x03\x04"  # .xlsx, .ods, .docx, .numbers…


def read_schedule(path: Path, skipped: list[str], options: ImportOptions | None = None) -> Schedule:
    """The export at `path`, its format known by its content, not its name: a zip is an
    XLSX workbook, JSON by its keys (Sessionize, Indico, pretalx/c3voc), XML is frab, and
    other text is a CSV spreadsheet."""
    from . import indico, sessionize, spreadsheet  # each reader imports this module

    options = options or ImportOptions()
    name = display_path(path)
    # Any file the user names (the anchor: links may lead anywhere), but a regular one.
    data = read_regular_file(path, [Path(path.absolute().anchor)], MAX_SCHEDULE_BYTES, "schedule")
    if data.startswith(ZIP):
        return spreadsheet.read_xlsx(data, name, skipped, options)
    if data.startswith(OLD_EXCEL):
        raise BookletError(
            f"{name}: an Excel 97-2003 workbook (.xls), which booklet does not read; save it "
            f"as .xlsx or CSV ({FORMATS_READ})"
        )
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not first:
        raise BookletError(f"{name}: the file is empty")
    if first in (b"{", b"["):
        parsed = parse_json(data, name)
        if sessionize.is_sessionize(parsed):
            return sessionize.read_sessionize(parsed, name, skipped, options)
        if indico.is_indico(parsed):
            return indico.read_indico(parsed, name, skipped, options)
        if is_schedule_v2(parsed):
            return read_schedule_v2(parsed, skipped, options)
        return read_json_schedule(parsed, name, skipped)
    if first == b"<":
        return read_xml_schedule(parse_xml(data, name), name, skipped)
    return spreadsheet.read_csv(data, name, skipped, options)


def parse_json(data: bytes, name: str) -> object:
    try:
        return json.loads(data)
    except json.JSONDecodeError as error:
        raise BookletError(
            f"{name}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from None
    except (ValueError, RecursionError) as error:  # not UTF-8, or nested beyond reason
        raise BookletError(f"{name}: not valid JSON: {error}") from None


def parse_xml(data: bytes, name: str) -> ElementTree.Element:
    """The XML as an ElementTree, read by expat without entity declarations: no export
    has them, and an entity that expands into entities ("billion laughs") grows a few kB
    into gigabytes. External entities are never fetched (expat does not, unasked)."""
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate()
    parser.buffer_text = True  # an element's text in one piece, not in one call per line

    def refuse_entities(entity: str, *_: object) -> None:
        raise BookletError(
            f"{name}:{parser.CurrentLineNumber}:{parser.CurrentColumnNumber + 1}: the XML "
            f"declares an entity ('{entity[:40]}'); a schedule export has none, not read"
        )

    def refuse_skipped_entity(entity: str, _is_parameter_entity: bool) -> None:
        # Declared, if anywhere, in an external DTD, which is never read.
        raise BookletError(
            f"{name}:{parser.CurrentLineNumber}:{parser.CurrentColumnNumber + 1}: the XML "
            f"uses an entity it does not declare ('{entity[:40]}'); not read"
        )

    parser.EntityDeclHandler = refuse_entities
    parser.SkippedEntityHandler = refuse_skipped_entity
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
        return builder.close()
    except expat.ExpatError as error:
        message = expat.ErrorString(error.code)
        raise BookletError(
            f"{name}:{error.lineno}:{error.offset + 1}: not valid XML: {message}"
        ) from None
    except (LookupError, ValueError) as error:  # an encoding Python does not know, or cannot
        raise BookletError(f"{name}:1: not valid XML: {shortened(str(error))}") from None


def shortened(value: str, length: int = 200) -> str:
    """A value of the export quoted in the report, cut short: a line, not a page."""
    return value if len(value) <= length else value[: length - 1] + "…"


def text(value: object) -> str:
    """A JSON or XML value as stripped text: None is "", 10386 is "10386"."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    return str(value).strip()


def one_line(value: object) -> str:
    """Text for a title, name or room: entity references as their characters (an export
    that escaped it twice), control characters dropped (markup.clean_text), runs of
    spaces, line breaks and separators become one space."""
    return " ".join(clean_text(unescaped(text(value))).split())


def read_json_schedule(data: object, name: str, skipped: list[str]) -> Schedule:
    """The events of schedule.conference.days[].rooms; none, when the data has no such
    path (the caller then says what the file holds)."""
    schedule_data = data.get("schedule") if isinstance(data, dict) else None
    conference = schedule_data.get("conference") if isinstance(schedule_data, dict) else None
    conference = conference if isinstance(conference, dict) else {}
    schedule = Schedule(
        one_line(conference.get("title")),
        one_line(conference.get("acronym")),
        [],
        [],
        source=data,
    )
    days = conference.get("days")
    for day_number, day in enumerate(days if isinstance(days, list) else [], start=1):
        if not isinstance(day, dict) or not isinstance(day.get("rooms"), dict):
            skipped.append(f"day {day_number}: no rooms; skipped")
            continue
        day_date, start_hour = text(day.get("date")), hour_of(day.get("day_start"))
        for room_name, events in day["rooms"].items():
            room = one_line(room_name)
            add_room(schedule, room)
            for position, entry in enumerate(events if isinstance(events, list) else []):
                if not isinstance(entry, dict):
                    skipped.append(
                        f"day {day_date or day_number}, room {room}: "
                        f"entry {position + 1} is not an event; skipped"
                    )
                    continue
                schedule.events.append(json_event(entry, room, day_date, start_hour))
    return schedule


def is_schedule_v2(data: object) -> bool:
    """c3voc's schedule v2 (schema2.json, the 38C3 hub's export): schedule.events, a flat
    list, rather than events under days and rooms."""
    schedule_data = data.get("schedule") if isinstance(data, dict) else None
    return isinstance(schedule_data, dict) and isinstance(schedule_data.get("events"), list)


def read_schedule_v2(data: dict, skipped: list[str], options: ImportOptions) -> Schedule:
    """Events with start and end moments (shown in --timezone, else in the conference's
    time_zone_name, else on their own offset's clock), room and track by name, and
    participants whose biographies are in schedule.persons."""
    schedule_data = data["schedule"]
    conference = schedule_data.get("conference")
    conference = conference if isinstance(conference, dict) else {}
    schedule = Schedule(
        one_line(conference.get("title")), one_line(conference.get("acronym")), [], [], source=data
    )
    zone_name = options.timezone or text(conference.get("time_zone_name"))
    zone = zone_named(zone_name) if zone_name else None
    for room in listed(conference.get("rooms")):
        add_room(schedule, one_line(room.get("name")))
    tracks = {
        text(t.get("slug")): one_line(t.get("name")) for t in listed(conference.get("tracks"))
    }
    bios = {
        text(p.get("guid")): text(p.get("biography")) for p in listed(schedule_data.get("persons"))
    }
    for position, entry in enumerate(schedule_data["events"], start=1):
        if not isinstance(entry, dict):
            skipped.append(f"event {position}: not an event; skipped")
            continue
        room = entry.get("room") if isinstance(entry.get("room"), dict) else {}
        track = entry.get("track") if isinstance(entry.get("track"), dict) else {}
        event = Event(
            export_id=text(entry.get("code")) or text(entry.get("guid")) or str(position),
            title=one_line(entry.get("title")),
            room=one_line(room.get("name")),
            day="",
            day_start_hour=None,
            track=one_line(track.get("name")) or tracks.get(text(track.get("slug")), ""),
            **json_texts(entry),
            persons=[
                Person(text(person.get("guid")), one_line(person.get("name")))
                for person in listed(entry.get("participants"))
            ],
        )
        for person in event.persons:
            person.bio = bios.get(person.export_id, "")
        add_room(schedule, event.room)
        schedule.events.append(
            timed(event, moment(entry.get("start"), zone), moment(entry.get("end"), zone))
        )
    return schedule


def listed(value: object) -> list[dict]:
    """The dictionaries of a JSON list (anything else in it left out)."""
    return [entry for entry in as_list(value) if isinstance(entry, dict)]


def moment(value: object, zone: datetime.tzinfo | None) -> datetime.datetime | None:
    """A start or end on the event's clock: as written when it has no offset (Sessionize's
    way), else in `zone` when given, else on the clock of its own offset."""
    try:
        parsed = datetime.datetime.fromisoformat(text(value))
    except ValueError:
        return None
    if parsed.tzinfo is not None and zone is not None:
        parsed = parsed.astimezone(zone)
    return parsed.replace(tzinfo=None)


def zone_named(name: str) -> datetime.tzinfo:
    """The IANA time zone of that name ("Europe/Copenhagen"); BookletError if none."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise BookletError(
            f"no time zone '{shortened(name, 60)}'; give one like Europe/Copenhagen or UTC"
        ) from None


def timed(event: Event, start: datetime.datetime | None, end: datetime.datetime | None) -> Event:
    """The event with its start and duration from two moments already in the zone the
    booklet shows. Its day is left to the importer: a start in the small hours belongs to
    the evening before."""
    if start is None:
        return event
    event.timestamp = start.replace(tzinfo=None).isoformat()
    event.start = f"{start.hour:02d}:{start.minute:02d}"
    if end is not None and end > start:
        event.duration = minutes_text(int((end - start).total_seconds() // 60))
    return event


def minutes_text(minutes: int) -> str:
    """A duration as the exports write it: 90 -> "01:30"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def json_event(entry: dict, room: str, day: str, day_start_hour: int | None) -> Event:
    persons = entry.get("persons")
    return Event(
        export_id=text(entry.get("id")) or text(entry.get("guid")) or "?",
        title=one_line(entry.get("title")),
        room=room or one_line(entry.get("room")),
        day=day,
        day_start_hour=day_start_hour,
        timestamp=text(entry.get("date")),
        start=text(entry.get("start")),
        duration=text(entry.get("duration")),
        track=one_line(entry.get("track")),
        **json_texts(entry),
        persons=[json_person(person) for person in (persons if isinstance(persons, list) else [])],
    )


def json_texts(entry: dict) -> dict[str, str]:
    """The fields both c3voc schedules (v1 and v2) and pretalx write alike."""
    return {
        "slug": text(entry.get("slug")),
        "subtitle": one_line(entry.get("subtitle")),
        "abstract": text(entry.get("abstract")),
        "description": text(entry.get("description")),
        "type": one_line(entry.get("type")),
        "language": text(entry.get("language")),
    }


def json_person(person: object) -> Person:
    """c3voc writes {id, public_name}; pretalx also {name, full_public_name, code, biography}."""
    if not isinstance(person, dict):
        return Person("", one_line(person))  # an old export's plain name
    name = next(
        (
            one_line(person.get(key))
            for key in ("public_name", "name", "full_public_name")
            if one_line(person.get(key))
        ),
        "",
    )
    return Person(
        text(person.get("id")) or text(person.get("code")),
        name,
        text(person.get("biography")),
        family_name_of(person, name),
    )


# Where an export (Indico, a hand-made JSON) gives a person's family name apart; pretalx
# and frab give one name only, and the booklet reads it (booklet/names.py).
FAMILY_NAME_KEYS = ("family_name", "last_name", "lastname", "surname", "familyName", "lastName")


def family_name_of(person: dict, name: str) -> str:
    """The family name the export gives, when it is words of the printed name."""
    for key in FAMILY_NAME_KEYS:
        family_name = one_line(person.get(key))
        if family_name and names.family_name_in_name(family_name, name):
            return family_name
    return ""


def read_xml_schedule(root: ElementTree.Element, name: str, skipped: list[str]) -> Schedule:
    """The events of <schedule><day><room><event>; none, when the XML is not so (the
    caller then says what the file holds)."""
    conference = root.find("conference") if root.tag == "schedule" else None
    schedule = Schedule(
        one_line(conference.findtext("title")) if conference is not None else "",
        one_line(conference.findtext("acronym")) if conference is not None else "",
        [],
        [],
        source=root,
    )
    if root.tag != "schedule":
        return schedule
    for day in root.findall("day"):
        day_date, start_hour = text(day.get("date")), hour_of(day.get("start"))
        for room_element in day.findall("room"):
            room = one_line(room_element.get("name"))
            add_room(schedule, room)
            for element in room_element.findall("event"):
                schedule.events.append(xml_event(element, room, day_date, start_hour))
    return schedule


def xml_event(
    element: ElementTree.Element, room: str, day: str, day_start_hour: int | None
) -> Event:
    def field_text(tag: str) -> str:
        return text(element.findtext(tag))

    return Event(
        export_id=text(element.get("id")) or text(element.get("guid")) or "?",
        title=one_line(field_text("title")),
        room=room or one_line(field_text("room")),
        day=day,
        day_start_hour=day_start_hour,
        timestamp=field_text("date"),
        start=field_text("start"),
        duration=field_text("duration"),
        slug=field_text("slug"),
        subtitle=one_line(field_text("subtitle")),
        abstract=field_text("abstract"),
        description=field_text("description"),
        type=one_line(field_text("type")),
        track=one_line(field_text("track")),
        language=field_text("language"),
        persons=[
            Person(text(person.get("id")), one_line(person.text))
            for person in element.findall("persons/person")
        ],
    )


def add_room(schedule: Schedule, room: str) -> None:
    if room and room not in schedule.room_numbers:
        schedule.room_numbers[room] = len(schedule.rooms)
        schedule.rooms.append(room)


def hour_of(timestamp: object) -> int | None:
    moment = parse_timestamp(text(timestamp))
    return moment.hour if moment else None


def parse_timestamp(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


# --- one event -> one programme item ----------------------------------------------------


@dataclass
class Item:
    """A programme item being made: its YAML data, and what ordering and ids need."""

    event: Event
    data: dict
    day: datetime.date | None  # None (and no start) when no event of the file has a time
    start_minutes: int | None
    duration_minutes: int | None

    def sort_key(self, room_numbers: dict[str, int]) -> tuple:
        if self.start_minutes is None:  # by day, else in the file's order
            return (self.day or datetime.date.min, 0, False, 0, 0)
        # The night's events come after the evening's: 00:30 sorts after 23:00.
        start_hour = self.event.day_start_hour
        night = self.start_minutes < 60 * (
            DEFAULT_DAY_START_HOUR if start_hour is None else start_hour
        )
        room = room_numbers.get(self.event.room, len(room_numbers))
        day = self.day or datetime.date.min
        return (day, self.event.day_order, night, self.start_minutes, room)

    @property
    def written_span(self) -> tuple[int, int] | None:
        """(start, end) in minutes into the programme day as booklet reads the written
        times (checks.span: a night item after the evening), if an end is written."""
        if "end" not in self.data:
            return None
        return span(self.data["start"], self.data["end"])


def draft_item(event: Event, skipped: list[str], untimed: bool = False) -> Item | None:
    """The programme item for an event, or None (reported) when it cannot be one.
    `untimed`: no event of the file has a time, so none is asked of this one."""
    if not event.title:
        skipped.append(f"{event.label}: no title; skipped")
        return None
    if untimed:
        return untimed_item(event, skipped)
    start = start_minutes(event, skipped)
    if start is None:
        return None
    try:
        day = conference_day(event, start)
    except OverflowError:  # the night of 0001-01-01 belongs to a day before the calendar
        skipped.append(
            f"{event.label}: starts at {clock(start)} on {shortened(event.timestamp)}, "
            "in the night of a day before 0001-01-01; skipped"
        )
        return None
    if day is None and not event.dateless:
        shown = shortened(event.day or event.timestamp or "none")
        skipped.append(f"{event.label}: no usable date ({shown}); skipped")
        return None
    duration = duration_minutes(event, skipped)
    data: dict = {"id": None, "title": event.title, "kind": kind_of(event), "speakers": []}
    if abstract := abstract_of(event):
        data["abstract"] = abstract
    if day is not None:
        data["day"] = day
    data["start"] = clock(start)
    # An end past midnight is written as the clock shows it (23:30-01:15), as booklet
    # reads it; only an item too long for that (past midnight by more than half a day,
    # checks.span) goes without an end.
    if duration is not None and duration < DAY and span(clock(start), clock(start + duration)):
        data["end"] = clock(start + duration)
    elif duration is not None:
        skipped.append(
            f"{event.label}: lasts {shortened(event.duration)} from {clock(start)}, "
            "more than booklet takes for one item; end left out"
        )
    if event.room:
        data["room"] = event.room
    if event.track:
        data["track"] = event.track
    if event.session:
        data["session"] = event.session  # a title until assign_sessions makes it an id
    if language := language_code(event, skipped):
        data["language"] = language
    return Item(event, data, day, start, duration)


def untimed_item(event: Event, skipped: list[str]) -> Item:
    """An item without times; with its day, when the file gives one (a sheet of dates
    and titles)."""
    data: dict = {"id": None, "title": event.title, "kind": kind_of(event), "speakers": []}
    if abstract := abstract_of(event):
        data["abstract"] = abstract
    try:
        day: datetime.date | None = datetime.date.fromisoformat(event.day)
        data["day"] = day
    except ValueError:
        day = None
    if event.room:
        data["room"] = event.room
    if event.track:
        data["track"] = event.track
    if event.session:
        data["session"] = event.session
    if language := language_code(event, skipped):
        data["language"] = language
    return Item(event, data, day, None, None)


def start_minutes(event: Event, skipped: list[str]) -> int | None:
    """Minutes after midnight; from the event's timestamp when its start is unusable."""
    start = clock_minutes(event.start)
    if start is not None:
        return start
    written = f"start '{shortened(event.start)}' is not HH:MM" if event.start else "no start time"
    moment = parse_timestamp(event.timestamp)
    if moment is None:
        skipped.append(f"{event.label}: {written}; skipped")
        return None
    start = moment.hour * 60 + moment.minute
    skipped.append(f"{event.label}: {written}; used {clock(start)} from its date")
    return start


def clock_minutes(value: str) -> int | None:
    match = CLOCK.fullmatch(value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return int(match[1]) * 60 + int(match[2])


def duration_minutes(event: Event, skipped: list[str]) -> int | None:
    """The duration in minutes, or None (reported): an item then has no end."""
    if not event.duration:
        skipped.append(f"{event.label}: no end or duration; end left out")
        return None
    match = DURATION.fullmatch(event.duration)
    if not match or int(match[2]) > 59:
        skipped.append(
            f"{event.label}: duration '{shortened(event.duration)}' is not HH:MM; end left out"
        )
        return None
    duration = int(match[1]) * 60 + int(match[2])
    if duration == 0:
        skipped.append(f"{event.label}: duration {event.duration}; end left out")
        return None
    return duration


def conference_day(event: Event, start: int) -> datetime.date | None:
    """The day the export lists the event under; else the date of its own timestamp,
    the day before when it starts in the small hours. OverflowError when that day would
    be before 0001-01-01."""
    try:
        return datetime.date.fromisoformat(event.day)
    except ValueError:
        pass
    moment = parse_timestamp(event.timestamp)
    if moment is None:
        return None
    start_hour = DEFAULT_DAY_START_HOUR if event.day_start_hour is None else event.day_start_hour
    if start < 60 * start_hour:
        return moment.date() - datetime.timedelta(days=1)
    return moment.date()


def kind_of(event: Event) -> str:
    # "Entertainment (120)": some exports add a length in brackets to the type. Cut with
    # string methods: a regex like \s*\(.*\)$ backtracks for minutes on 600,000 "(".
    export_type = event.type
    if export_type.endswith(")") and "(" in export_type:
        export_type = export_type[: export_type.index("(")].rstrip()
    letters = "".join(character for character in export_type.lower() if character.isalpha())
    if not export_type:
        kind = "talk"
    else:
        kind = next(
            (kind for kind, words in KIND_WORDS if any(word in letters for word in words)),
            "other",
        )
    if kind == "talk" and re.search(r"\bkeynote\b", event.title, re.IGNORECASE):
        return "keynote"
    # Without a type, a title that says "Workshop" is one (Sessionize, spreadsheets).
    if not export_type and re.search(r"\bworkshop\b", event.title, re.IGNORECASE):
        return "workshop"
    return kind


def abstract_of(event: Event) -> str:
    """Subtitle (italic), then abstract and description as the booklet's Markdown (HTML
    converted, markup.imported_markdown), nothing printed twice (a description that
    repeats the abstract or only the subtitle is left out)."""
    paragraphs = []
    if event.subtitle and is_html(event.subtitle):  # "<b>New</b> ideas": its words, once
        paragraphs.append("*" + " ".join(imported_markdown(event.subtitle).split()) + "*")
    elif event.subtitle:
        paragraphs.append("*" + re.sub(r"([*_\\])", r"\\\1", event.subtitle) + "*")
    description = event.description
    if event.subtitle and same_words(description, event.subtitle):
        description = ""
    if text := abstract_and_description(event.abstract, description):
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


def same_words(one: str, other: str) -> bool:
    """Whether two texts say the same words (case, punctuation and markup aside)."""

    def words(value: str) -> list[str]:
        return re.findall(r"[^\W_]+", imported_markdown(value).casefold())

    return words(one) == words(other)


def language_code(event: Event, skipped: list[str]) -> str | None:
    """'en', also from 'EN' or 'en-GB'; the first of several ('de, en': 38C3's talks
    given in German, translated); None (reported) for what is not a language code."""
    if not event.language:
        return None
    first = re.split(r"\s*[,;/&+]\s*|\s+(?:and|und|og)\s+", event.language.strip())[0]
    if named := LANGUAGE_NAMES.get(first.casefold()):
        return named
    code = re.split(r"[-_]", first.lower())[0]
    if re.fullmatch(r"[a-z]{2}", code):
        return code
    skipped.append(
        f"{event.label}: language '{shortened(event.language)}' is not a two-letter code; left out"
    )
    return None


# --- ids, speakers and overlaps, across all items ----------------------------------------


class UniqueIds:
    """booklet.model.unique_id's ids (base, base-2, base-3...), in time linear in the
    items: the last number given to a base is remembered, not searched for from 2 again
    (40,000 events with one slug took minutes)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.numbers: dict[str, int] = {}

    def make(self, base: str) -> str:
        number = self.numbers.get(base, 1)
        while (candidate := base if number == 1 else f"{base}-{number}") in self.taken:
            number += 1
        self.numbers[base] = number
        self.taken.add(candidate)
        return candidate


def assign_sessions(items: list[Item]) -> list[dict]:
    """conference.yaml's sessions, one per session title the items name, in programme
    order; each item's session becomes that session's id."""
    ids = UniqueIds()
    sessions: dict[str, dict] = {}
    for item in items:
        title = item.data.get("session")
        if not title:
            continue
        if title not in sessions:
            sessions[title] = {"id": ids.make(slug(title, max_length=40)), "title": title}
        item.data["session"] = sessions[title]["id"]
    return list(sessions.values())


def assign_item_ids(items: list[Item], skipped: list[str]) -> None:
    """Each item its id; an id taken is reported once per id, however many items share it
    (a sheet's every "Break" and "TBD")."""
    ids = UniqueIds()
    renamed: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        base = slug(item.event.slug or item.event.export_id)
        item.data["id"] = ids.make(base)
        if item.data["id"] != base:
            renamed[base].append(item)
    for base, later in renamed.items():
        first, last = shortened(later[0].data["id"]), shortened(later[-1].data["id"])
        written = (
            f"written as '{first}'"
            if len(later) == 1
            else f"this and {len(later) - 1} more are written as '{first}' to '{last}'"
        )
        skipped.append(
            f"{later[0].event.label}: id '{shortened(base)}' is used by an earlier item; {written}"
        )


def assign_speaker_ids(items: list[Item], skipped: list[str]) -> list[dict]:
    """speakers.yaml's entries, in the order they first speak; items get their ids.

    A person is first one speaker per export id and name (merged exports reuse an id for
    two people); then speakers of one name, case, accents and spacing aside, are merged
    as one person (names.plan_merges: the first id is kept), and the merge is reported."""
    speakers: dict[tuple[str, str], dict] = {}
    names_of_id: dict[str, str] = {}
    id_notes: dict[str, str] = {}  # speaker id -> why it is not its name's slug
    ids = UniqueIds()
    for item in items:
        for person in item.event.persons:
            if not person.name:
                skipped.append(f"{item.event.label}: a person without a name; left out")
                continue
            if not says_something(person.name):  # "-", "?": a placeholder
                skipped.append(
                    f"{item.event.label}: person '{shortened(person.name)}' is no name; left out"
                )
                continue
            key = (person.export_id, person.name)
            if key not in speakers:
                first_name = names_of_id.setdefault(person.export_id, person.name)
                if person.export_id and first_name != person.name:
                    skipped.append(
                        f"person {shortened(person.export_id)}: named both "
                        f"'{shortened(first_name)}' and '{shortened(person.name)}'; "
                        "kept as two speakers"
                    )
                base = slug(person.name)
                speaker_id = ids.make(base)
                if speaker_id != base:
                    id_notes[speaker_id] = (
                        f"person {shortened(person.export_id) + ' ' if person.export_id else ''}"
                        f"'{shortened(person.name)}': id '{shortened(base)}' is another "
                        f"person's; written as '{shortened(speaker_id)}' "
                        "(merge them if they are one)"
                    )
                speakers[key] = {"id": speaker_id, "name": person.name}
                if person.family_name:
                    speakers[key]["family_name"] = person.family_name
            speaker = speakers[key]
            # What one talk leaves out, another may give (an affiliation, a photo).
            for key_name, value in (
                ("role", person.role),
                ("affiliation", person.affiliation),
                ("photo", person.photo),
            ):
                if value and key_name not in speaker:
                    speaker[key_name] = value
            if person.bio and "bio" not in speaker and (bio := imported_markdown(person.bio)):
                speaker["bio"] = bio
            item.data["speakers"].append(speaker["id"])

    plan = names.plan_merges(speakers.values())
    skipped.extend(note for sid, note in id_notes.items() if sid not in plan.merged)
    skipped.extend(plan.messages)
    for item in items:
        item.data["speakers"] = plan.speaker_ids(item.data["speakers"])
        if not item.data["speakers"]:
            del item.data["speakers"]  # a concert, a film: no speakers to list
    kept = plan.kept_speakers(list(speakers.values()))
    for speaker in kept:  # a duplicate's family name, spelt otherwise, is not the kept name's
        if "family_name" in speaker and not names.family_name_in_name(
            speaker["family_name"], speaker["name"]
        ):
            del speaker["family_name"]
    return kept


def leave_out_overlapping_ends(items: list[Item], skipped: list[str]) -> None:
    """booklet reports two items in one room that share a minute; real schedules have
    them (a "Lightning Talks" slot around its talks, a stage running late). The longer
    item loses its end, which keeps both in the programme and ends the complaint.

    The items that keep their ends never overlap, so those of one room and day are kept
    sorted by start, and their ends are then sorted too: an item overlaps one of them if
    it overlaps the first that ends after it starts, found by bisection. Comparing every
    item with every other took minutes for 1,500 items in one room."""
    kept: dict[tuple[str, datetime.date], list[tuple[int, int, Item]]] = defaultdict(list)
    for item in sorted(items, key=lambda item: item.duration_minutes or 0):
        times = item.written_span
        if times is None:
            continue
        start, end = times
        if not item.event.room:  # booklet sees no overlap outside a room
            continue
        in_room = kept[(item.event.room, item.day)]
        first = bisect.bisect_right(in_room, start, key=lambda kept_item: kept_item[1])
        if first == len(in_room) or in_room[first][0] >= end:
            in_room.insert(first, (start, end, item))
            continue
        del item.data["end"]
        other = in_room[first][2]
        skipped.append(
            f"{item.event.label}: overlaps {other.event.label} in "
            f"{shortened(item.event.room)}; end left out"
        )


# --- writing ------------------------------------------------------------------------------


def conference_data(
    title: str, acronym: str, rooms: list[str], items: list[Item], language: str = ""
) -> dict:
    days = sorted({item.day for item in items if item.day is not None})
    languages = Counter(
        item.data.get("language")
        for item in items
        if item.data.get("language") in available_languages()
    )
    data: dict = {
        "title": title,
        "organiser": acronym or title,
        "language": languages.most_common(1)[0][0] if languages else (language or "en"),
    }
    if days:
        data["date"] = days[0]
    if days and days[-1] != days[0]:
        data["end_date"] = days[-1]
    data["paper"] = "A5"
    data["rooms"] = rooms
    return data


class ContentDumper(yaml.SafeDumper):
    """SafeDumper that quotes clock times and writes long text as a block.

    yaml.safe_dump quotes '10:00' (YAML 1.1 reads it as the number 600) but not
    '09:30'; quoting every time makes the file say plainly that they are text."""


def represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None
    if "\n" in value:
        style = "|"  # PyYAML falls back to quotes when a block cannot hold the text
    elif CLOCK.fullmatch(value):
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


ContentDumper.add_representer(str, represent_text)


def yaml_text(part: str, data: object, notes: list[str]) -> str:
    header = [f"# yaml-language-server: $schema=schema/{part}.schema.json"]
    header += [f"# {note}" for note in notes]
    body = yaml.dump(data, Dumper=ContentDumper, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(header) + "\n" + body


def write_content(
    folder: Path,
    conference: dict,
    speakers: list[dict],
    programme: list[dict],
    photos: dict[str, str] | None = None,
    conference_notes: list[str] | None = None,
) -> None:
    what = "acronym" if conference["organiser"] != conference["title"] else "title"
    conference_notes = [
        *(conference_notes or []),
        f"organiser: the export names none, so this is the conference's {what};",
        "put the real organiser here.",
    ]
    programme_notes = ["Imported from a schedule export."]
    if any("start" in item and "end" not in item for item in programme):
        programme_notes += [
            "Items without an end overlap a shorter item in their room, had no usable",
            "duration or run more than half a day past midnight (see the import's report).",
        ]
    speaker_notes = []
    if photos:
        speaker_notes = [
            "Photos in the export, not downloaded: save one as photos/<id>.jpg in this",
            "folder and add `photo: photos/<id>.jpg` to the speaker.",
        ] + [f"  {speaker_id}: {address}" for speaker_id, address in photos.items()]
    files = {
        "conference.yaml": yaml_text("conference", conference, conference_notes),
        "speakers.yaml": yaml_text("speakers", speakers, speaker_notes),
        "programme.yaml": yaml_text("programme", programme, programme_notes),
    }
    try:
        (folder / "schema").mkdir(parents=True, exist_ok=True)
        for part in ("conference", "speakers", "programme"):
            (folder / "schema" / f"{part}.schema.json").write_text(
                schema_text(part), encoding="utf-8"
            )
        for filename, content in files.items():
            (folder / filename).write_text(content, encoding="utf-8")
    except OSError as error:
        raise BookletError(
            f"{display_path(folder)}: cannot write the content ({error.strerror})"
        ) from None
