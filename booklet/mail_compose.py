"""Invitations by email, composed: the recipients, the templates, the messages.

`write_invitations` renders the templates in CONTENT/mail/ (subject.txt, invitation.txt,
invitation.html) for every row of the CSV and writes one .eml file per recipient, with
the booklet's PDF and, when the conference has a date, a calendar invitation attached.
Sending them is mail_delivery.py's job; personal copies of the booklet (a name on the
cover, a page of the reader's talks) are personal_copies.py's.

What stops everything, before a file is written: a CSV that cannot be read as a whole (not
UTF-8, no header, no `email` column) and any mistake in the templates. What stops only one
row: a bad or repeated address, an empty row. That row gets no invitation and is reported;
the other rows are written all the same, and the command exits 1 at the end. When every
row is wrong, nothing is written.

Content and CSV are untrusted: the templates run in Jinja's sandbox, the HTML template
escapes every value, and no value can add a header to a message.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import re
import traceback
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from jinja2 import (
    BaseLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    select_autoescape,
)

from . import labels
from .checks import did_you_mean
from .errors import BookletError, ContentError, Problem, display_path
from .files import UnsafeFileError, own_folder, read_regular_file, write_atomically
from .load import load_content
from .model import Conference, slug
from .sandbox import MAX_TEMPLATE_BYTES, TemplateSandbox, budgeted

MAIL_FOLDER = "mail"  # the templates in the content folder, the messages in the output
SUBJECT, TEXT, HTML = "subject.txt", "invitation.txt", "invitation.html"
COPIES_FOLDER = "copies"  # personal copies of the booklet, beside the messages

# A domain as mail servers accept it: labels of letters, digits and hyphens, at least two.
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")


# --- the recipients ----------------------------------------------------------------


# Bounds on the recipient list, far above a real one, so that a file made to be large
# cannot fill the memory: 50 MB of short rows held as lists and dicts took 1 GB. A value
# costs some 60 bytes in memory however short it is in the file, hence MAX_VALUES.
MAX_CSV_BYTES = 20 * 1024**2
MAX_RECIPIENT_ROWS = 100_000
MAX_VALUES = 2_000_000  # e.g. 100,000 rows of 20 columns
MAX_COLUMNS = 1_000
# The longest address a mail server takes (RFC 5321: a path of 256 with its < and >).
MAX_ADDRESS_LENGTH = 254


class RowFields(Mapping[str, str]):
    """A row's values by their column's name, "" for a column the row leaves out: the
    template's `recipient`. A view over the row's values, not a dict of its own, so that
    a long list of many columns costs what its values cost."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple[str, ...]):
        self._index, self._values = index, values  # index: column name -> position

    def __getitem__(self, column: str) -> str:
        position = self._index[column]
        return self._values[position] if position < len(self._values) else ""

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@dataclass
class Recipient:
    line: int  # where the row starts in the CSV, as a spreadsheet numbers it
    address: str
    fields: Mapping[str, str]  # every column by its header name: the template's `recipient`

    @property
    def name(self) -> str:
        return " ".join(self.fields.get("name", "").split())


@dataclass
class RecipientList:
    recipients: list[Recipient]
    columns: list[str]
    problems: list[Problem]  # rows that get no invitation, and warnings


def read_recipients(csv_path: Path) -> RecipientList:
    """The rows of the CSV that can be sent to, and a problem for every one that cannot.

    Raises ContentError when the file as a whole is unusable (unreadable, not UTF-8, no
    header, no `email` column, over the limits above)."""
    csv_path = Path(csv_path)
    shown = display_path(csv_path)

    def fatal(line: int, message: str) -> ContentError:
        return ContentError([Problem(shown, line, 0, "", message)])

    try:
        # Any file the user names (links may lead anywhere), but a regular one: a named
        # pipe is not waited on, a device or a sparse file not read into memory.
        anywhere = [Path(csv_path.absolute().anchor)]
        data = read_regular_file(csv_path, anywhere, MAX_CSV_BYTES, "recipient list")
    except UnsafeFileError as error:  # a pipe, a folder, a file over MAX_CSV_BYTES
        raise fatal(0, str(error).removeprefix(f"{shown}: ")) from None
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise fatal(
            line, f"not UTF-8 (byte 0x{data[error.start]:02X}); save it as 'CSV UTF-8'"
        ) from None
    del data
    # A spreadsheet set to Danish writes semicolons between the values.
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","

    # The rows one at a time, from lines cut from the text as they are read: no copy of
    # the whole, and the values counted (a little over: a quoted delimiter counts too)
    # before the csv module makes them, so that one row of a million is never made.
    def lines() -> Iterator[str]:
        values = 0
        for match in _LINE.finditer(text):
            values += match[0].count(delimiter) + 1
            if values > MAX_VALUES:
                raise _TooManyValues
            yield match[0]

    reader = csv.reader(lines(), delimiter=delimiter)
    columns: list[str] = []
    index: dict[str, int] | None = None  # column name -> its position; None before the header
    problems: list[Problem] = []
    recipients: list[Recipient] = []
    first_seen: dict[str, int] = {}  # lower-case address -> its line
    rows = 0  # below the header
    line = 1  # where the row being read starts
    try:
        for values in reader:
            if index is None:
                if not any(value.strip() for value in values):
                    raise fatal(1, NO_HEADER)
                if len(values) > MAX_COLUMNS:
                    raise fatal(
                        1, f"the header names {len(values):,} columns; at most {MAX_COLUMNS:,}"
                    )
                columns, index, problems = _header(values, shown, delimiter)
                if any(problem.severity == "error" for problem in problems):
                    raise ContentError(problems)
            elif rows == MAX_RECIPIENT_ROWS:
                raise fatal(
                    line,
                    f"more than {MAX_RECIPIENT_ROWS:,} rows, more than booklet sends at once; "
                    "split the list",
                )
            else:
                rows += 1
                row = _row(line, values, columns, index, delimiter, shown, first_seen)
                if isinstance(row, Recipient):
                    recipients.append(row)
                else:
                    problems.append(row)
            line = reader.line_num + 1
    except csv.Error as error:
        raise fatal(reader.line_num, f"cannot be read as CSV ({error})") from None
    except _TooManyValues:
        raise fatal(
            line,
            f"more than {MAX_VALUES:,} values, more than booklet reads from a recipient "
            "list; split the list",
        ) from None
    if index is None:
        raise fatal(1, NO_HEADER)
    if not rows:
        raise fatal(1, "no recipients: there is no row below the header")
    return RecipientList(recipients, [column for column in columns if column], problems)


NO_HEADER = "no header row; the first row must name the columns, e.g. email,name"
# A line with its end, as a file opened with newline="" gives it to the csv module: the
# end is \n, \r\n or \r. No nested repetition: linear in the length of the line.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


class _TooManyValues(Exception):
    """The CSV has more values than booklet reads from a recipient list."""


def _header(
    header: list[str], shown: str, delimiter: str
) -> tuple[list[str], dict[str, int], list[Problem]]:
    """The column names, their positions, and what is wrong with the header (line 1)."""
    columns = [cell.strip() for cell in header]
    index: dict[str, int] = {}
    named_twice: set[str] = set()
    for position, column in enumerate(columns):
        if column in index:
            named_twice.add(column)
        elif column:
            index[column] = position
    problems = [
        Problem(shown, 1, 0, "", f"the column '{_shortened(column)}' is named twice in the header")
        for column in sorted(named_twice)
    ]
    if "email" not in index:
        problems.append(
            Problem(
                shown,
                1,
                0,
                "",
                f"no 'email' column{did_you_mean('email', columns)} "
                f"(the header is: {_shortened(delimiter.join(columns), 200)})",
            )
        )
    elif "name" not in index:
        problems.append(
            Problem(shown, 1, 0, "", "no 'name' column: no one can be greeted by name", "warning")
        )
    return columns, index, problems


def _row(
    line: int,
    values: list[str],
    columns: list[str],
    index: dict[str, int],
    delimiter: str,
    shown: str,
    first_seen: dict[str, int],
) -> Recipient | Problem:
    """One row below the header: a recipient, or the problem that keeps it from being one."""
    if not any(value.strip() for value in values):
        return Problem(shown, line, 0, "", "empty row; delete it")
    if len(values) > len(columns):
        return Problem(
            shown,
            line,
            0,
            "",
            f"{len(values)} values, but the header names {len(columns)} columns; "
            f"a value with a '{delimiter}' in it must be in double quotes",
        )
    fields = RowFields(index, tuple(value.strip() for value in values))
    address = fields["email"]
    if wrong := address_problem(address):
        return Problem(shown, line, 0, "email", wrong)
    key = address.lower()
    if key in first_seen:
        return Problem(
            shown,
            line,
            0,
            "email",
            f"'{address}' is already on line {first_seen[key]}; "
            "it gets one invitation, from that line",
        )
    first_seen[key] = line
    return Recipient(line, address, fields)


def _shortened(text: str, length: int = 80) -> str:
    """A value quoted in a message, cut short: a message is a line, not the file."""
    return text if len(text) <= length else text[: length - 1] + "…"


def address_problem(address: str) -> str | None:
    """Why a message cannot be sent to `address`, in the organiser's words; None if it can."""
    if not address:
        return "no email address"
    if len(address) > MAX_ADDRESS_LENGTH:
        return (
            f"'{_shortened(address, 40)}' is {len(address):,} characters long; an email "
            f"address has at most {MAX_ADDRESS_LENGTH}"
        )
    if any(character.isspace() for character in address):
        return f"'{address}' has a space in it"
    if not address.isascii():
        return (
            f"'{address}' has a letter outside a-z (such as æ, ø or å); "
            "few mail servers accept that"
        )
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError, HeaderParseError):
        return f"'{address}' is not an email address like name@example.org"
    if parsed.addr_spec != address or not parsed.username:
        return f"'{address}' is not an email address like name@example.org"
    if not _DOMAIN.fullmatch(parsed.domain):
        return f"'{address}': after the @ must come a domain like example.org"
    return None


def parse_sender(sender: str) -> Address:
    """--from: 'konference@atv.dk' or 'ATV <konference@atv.dk>'."""
    display_name, address = parseaddr(sender)
    wrong = address_problem(address) if address else "no email address"
    if wrong or "\n" in sender or "\r" in sender:
        raise BookletError(f"--from {sender!r}: {wrong or 'must be one line'}")
    return Address(display_name=" ".join(display_name.split()), addr_spec=address)


# --- the templates -------------------------------------------------------------------


class _TemplateFiles(BaseLoader):
    """The mail templates, read from the content folder once. Each carries its path as the
    organiser would type it, so that Jinja names the file (and the line) of a mistake."""

    def __init__(self, sources: dict[str, tuple[str, str]]):
        self.sources = sources  # template name -> (source, shown path)

    def get_source(self, environment, template):
        if template not in self.sources:
            raise TemplateNotFound(template)
        source, shown = self.sources[template]
        return source, shown, lambda: True


def _read_templates(content_folder: Path) -> dict[str, tuple[str, str]]:
    folder = content_folder / MAIL_FOLDER
    sources: dict[str, tuple[str, str]] = {}
    problems = []
    for name in (SUBJECT, TEXT, HTML):
        path = folder / name
        shown = display_path(path)
        if not path.exists() and not path.is_symlink():
            problems.append(
                Problem(
                    shown,
                    0,
                    0,
                    "",
                    f"file is missing; invitations need {SUBJECT}, {TEXT} and {HTML} "
                    f"in the folder {display_path(folder)}",
                )
            )
        else:
            try:
                data = read_regular_file(path, [content_folder], MAX_TEMPLATE_BYTES, "template")
                sources[name] = (data.decode("utf-8"), shown)
            except UnicodeDecodeError:
                problems.append(Problem(shown, 0, 0, "", "not UTF-8 text"))
            except UnsafeFileError as error:  # a link out, a pipe, a huge file
                problems.append(Problem(shown, 0, 0, "", str(error).removeprefix(f"{shown}: ")))
    if problems:
        raise ContentError(problems)
    return sources


def _environment(sources: dict[str, tuple[str, str]]) -> TemplateSandbox:
    # Plain data only: the recipient's row and the conference's words (sandbox.py).
    return TemplateSandbox(
        loader=_TemplateFiles(sources),
        undefined=StrictUndefined,  # a misspelt placeholder is an error, not a blank
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        trim_blocks=True,  # a line with only {% if %} on it leaves no empty line
        lstrip_blocks=True,
    )


def conference_variables(conference: Conference) -> dict:
    """The template's `conference`. `dates` is the date(s) as the booklet prints them."""
    dates = None
    if conference.date:
        dates = labels.format_days(conference.date, conference.end_date, conference.language)
    return {
        "title": conference.title,
        "subtitle": conference.subtitle,
        "organiser": conference.organiser,
        "date": conference.date,
        "end_date": conference.end_date,
        "venue": conference.venue,
        "dates": dates,
        # The practical facts: templates may print them.
        "address": conference.address,
        "registration": conference.registration,
        "doors": conference.doors,
        "contact": conference.contact.model_dump() if conference.contact else None,
        "website": conference.website,
    }


def _template_problem(error: Exception, shown: str, names: list[str]) -> Problem:
    """An error raised while rendering a template, located in the template's own lines
    (Jinja rewrites its traceback so that its frames carry the template's lines)."""
    line = 0
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == shown:
            line = frame.lineno or 0
    if isinstance(error, UndefinedError):
        unknown = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(error))
        word = next((group for group in unknown.groups() if group), "") if unknown else ""
        message = f"unknown placeholder: {error}{did_you_mean(word, names)}"
    else:
        message = f"{type(error).__name__}: {error}"
    return Problem(shown, line, 0, "", message)


# --- the invitations -----------------------------------------------------------------


@dataclass
class RenderedInvitation:
    recipient: Recipient
    subject: str
    text: str
    html: str


@dataclass
class MailReport:
    written: list[Path]  # one .eml file per recipient
    problems: list[Problem]  # rows that got no invitation (errors), and warnings
    calendar: bool  # whether a calendar invitation is attached

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]


@dataclass
class Invitations:
    """Everything checked and rendered, ready to be written with the booklet attached."""

    conference: Conference
    rendered: list[RenderedInvitation]
    problems: list[Problem]
    sender: Address | None

    def write(
        self,
        attachment: Path,
        mail_folder: Path,
        *,
        now: datetime.datetime | None = None,
        copies: Iterable[bytes] | None = None,
    ) -> MailReport:
        """One .eml file per recipient in `mail_folder`; files of an earlier run that are
        not written again (a row since deleted) are removed, so that they are never sent.
        `now` stamps the calendar invitation (default: the time of writing). `copies`:
        each recipient's own copy of the booklet (personal_copies.py), in the order of
        `rendered`, attached instead of `attachment` and kept in `mail_folder`/copies."""
        attachment, mail_folder = Path(attachment), Path(mail_folder)
        try:
            pdf = attachment.read_bytes()
        except OSError as error:
            raise BookletError(
                f"{display_path(attachment)}: cannot read it ({error.strerror})"
            ) from None
        # Never through a link (own_folder refuses one): a project may ship output/mail
        # linked to the user's documents, whose PDFs the tidying below would delete.
        own_folder(mail_folder.parent)
        own_folder(mail_folder)
        if copies is not None or (mail_folder / COPIES_FOLDER).is_symlink():
            own_folder(mail_folder / COPIES_FOLDER)
        calendar = calendar_invitation(self.conference, now or _now())
        written = []
        own_copies = iter(copies) if copies is not None else None
        for invitation in self.rendered:
            attached = pdf
            if own_copies is not None:
                attached = next(own_copies)
                copy_path = mail_folder / COPIES_FOLDER / _file_name(invitation.recipient)
                write_atomically(copy_path.with_suffix(".pdf"), attached)
            message = _message(invitation, self.sender, attachment.name, attached, calendar)
            path = mail_folder / _file_name(invitation.recipient)
            write_atomically(path, message.as_bytes(policy=policy.SMTP))
            written.append(path)
        for leftover in mail_folder.glob("*.eml"):
            if leftover not in written:
                leftover.unlink()
        copies_written = {path.with_suffix(".pdf").name for path in written} if copies else set()
        for leftover in (mail_folder / COPIES_FOLDER).glob("*.pdf"):
            if leftover.name not in copies_written:  # a copy of someone no longer invited
                leftover.unlink()
        return MailReport(written, self.problems, calendar is not None)


def prepare_invitations(
    content_folder: Path, recipients_csv: Path, sender: str | None = None
) -> Invitations:
    """Read the content, the CSV and the templates, and render every invitation's text.

    Raises ContentError, with every problem at once, when nothing can be written: the
    content, the CSV as a whole or a template is wrong. Rows that cannot be sent to are
    left out and listed in `problems`."""
    content_folder = Path(content_folder)
    parsed_sender = parse_sender(sender) if sender else None
    conference = load_content(content_folder).content.conference
    problems: list[Problem] = []
    try:
        sources = _read_templates(content_folder)
    except ContentError as error:
        problems += error.problems
        sources = {}
    try:
        recipient_list = read_recipients(Path(recipients_csv))
    except ContentError as error:
        problems += error.problems
        recipient_list = RecipientList([], [], [])
    if problems:
        raise ContentError(problems)

    environment = _environment(sources)
    templates = {}
    for name in (SUBJECT, TEXT, HTML):
        try:
            templates[name] = environment.get_template(name)
        except TemplateSyntaxError as error:
            problems.append(Problem(sources[name][1], error.lineno, 0, "", error.message or ""))
    if problems:
        raise ContentError(problems)

    variables = conference_variables(conference)
    names = ["recipient", "conference", *recipient_list.columns, *variables]
    template_problems: set[Problem] = set()  # one mistake is reported once, not per row
    row_problems = list(recipient_list.problems)
    rendered = []
    for recipient in recipient_list.recipients:
        context = {"recipient": dict(recipient.fields), "conference": variables}
        texts = {}
        for name, template in templates.items():
            try:
                with budgeted():  # each invitation gets the work a template may do
                    texts[name] = template.render(context)
            except Exception as error:  # whatever an untrusted template does wrong is its own
                template_problems.add(_template_problem(error, sources[name][1], names))
        if len(texts) < len(templates):
            continue
        subject = texts[SUBJECT].strip()
        if len(subject.splitlines()) > 1:
            # A line break in a header would let the rest of it become headers of its own.
            if any(len(value.splitlines()) > 1 for value in recipient.fields.values()):
                row_problems.append(
                    Problem(
                        display_path(Path(recipients_csv)),
                        recipient.line,
                        0,
                        "",
                        "a value of this row has a line break, and the subject may not",
                    )
                )
            else:
                template_problems.add(
                    Problem(sources[SUBJECT][1], 0, 0, "", "the subject must be one line")
                )
            continue
        if not subject:
            template_problems.add(Problem(sources[SUBJECT][1], 0, 0, "", "the subject is empty"))
            continue
        rendered.append(RenderedInvitation(recipient, subject, texts[TEXT], texts[HTML]))
    if template_problems:
        raise ContentError(sorted(template_problems) + row_problems)
    if not rendered:  # every row is wrong: nothing to write, nothing to send
        raise ContentError(row_problems)
    return Invitations(conference, rendered, row_problems, parsed_sender)


def write_invitations(
    content_folder: Path,
    recipients_csv: Path,
    attachment: Path,
    mail_folder: Path,
    sender: str | None = None,
    *,
    now: datetime.datetime | None = None,
) -> MailReport:
    """Write one .eml invitation per good row of `recipients_csv` into `mail_folder`, with
    `attachment` (the booklet's PDF) attached. See `prepare_invitations` for what stops
    everything and what only a row."""
    invitations = prepare_invitations(content_folder, recipients_csv, sender)
    return invitations.write(attachment, mail_folder, now=now)


def _file_name(recipient: Recipient) -> str:
    return f"{recipient.line:04d}-{slug(recipient.address)}.eml"


def _message(
    invitation: RenderedInvitation,
    sender: Address | None,
    pdf_name: str,
    pdf: bytes,
    calendar: bytes | None,
) -> EmailMessage:
    recipient = invitation.recipient
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = Address(display_name=recipient.name, addr_spec=recipient.address)
    message["Subject"] = invitation.subject
    # The same invitation to the same person keeps its id, so a mail program can tell
    # that a message sent again is the one it already has.
    digest = hashlib.sha256(
        "\n".join([recipient.address, invitation.subject, invitation.text]).encode()
    ).hexdigest()[:32]
    domain = sender.domain if sender else "booklet.invalid"
    message["Message-ID"] = f"<{digest}@{domain}>"
    # Quoted-printable keeps the file 7-bit: any mail server can carry it.
    message.set_content(invitation.text, cte="quoted-printable")
    message.add_alternative(invitation.html, subtype="html", cte="quoted-printable")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    if calendar is not None:
        message.add_attachment(
            calendar,
            maintype="text",
            subtype="calendar",
            filename="invitation.ics",
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    return message


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


# --- the calendar invitation (RFC 5545) ------------------------------------------------


def calendar_invitation(conference: Conference, stamp: datetime.datetime) -> bytes | None:
    """An all-day event from the conference's date to its end date; None without a date
    (a date is never made up)."""
    if conference.date is None:
        return None
    last_day = max(conference.end_date or conference.date, conference.date)
    # The same conference keeps its UID when its date moves within the year, so that a
    # calendar updates the event instead of adding a second one.
    identity = f"{conference.title}\n{conference.organiser}\n{conference.date.year}"
    uid = hashlib.sha256(identity.encode()).hexdigest()[:32]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//booklet//booklet mail//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}@booklet",
        f"DTSTAMP:{stamp.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{conference.date:%Y%m%d}",
        # DTEND is exclusive: the day after the last day.
        f"DTEND;VALUE=DATE:{last_day + datetime.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_calendar_text(conference.title)}",
    ]
    # The practical facts (model.Conference): times and contact in the description, in
    # the booklet's language; venue and address as the place a calendar shows on a map.
    words = labels.labels_for(conference.language)
    description = [conference.subtitle or ""]
    if conference.registration:
        description.append(f"{words['registration']} {conference.registration}")
    if conference.doors:
        description.append(f"{words['doors']} {conference.doors}")
    contact = conference.contact
    if contact and (contact.name or contact.email or contact.phone):
        reach = ", ".join(filter(None, [contact.name, contact.email, contact.phone]))
        description.append(f"{words['contact']}: {reach}")
    if any(description):
        lines.append(f"DESCRIPTION:{_calendar_text(chr(10).join(filter(None, description)))}")
    place = "\n".join(filter(None, [conference.venue, conference.address]))
    if place:
        lines.append(f"LOCATION:{_calendar_text(place)}")
    if contact and contact.email:
        name = f";CN={_parameter_value(contact.name)}" if contact.name else ""
        lines.append(f"ORGANIZER{name}:mailto:{contact.email}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines).encode()


def _parameter_value(text: str) -> str:
    """A parameter value (CN=...): quoted, without the quotes and controls it may not hold."""
    return '"' + "".join(c for c in text if c != '"' and c.isprintable()) + '"'


def _calendar_text(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for character, escaped in [("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")]:
        text = text.replace(character, escaped)
    return text


def _fold(line: str) -> str:
    """Lines of at most 75 octets; a continuation starts with a space, which counts. A
    character is never cut between its UTF-8 bytes."""
    pieces, current, size, limit = [], "", 0, 75
    for character in line:
        width = len(character.encode())
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74
        current += character
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)
