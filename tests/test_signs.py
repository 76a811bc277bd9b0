"""Door signs (`booklet signs`): one landscape page per room and day with that room's
items, the QR code to the web programme, the booklet's theme; a print edition with
bleed and crop marks, and A3."""

from __future__ import annotations

import re
import subprocess
import sys

import pikepdf
import pypdf
import pytest
from example_project import example_project, fresh_project
from helpers import SEED, page_text, write_content

import booklet
from booklet.preflight import preflight
from booklet.signs import build_signs

A4_LANDSCAPE = (841.89, 595.28)
A3_LANDSCAPE = (1190.55, 841.89)


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """Two days, three rooms; Room C has an item on the second day only."""
    folder = tmp_path_factory.mktemp("signs") / "content"

    def item(title, day, start, end, room=None, speakers=(), kind="talk"):
        entry = {
            "title": title,
            "kind": kind,
            "speakers": list(speakers),
            "day": day,
            "start": start,
            "end": end,
        }
        return entry | ({"room": room} if room else {})

    write_content(
        folder,
        {
            "title": "Signs Camp",
            "organiser": "Us",
            "language": "da",
            "website": "https://example.org/signs",
            "rooms": ["Sal A", "Sal B", "Sal C"],
        },
        [{"id": "ada", "name": "Ada Lovelace"}, {"id": "bo", "name": "Bo Ek"}],
        [
            item("Morgenkaffe", "2031-05-13", "8:30", "9:00", kind="break"),
            item("Analytiske maskiner", "2031-05-13", "9:00", "10:00", "Sal A", ["ada"]),
            item("Noter om tal", "2031-05-13", "9:00", "10:00", "Sal B", ["bo"]),
            item("Dag to i A", "2031-05-14", "9:00", "10:00", "Sal A", ["ada"]),
            item("Kun i C", "2031-05-14", "10:00", "11:00", "Sal C", ["bo", "ada"]),
        ],
    )
    return build_signs(folder, folder.parent / "output"), folder


def test_one_sign_per_room_and_day_with_that_rooms_items(two_days):
    result, _ = two_days
    reader = pypdf.PdfReader(result.pdf_path)
    expected = [
        ("Sal A", "Tirsdag den 13. maj 2031", ["Analytiske maskiner"], ["Noter om tal"]),
        ("Sal B", "Tirsdag den 13. maj 2031", ["Noter om tal"], ["Analytiske maskiner"]),
        ("Sal A", "Onsdag den 14. maj 2031", ["Dag to i A"], ["Kun i C"]),
        ("Sal C", "Onsdag den 14. maj 2031", ["Kun i C", "Bo Ek, Ada Lovelace"], ["Dag to"]),
    ]
    assert len(reader.pages) == len(expected) == len(result.signs)
    for page, (room, day, present, absent) in zip(reader.pages, expected, strict=True):
        text = page_text(page)
        assert "SIGNS CAMP" in text and room in text and day in text, text
        assert all(words in text for words in present), (room, text)
        assert not any(words in text for words in absent), (room, text)
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A4_LANDSCAPE, abs=0.5
        )
    # An item without a room (the morning coffee) is on every sign of its day.
    assert all("Morgenkaffe" in page_text(page) for page in reader.pages[:2])


def test_a_sign_carries_the_qr_code_to_the_website_as_vector(two_days):
    result, _ = two_days
    reader = pypdf.PdfReader(result.pdf_path)
    assert "https://example.org/signs" in page_text(reader.pages[0])
    with pikepdf.open(result.pdf_path) as pdf:
        assert not any(
            x.Subtype == "/Image" for x in pdf.pages[0].Resources.get("/XObject", {}).values()
        )
        operators = [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])]
    assert operators.count("re") + operators.count("l") > 100  # the modules, drawn


def test_the_print_edition_has_bleed_and_marks_and_a3_is_larger(two_days, tmp_path):
    _, content = two_days
    result = build_signs(content, tmp_path, paper="A3", edition="print")
    assert result.pdf_path.name == "signs-camp-signs-print.pdf"
    with pikepdf.open(result.pdf_path) as pdf:
        page = pdf.pages[0]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(A3_LANDSCAPE, abs=0.5)
        assert trim[0] - bleed[0] == pytest.approx(3 * 72 / 25.4, abs=0.1)
        assert float(page.MediaBox[2]) > bleed[2]  # room for the crop marks
        # The head's colour runs into the bleed: a fill under the page, from past the
        # trim's top and sides.
        first = (
            page.obj.Contents[0].read_bytes()
            if isinstance(page.obj.Contents, pikepdf.Array)
            else b""
        )
        # (in CMYK: the print edition is PDF/X-4, as the booklet's)
        assert re.search(rb" k\s", first) and not re.search(rb" rg\s", first)
        rectangle = re.search(rb"(\S+) (\S+) (\S+) (\S+) re", first)
        x, y, width, height = (float(v) for v in rectangle.groups())
        assert x == pytest.approx(bleed[0], abs=0.1) and y + height == pytest.approx(
            bleed[3], abs=0.1
        )
        assert trim[3] - 300 < y < trim[3] - 40  # down to the foot of the head (74 mm on A3)
        assert len(pdf.pages) == 4
        assert pdf.Root.OutputIntents[0].S == pikepdf.Name.GTS_PDFX
    report = preflight(result.pdf_path)
    assert report.standard == "PDF/X-4" and report.errors == [], report.errors


def test_the_example_has_a_sign_for_each_of_its_rooms_in_its_theme():
    project = example_project()
    result = build_signs(project / "content", project / "output")
    assert [sign.room for sign in result.signs] == ["Main Hall", "Room B"]
    reader = pypdf.PdfReader(result.pdf_path)
    with pikepdf.open(result.pdf_path) as pdf:
        fonts = {str(f.BaseFont) for p in pdf.pages for f in p.Resources.Font.values()}
    assert any("Booklet-Serif" in font for font in fonts)
    main_hall = page_text(reader.pages[0])
    assert "Publishing a town's budget as data" in main_hall and "Who reads" not in main_hall


def test_a_programme_without_rooms_has_no_signs_and_says_why(tmp_path):
    with pytest.raises(booklet.ContentError, match="no programme item has a room"):
        build_signs(SEED, tmp_path)
    assert not list(tmp_path.iterdir())


def test_the_signs_command(tmp_path):
    project = fresh_project(tmp_path / "p")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "booklet",
            "signs",
            str(project / "content"),
            "-o",
            str(tmp_path / "out"),
            "--paper",
            "a3",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("example-conference-on-open-data-signs.pdf")
    assert "2 door signs" in result.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "booklet", "signs", str(project / "content"), "--paper", "A2"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "A4 or A3" in bad.stderr
