"""Names as an index reader expects them: personal names under their family name (with
particles and capitals), handles, groups and organisations as written, explicit keys in
the content, one person under two ids merged, and no hyphen inside a name."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest
from helpers import page_text, section_page, write_content

import booklet
from booklet.collation import sort_key
from booklet.errors import ContentError
from booklet.model import Speaker
from booklet.names import normalised_name, plan_merges, read_name

SCHEDULES = Path(__file__).parent / "data" / "schedules"  # copies of ../shared/data/schedules


def printed(name: str, family_name: str | None = None) -> str:
    """The index's form of a name: 'Family, rest', or the name as written."""
    reading = read_name(name, family_name)
    return f"{reading.family}, {reading.rest}" if reading.rest else reading.family


# --- reading one name -----------------------------------------------------------------


# Real names from camp2019 and 31C3 (and a few classics for the particles), as the index
# prints them.
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Tim Pritlove", "Pritlove, Tim"),
        ("Anke Domscheit-Berg", "Domscheit-Berg, Anke"),
        ("Alvar C.H. Freude", "Freude, Alvar C.H."),
        ("Jillian C. York", "York, Jillian C."),
        ("Chloé Berthélémy (EDRi)", "Berthélémy, Chloé (EDRi)"),
        ("Andreea Belu (EDRi)", "Belu, Andreea (EDRi)"),
        ("Stefan Schindler (@dns2utf8)", "Schindler, Stefan (@dns2utf8)"),
        ("Johannes Klick 'Garak'", "Klick, Johannes 'Garak'"),
        ('Lukas "cube" Hannen', 'Hannen, Lukas "cube"'),
        ("Tatiana Bazzichelli / Disruption Network Lab",
         "Bazzichelli, Tatiana / Disruption Network Lab"),
        ("Andrea Behrendt - read & delete", "Behrendt, Andrea - read & delete"),
        ("Martin Luther King Jr.", "King, Martin Luther Jr."),
        ("Martin Luther King, Jr.", "King, Martin Luther Jr."),
        ("Andreea Belu (EDRi, Brussels)", "Belu, Andreea (EDRi, Brussels)"),
        # Lower-case particles follow the given names; capitalised ones are the family's.
        ("Ludwig van Beethoven", "Beethoven, Ludwig van"),
        ("Jeroen van der Ham", "Ham, Jeroen van der"),
        ("Geraldine de Bastion", "Bastion, Geraldine de"),
        ("Ralf Mueller von der Haegen", "Haegen, Ralf Mueller von der"),
        ("Alexandre De Oliveira", "De Oliveira, Alexandre"),
        ("Martin Van Buren", "Van Buren, Martin"),
        ("Jean de La Fontaine", "La Fontaine, Jean de"),
        ("Van Morrison", "Morrison, Van"),
        # Capitals mark the family name wherever it stands.
        ("Romain LE DISEZ", "LE DISEZ, Romain"),
        ("DISEZ Romain", "DISEZ, Romain"),
        ("LE DISEZ Romain", "LE DISEZ, Romain"),
        ("ROMAIN LE DISEZ", "LE DISEZ, ROMAIN"),
        # Written inverted already.
        ("Beethoven, Ludwig van", "Beethoven, Ludwig van"),
        ("nine, tarnac", "nine, tarnac"),
        # Titles are no given names: printed after them and a comma (Chicago, DIN 5007-2).
        ("Dr. Rüdiger Hanig", "Hanig, Rüdiger, Dr."),
        ("Dr Gareth Owen", "Owen, Gareth, Dr"),
        ("Prof. Dr. Anna Schmidt", "Schmidt, Anna, Prof. Dr."),
        ("Dipl.-Inf. Eva Huber", "Huber, Eva, Dipl.-Inf."),
        ("Dr. Martin Haase/maha", "Haase, Martin, Dr. /maha"),
        ("Dr. Hanig", "Hanig, Dr."),
        ("Ing Chen", "Chen, Ing"),  # a given name: "Ing." would be a title
        ("Dr. THM Lounge", "Dr. THM Lounge"),
        # As written: one word, handles, groups, organisations, an initial at the end.
        ("tante", "tante"),
        ("dns2utf8", "dns2utf8"),
        ("@dns2utf8", "@dns2utf8"),
        ("Akat1 Majorana", "Akat1 Majorana"),
        ("mynameisnotimportant / hambacher forst", "mynameisnotimportant / hambacher forst"),
        ("Lucia und Ben", "Lucia und Ben"),
        ("Ana, Ben, Carla", "Ana, Ben, Carla"),
        ("THM Lounge", "THM Lounge"),
        ("CCC Video Operation Center", "CCC Video Operation Center"),
        ("Chaos Computer Club", "Chaos Computer Club"),
        ("Anonymous member of Tarnac Solidarity Committee",
         "Anonymous member of Tarnac Solidarity Committee"),
        ("Felix D.", "Felix D."),
        ("Chris K", "Chris K"),
        ("von Neumann", "von Neumann"),
        # Words about the item in a spreadsheet's speaker column (EuroBioC2025).
        ("Contributed from submitted abstracts", "Contributed from submitted abstracts"),
        ("Contributed during conference", "Contributed during conference"),
    ],
)  # fmt: skip
def test_a_name_is_printed_as_the_index_reader_expects(name, expected):
    assert printed(name) == expected


def test_the_content_says_which_words_are_the_family_name():
    assert printed("Richard Marggraf Turley", "Marggraf Turley") == "Marggraf Turley, Richard"
    assert printed("Romain LE DISEZ", "Le Disez") == "Le Disez, Romain"
    assert printed("Wei Tat Chung", "Wei") == "Wei, Tat Chung"
    # A compound family name with a particle inside (German and English sources file him
    # under M); the default cannot tell Mueller from a given name.
    assert printed("Ralf Mueller von der Haegen", "Mueller von der Haegen") == (
        "Mueller von der Haegen, Ralf"
    )
    assert printed("Dr. Rüdiger Hanig", "Hanig") == "Hanig, Rüdiger, Dr."
    assert printed("Dr. Rüdiger Hanig", "Dr. Rüdiger Hanig") == "Dr. Rüdiger Hanig"
    # The whole name: not inverted.
    assert printed("Tarnac Nine", "Tarnac Nine") == "Tarnac Nine"


def test_the_index_sorts_people_by_family_name_and_the_rest_as_written():
    names = ["THM Lounge", "Ludwig van Beethoven", "Romain LE DISEZ", "@dns2utf8",
             "Andreea Belu (EDRi)", "Martin Van Buren", "Lucia und Ben", "Tim Pritlove",
             "DISEZ Romain", "Stefan Schindler (@dns2utf8)"]  # fmt: skip
    speakers = [Speaker(id=f"s{i}", name=name) for i, name in enumerate(names)]
    ordered = sorted(
        speakers,
        key=lambda s: (sort_key(s.sort_family_name, "en"), sort_key(s.given_names, "en")),
    )
    assert [s.name for s in ordered] == [
        "Ludwig van Beethoven",  # B
        "Andreea Belu (EDRi)",  # B, after Beethoven
        "DISEZ Romain",  # D
        "@dns2utf8",  # D: the @ does not count
        "Romain LE DISEZ",  # L
        "Lucia und Ben",  # L
        "Tim Pritlove",
        "Stefan Schindler (@dns2utf8)",
        "THM Lounge",  # T, as written
        "Martin Van Buren",  # V
    ]


def test_a_title_does_not_sort_among_the_given_names():
    names = ["Bernd Schmidt", "Prof. Dr. Anna Schmidt", "Adam Schmidt", "Dr. Zoe Schmidt"]
    speakers = [Speaker(id=f"s{i}", name=name) for i, name in enumerate(names)]
    ordered = sorted(
        speakers,
        key=lambda s: (sort_key(s.sort_family_name, "de"), sort_key(s.given_names, "de")),
    )
    assert [s.given_names for s in ordered] == ["Adam", "Anna, Prof. Dr.", "Bernd", "Zoe, Dr."]


def test_sort_as_decides_the_order_but_not_what_is_printed():
    speaker = Speaker(id="gogh", name="Vincent van Gogh", sort_as="Van Gogh")
    assert speaker.sort_family_name == "Van Gogh"
    assert (speaker.reading.family, speaker.reading.rest) == ("Gogh", "Vincent van")


# --- every person of two real exports -----------------------------------------------------


def _schedule_names() -> list[str]:
    data = json.loads((SCHEDULES / "camp2019-stages.schedule.json").read_text())
    names = {
        person.get("public_name") or person.get("name")
        for day in data["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
        for person in event["persons"]
    }
    tree = ET.parse(SCHEDULES / "31c3-schedule.xml")
    names |= {person.text for person in tree.iter("person") if person.text}
    return sorted(" ".join(name.split()) for name in names)


def test_every_name_of_camp2019_and_31c3_is_read_without_losing_or_inventing_a_word():
    names = _schedule_names()
    assert len(names) > 300
    readings = {name: read_name(name) for name in names}
    for name, reading in readings.items():
        if reading.inverted:
            # The same letters, only reordered; and the family name is no aside.
            # (A title after the given names brings a comma.)
            letters = f"{reading.family}{reading.rest}".replace(" ", "")
            assert sorted(letters.replace(",", "")) == sorted(
                name.replace(" ", "").replace(",", "")
            )
            assert not reading.family.startswith(("(", "'", '"', "@"))
            assert not re.search(r"\d", reading.family)
        else:
            assert reading.family == name
    inverted = {name for name, reading in readings.items() if reading.inverted}
    kept = set(names) - inverted
    # Each kind that is sorted as written, with an example from the exports.
    assert {"THM Lounge", "Lucia und Ben", "Akat1 Majorana", "Felix D.", "hukl"} <= kept
    assert sum(1 for name in kept if " " not in name) > 100  # the handles: "hukl", "GeKo"
    assert {"Tim Pritlove", "Andreea Belu (EDRi)", "Jeroen van der Ham"} <= inverted
    # Doubtful ones, decided: all-lower-case people are people, a pseudonym of two
    # words reads as a name, a slash ends the name, and a title follows the given names.
    assert printed("christian faubel") == "faubel, christian"
    assert printed("MeTaMiNd EvoLuTioN") == "EvoLuTioN, MeTaMiNd"
    assert printed("Martin Haase/maha") == "Haase, Martin /maha"
    assert printed("Dr. Rüdiger Hanig") == "Hanig, Rüdiger, Dr."


# --- explicit keys in the content -----------------------------------------------------------


def test_a_family_name_that_is_not_in_the_name_or_an_empty_sort_key_is_a_content_error(
    tmp_path,
):
    speakers = [
        {"id": "beethoven", "name": "Ludwig van Beethoven", "family_name": "Bach"},
        {"id": "lounge", "name": "THM Lounge", "sort_as": " "},
        {"id": "disez", "name": "Romain LE DISEZ", "family_name": "le disez"},  # case aside
    ]
    programme = [{"title": "Talk", "speakers": ["beethoven", "lounge", "disez"]}]
    folder = write_content(tmp_path / "content", {"title": "T", "organiser": "O"}, speakers,
                           programme)  # fmt: skip
    with pytest.raises(ContentError) as caught:
        booklet.check(folder)
    messages = [(p.field, p.line, p.message) for p in caught.value.problems]
    assert len(messages) == 2, messages
    (field, line, message), (field2, line2, message2) = messages
    assert field == "speakers[0].family_name" and line == 3
    assert "must be words of name 'Ludwig van Beethoven'" in message and "sort_as" in message
    assert field2 == "speakers[1].sort_as" and line2 == 6 and "must not be empty" in message2


# --- one person under two ids ------------------------------------------------------------


def test_one_person_under_two_ids_is_merged_and_the_merge_is_reported():
    speakers = [
        {"id": "tim-pritlove", "name": "Tim Pritlove"},
        {"id": "mo", "name": "mo", "bio": "Plays records."},
        {"id": "chloe-berthelemy", "name": "Chloé Berthélémy", "affiliation": "EDRi"},
        {"id": "tim-pritlove-2", "name": "Tim  Pritlove", "role": "Podcaster"},
        {"id": "mo-2", "name": "Mo"},
        {"id": "chloe-berthelemy-2", "name": "CHLOE BERTHELEMY"},
        {"id": "anja", "name": "Anja", "affiliation": "THM"},
        {"id": "anja-2", "name": "Anja", "affiliation": "EDRi"},  # two people of one name
    ]
    plan = plan_merges(speakers)
    assert plan.merged == {
        "tim-pritlove-2": "tim-pritlove",
        "mo-2": "mo",
        "chloe-berthelemy-2": "chloe-berthelemy",
    }
    report = "\n".join(plan.messages)
    assert len(plan.messages) == 4
    assert "speakers 'mo' and 'mo-2' are one person ('mo', 'Mo'): merged as 'mo'" in report
    assert (
        "speakers 'tim-pritlove' and 'tim-pritlove-2' are one person ('Tim Pritlove'): "
        "merged as 'tim-pritlove'" in report
    )
    assert "speakers 'anja' and 'anja-2' are both named 'Anja'" in report
    assert "kept apart" in report

    programme = [
        {"title": "Podcast", "speakers": ["tim-pritlove", "tim-pritlove-2", "mo-2"]},
        {"title": "Break"},
    ]
    kept, items = plan.apply(speakers, programme)
    assert [s["id"] for s in kept] == ["tim-pritlove", "mo", "chloe-berthelemy", "anja", "anja-2"]
    assert kept[0] == {"id": "tim-pritlove", "name": "Tim Pritlove", "role": "Podcaster"}
    assert items == [{"title": "Podcast", "speakers": ["tim-pritlove", "mo"]}, {"title": "Break"}]
    assert speakers[0] == {"id": "tim-pritlove", "name": "Tim Pritlove"}  # input untouched


def test_normalised_names_leave_out_case_accents_and_spacing_only():
    assert normalised_name("  Chloé   BERTHÉLÉMY ") == normalised_name("chloe berthelemy")
    assert normalised_name("Søren") != normalised_name("Soren")  # ø is a letter of its own
    assert normalised_name("Tim Pritlove") != normalised_name("Tim Pritlov")


# --- a built booklet -----------------------------------------------------------------------

# A name longer than a line of the abstracts' speaker list (the longest personal name
# on record, shortened): it must wrap between words, never inside one with a hyphen.
LONG_NAME = (
    "Adolph Blaine Charles David Earl Frederick Gerald Hubert Wolfeschlegelsteinhausenbergerdorff"
)
# (name, extra keys, as the index prints it), in the order of the index.
INDEX = [
    ("Ludwig van Beethoven", {}, "Beethoven, Ludwig van"),
    ("Andreea Belu (EDRi)", {}, "Belu, Andreea (EDRi)"),
    ("Akos Christodoulopoulos", {}, "Christodoulopoulos, Akos"),
    ("Jeroen van der Ham", {}, "Ham, Jeroen van der"),
    ("@hukl", {}, "@hukl"),
    ("Romain LE DISEZ", {}, "LE DISEZ, Romain"),
    ("Lucia und Ben", {}, "Lucia und Ben"),
    ("Richard Marggraf Turley", {"family_name": "Marggraf Turley"}, "Marggraf Turley, Richard"),
    ("MARTIN Claire", {}, "MARTIN, Claire"),
    ("Tim Pritlove", {}, "Pritlove, Tim"),
    ("Stefan Schindler (@dns2utf8)", {}, "Schindler, Stefan (@dns2utf8)"),
    ("tante", {}, "tante"),
    ("THM Lounge", {}, "THM Lounge"),
    ("Martin Van Buren", {}, "Van Buren, Martin"),
    ("Vincent van Gogh", {"sort_as": "Van Gogh"}, "Gogh, Vincent van"),
    (LONG_NAME, {}, "Wolfeschlegelsteinhausenbergerdorff, " + LONG_NAME.rsplit(" ", 1)[0]),
]
ROOMS = ["Stage A", "Stage B", "Stage C", "Stage D", "Stage E", "Stage F"]


@pytest.fixture(scope="module")
def names_pdf(tmp_path_factory) -> pypdf.PdfReader:
    """A one-day conference in six rooms whose speakers are the names above (shuffled
    by a fixed step so that the index has to order them)."""
    folder = tmp_path_factory.mktemp("names")
    speakers = [{"id": f"speaker-{n}", "name": name, **extra} for n, (name, extra, _) in
                enumerate(INDEX)]  # fmt: skip
    order = [speakers[(7 * n) % len(speakers)] for n in range(len(speakers))]
    programme = [
        {"title": f"Talk {n}", "speakers": [speaker["id"]], "day": "2026-05-12",
         "start": f"{10 + n // len(ROOMS)}:00", "end": f"{10 + n // len(ROOMS)}:45",
         "room": ROOMS[n % len(ROOMS)]}
        for n, speaker in enumerate(order)
    ]  # fmt: skip
    conference = {"title": "Names", "organiser": "Test", "language": "en",
                  "date": "2026-05-12", "rooms": ROOMS}  # fmt: skip
    write_content(folder / "content", conference, order, programme)
    result = booklet.build(folder / "content", folder / "output")
    return pypdf.PdfReader(result.pdf_path)


def test_the_built_index_prints_and_orders_every_kind_of_name(names_pdf):
    first = section_page(names_pdf, "Speakers")
    text = " ".join(page_text(page) for page in names_pdf.pages[first - 1 :])
    # Each entry: its page number, then the name as printed ("7Belu, Andreea (EDRi)").
    entries = [entry.strip() for entry in re.split(r"(?<!\S)\d+", text)]
    assert entries[0] == "Speakers"
    assert entries[1 : len(INDEX) + 1] == [form for _, _, form in INDEX]


def test_no_name_is_hyphenated_in_the_programme_the_abstracts_or_the_index(names_pdf):
    """Nothing else in this booklet is long enough to hyphenate: a line that ends in a
    hyphen would be a name cut in two."""
    import pypdfium2

    names_pdf.stream.seek(0)
    document = pypdfium2.PdfDocument(names_pdf.stream.read())
    lines = []
    for page in document:
        textpage = page.get_textpage()
        lines += textpage.get_text_range().splitlines()
        textpage.close()
    assert any(line.strip() == "Tim Pritlove" for line in lines)
    assert any("Wolfeschlegelsteinhausenbergerdorff" in line for line in lines)
    assert [line for line in lines if re.search(r"[\u2010\u00ad-]$", line.strip())] == []
