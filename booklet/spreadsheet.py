"""A spreadsheet of the programme (CSV or XLSX) -> importer.Schedule.

One row per programme item under a header row. Columns are known by their header, in
English, Danish or German (HEADER_WORDS), or named with --column "HEADER=FIELD".

Reading choices:

- the header row is the first of the first rows with two known headers (or a first row
  that is just "Title"); the texts above it are the conference's title and subtitle
  ("Turbo på offentlig innovation" in A1). Danish or German headers set the language.
- CSV: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else
  Windows-1252 (Excel's "CSV" on a Western Windows); the delimiter is the one of
  ; , tab | that splits a header row into the most known headers.
- XLSX: the first sheet with a header row; values as Excel shows them (dates and
  times as dates and times, formulas as their last computed value).
- times: 9:30, 09.30, 9, "kl. 9.30", 2:30 pm, Excel times; a start cell "09:00-09:45"
  holds the end too; a duration column ("45 min", "1 h 30") gives the end; without
  either, an item ends when the next one in its room begins.
- dates: Excel dates, 2026-05-12, 12.5.2026, 12/05/2026, "12. maj 2026". An empty date
  cell repeats the date above; a row whose only cell is a date starts that day. A date
  column that counts days ("1", "Day 2", "Wed") is dated from --first-day, else from a
  placeholder (reported): undated, the booklet would sort the days into one.
- speakers: one cell may name several, split at ";", line breaks, " og ", " and ",
  " und ", " & " and " + ", and at commas between names. "Name, Role, Organisation"
  (or "Name (Organisation)") gives the speaker's role and affiliation; a two-part
  "Name, X" takes X as role when it reads as a job (professor, chef, leder…), else as
  the affiliation; "Müller, Anna" is Anna Müller. Separate role and affiliation columns
  go to the row's speakers. Rows that repeat an item (same title, day, time and room),
  one per speaker, are one item. R's NA and Excel's #N/A are empty cells.
- kind: a kind column, read as words like any export's type; a row without a title is
  titled by its kind ("Break"); without a kind, a row with no speakers whose title is a
  break word (Frokost, Kaffepause, Lunch) is a break.
- problems name file, row and column: "programme.csv:5:3: …".
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field

from .checks import PLACEHOLDER_FIRST_DAY
from .errors import BookletError
from .importer import (
    KIND_WORDS,
    Event,
    ImportOptions,
    Person,
    Schedule,
    add_room,
    clock_minutes,
    minutes_text,
    one_line,
    shortened,
    text,
)
from .model import slug

FIELDS = (
    "title", "speakers", "start", "end", "duration", "date", "room", "track", "session",
    "abstract", "affiliation", "role", "kind", "language", "ignore",
)  # fmt: skip
# Fields of which several columns are read and joined (a speaker and a co-author column).
JOINED_FIELDS = ("speakers", "abstract")

# Header words, compared without case, punctuation, "(s)" or "(e)" and digits, so that
# "Speaker(s)", "Oplægsholder(e)", "Speaker 2" and "Start:" are known. The language of
# the words found sets the booklet's language when nothing else does.
HEADER_WORDS: dict[str, dict[str, str]] = {
    "title": {
        "title": "en", "talk": "en", "session": "en", "session title": "en", "topic": "en",
        "titel": "da", "emne": "da", "oplæg": "da", "foredrag": "da", "programpunkt": "da",
        "overskrift": "da", "vortrag": "de", "thema": "de", "programmpunkt": "de",
        "vortragstitel": "de",
    },
    "speakers": {
        "speaker": "en", "speakers": "en", "presenter": "en", "presenters": "en",
        "oplægsholder": "da", "oplægsholdere": "da", "oplaegsholder": "da",
        "oplaegsholdere": "da", "foredragsholder": "da", "foredragsholdere": "da",
        "taler": "da", "talere": "da", "referent": "de", "referenten": "de",
        "referentin": "de", "sprecher": "de", "sprecherin": "de", "vortragende": "de",
        "name": "en", "names": "en", "navn": "da", "author": "en", "authors": "en",
        "coauthor": "en", "coauthors": "en", "co author": "en", "co authors": "en",
        "forfatter": "da", "forfattere": "da", "medforfatter": "da", "autor": "de",
        "autoren": "de", "autorin": "de", "koautor": "de", "persons": "en", "person": "en",
        "people": "en", "participants": "en", "deltagere": "da", "teilnehmer": "de",
        "teilnehmende": "de", "mitwirkende": "de",
    },
    "start": {
        "start": "en", "begin": "en", "start time": "en", "from": "en", "time": "en",
        "tid": "da", "starttid": "da", "fra": "da", "kl": "da", "klokken": "da",
        "tidspunkt": "da", "beginn": "de", "von": "de", "zeit": "de", "uhrzeit": "de",
        "startzeit": "de", "time start": "en", "start hour": "en", "starts": "en",
    },
    "end": {
        "end": "en", "end time": "en", "until": "en", "to": "en", "finish": "en",
        "slut": "da", "sluttid": "da", "til": "da", "ende": "de", "bis": "de",
        "endzeit": "de", "time end": "en", "end hour": "en", "ends": "en",
    },
    "duration": {
        "duration": "en", "length": "en", "minutes": "en", "varighed": "da",
        "minutter": "da", "dauer": "de", "länge": "de", "minuten": "de",
    },
    "date": {
        "date": "en", "day": "en", "dato": "da", "dag": "da", "datum": "de", "tag": "de",
    },
    "room": {
        "room": "en", "location": "en", "stage": "en", "venue": "en", "hall": "en",
        "lokale": "da", "sal": "da", "sted": "da", "rum": "da", "raum": "de", "saal": "de",
        "ort": "de",
    },
    "track": {
        "track": "en", "stream": "en", "section": "en", "spor": "da", "strang": "de",
        "sektion": "de",
    },
    "session": {
        "panel title": "en", "panel name": "en", "block": "en", "session block": "en",
        "sitzung": "de", "paneltitel": "de",
    },
    "abstract": {
        "abstract": "en", "summary": "en", "description": "en", "resumé": "da",
        "resume": "da", "resumè": "da", "beskrivelse": "da", "indhold": "da",
        "zusammenfassung": "de", "kurzfassung": "de", "beschreibung": "de",
        "inhalt": "de", "info": "en", "details": "en", "noter": "da",
    },
    "affiliation": {
        "affiliation": "en", "organisation": "en", "organization": "en", "company": "en",
        "institution": "en", "organisationer": "da", "virksomhed": "da",
        "arbejdsplads": "da", "firma": "de", "unternehmen": "de", "organisationen": "de",
        "presenter affiliation": "en", "speaker affiliation": "en", "institut": "de",
        "zugehörigkeit": "de",
    },
    "role": {
        "role": "en", "job title": "en", "position": "en", "rolle": "da",
        "stilling": "da", "stillingsbetegnelse": "da", "funktion": "de",
    },
    "kind": {
        "kind": "en", "type": "en", "format": "en", "type of session": "en",
        "slags": "da", "art": "de", "typ": "de", "format des beitrags": "de",
    },
    "language": {"language": "en", "sprog": "da", "sprache": "de"},
}  # fmt: skip

# A two-part "Name, X": X is a role when one of these is a word of it, else an organisation.
ROLE_WORDS = (
    "professor", "lektor", "adjunkt", "ph.d", "phd", "postdoc", "chef", "leder", "direktør",
    "director", "manager", "head", "ceo", "cto", "cfo", "founder", "stifter", "partner",
    "konsulent", "consultant", "specialist", "analytiker", "analyst", "rådgiver",
    "advisor", "minister", "borgmester", "formand", "chair", "president", "engineer",
    "ingeniør", "researcher", "forsker", "student", "architect", "developer",
    "udvikler", "officer", "koordinator", "coordinator", "geschäftsführer", "leiter",
    "leiterin", "referent", "sekretær", "secretary", "senior", "junior", "dr",
)  # fmt: skip
# Words of an organisation's name, not a person's: "Aarhus Kommune", "Center for …".
ORGANISATION_WORDS = (
    "kommune", "region", "universitet", "university", "gmbh", "a/s", "aps", "ltd", "inc",
    "center", "centre", "institut", "institute", "ministeriet", "ministerium", "styrelsen",
)  # fmt: skip
# Between two speakers in one cell.
SPEAKER_SEPARATORS = re.compile(
    r"\s*(?:;|\n|\r|\s&\s|\s\+\s|\s+og\s+|\s+and\s+|\s+und\s+|\s+samt\s+)\s*", re.IGNORECASE
)
TIME = re.compile(
    r"(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?(?:[:.]\d{2})?\s*(?:h|uhr|(a|p)\.?m\.?)?", re.I
)
TIME_RANGE = re.compile(r"\s*(.+?)\s*(?:-|–|—|to|til|bis)\s*(.+?)\s*", re.IGNORECASE)
BREAK_WORDS = next(words for kind, words in KIND_WORDS if kind == "break") + (
    "kaffe", "pause", "frokost", "middag", "dinner", "reception", "registrering",
    "registration", "ankomst", "arrival", "kaffee", "mittag",
)  # fmt: skip
DELIMITERS = (";", ",", "\t", "|")
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]+\)")
HEADER_SEARCH_ROWS = 10
# A programme of thousands of rows unpacks to a few MB.
MAX_UNPACKED_BYTES = 200 * 1024**2
MAX_ROWS = 100_000  # up to the last written row; a programme has a few thousand
MAX_COLUMNS = 200  # read of each row: a cell at column ZZZ is not 18,000 empty ones


def parse_column_options(written: list[str]) -> dict[str, str]:
    """--column "HEADER=FIELD" options -> {normalised header: field}."""
    columns: dict[str, str] = {}
    for option in written:
        header, equals, field_name = option.rpartition("=")
        field_name = field_name.strip().casefold()
        if not equals or not header.strip():
            raise BookletError(
                f"--column '{shortened(option, 60)}': write it as HEADER=FIELD, "
                "e.g. --column 'Foredragsholder=speakers'"
            )
        if field_name not in FIELDS:
            raise BookletError(
                f"--column '{shortened(option, 60)}': no field '{shortened(field_name, 40)}'; "
                f"choose from {', '.join(FIELDS)}"
            )
        columns[normalised_header(header)] = field_name
    return columns


def normalised_header(header: object) -> str:
    """A header as its words ("Speaker(s) 2" is "speaker"); a header of digits or signs
    alone ("1", c3voc's numbered speaker columns) as it is written."""
    words = re.sub(r"\((?:s|e|er|en|in|innen)\)", "", text(header).casefold())
    words = re.sub(r"[^\w\s]|\d|_", " ", words)
    return " ".join(words.split()) or " ".join(text(header).casefold().split())


@dataclass
class Sheet:
    """The rows of a sheet as cell values, and how to name a place in it."""

    name: str  # "programme.csv", or "programme.xlsx" (+ " sheet 'Day 2'" when not first)
    rows: list[list[object]]
    title_hint: str = ""  # the workbook's own title, when it has one


@dataclass
class Columns:
    """Which column (0-based) holds which field; several for speakers."""

    of_field: dict[str, list[int]] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    language: str = ""
    # Speakers in numbered columns (1, 2, 3 under "Vortragende"): a person to a cell,
    # "Name, Organisation" never two people.
    person_per_cell: bool = False

    def first(self, name: str) -> int | None:
        found = self.of_field.get(name)
        return found[0] if found else None


# --- reading the file into rows -----------------------------------------------------------


def read_csv(data: bytes, name: str, skipped: list[str], options: ImportOptions) -> Schedule:
    text_content = decoded(data, skipped, name)
    lines = text_content.splitlines()
    if not any(line.strip() for line in lines):
        raise BookletError(f"{name}: the file is empty")
    try:  # (a field longer than csv's limit, 128 kB, is an error, in the first lines too)
        delimiter = best_delimiter(lines[:HEADER_SEARCH_ROWS], options)
        rows = [list(row) for row in csv.reader(io.StringIO(text_content), delimiter=delimiter)]
    except csv.Error as error:
        raise BookletError(f"{name}: not a readable CSV file: {error}") from None
    return read_sheet(Sheet(name, rows), skipped, options)


def decoded(data: bytes, skipped: list[str], name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        skipped.append(f"{name}: not UTF-8; read as Windows-1252 (Excel's CSV on Windows)")
        return data.decode("cp1252", errors="replace")


def best_delimiter(lines: list[str], options: ImportOptions) -> str:
    """The delimiter that splits one of the first lines into the most known headers,
    else the one that splits the first line into the most cells."""

    def known_headers(delimiter: str) -> int:
        best = 0
        for row in csv.reader(lines, delimiter=delimiter):
            best = max(best, sum(1 for cell in row if header_field(cell, options)))
        return best

    ranked = sorted(DELIMITERS, key=lambda d: (known_headers(d), lines[0].count(d)), reverse=True)
    return ranked[0]


def read_xlsx(data: bytes, name: str, skipped: list[str], options: ImportOptions) -> Schedule:
    import openpyxl  # only a spreadsheet import needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = set(archive.namelist())
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise BookletError(f"{name}: a damaged zip file, not a readable workbook") from None
    if unpacked > MAX_UNPACKED_BYTES:  # a few kB that unpack to gigabytes
        raise BookletError(
            f"{name}: the workbook unpacks to {unpacked / 1024**2:,.0f} MB, more than a "
            f"programme's {MAX_UNPACKED_BYTES // 1024**2} MB; not read"
        )
    if "xl/workbook.xml" not in members:
        what = (
            "an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV"
            if "content.xml" in members
            else "a zip file that is not an Excel workbook (.xlsx)"
        )
        raise BookletError(f"{name}: {what}")
    with warnings.catch_warnings():
        # openpyxl warns of every extension it skips (LibreOffice's, Excel's data
        # validation): nothing an organiser can act on.
        warnings.simplefilter("ignore", UserWarning)
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile) as error:
            raise BookletError(f"{name}: not a readable XLSX workbook ({error})") from None
        try:
            title_hint = one_line(workbook.properties.title) if workbook.properties else ""
            sheets = []
            for index, worksheet in enumerate(workbook.worksheets):
                sheet_name = name if index == 0 else f"{name} sheet '{worksheet.title}'"
                sheets.append(Sheet(sheet_name, written_rows(worksheet, sheet_name), title_hint))
        finally:
            workbook.close()
    for sheet in sheets:  # the first sheet with a header row; the others are reported
        if find_header(sheet.rows, options) is not None:
            others = [other.name for other in sheets if other is not sheet]
            if others:
                skipped.append(
                    f"{name}: read {sheet.name}; not read: "
                    + ", ".join(other.name.removeprefix(name + " ") for other in others)
                )
            return read_sheet(sheet, skipped, options)
    return read_sheet(sheets[0] if sheets else Sheet(name, []), skipped, options)


def written_rows(worksheet, name: str) -> list[list]:
    """A sheet's rows up to the last that holds a value, each up to its last value.

    Not the rows and columns the sheet declares: LibreOffice saves a sheet of 15 rows as
    A1:AMK1048576, and openpyxl would fill a billion empty cells (8 GB, four minutes)."""
    worksheet.reset_dimensions()
    rows: list[list] = []
    empty = 0  # empty rows since the last written one: kept only if a written one follows
    for row in worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        if not cells:
            empty += 1
            continue
        rows += [[] for _ in range(empty)]
        rows.append(cells)
        empty = 0
        if len(rows) > MAX_ROWS:
            raise BookletError(
                f"{name}: more than {MAX_ROWS:,} rows; a programme has a few thousand; not read"
            )
    return rows


# --- the header row ---------------------------------------------------------------------------


def header_field(cell: object, options: ImportOptions) -> tuple[str, str] | None:
    """(field, language of the word) for a header cell, or None when it is not known."""
    header = normalised_header(cell)
    if not header:
        return None
    if header in options.columns:
        return options.columns[header], ""
    for field_name, words in HEADER_WORDS.items():
        if header in words:
            return field_name, words[header]
    return None


def find_header(rows: list[list[object]], options: ImportOptions) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = {found[0] for cell in row if (found := header_field(cell, options))}
        if (
            fields == {"title"}
            and [c for c in row if one_line(c)]
            and index == next(i for i, r in enumerate(rows) if any(one_line(c) for c in r))
        ):
            return index  # a list of titles under "Title"
        if "title" in fields and len(fields) >= 2 or len(fields - {"ignore"}) >= 3:
            return index
        # A row of the headers named by --column, not one whose words merely mean the
        # same fields (a group's header above the numbered columns named).
        named = any(normalised_header(cell) in options.columns for cell in row)
        if named and fields and fields <= set(options.columns.values()):
            return index
    return None


def read_columns(
    header_row: list[object],
    sheet: Sheet,
    options: ImportOptions,
    skipped: list[str],
    group_row: list[object] | None = None,
) -> Columns:
    """The fields of the header row's columns. Numbered columns (1, 2, 3) under a known
    header in the row above ("Vortragende" over three columns, c3voc's template) are all
    of that header's field."""
    columns = Columns(headers=[one_line(cell) for cell in header_row])
    languages: dict[str, int] = {}
    unused = []
    group: tuple[str, str] | None = None  # the field of the numbered columns in a run
    for index, cell in enumerate(header_row):
        found = header_field(cell, options)
        numbered = found is None and re.fullmatch(r"\d{1,2}", one_line(cell)) is not None
        above = group_row[index] if group_row and index < len(group_row) else None
        if not numbered:
            group = None
        elif one_line(above):
            group = header_field(above, options)
        if numbered and group is not None:
            found = group
            columns.person_per_cell |= group[0] == "speakers"
        if found is None:
            if one_line(cell):
                unused.append(f"'{shortened(one_line(cell), 40)}' ({index + 1})")
            continue
        field_name, language = found
        if field_name == "ignore":
            continue
        if field_name in columns.of_field and field_name not in JOINED_FIELDS:
            skipped.append(
                f"{sheet.name}:{1}:{index + 1}: a second '{field_name}' column "
                f"('{shortened(one_line(cell), 40)}'); not read"
            )
            continue
        columns.of_field.setdefault(field_name, []).append(index)
        if language:
            languages[language] = languages.get(language, 0) + 1
    if unused:
        skipped.append(
            f"{sheet.name}: columns not read: {', '.join(unused)}; name one with "
            "--column 'HEADER=FIELD'"
        )
    for option_header in options.columns:
        if option_header not in {normalised_header(cell) for cell in header_row}:
            skipped.append(f"{sheet.name}: --column '{option_header}': no such header")
    # Danish or German headers say the booklet's language ("Titel" is both: counted twice).
    if languages:
        columns.language = max(sorted(languages), key=lambda code: languages[code])
    return columns


# --- rows -> events ------------------------------------------------------------------------------


def read_sheet(sheet: Sheet, skipped: list[str], options: ImportOptions) -> Schedule:
    header_index = find_header(sheet.rows, options)
    group_row = sheet.rows[header_index - 1] if header_index else None
    schedule = Schedule("", "", [], [], source=sheet)
    if header_index is None:
        first = next((row for row in sheet.rows if any(one_line(c) for c in row)), [])
        shown = ", ".join(f"'{shortened(one_line(c), 30)}'" for c in first[:8] if one_line(c))
        schedule.described = (
            f"a spreadsheet whose first rows have no header row booklet knows "
            f"(first row: {shown or 'empty'}); expected headers such as Title/Titel, "
            "Speaker/Oplægsholder/Referent, Start/Tid/Beginn, End/Slut, Room/Lokale/Raum, "
            "Date/Dato/Datum, or --column 'HEADER=FIELD'"
        )
        return schedule
    columns = read_columns(sheet.rows[header_index], sheet, options, skipped, group_row)
    schedule.language = columns.language if columns.language != "en" else ""
    # The texts above the header: title and subtitle. Not a group's header, nor a
    # template's placeholder ("<Veranstaltungsname>", "[Title]").
    above = [
        one_line(c)
        for row in sheet.rows[:header_index]
        for c in row
        if one_line(c)
        and not (row is group_row and header_field(c, options))
        and not re.fullmatch(r"<[^<>]*>|\[[^\[\]]*\]|\{[^{}]*\}", one_line(c))
    ]
    schedule.title = above[0] if above else sheet.title_hint
    schedule.subtitle = above[1].lstrip("–—- ") if len(above) > 1 else ""
    if "title" not in columns.of_field and "session" in columns.of_field:
        columns.of_field["title"] = columns.of_field.pop("session")  # "Session | Speaker | Time"
    if "title" not in columns.of_field:
        schedule.described = (
            f"a spreadsheet with a header row (row {header_index + 1}: "
            f"{', '.join(repr(h) for h in columns.headers if h)}) but no title column; "
            "expected Title/Titel/Vortrag, or --column 'HEADER=title'"
        )
        return schedule
    reader = RowReader(sheet, columns, options, skipped)
    for row_index in range(header_index + 1, len(sheet.rows)):
        reader.read(sheet.rows[row_index], row_index + 1)
    schedule.events = reader.finished_events()
    for event in schedule.events:
        add_room(schedule, event.room)
    if not schedule.events:
        schedule.described = (
            f"a spreadsheet with a header row (row {header_index + 1}) and no rows of items "
            "under it"
        )
    return schedule


class RowReader:
    """Rows -> events, with what rows pass on to the rows below them: the date a day's
    first row (or a row of its own) names, and an item a row repeats to add a speaker."""

    def __init__(
        self, sheet: Sheet, columns: Columns, options: ImportOptions, skipped: list[str]
    ) -> None:
        self.sheet, self.columns, self.options, self.skipped = sheet, columns, options, skipped
        self.events: list[Event] = []
        self.current_date: datetime.date | None = None
        self.day_labels: list[str] = []  # "1", "Wed": days the sheet names without a date
        self.current_label = ""
        self.same_item: dict[tuple, Event] = {}
        self.repeated_rows = 0
        self.untitled: dict[str, int] = {}  # kind -> rows titled by it
        self.first_day = (
            datetime.date.fromisoformat(options.first_day) if options.first_day else None
        )

    def read(self, row: list[object], row_number: int) -> None:
        row = [None if is_empty(value) else value for value in row]
        values = [value for value in row if one_line(value)]
        if not values:
            return
        if len(values) == 1 and (day := as_date(values[0])) is not None:
            self.current_date = day  # "Tirsdag 12.5.2026" over the day's rows
            return
        event = row_event(self.sheet, row, row_number, self.columns, self, self.skipped)
        if event is None:
            return
        if not event.title and event.type:  # "Break" or "Lunch" only in the kind column
            event.title = event.type
            self.untitled[event.type] = self.untitled.get(event.type, 0) + 1
        key = (event.title.casefold(), event.day, event.day_order, event.start, event.room)
        if event.title and key in self.same_item:  # one row per speaker of the same item
            earlier = self.same_item[key]
            names = {person.name.casefold() for person in earlier.persons}
            earlier.persons += [p for p in event.persons if p.name.casefold() not in names]
            self.repeated_rows += 1
            return
        self.same_item[key] = event
        self.events.append(event)

    def day_of(self, written: object) -> tuple[datetime.date | None, int, bool]:
        """(date, day number, readable) of a date cell; an empty cell is the day above.
        A cell that names a day without a date ("1", "Day 2", "Wed") is a day label,
        counted from --first-day when given; else its number orders the days, and
        finished_events dates them from a placeholder."""
        if not one_line(written):
            return self.current_date, self.label_number(self.current_label), True
        if (day := as_date(written)) is not None:
            self.current_date = day
            return day, 0, True
        label = one_line(written)
        if not re.fullmatch(r"(?:day|dag|tag)?\s*\d{1,2}\.?|[^\d\W]{2,12}\.?", label, re.I):
            return None, 0, False
        self.current_label = label
        number = self.label_number(label)
        if self.first_day is not None:
            self.current_date = self.first_day + datetime.timedelta(days=number - 1)
            return self.current_date, 0, True
        return None, number, True

    def label_number(self, label: str) -> int:
        if not label:
            return 0
        if label not in self.day_labels:
            self.day_labels.append(label)
        return self.day_labels.index(label) + 1

    def finished_events(self) -> list[Event]:
        name = self.sheet.name
        if self.repeated_rows:
            self.skipped.append(
                f"{name}: {self.repeated_rows} row(s) repeat an item above (same title, day, "
                "time and room) to add its speakers; joined into that item"
            )
        if len(self.day_labels) > 1 and self.first_day is None:
            # Undated, the booklet would sort the days' items into one day by time.
            shown = ", ".join(f"'{shortened(label, 20)}'" for label in self.day_labels[:5])
            for event in self.events:
                if event.day_order:
                    day = PLACEHOLDER_FIRST_DAY + datetime.timedelta(days=event.day_order - 1)
                    event.day = day.isoformat()
            self.skipped.append(
                f"{name}: the date column names days ({shown}), not dates: they are dated "
                f"from {PLACEHOLDER_FIRST_DAY.isoformat()}, a placeholder; import again with "
                "--first-day YYYY-MM-DD to date them"
            )
        elif "date" not in self.columns.of_field and any(e.start for e in self.events):
            self.skipped.append(
                f"{name}: no date column: items are written without a day (add date: to "
                "conference.yaml, and day: to items of a conference of several days)"
            )
        if self.untitled:
            shown = ", ".join(sorted(self.untitled)[:5])
            self.skipped.append(
                f"{name}: {sum(self.untitled.values())} row(s) without a title: titled by "
                f"their kind ({shown})"
            )
        if not {"end", "duration"} & self.columns.of_field.keys():
            self.end_at_next_start()
        for event in self.events:
            event.dateless = not event.day
        return self.events

    def end_at_next_start(self) -> None:
        """A sheet of start times only: an item ends when the next one in its room (or,
        without rooms, the next one) begins; the day's last has no end."""
        following: dict[tuple, list[Event]] = {}
        for event in self.events:
            if event.start:
                following.setdefault((event.day, event.day_order, event.room), []).append(event)
        ended = 0
        for events in following.values():
            events.sort(key=lambda event: clock_minutes(event.start))
            for event in events:
                begins = clock_minutes(event.start)
                later = next((o for o in events if clock_minutes(o.start) > begins), None)
                if later is not None and not event.duration:
                    event.duration = minutes_text(clock_minutes(later.start) - begins)
                    ended += 1
        if ended:
            self.skipped.append(
                f"{self.sheet.name}: no end column: each item ends when the next one in its "
                "room begins; the last of a day has no end"
            )


NOT_APPLICABLE = {"na", "n/a", "#n/a", "-", "–", "none", "null"}


def is_empty(value: object) -> bool:
    """An empty cell, or one that says so (R writes NA, Excel #N/A)."""
    return value is None or (isinstance(value, str) and value.strip().casefold() in NOT_APPLICABLE)


def cell(row: list[object], index: int | None) -> object:
    if index is None or index >= len(row):
        return None
    return row[index]


def joined_cells(row: list[object], indexes: list[int] | None) -> str:
    return "\n".join(text(cell(row, index)) for index in indexes or [] if text(cell(row, index)))


def row_event(
    sheet: Sheet,
    row: list[object],
    row_number: int,
    columns: Columns,
    reader: RowReader,
    skipped: list[str],
) -> Event | None:
    place = f"{sheet.name}:{row_number}"
    # "[more](dinner.html)": a Markdown link in a title prints its words.
    title = MARKDOWN_LINK.sub(r"\1", one_line(cell(row, columns.first("title"))))
    event = Event(
        export_id=str(row_number),
        title=title,
        room=one_line(cell(row, columns.first("room"))),
        day="",
        day_start_hour=None,
        slug=slug(title, max_length=48) if title else "",
        abstract=joined_cells(row, columns.of_field.get("abstract")),
        type=one_line(cell(row, columns.first("kind"))),
        track=one_line(cell(row, columns.first("track"))),
        language=one_line(cell(row, columns.first("language"))),
        session=one_line(cell(row, columns.first("session"))),
        where=place,
    )

    def problem(field_name: str, message: str) -> None:
        column = columns.first(field_name)
        skipped.append(f"{place}:{(column or 0) + 1}: '{shortened(title)}': {message}")

    # The date: its own cell, a date the start cell holds, or the last one above.
    date_value = cell(row, columns.first("date"))
    day, event.day_order, readable = reader.day_of(date_value)
    if not readable:
        problem("date", f"date '{shortened(one_line(date_value), 40)}' is not a date; skipped")
        return None
    start_value, end_value = cell(row, columns.first("start")), cell(row, columns.first("end"))
    # "09:00-09:45" in the start cell holds the end too.
    parts = TIME_RANGE.fullmatch(start_value) if isinstance(start_value, str) else None
    if parts and not one_line(end_value) and as_minutes(parts[2]) is not None:
        start_value, end_value = parts[1], parts[2]
    start = as_minutes(start_value) if one_line(start_value) else None
    if one_line(start_value) and start is None:
        problem("start", f"start '{shortened(one_line(start_value), 40)}' is not a time; skipped")
        return None
    # Excel's date and time in one cell; a time alone is written on 1899-12-30.
    if isinstance(start_value, datetime.datetime) and day is None and start_value.year > 1900:
        day = start_value.date()
    end = as_minutes(end_value) if one_line(end_value) else None
    if one_line(end_value) and end is None:
        problem("end", f"end '{shortened(one_line(end_value), 40)}' is not a time; left out")
    duration_value = cell(row, columns.first("duration"))
    duration = duration_minutes(duration_value)
    if one_line(duration_value) and duration is None:
        problem(
            "duration",
            f"duration '{shortened(one_line(duration_value), 40)}' is not minutes; left out",
        )
    if start is not None:
        event.start = minutes_text(start)
        if end is not None:
            length = (end - start) % (24 * 60)
            if length:
                event.duration = minutes_text(length)
            else:
                problem("end", f"ends when it starts ({minutes_text(end)}); end left out")
        elif duration:
            event.duration = minutes_text(duration)
    if day is not None:
        event.day = day.isoformat()
    event.persons = row_speakers(row, columns)
    if not event.type and not event.persons and is_break_title(title):
        event.type = "break"
    return event


def as_minutes(value: object) -> int | None:
    """Minutes after midnight of a time cell: text, an Excel time, or a day fraction."""
    if isinstance(value, datetime.datetime | datetime.time):
        return value.hour * 60 + value.minute
    if isinstance(value, float) and 0 <= value < 1:  # Excel's time as a fraction of a day
        return round(value * 24 * 60) % (24 * 60)
    match = TIME.fullmatch(one_line(value))
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2] or 0)
    if match[3]:  # 9:30 am, 2 PM, 0:00 a.m.
        if hours > 12:
            return None
        hours = hours % 12 + (12 if match[3].casefold() == "p" else 0)
    if hours == 24 and minutes == 0:  # midnight, as the day's end: the night after it
        hours = 0
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def duration_minutes(value: object) -> int | None:
    """Minutes of a duration cell: 45, "45 min", "1h", "1 h 30", "0:45", an Excel time."""
    if isinstance(value, float) and 0 < value < 1:  # an Excel time: a fraction of a day
        return round(value * 24 * 60) or None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 24 * 60:
        return int(value)
    if isinstance(value, datetime.time):
        return value.hour * 60 + value.minute or None
    written = one_line(value).casefold()
    if match := re.fullmatch(r"(\d{1,4})\s*(?:min|minutes|minutter|minuten|m)?\.?", written):
        return int(match[1]) or None
    if match := re.fullmatch(r"(\d{1,2})[:.](\d{2})", written):
        return int(match[1]) * 60 + int(match[2]) or None
    if match := re.fullmatch(
        r"(\d{1,2})\s*(?:h|hours?|timer?|std|stunden?)\.?\s*(\d{1,2})?.*", written
    ):
        return int(match[1]) * 60 + int(match[2] or 0) or None
    return None


ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")  # 2026-05-12
# 12.5.2026, 5/12/2026, 27/12/14 (a year of two digits is this century's)
NUMERIC_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)")
# "12. maj 2026", "12 May 2026", "May 12, 2026", "Dienstag, 12. Mai 2026".
WORDED_DATE = re.compile(
    r"(?:(\d{1,2})\.?\s+([^\W\d]{3,})\.?|([^\W\d]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?)\s+(\d{4})"
)
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "mär": 3, "apr": 4, "may": 5, "maj": 5, "mai": 5,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12,
    "dez": 12,
}  # fmt: skip


def as_date(value: object) -> datetime.date | None:
    """The date of a date cell: an Excel date, 2026-05-12, 12.5.2026, 12-05-2026,
    12/05/2026 (5/12/2026 when the 12 can only be the day), 27/12/14, "12. maj 2026"."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    written = one_line(value)
    try:
        if match := ISO_DATE.search(written):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := NUMERIC_DATE.search(written):
            first, second = int(match[1]), int(match[3])
            if match[2] == "/" and second > 12:  # the American way: month/day/year
                first, second = second, first
            year = int(match[4]) + (2000 if len(match[4]) == 2 else 0)
            return datetime.date(year, second, first)
        if match := WORDED_DATE.search(written):
            day, month_word = (match[1], match[2]) if match[1] else (match[4], match[3])
            month = MONTHS.get(month_word[:3].casefold())
            return datetime.date(int(match[5]), month, int(day)) if month else None
    except ValueError:  # 31.2.2026
        return None
    return None


def is_break_title(title: str) -> bool:
    letters = "".join(c for c in title.casefold() if c.isalpha() or c.isspace())
    return any(word in letters for word in BREAK_WORDS) and len(letters.split()) <= 4


# --- speakers ----------------------------------------------------------------------------


def row_speakers(row: list[object], columns: Columns) -> list[Person]:
    if columns.person_per_cell:
        cells = [text(cell(row, index)) for index in columns.of_field.get("speakers", [])]
        people = [person for written in cells for person in speakers_in_cell(written, one=True)]
    else:
        people = speakers_in_cell(joined_cells(row, columns.of_field.get("speakers")))
    for field_name in ("role", "affiliation"):
        written = text(cell(row, columns.first(field_name)))
        if not written or not people:
            continue
        values = [one_line(part) for part in SPEAKER_SEPARATORS.split(written) if one_line(part)]
        for position, person in enumerate(people):
            # One value for all, or one per speaker when the counts agree.
            value = values[position] if len(values) == len(people) else one_line(written)
            if not getattr(person, field_name):
                setattr(person, field_name, value)
    return people


def speakers_in_cell(written: str, one: bool = False) -> list[Person]:
    """The people a cell names; `one`: the cell names one person at most."""
    people = []
    for part in [written] if one else SPEAKER_SEPARATORS.split(written):
        part = one_line(part)
        if not part:
            continue
        pieces = [one_line(piece) for piece in part.split(",") if one_line(piece)]
        if not one and len(pieces) >= 2 and all(looks_like_name(piece) for piece in pieces):
            people.extend(person_from(piece) for piece in pieces)  # "Anne Vest, Ole Bech"
        elif len(pieces) == 2 and all(is_single_name(piece) for piece in pieces):
            # "Müller, Anna": family name first, as lists of authors are written.
            people.append(Person("", f"{pieces[1]} {pieces[0]}", family_name=pieces[0]))
        elif len(pieces) >= 3:
            people.append(person_from(pieces[0], pieces[1], ", ".join(pieces[2:])))
        elif len(pieces) == 2:
            second = pieces[1]
            if is_role(second):
                people.append(person_from(pieces[0], role=second))
            else:
                people.append(person_from(pieces[0], affiliation=second))
        elif pieces:
            people.append(person_from(pieces[0]))
    return people


def person_from(name: str, role: str = "", affiliation: str = "") -> Person:
    # "Eva Rasmussen (RUC)": the brackets hold the organisation.
    if (match := re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name)) and not affiliation:
        name, affiliation = match[1], match[2]
    return Person("", one_line(name), role=one_line(role), affiliation=one_line(affiliation))


def is_role(words: str) -> bool:
    folded = words.casefold()
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded) for word in ROLE_WORDS) or (
        any(folded.endswith(ending) for ending in ("chef", "leder", "direktør", "konsulent"))
    )


def is_single_name(word: str) -> bool:
    """One capitalised word that is neither an acronym (RUC), a role nor an organisation."""
    return (
        len(word.split()) == 1
        and word[:1].isupper()
        and not word.isupper()
        and not is_role(word)
        and word.casefold() not in ORGANISATION_WORDS
    )


def looks_like_name(words: str) -> bool:
    """'Anne Vest Hansen' reads as a person's name; 'RUC', 'Professor' and 'Aarhus
    Kommune' as a rule do not (a single word, or a role or organisation word)."""
    parts = words.split()
    if not 2 <= len(parts) <= 5 or is_role(words):
        return False
    if any(part.casefold() in ORGANISATION_WORDS for part in parts):
        return False
    # Capitalised words, not acronyms; small particles ("van", "de") between them.
    capitalised = (part[:1].isupper() and not part.isupper() for part in parts)
    particles = (part.islower() and len(part) <= 3 for part in parts)
    return parts[0][:1].isupper() and all(
        a or b for a, b in zip(capitalised, particles, strict=True)
    )
