"""Spreadsheets (CSV, XLSX) -> content that builds: the encodings and delimiters Excel
writes, Danish, German and English headers, several speakers in a cell, the seed
conference as its organiser would keep it in Excel, and real programme sheets."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pypdf
import pytest
import yaml
from helpers import DATA, SEED, page_text
from import_checks import (
    assert_passes_strict_check,
    assert_speaker_index_names_talk_pages,
    assert_talks_in_pdf,
    import_into,
    read_part,
)
from typer.testing import CliRunner

import booklet
from booklet import BookletError
from booklet.cli import app
from booklet.importer import ImportOptions, import_schedule
from booklet.spreadsheet import FIELDS, parse_column_options, speakers_in_cell

SCHEDULES = DATA / "schedules"
EUROBIOC = SCHEDULES / "eurobioc2025-schedule.csv"  # day numbers, start times only
DVPW = SCHEDULES / "dvpw2024-program.csv"  # one row per presenter, "14:00-15:30 Uhr"

DANISH_ROWS = [
    ["Titel", "Oplægsholder(e)", "Tid", "Slut", "Lokale", "Dato"],
    ["Velkomst", "Mette Holm, Direktør, ATV", "9.00", "9.15", "Store Sal", "12.5.2026"],
    [
        "Nye ledelsesformer",
        "Lotte Bøgh Andersen og Eva Rasmussen",
        "9.15",
        "10.00",
        "Store Sal",
        "",
    ],
    ["Kaffepause", "", "10.00", "10.30", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8"):
    text = "\r\n".join(delimiter.join(cell for cell in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def titles_and_times(folder: Path) -> list[tuple]:
    return [
        (item["title"], item.get("day"), item.get("start"), item.get("end"), item.get("kind"))
        for item in read_part(folder, "programme")
    ]


DANISH_EXPECTED = [
    ("Velkomst", "2026-05-12", "09:00", "09:15", "talk"),
    ("Nye ledelsesformer", "2026-05-12", "09:15", "10:00", "talk"),
    ("Kaffepause", "2026-05-12", "10:00", "10:30", "break"),
]


# --- encodings, delimiters, formats ---------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8"), (",", "utf-8-sig"), ("\t", "utf-16"), (";", "cp1252"), ("|", "utf-8")],
    ids=["semicolon", "comma with BOM", "tab UTF-16", "cp1252", "bar"],
)
def test_csv_in_what_excel_writes(tmp_path, delimiter, encoding):
    rows = [
        [cell.replace(",", " /") if delimiter == "," else cell for cell in row]
        for row in DANISH_ROWS
    ]
    source = write_csv(tmp_path / "program.csv", rows, delimiter, encoding)
    report = import_schedule(source, tmp_path / "content")
    assert titles_and_times(tmp_path / "content") == DANISH_EXPECTED
    assert read_part(tmp_path / "content", "conference")["language"] == "da"
    assert read_part(tmp_path / "content", "conference")["rooms"] == ["Store Sal"]
    names = [speaker["name"] for speaker in read_part(tmp_path / "content", "speakers")]
    assert "Eva Rasmussen" in names and "Lotte Bøgh Andersen" in names
    assert any("Windows-1252" in line for line in report.skipped) == (encoding == "cp1252")


def test_xlsx_with_excel_dates_and_times(tmp_path):
    rows = [
        ["Tagungsprogramm 2026"],
        [],
        ["Vortrag", "Referent", "Beginn", "Ende", "Raum", "Datum"],
        [
            "Eröffnung",
            "Prof. Dr. Anna Müller (TU Berlin)",
            datetime.time(9, 0),
            datetime.time(9, 30),
            "Hörsaal 1",
            datetime.date(2026, 9, 24),
        ],  # fmt: skip
        ["Mittagspause", None, datetime.time(12, 0), datetime.time(13, 0), None, None],
        [
            "Podium: Die Zukunft",
            "Jan Meier und Eva Roth",
            datetime.datetime(2026, 9, 25, 14, 0),
            datetime.time(15, 0),
            "Hörsaal 1",
            None,
        ],  # fmt: skip
    ]
    report = import_schedule(write_xlsx(tmp_path / "programm.xlsx", rows), tmp_path / "content")
    assert titles_and_times(tmp_path / "content") == [
        ("Eröffnung", "2026-09-24", "09:00", "09:30", "talk"),
        ("Mittagspause", "2026-09-24", "12:00", "13:00", "break"),
        ("Podium: Die Zukunft", "2026-09-24", "14:00", "15:00", "talk"),
    ]
    conference = read_part(tmp_path / "content", "conference")
    assert (conference["title"], conference["language"]) == ("Tagungsprogramm 2026", "de")
    anna = read_part(tmp_path / "content", "speakers")[0]
    assert (anna["name"], anna["affiliation"]) == ("Prof. Dr. Anna Müller", "TU Berlin")
    assert report.strict_warnings == []


def test_an_old_excel_workbook_and_an_opendocument_sheet_are_refused_with_what_to_do(tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(
        BookletError, match=r"old.xls: an Excel 97-2003 workbook \(.xls\).*as .xlsx or CSV"
    ):
        import_schedule(xls, tmp_path / "content")
    import zipfile

    ods = tmp_path / "sheet.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(BookletError, match=r"sheet.ods: an OpenDocument spreadsheet"):
        import_schedule(ods, tmp_path / "content")


# --- speakers in one cell --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Anne Vest og Ole Bech", [("Anne Vest", "", ""), ("Ole Bech", "", "")]),
        ("Anne Vest, Ole Bech", [("Anne Vest", "", ""), ("Ole Bech", "", "")]),
        ("Anne Vest & Ole Bech", [("Anne Vest", "", ""), ("Ole Bech", "", "")]),
        (
            "Jan Meier und Eva Roth; Kim Lund",
            [("Jan Meier", "", ""), ("Eva Roth", "", ""), ("Kim Lund", "", "")],
        ),
        ("Lotte Bøgh Andersen, Professor, AU", [("Lotte Bøgh Andersen", "Professor", "AU")]),
        (
            "Lotte Bøgh Andersen, Professor, AU og Eva Rasmussen, Professor, RUC",
            [("Lotte Bøgh Andersen", "Professor", "AU"), ("Eva Rasmussen", "Professor", "RUC")],
        ),
        ("Eva Rasmussen, RUC", [("Eva Rasmussen", "", "RUC")]),
        (
            "Anne Vest Hansen, Leder af Center for Innovation",
            [("Anne Vest Hansen", "Leder af Center for Innovation", "")],
        ),
        ("Eva Rasmussen (RUC)", [("Eva Rasmussen", "", "RUC")]),
        (
            "Ole Bech Lykkebo, Analysechef, Center for Offentlig Innovation",
            [("Ole Bech Lykkebo", "Analysechef", "Center for Offentlig Innovation")],
        ),  # fmt: skip
    ],
)
def test_several_speakers_in_one_cell(cell, expected):
    people = speakers_in_cell(cell)
    assert [(p.name, p.role, p.affiliation) for p in people] == expected


def test_role_and_affiliation_columns_go_to_the_rows_speakers(tmp_path):
    rows = [
        ["Title", "Speakers", "Affiliation", "Role"],
        ["Panel on data", "Ann Lee & Bo Ek", "RUC & AU", "Professor"],
    ]
    import_schedule(write_csv(tmp_path / "s.csv", rows, ","), tmp_path / "content")
    speakers = read_part(tmp_path / "content", "speakers")
    assert [(s["name"], s["role"], s["affiliation"]) for s in speakers] == [
        ("Ann Lee", "Professor", "RUC"),
        ("Bo Ek", "Professor", "AU"),
    ]


# --- problems, by file, row and column ------------------------------------------------------------


def test_problems_name_file_row_and_column(tmp_path):
    rows = [
        ["Title", "Speaker", "Start", "End", "Date"],
        ["Fine", "Ann Lee", "09:00", "09:30", "2026-05-12"],
        ["Bad start", "Ann Lee", "25:99", "10:00", ""],
        ["Bad end", "Ann Lee", "10:00", "later", ""],
        ["Bad date", "Ann Lee", "11:00", "11:30", "next Tuesday"],
        ["", "Bo Ek", "12:00", "12:30", ""],
    ]
    source = write_csv(tmp_path / "program.csv", rows)
    outcome = CliRunner().invoke(app, ["import", str(source), "-o", str(tmp_path / "content")])
    assert outcome.exit_code == 0, outcome.output
    shown = (
        str(source)
        if not source.is_relative_to(Path.cwd())
        else str(source.relative_to(Path.cwd()))
    )
    for expected in [
        f"{shown}:3:3: 'Bad start': start '25:99' is not a time; skipped",
        f"{shown}:4:4: 'Bad end': end 'later' is not a time; left out",
        f"{shown}:5:5: 'Bad date': date 'next Tuesday' is not a date; skipped",
        f"{shown}:6: no title; skipped",
    ]:
        assert expected in outcome.output
    assert [item["title"] for item in read_part(tmp_path / "content", "programme")] == [
        "Fine",
        "Bad end",
    ]


def test_a_sheet_without_a_known_header_says_what_it_holds_and_how_to_map_it(tmp_path):
    rows = [["Hvem", "Hvad", "Hvornår"], ["Ann Lee", "Data", "9:00"]]
    source = write_csv(tmp_path / "plan.csv", rows)
    with pytest.raises(BookletError) as raised:
        import_schedule(source, tmp_path / "content")
    message = str(raised.value)
    assert "plan.csv: no event could be imported: a spreadsheet" in message
    assert "'Hvem', 'Hvad', 'Hvornår'" in message
    assert "--column 'HEADER=FIELD'" in message and "Sessionize" in message
    assert not (tmp_path / "content").exists()

    mapping = ["Hvem=speakers", "Hvad=title", "Hvornår=start"]
    options = ImportOptions(columns=parse_column_options(mapping))
    report = import_schedule(source, tmp_path / "content", options)
    (item,) = read_part(tmp_path / "content", "programme")
    assert (item["title"], item["start"], item["speakers"]) == ("Data", "09:00", ["ann-lee"])
    assert any("no date column" in line for line in report.skipped)


def test_a_column_option_that_is_not_header_equals_field_is_refused():
    with pytest.raises(BookletError, match="write it as HEADER=FIELD"):
        parse_column_options(["Foredragsholder"])
    with pytest.raises(BookletError, match="no field 'speeker'; choose from title, speakers"):
        parse_column_options(["Foredragsholder=speeker"])


def test_the_cli_maps_columns_and_names_every_format_in_its_help(tmp_path):
    runner = CliRunner()
    help_text = runner.invoke(app, ["import", "--help"], terminal_width=200).output
    for example in ["schedule.json", "schedule.xml", "sessionize.json", "timetable.json",
                    "?detail=contributions", "programme.xlsx", "programme.csv",
                    "--column"]:  # fmt: skip
        assert example in help_text
    assert all(field_name in help_text for field_name in FIELDS)
    rows = [["Foredragsholder", "Titel"], ["Ann Lee", "Data"]]
    source = write_csv(tmp_path / "plan.csv", rows)
    outcome = runner.invoke(
        app,
        [
            "import",
            str(source),
            "-o",
            str(tmp_path / "content"),
            "--column",
            "Foredragsholder=speakers",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    bad = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "x"), "--column", "x"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_an_import_never_overwrites(tmp_path):
    source = write_csv(tmp_path / "program.csv", DANISH_ROWS)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "programme.yaml").write_text("- title: mine\n", encoding="utf-8")
    with pytest.raises(BookletError, match="programme.yaml exists already"):
        import_schedule(source, tmp_path / "content")
    assert (tmp_path / "content" / "programme.yaml").read_text(
        encoding="utf-8"
    ) == "- title: mine\n"


# --- real programme sheets --------------------------------------------------------------------


def test_eurobioc_day_numbers_and_start_times_only(tmp_path):
    report, folder = import_into(
        EUROBIOC, tmp_path / "content", ImportOptions(first_day="2025-09-17")
    )
    assert_passes_strict_check(folder, report)
    items = read_part(folder, "programme")
    assert len(items) == 26
    first, keynote = items[0], items[1]
    assert (first["title"], first["day"], first["start"], first["end"]) == (
        "Welcome to EuroBioC", "2025-09-17", "09:00", "09:15"
    )  # fmt: skip
    assert keynote["kind"] == "keynote"
    assert {item["day"] for item in items} == {"2025-09-17", "2025-09-18", "2025-09-19"}
    breaks = [item for item in items if item["title"] == "Break"]
    assert breaks and all(item["kind"] == "break" for item in breaks)
    assert any("each item ends when the next one" in line for line in report.skipped)
    # Without --first-day: days in order from a placeholder, and said so; the placeholder
    # stays a warning, at its line, until it is replaced, so that it never reaches the
    # cover unseen. The title, the file's name, is marked in conference.yaml too.
    undated = tmp_path / "undated"
    report = import_schedule(EUROBIOC, undated)
    assert {i["day"] for i in read_part(undated, "programme")} == {
        "2000-01-01", "2000-01-02", "2000-01-03"
    }  # fmt: skip
    assert any("--first-day" in line for line in report.skipped)
    (warning,) = booklet.check(undated).warnings
    conference_yaml = (undated / "conference.yaml").read_text(encoding="utf-8").splitlines()
    assert (warning.line, warning.field) == (
        conference_yaml.index("date: 2000-01-01") + 1, "conference.date"
    )  # fmt: skip
    assert "placeholder" in warning.message and "--first-day" in warning.message
    assert any("--first-day" in line for line in report.strict_warnings)
    assert f"# title: the export gives none, so this is '{EUROBIOC.stem}';" in conference_yaml
    assert not booklet.check(tmp_path / "content").warnings  # dated: no warning


def test_dvpw_one_row_per_presenter_is_one_item_with_its_speakers(tmp_path):
    report, folder = import_into(DVPW, tmp_path / "content")
    assert_passes_strict_check(folder, report)
    items = {item["title"]: item for item in read_part(folder, "programme")}
    first = items[
        "Between Net Neutrality and Networked Control – How US and Chinese Investments Shape "
        "Digital Author"
    ]
    assert first["speakers"] == ["maurice-schumann", "fabiola-schwarz"]
    assert (first["day"], first["start"], first["end"]) == ("2024-09-24", "14:00", "15:30")
    assert first["session"].startswith("authoritarian-state-control")
    speakers = {speaker["id"]: speaker for speaker in read_part(folder, "speakers")}
    assert speakers["maurice-schumann"]["affiliation"] == "Hertie School"
    assert "na" not in speakers  # R's NA in the co-author column is no one
    assert any("repeat an item above" in line for line in report.skipped)


# --- the seed conference, kept in Excel -------------------------------------------------------


def seed_rows() -> list[list[object]]:
    """The seed's four talks as its organiser would type them: a title row, Danish
    headers, each speaker as "Name, Role, Organisation", two in one cell."""
    programme = yaml.safe_load((SEED / "programme.yaml").read_text(encoding="utf-8"))
    speakers = {
        s["id"]: s for s in yaml.safe_load((SEED / "speakers.yaml").read_text(encoding="utf-8"))
    }
    conference = yaml.safe_load((SEED / "conference.yaml").read_text(encoding="utf-8"))

    def written(speaker: dict) -> str:
        return ", ".join(
            speaker[key] for key in ("name", "role", "affiliation") if speaker.get(key)
        )

    rows: list[list[object]] = [
        [conference["title"]],
        [f"– {conference['subtitle']}"],  # as the seed's source text writes it
        [],
        ["Titel", "Oplægsholder(e)", "Resumé"],
    ]
    for item in programme:
        cell = " og ".join(written(speakers[speaker_id]) for speaker_id in item["speakers"])
        rows.append([item["title"], cell, item["abstract"].strip()])
    return rows


@pytest.fixture(scope="module")
def seed_round_trip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed-sheet")
    source = write_xlsx(folder / "program.xlsx", seed_rows())
    report, content = import_into(source, folder / "content")
    result = booklet.build(content, folder / "out", strict=True)
    return report, content, result, pypdf.PdfReader(result.pdf_path)


def test_the_seed_kept_in_excel_imports_to_the_seeds_talks_and_speakers(seed_round_trip):
    report, folder, _, _ = seed_round_trip
    seed_programme = yaml.safe_load((SEED / "programme.yaml").read_text(encoding="utf-8"))
    seed_speakers = {
        s["id"]: s for s in yaml.safe_load((SEED / "speakers.yaml").read_text(encoding="utf-8"))
    }
    programme = read_part(folder, "programme")
    speakers = {s["id"]: s for s in read_part(folder, "speakers")}
    assert [item["title"] for item in programme] == [item["title"] for item in seed_programme]
    for item, seed_item in zip(programme, seed_programme, strict=True):
        # No times in the seed, none in the sheet: none written.
        assert not {"day", "start", "end"} & item.keys()
        assert item["kind"] == "talk"
        assert item["abstract"].split() == seed_item["abstract"].split()
        imported = [speakers[s] for s in item["speakers"]]
        expected = [seed_speakers[s] for s in seed_item["speakers"]]
        for mine, theirs in zip(imported, expected, strict=True):
            assert (mine["name"], mine.get("role"), mine.get("affiliation")) == (
                theirs["name"], theirs.get("role"), theirs.get("affiliation")
            )  # fmt: skip
    conference = read_part(folder, "conference")
    seed_conference = yaml.safe_load((SEED / "conference.yaml").read_text(encoding="utf-8"))
    for key in ("title", "subtitle", "language"):
        assert conference[key] == seed_conference[key]
    assert any("no event has a time" in line for line in report.skipped)


def test_the_seeds_booklet_from_excel_has_its_talks_and_index(seed_round_trip, seed_pdf):
    report, folder, result, reader = seed_round_trip
    assert_passes_strict_check(folder, report)
    assert_talks_in_pdf(reader, folder)
    assert_speaker_index_names_talk_pages(result, reader, folder)
    # What a spreadsheet cannot hold (the welcome text, the organiser) is all that is missing.
    seed_text = " ".join(page_text(page) for page in seed_pdf.pages)
    mine = " ".join(page_text(page) for page in reader.pages)
    assert "Center for Offentlig Innovation" in mine and "Eskild Holm Nielsen" in mine
    assert "ATV har en vision" in seed_text and "ATV har en vision" not in mine


def test_a_binary_file_is_no_spreadsheet_and_the_message_says_what_booklet_reads(tmp_path):
    source = tmp_path / "talk.pdf"
    source.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    with pytest.raises(BookletError) as raised:
        import_schedule(source, tmp_path / "content")
    message = str(raised.value)
    assert "talk.pdf: no event could be imported: a spreadsheet whose first rows" in message
    assert "'%PDF-1.7'" in message and "frab/Pentabarf" in message


def test_a_workbook_that_unpacks_beyond_reason_is_not_read(tmp_path, monkeypatch):
    import booklet.spreadsheet

    monkeypatch.setattr(booklet.spreadsheet, "MAX_UNPACKED_BYTES", 1000)
    source = write_xlsx(tmp_path / "big.xlsx", [["Title"], ["Talk"]])
    with pytest.raises(BookletError, match="big.xlsx: the workbook unpacks to"):
        import_schedule(source, tmp_path / "content")


def test_a_list_of_titles_imports_without_times(tmp_path):
    source = write_csv(tmp_path / "titles.csv", [["Title"], ["First talk"], ["Second talk"]])
    import_schedule(source, tmp_path / "content")
    items = read_part(tmp_path / "content", "programme")
    assert [item["title"] for item in items] == ["First talk", "Second talk"]


def test_dates_without_times_are_kept(tmp_path):
    rows = [["Dato", "Titel"], ["12.5.2026", "Første"], ["", "Anden"], ["13.5.2026", "Tredje"]]
    import_schedule(write_csv(tmp_path / "dage.csv", rows), tmp_path / "content")
    items = read_part(tmp_path / "content", "programme")
    assert [(i["title"], i["day"]) for i in items] == [
        ("Første", "2026-05-12"),
        ("Anden", "2026-05-12"),
        ("Tredje", "2026-05-13"),
    ]
    conference = read_part(tmp_path / "content", "conference")
    assert (conference["date"], conference["end_date"]) == ("2026-05-12", "2026-05-13")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-05-12", "2026-05-12"),
        ("12.5.2026", "2026-05-12"),
        ("12-05-2026", "2026-05-12"),
        ("13/5/2026", "2026-05-13"),
        ("5/13/2026", "2026-05-13"),  # only the American way reads
        ("Tirsdag 12. maj 2026", "2026-05-12"),
        ("May 12, 2026", "2026-05-12"),
        ("Dienstag, 12. Mai 2026", "2026-05-12"),
        ("31.2.2026", None),
        ("next Tuesday", None),
    ],
)
def test_dates_as_spreadsheets_write_them(written, expected):
    from booklet.spreadsheet import as_date

    found = as_date(written)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("9:30", 570), ("9.30", 570), ("kl. 9.30", 570), ("9", 540), ("2:30 pm", 870),
     ("12:00 am", 0), ("14:00 Uhr", 840), (datetime.time(9, 5), 545), (0.375, 540),
     ("25:00", None), ("13 pm", None), ("soon", None)],
)  # fmt: skip
def test_times_as_spreadsheets_write_them(written, expected):
    from booklet.spreadsheet import as_minutes

    assert as_minutes(written) == expected


def test_a_duration_column_gives_the_end(tmp_path):
    rows = [["Title", "Start", "Duration"], ["A", "9:00", "45 min"], ["B", "10:00", "1 h 30"]]
    import_schedule(write_csv(tmp_path / "d.csv", rows), tmp_path / "content")
    items = read_part(tmp_path / "content", "programme")
    assert [(i["start"], i["end"]) for i in items] == [("09:00", "09:45"), ("10:00", "11:30")]


def test_family_name_first_is_turned_around():
    (person,) = speakers_in_cell("Müller, Anna")
    assert (person.name, person.family_name) == ("Anna Müller", "Müller")


# --- sheets as real tools save them -----------------------------------------------------------


def test_a_sheet_that_declares_a_million_rows_is_read_to_its_last_written_row(tmp_path):
    """LibreOffice saves a sheet of a few rows as A1:AMK1048576 (a styled cell at the far
    corner): openpyxl filled a billion empty cells (8 GB and four minutes for c3voc's
    12 kB template). Only the rows up to the last written one are read."""
    path = write_xlsx(tmp_path / "programme.xlsx", [DANISH_ROWS[0], *DANISH_ROWS[1:3]])
    workbook = openpyxl.load_workbook(path)
    workbook.active.cell(row=1_048_576, column=1_024).font = openpyxl.styles.Font(bold=True)
    workbook.save(path)
    assert openpyxl.load_workbook(path, read_only=True).active.max_row == 1_048_576
    report = import_schedule(path, tmp_path / "content")
    assert report.items == 2
    assert [item["title"] for item in read_part(tmp_path / "content", "programme")] == [
        DANISH_ROWS[1][0], DANISH_ROWS[2][0]
    ]  # fmt: skip


def test_numbered_speaker_columns_under_one_header_hold_a_person_each(tmp_path):
    """c3voc's template: "Vortragende" over columns 1, 2, 3, a person in each ("Name,
    Organisation": one person, not two); the name of the event a placeholder in A1."""
    rows = [
        ["<Veranstaltungsname>", None, None, None, None, "Vortragende"],
        ["Ort", "Datum", "Uhrzeit", "Titel", None, 1, 2, 3],
        ["Altes Rathaus", "27.10.2016", "9:00", "Offenheit", None,
         "Peter Onderscheka, Landeshauptstadt München", "Julia Kleber, polidia GmbH"],
        ["Altes Rathaus", "27.10.2016", "9:20", "Begrüßung", None,
         "Dieter Reiter,  Oberbürgermeister von München"],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "vorlage.xlsx", rows)
    report = import_schedule(path, tmp_path / "content")
    speakers = {s["name"]: s for s in read_part(tmp_path / "content", "speakers")}
    assert set(speakers) == {"Peter Onderscheka", "Julia Kleber", "Dieter Reiter"}
    assert speakers["Peter Onderscheka"]["affiliation"] == "Landeshauptstadt München"
    conference = yaml.safe_load((tmp_path / "content" / "conference.yaml").read_text())
    assert conference["title"] == "vorlage" and "subtitle" not in conference
    assert report.items == 2
    # Naming a numbered column with --column works too (a header of digits alone).
    report = import_schedule(
        path, tmp_path / "named", ImportOptions(columns=parse_column_options(["1=speakers"]))
    )
    assert report.items == 2 and report.speakers >= 2


def test_dates_times_and_headers_of_real_csv_exports(tmp_path):
    """c3voc's Sendezentrum sheet: 27/12/14, 2:00 p.m., "Time Start", "Teilnehmer";
    camp99's: "persons", "start_hour" and 24 for midnight; 0:00 a.m."""
    rows = [
        ["", "Date ", "Time Start", "Time End", "Titel", "Teilnehmer"],
        ["Samstag", "27/12/14", "2:00 p.m.", "3:00 p.m.", "Einstieg", "Daniel Meßner"],
        ["Samstag", "27/12/14", "11:00 p.m.", "0:00 a.m.", "Spät", "Ralf Stockmann"],
    ]
    write_csv(tmp_path / "sendezentrum.csv", rows, delimiter=",")
    import_schedule(tmp_path / "sendezentrum.csv", tmp_path / "a")
    assert titles_and_times(tmp_path / "a") == [
        ("Einstieg", "2014-12-27", "14:00", "15:00", "talk"),
        ("Spät", "2014-12-27", "23:00", "00:00", "talk"),
    ]
    assert [s["name"] for s in read_part(tmp_path / "a", "speakers")] == [
        "Daniel Meßner", "Ralf Stockmann"
    ]  # fmt: skip
    rows = [
        ["day", "start_hour", "persons", "room", "title"],
        ["2026-08-06", "22", "The Camp Crew", "WS2", "Late"],
        ["2026-08-06", "24", "The Camp Crew", "WS2", "Midnight"],
    ]
    write_csv(tmp_path / "camp.csv", rows, delimiter=",")
    import_schedule(tmp_path / "camp.csv", tmp_path / "b")
    assert [(t, s) for t, _, s, _, _ in titles_and_times(tmp_path / "b")] == [
        ("Late", "22:00"), ("Midnight", "00:00")
    ]  # fmt: skip
    assert read_part(tmp_path / "b", "speakers")[0]["name"] == "The Camp Crew"


def test_cells_far_to_the_right_are_not_read_as_thousands_of_empty_ones(tmp_path):
    """A sheet of 20,000 rows, each with one cell at column ZZZ (18,278): openpyxl filled
    every row to it (800 MB for 5,000 rows; 100,000 ran out of memory). Only the first
    columns are read; what the sheet holds there is reported, exit 1, no traceback."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in range(1, 20_001):
        sheet.cell(row=row, column=18_278, value=1)
    workbook.save(tmp_path / "wide.xlsx")
    with pytest.raises(BookletError, match="no header row booklet knows"):
        import_schedule(tmp_path / "wide.xlsx", tmp_path / "content")
