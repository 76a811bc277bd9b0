"""Exit code 1, never a traceback, where the user (or whoever made their files) made the
mistake: hostile PDFs for `impose`, hostile schedule exports for `import`, hostile
recipient lists for `mail`, and a title too long for a file name.

The hostile files are made here by generator code. Most cases run the CLI in-process
(fast); a fault in booklet then shows as an exception that is not SystemExit, which the
real `booklet` turns into exit code 2. One case per command runs the real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from helpers import ROOT, SEED, write_content
from typer.testing import CliRunner

from booklet.cli import app

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)


class Outcome:
    def __init__(self, code: int, output: str):
        self.code, self.output = code, output


def cli(*arguments: str) -> Outcome:
    """The CLI in-process; exit code 2, as `booklet` gives it, for an exception that
    escapes (a bug), with its traceback in the output."""
    result = CliRunner().invoke(app, [str(argument) for argument in arguments])
    output = result.stdout + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return Outcome(2, output + f"\nTraceback: {result.exception!r}")
    return Outcome(result.exit_code, output)


def run(*arguments: str, cwd: Path = ROOT) -> Outcome:
    """The real `booklet` process."""
    result = subprocess.run(
        [sys.executable, "-m", "booklet", *map(str, arguments)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    return Outcome(result.returncode, result.stdout + result.stderr)


def assert_refused(outcome: Outcome, *named: str) -> None:
    assert outcome.code == 1, outcome.output
    assert "Traceback" not in outcome.output
    for text in named:
        assert text in outcome.output, outcome.output


# --- booklet impose ---------------------------------------------------------------------


def booklet_pdf(path: Path, change: Callable[[pikepdf.Pdf], None] = lambda pdf: None) -> Path:
    """A four-page A5 booklet, changed by `change` before it is saved."""
    with pikepdf.new() as pdf:
        for _ in range(4):
            pdf.add_blank_page(page_size=A5)
        change(pdf)
        pdf.save(path)
    return path


def on_page_3(key: str, value: object) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[2].obj
        if value is None:
            del page[key]
        else:
            page[key] = value

    return change


def box(*numbers: object) -> pikepdf.Array:
    return pikepdf.Array(list(numbers))


BAD_PAGES = {
    "zero MediaBox": on_page_3("/MediaBox", box(0, 0, 0, 0)),
    "huge MediaBox": on_page_3("/MediaBox", box(0, 0, 1e9, 1e9)),
    "huge negative MediaBox": on_page_3("/MediaBox", box(0, 0, -1e9, 595)),
    "flat MediaBox": on_page_3("/MediaBox", box(0, 0, 420, 1)),
    "MediaBox of three numbers": on_page_3("/MediaBox", box(0, 0, 420)),
    "MediaBox of five numbers": on_page_3("/MediaBox", box(0, 0, 420, 595, 1)),
    "MediaBox with a word": on_page_3("/MediaBox", box(0, 0, pikepdf.String("wide"), 595)),
    "MediaBox with a boolean": on_page_3("/MediaBox", box(0, 0, True, 595)),
    "MediaBox a name": on_page_3("/MediaBox", pikepdf.Name("/A5")),
    "MediaBox a dictionary": on_page_3("/MediaBox", pikepdf.Dictionary(Width=420)),
    "no MediaBox": on_page_3("/MediaBox", None),
    "zero TrimBox": on_page_3("/TrimBox", box(10, 10, 10, 10)),
    "huge TrimBox": on_page_3("/TrimBox", box(0, 0, 1e9, 1e9)),
    "TrimBox with a word": on_page_3("/TrimBox", box(0, 0, 420, pikepdf.String("tall"))),
    "TrimBox of two numbers": on_page_3("/TrimBox", box(0, 0)),
    "zero CropBox": on_page_3("/CropBox", box(0, 0, 0, 0)),
    "huge UserUnit": on_page_3("/UserUnit", 1_000_000),
    "zero UserUnit": on_page_3("/UserUnit", 0),
    "Rotate a word": on_page_3("/Rotate", pikepdf.String("ninety")),
    "Rotate 45": on_page_3("/Rotate", 45),
}


@pytest.mark.parametrize("case", BAD_PAGES)
def test_impose_refuses_a_page_with_a_bad_box_naming_file_and_page(tmp_path, case):
    source = booklet_pdf(tmp_path / "programme.pdf", BAD_PAGES[case])

    outcome = cli("impose", source)

    assert_refused(outcome, "programme.pdf: page 3:")
    assert not (tmp_path / "programme-imposed.pdf").exists()


def test_impose_puts_the_corners_of_inverted_and_negative_boxes_in_order(tmp_path):
    """Any two opposite corners make a rectangle in PDF: such a booklet is imposed."""
    width, height = A5

    def turn_corners(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj.MediaBox = box(width, height, 0, 0)
        pdf.pages[1].obj.MediaBox = box(0, 0, -width, -height)
        pdf.pages[2].obj.TrimBox = box(width, 0, 0, height)

    source = booklet_pdf(tmp_path / "programme.pdf", turn_corners)

    outcome = cli("impose", source)

    assert outcome.code == 0, outcome.output
    with pikepdf.open(tmp_path / "programme-imposed.pdf") as imposed:
        assert len(imposed.pages) == 2
        sheet = pikepdf.Rectangle(imposed.pages[0].mediabox)
        assert round(sheet.width / MM) == 297 and round(sheet.height / MM) == 210


def not_a_pdf(path: Path) -> None:
    path.write_text("Velkommen til konferencen!\n")


def empty(path: Path) -> None:
    path.write_bytes(b"")


def folder(path: Path) -> None:
    path.mkdir()


def named_pipe(path: Path) -> None:
    os.mkfifo(path)  # nobody writes to it: an open that waited would wait for ever


def link_to_a_pipe(path: Path) -> None:
    named_pipe(path.with_name("pipe"))
    path.symlink_to(path.with_name("pipe"))


def a_loop_of_links(path: Path) -> None:
    path.with_name("other").symlink_to(path)
    path.symlink_to(path.with_name("other"))


def truncated(path: Path) -> None:
    booklet_pdf(path)
    path.write_bytes(path.read_bytes()[:200])


def encrypted(path: Path) -> None:
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=A5)
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user="user"))


def locked_by_owner(path: Path) -> None:
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=A5)
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user=""))


def no_pages(path: Path) -> None:
    with pikepdf.new() as pdf:
        pdf.save(path)


def a_page_tree_that_loops(path: Path) -> None:
    def loop(pdf: pikepdf.Pdf) -> None:
        pdf.Root.Pages.Kids.append(pdf.Root.Pages)
        pdf.Root.Pages.Count = 5

    booklet_pdf(path, loop)


BAD_FILES = [
    not_a_pdf,
    empty,
    folder,
    named_pipe,
    link_to_a_pipe,
    a_loop_of_links,
    truncated,
    encrypted,
    locked_by_owner,
    no_pages,
    a_page_tree_that_loops,
]


@pytest.mark.parametrize("make", BAD_FILES, ids=lambda make: make.__name__)
def test_impose_refuses_a_file_that_is_no_booklet_pdf_naming_it(tmp_path, make):
    source = tmp_path / "programme.pdf"
    make(source)

    outcome = cli("impose", source)

    assert_refused(outcome, "programme.pdf")
    assert not (tmp_path / "programme-imposed.pdf").exists()


def test_impose_says_that_a_damaged_pdf_was_repaired(tmp_path):
    """A number of 120 digits in a page's TrimBox: qpdf reads the file without that page
    and warns. The sheets are made, and the note says the file is damaged."""
    source = booklet_pdf(tmp_path / "programme.pdf", on_page_3("/TrimBox", box(1, 2, 3, 4)))
    whole = source.read_bytes()
    source.write_bytes(
        whole.replace(b"/TrimBox [ 1 2 3 4 ]", b"/TrimBox [ 0 0 " + b"9" * 120 + b" 595 ]")
    )
    assert source.read_bytes() != whole

    outcome = cli("impose", source)

    assert outcome.code == 0, outcome.output
    assert "programme.pdf is damaged: read as far as qpdf could repair it" in outcome.output
    assert "has 3 pages" in outcome.output


def test_impose_refuses_more_pages_than_any_booklet(tmp_path, monkeypatch):
    """At 3 pages rather than 10,000, to keep the test quick."""
    monkeypatch.setattr("booklet.impose.MAX_PAGES", 3)
    source = booklet_pdf(tmp_path / "programme.pdf")

    outcome = cli("impose", source)

    assert_refused(outcome, "programme.pdf: 4 pages; booklet imposes at most 3")
    assert not (tmp_path / "programme-imposed.pdf").exists()


def test_impose_in_a_real_process_exits_1_on_a_huge_trim_box(tmp_path):
    source = booklet_pdf(tmp_path / "programme.pdf", on_page_3("/TrimBox", box(0, 0, 1e9, 1e9)))

    outcome = run("impose", source)

    assert_refused(outcome, "programme.pdf: page 3: the TrimBox is")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["programme.pdf"]


# --- the output file's name ---------------------------------------------------------------


def small_conference(folder: Path, title: str) -> Path:
    return write_content(
        folder,
        {"title": title, "organiser": "ATV", "language": "en", "date": "2031-05-13"},
        [{"id": "a", "name": "Ada Lovelace"}],
        [{"title": "Opening", "day": "2031-05-13", "start": "9:00", "speakers": ["a"]}],
    )


def test_a_title_of_5000_characters_gives_a_short_file_name(tmp_path):
    title = " ".join(f"Konference{number}" for number in range(420))
    assert len(title) > 5000
    content = small_conference(tmp_path / "content", title)
    output = tmp_path / "output"

    outcome = cli("build", content, "-o", output, "--edition", "print")

    assert outcome.code == 0, outcome.output
    (pdf,) = output.glob("*.pdf")
    assert pdf.name == "konference0-konference1-konference2-konference3-konference4-print.pdf"
    assert sorted(path.name for path in output.iterdir()) == [
        f".{pdf.stem}.pages.json",
        pdf.name,
    ]


# --- booklet import -----------------------------------------------------------------------


def json_event(event_id: int, title: str, **fields: object) -> dict:
    """One event as c3voc/pretalx write it, at 10:00 for half an hour."""
    return {
        "id": event_id,
        "date": "2031-05-13T10:00:00+02:00",
        "start": "10:00",
        "duration": "00:30",
        "room": "Aula",
        "slug": f"demo-{event_id}",
        "title": title,
        "type": "lecture",
        "persons": [],
        **fields,
    }


def json_schedule(path: Path, events: list[dict], day: str | None = "2031-05-13") -> Path:
    """A schedule.json of one day (without a date when `day` is None)."""
    days = {"index": 1, "rooms": {"Aula": events}}
    if day:
        days["date"] = day
    data = {"schedule": {"conference": {"title": "Demo", "acronym": "demo", "days": [days]}}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def xml_event(event_id: int, title: str, **fields: str) -> str:
    values = {
        "date": "2031-05-13T10:00:00+02:00",
        "start": "10:00",
        "duration": "00:30",
        "slug": f"demo-{event_id}",
        "title": title,
        "type": "lecture",
        **fields,
    }
    inner = "".join(f"<{tag}>{value}</{tag}>" for tag, value in values.items())
    return f"<event id='{event_id}'>{inner}<persons/></event>"


def xml_schedule(path: Path, events: list[str], day: str | None = "2031-05-13", dtd="") -> Path:
    """A frab schedule.xml of one day (without a date when `day` is None)."""
    date = f" date='{day}'" if day else ""
    path.write_text(
        f"<?xml version='1.0' encoding='utf-8' ?>\n{dtd}<schedule>\n"
        "<conference><title>Demo</title><acronym>demo</acronym></conference>\n"
        f"<day index='1'{date}><room name='Aula'>\n" + "\n".join(events) + "\n</room></day>\n"
        "</schedule>\n",
        encoding="utf-8",
    )
    return path


def test_import_a_night_event_on_0001_01_01_is_reported_and_the_rest_imported(tmp_path):
    """A day without a date: an event at 00:15 belongs to the night of the day before,
    which for 0001-01-01 the calendar does not have."""
    night = {"date": "0001-01-01T00:15:00", "start": "00:15"}
    source = json_schedule(
        tmp_path / "schedule.json",
        [json_event(1, "Night", **night), json_event(2, "Morning")],
        day=None,
    )

    outcome = cli("import", source, "-o", tmp_path / "content")

    assert outcome.code == 0, outcome.output
    assert "schedule.json: event 1 'Night': starts at 00:15 on 0001-01-01" in outcome.output
    assert "1 item" in outcome.output


@pytest.mark.parametrize("export", ["json", "xml"])
def test_import_of_only_a_night_event_on_0001_01_01_exits_1(tmp_path, export):
    if export == "json":
        night = json_event(1, "Night", date="0001-01-01T00:15:00", start="00:15")
        source = json_schedule(tmp_path / "schedule.json", [night], day=None)
    else:
        night = xml_event(1, "Night", date="0001-01-01T00:15:00", start="00:15")
        source = xml_schedule(tmp_path / "schedule.xml", [night], day=None)

    outcome = cli("import", source, "-o", tmp_path / "content")

    assert_refused(outcome, f"schedule.{export}: no event could be imported", "event 1 'Night'")
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"date": "0000-12-31T23:00:00", "start": "23:00"},  # year 0: no such date
        {"date": "9999-12-31T23:59:00", "start": "23:59", "duration": "999:59"},
        {"date": "10000-01-01T10:00:00", "start": "10:00"},
        {"date": "2031-05-13T10:00:00", "start": "10:00", "duration": "99999:00"},
        {"date": "2031-05-13T10:00:00", "start": "99999999999999999999:00"},
    ],
    ids=["year 0", "9999-12-31 all night", "year 10000", "99999 hours", "hour 10^20"],
)
def test_import_absurd_dates_and_durations_are_reported_event_by_event(tmp_path, fields):
    source = json_schedule(
        tmp_path / "schedule.json",
        [json_event(1, "Absurd", **fields), json_event(2, "Fine")],
        day=None,
    )

    outcome = cli("import", source, "-o", tmp_path / "content")

    assert outcome.code == 0, outcome.output
    assert "schedule.json: event 1 'Absurd'" in outcome.output


@pytest.mark.parametrize("export", ["json", "xml"])
def test_import_an_event_type_of_600000_brackets_takes_no_time(tmp_path, export):
    """The type's "(120)" was cut by a regex that backtracked for a minute on this."""
    brackets = "(" * 600_000
    if export == "json":
        source = json_schedule(tmp_path / "schedule.json", [json_event(1, "Talk", type=brackets)])
    else:
        source = xml_schedule(tmp_path / "schedule.xml", [xml_event(1, "Talk", type=brackets)])

    outcome = cli("import", source, "-o", tmp_path / "content")

    assert outcome.code == 0, outcome.output
    assert "kind: other" in (tmp_path / "content" / "programme.yaml").read_text()


def test_import_thousands_of_events_in_one_room_at_one_time_with_one_slug(tmp_path):
    """Overlaps and ids were found by comparing every event with every other: minutes
    for what is here a fraction of a second (benchmarks/ measures it)."""
    events = [
        json_event(number, "Same", slug="same", duration=f"00:{10 + number % 40:02d}")
        for number in range(2000)
    ]
    source = json_schedule(tmp_path / "schedule.json", events)

    outcome = cli("import", source, "-o", tmp_path / "content")

    assert outcome.code == 0, outcome.output
    assert "this and 1998 more are written as 'same-2' to 'same-2000'" in outcome.output
    assert outcome.output.count("'same'") == 1
    assert outcome.output.count("end left out") == 1999


BILLION_LAUGHS = (
    "<!DOCTYPE schedule [\n"
    ' <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{level} "{f"&lol{level - 1};" * 10 if level > 1 else "&lol;" * 10}">\n'
        for level in range(1, 10)
    )
    + "]>\n"
)
EXTERNAL_ENTITY = '<!DOCTYPE schedule [\n <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'


@pytest.mark.parametrize(
    ("dtd", "title"),
    [(BILLION_LAUGHS, "&lol9;"), (EXTERNAL_ENTITY, "&secret;")],
    ids=["billion laughs", "external entity"],
)
def test_import_refuses_xml_that_declares_entities(tmp_path, dtd, title):
    source = xml_schedule(tmp_path / "schedule.xml", [xml_event(1, title)], dtd=dtd)

    outcome = cli("import", source, "-o", tmp_path / "content")

    assert_refused(outcome, "schedule.xml:3:", "declares an entity")
    assert not (tmp_path / "content").exists()


def test_import_reads_no_external_dtd_and_no_undefined_entity(tmp_path):
    dtd = '<!DOCTYPE schedule SYSTEM "file:///etc/passwd">\n'
    source = xml_schedule(tmp_path / "schedule.xml", [xml_event(1, "&undefined;")], dtd=dtd)

    outcome = cli("import", source, "-o", tmp_path / "content")

    assert_refused(outcome, "schedule.xml:6:", "does not declare")
    assert "root:" not in outcome.output


@pytest.mark.parametrize("encoding", ["x-no-such-encoding", "utf-7", "cp500"])
def test_import_refuses_xml_in_an_encoding_it_cannot_read(tmp_path, encoding):
    source = tmp_path / "schedule.xml"
    source.write_text(f'<?xml version="1.0" encoding="{encoding}"?><schedule/>')

    outcome = cli("import", source, "-o", tmp_path / "content")

    assert_refused(outcome, "schedule.xml:1:", "not valid XML")


def sparse_file_of_a_gigabyte(path: Path) -> None:
    with path.open("wb") as file:
        file.truncate(1024**3)


@pytest.mark.parametrize(
    "make",
    [named_pipe, link_to_a_pipe, a_loop_of_links, folder, sparse_file_of_a_gigabyte, empty],
    ids=lambda make: make.__name__,
)
def test_import_refuses_a_schedule_that_is_no_regular_file_or_too_large(tmp_path, make):
    source = tmp_path / "schedule.json"
    make(source)

    outcome = cli("import", source, "-o", tmp_path / "content")

    assert_refused(outcome, "schedule.json")
    assert not (tmp_path / "content").exists()


def test_import_in_a_real_process_exits_1_on_an_entity_bomb(tmp_path):
    source = xml_schedule(tmp_path / "schedule.xml", [xml_event(1, "&lol9;")], dtd=BILLION_LAUGHS)

    outcome = run("import", source, "-o", tmp_path / "content")

    assert_refused(outcome, "schedule.xml:3:", "declares an entity")


# --- booklet mail -------------------------------------------------------------------------


def mail(csv_file: Path, output: Path) -> Outcome:
    """`booklet mail` on the seed, whose templates are fine: the CSV is read before the
    booklet is built, so a refused CSV costs no build."""
    return cli("mail", SEED, "--recipients", csv_file, "-o", output)


def sparse_file_of_50_mb(path: Path) -> None:
    with path.open("wb") as file:
        file.truncate(50 * 1024**2)


@pytest.mark.parametrize(
    "make",
    [named_pipe, link_to_a_pipe, a_loop_of_links, folder, sparse_file_of_50_mb],
    ids=lambda make: make.__name__,
)
def test_mail_refuses_a_recipient_list_that_is_no_regular_file_or_too_large(tmp_path, make):
    csv_file = tmp_path / "people.csv"
    make(csv_file)

    outcome = mail(csv_file, tmp_path / "output")

    assert_refused(outcome, "people.csv: ")
    assert not (tmp_path / "output").exists()


def test_mail_says_the_size_limit(tmp_path):
    csv_file = tmp_path / "people.csv"
    sparse_file_of_50_mb(csv_file)

    outcome = mail(csv_file, tmp_path / "output")

    assert_refused(outcome, "people.csv: the recipient list is 52,428,800 bytes", "20,971,520")


def test_mail_refuses_a_row_of_millions_of_values_before_making_it(tmp_path):
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("email,name\nperson1@example.org,One\n" + "ab," * 2_500_000 + "\n")

    outcome = mail(csv_file, tmp_path / "output")

    assert_refused(outcome, "people.csv:3: more than 2,000,000 values")
    assert not (tmp_path / "output").exists()


def test_mail_refuses_more_rows_than_it_sends_at_once(tmp_path, monkeypatch):
    """At 10 rows rather than 100,000: 100,000 addresses take seconds to check."""
    monkeypatch.setattr("booklet.mail_compose.MAX_RECIPIENT_ROWS", 10)
    csv_file = tmp_path / "people.csv"
    rows = "".join(f"person{number}@example.org,Person {number}\n" for number in range(11))
    csv_file.write_text("email,name\n" + rows)

    outcome = mail(csv_file, tmp_path / "output")

    assert_refused(outcome, "people.csv:12: more than 10 rows")
    assert not (tmp_path / "output").exists()


def test_mail_names_the_line_of_an_address_of_100000_characters_and_cuts_it_short(tmp_path):
    csv_file = tmp_path / "people.csv"
    huge = "a" * 50_000 + "@" + "b" * 25_000 + "." + "c" * 25_000
    csv_file.write_text(f'email,name\n"{huge}",Huge\n')

    outcome = mail(csv_file, tmp_path / "output")

    assert_refused(outcome, "people.csv:2: email: 'aaaa", "100,002 characters long")
    assert len(outcome.output) < 2000
    assert not (tmp_path / "output").exists()


def test_mail_in_a_real_process_exits_1_on_a_named_pipe(tmp_path):
    csv_file = tmp_path / "people.csv"
    named_pipe(csv_file)

    outcome = run("mail", SEED, "--recipients", csv_file, "-o", tmp_path / "output")

    assert_refused(outcome, "people.csv: the recipient list is not a regular file")
    assert not (tmp_path / "output").exists()


def test_mail_refuses_a_header_of_a_million_columns(tmp_path):
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(",".join(f"c{number}" for number in range(1_000_000)) + "\nx\n")

    outcome = mail(csv_file, tmp_path / "output")

    assert_refused(outcome, "people.csv:1: the header names 1,000,000 columns; at most 1,000")
