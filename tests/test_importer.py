"""Schedule exports (frab XML, c3voc/pretalx JSON) -> a content folder booklet can build."""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pypdfium2
import pytest
import yaml
from helpers import DATA
from typer.testing import CliRunner

import booklet
from booklet import BookletError, load_content
from booklet.cli import app
from booklet.html import render_html
from booklet.importer import ImportReport, import_schedule
from booklet.schema import schema_text

SCHEDULES = DATA / "schedules"
FRAB = SCHEDULES / "31c3-schedule.xml"
C3VOC = SCHEDULES / "camp2019-stages.schedule.json"


# --- helpers ------------------------------------------------------------------------------


def read_part(folder: Path, part: str):
    """A written file as plain data, every value the text written (as booklet reads it)."""
    return yaml.load((folder / f"{part}.yaml").read_text(encoding="utf-8"), yaml.BaseLoader)


def items_by_id(folder: Path) -> dict[str, dict]:
    return {item["id"]: item for item in read_part(folder, "programme")}


def item_titled(folder: Path, title: str) -> dict:
    (item,) = [item for item in read_part(folder, "programme") if item["title"] == title]
    return item


def event(event_id, title, start="10:00", duration="00:30", **fields) -> dict:
    """One event as a c3voc/pretalx schedule.json writes it."""
    return {
        "id": event_id,
        "guid": f"guid-{event_id}",
        "date": f"2031-05-13T{start}:00+02:00" if ":" in start else "",
        "start": start,
        "duration": duration,
        "room": "Aula",
        "slug": f"demo-{event_id}",
        "title": title,
        "subtitle": "",
        "track": "Data",
        "type": "lecture",
        "language": "en",
        "abstract": "",
        "description": "",
        "persons": [],
        **fields,
    }


def write_json_schedule(path: Path, events: list[dict], day: str = "2031-05-13") -> Path:
    """A small schedule.json: one day, rooms as the events name them."""
    rooms: dict[str, list] = {}
    for entry in events:
        room = entry["room"] if isinstance(entry, dict) else "Aula"  # or a broken entry
        rooms.setdefault(room, []).append(entry)
    schedule = {
        "schedule": {
            "version": "test",
            "conference": {
                "acronym": "demo31",
                "title": "Demo Conference",
                "days": [
                    {
                        "index": 1,
                        "date": day,
                        "day_start": f"{day}T09:00:00+02:00",
                        "rooms": rooms,
                    }
                ],
            },
        }
    }
    path.write_text(json.dumps(schedule, ensure_ascii=False), encoding="utf-8")
    return path


def import_events(tmp_path: Path, events: list[dict]) -> tuple[ImportReport, Path]:
    folder = tmp_path / "content"
    report = import_schedule(write_json_schedule(tmp_path / "schedule.json", events), folder)
    return report, folder


def skipped_lines_of(report: ImportReport, event_id) -> list[str]:
    return [
        line
        for line in report.skipped
        if line.startswith((f"event {event_id} ", f"event {event_id}:"))
    ]


def skipped_events(report: ImportReport) -> list[str]:
    return [line for line in report.skipped if line.endswith("; skipped")]


# What the exports hold, counted here independently of the importer.


def frab_events() -> list[ElementTree.Element]:
    return ElementTree.parse(FRAB).getroot().findall("day/room/event")


def frab_persons() -> set[tuple[str, str]]:
    return {
        (person.get("id"), person.text.strip())
        for element in frab_events()
        for person in element.findall("persons/person")
    }


def same_person(name: str) -> str:
    """A name with case, accents and spacing left out: one person, however written."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def font_warnings_aside(warnings: list) -> list:
    """Warnings but those of characters the booklet's fonts lack (checked elsewhere)."""
    return [warning for warning in warnings if "not in the booklet's fonts" not in str(warning)]


def c3voc_events() -> list[dict]:
    days = json.loads(C3VOC.read_text(encoding="utf-8"))["schedule"]["conference"]["days"]
    return [entry for day in days for events in day["rooms"].values() for entry in events]


def c3voc_persons() -> set[tuple[str, str]]:
    return {
        (str(person["id"]), person.get("public_name") or person.get("name"))
        for entry in c3voc_events()
        for person in entry["persons"]
    }


@pytest.fixture(scope="module")
def frab_import(tmp_path_factory) -> tuple[ImportReport, Path]:
    folder = tmp_path_factory.mktemp("frab") / "content"
    return import_schedule(FRAB, folder), folder


@pytest.fixture(scope="module")
def c3voc_import(tmp_path_factory) -> tuple[ImportReport, Path]:
    folder = tmp_path_factory.mktemp("c3voc") / "content"
    return import_schedule(C3VOC, folder), folder


# --- the real samples ---------------------------------------------------------------------


def test_frab_sample_loads_and_counts_match_the_export(frab_import):
    report, folder = frab_import
    loaded = load_content(folder)  # raises ContentError on any problem
    assert font_warnings_aside(loaded.warnings) == []
    assert report.title == "31. Chaos Communication Congress"
    assert report.items == len(frab_events()) - len(skipped_events(report)) == 138
    # Every person once: Laura Poitras, under two ids, is one speaker.
    people = {same_person(name) for _, name in frab_persons()}
    assert report.speakers == len(people) == len(loaded.content.speakers) == 197
    assert (report.days, report.rooms) == (4, 4)
    conference = loaded.content.conference
    assert conference.rooms == ["Saal 1", "Saal 2", "Saal G", "Saal 6"]
    assert (conference.date, conference.end_date) == (
        datetime.date(2014, 12, 27),
        datetime.date(2014, 12, 30),
    )
    assert (conference.language, conference.organiser) == ("en", "31c3")


def test_c3voc_sample_loads_and_counts_match_the_export(c3voc_import):
    report, folder = c3voc_import
    loaded = load_content(folder)
    assert font_warnings_aside(loaded.warnings) == []
    assert report.title == "Chaos Communication Camp 2019"
    assert report.items == len(c3voc_events()) - len(skipped_events(report)) == 205
    # Every person once: camp2019 merges two systems whose person ids collide (one id,
    # two people), and names one person under two ids (one name, two ids).
    people = {same_person(name) for _, name in c3voc_persons()}
    assert report.speakers == len(people) == len(loaded.content.speakers) == 168
    assert "person 71: named both 'Anja' and 'bigalex'; kept as two speakers" in report.skipped
    assert (
        "speakers 'tim-pritlove' and 'tim-pritlove-2' are one person ('Tim Pritlove'): "
        "merged as 'tim-pritlove'"
    ) in report.skipped
    assert report.days == 5
    assert loaded.content.conference.language == "en"  # 146 events in English, 59 in German


def test_every_imported_speaker_speaks_and_ids_are_unique(c3voc_import):
    _, folder = c3voc_import
    speakers = read_part(folder, "speakers")
    programme = read_part(folder, "programme")
    speaking = {speaker_id for item in programme for speaker_id in item.get("speakers", [])}
    assert {speaker["id"] for speaker in speakers} == speaking
    assert len({speaker["id"] for speaker in speakers}) == len(speakers)
    assert len({item["id"] for item in programme}) == len(programme)


def test_a_daily_event_keeps_every_day_under_its_own_id(c3voc_import):
    report, folder = c3voc_import
    cadus = [
        item for item in read_part(folder, "programme") if item["title"].startswith("Meet CADUS!")
    ]
    assert [item["id"] for item in cadus] == ["vt87dh", "vt87dh-2", "vt87dh-3", "vt87dh-4"]
    assert [item["day"] for item in cadus] == [f"2019-08-2{n}" for n in (1, 2, 3, 4)]
    assert skipped_lines_of(report, 140) == [  # one line for the id's three later days
        "event 140 'Meet CADUS! Humanitarian Aid goes Open Source': id 'vt87dh' is used by an "
        "earlier item; this and 2 more are written as 'vt87dh-2' to 'vt87dh-4'"
    ]


def test_an_item_around_shorter_items_loses_its_end(c3voc_import):
    """The "Lightning Talks" slot holds its five-minute talks; both stay in the programme,
    and the slot has no end so booklet does not see two items in one room at once."""
    report, folder = c3voc_import
    slot = item_titled(folder, "Lightning Talks")
    assert (slot["start"], "end" in slot) == ("12:00", False)
    assert any("overlaps" in line for line in skipped_lines_of(report, 10380))
    assert item_titled(folder, "How to talk lightning")["end"] == "12:05"


def test_a_talk_after_midnight_belongs_to_the_evening_before(frab_import):
    """31c3 lists Citizenfour (2014-12-28T00:00) under the day of 2014-12-27."""
    _, folder = frab_import
    programme = read_part(folder, "programme")
    citizenfour = item_titled(folder, "Citizenfour")
    assert (citizenfour["day"], citizenfour["start"], citizenfour["end"]) == (
        "2014-12-27",
        "00:00",
        "02:15",
    )
    assert citizenfour["kind"] == "other"  # frab type "other": a film
    # It closes the 27th, after the evening's talks, and before the 28th begins.
    position = programme.index(citizenfour)
    assert programme[position - 1]["day"] == "2014-12-27"
    assert programme[position - 1]["start"] >= "23:00"
    assert programme[position + 1]["day"] == "2014-12-28"


def test_frab_one_person_under_two_ids_is_one_speaker(frab_import):
    """Laura Poitras has id 5258 in two events, and id 3669 in a third: one person."""
    report, folder = frab_import
    poitras = [s for s in read_part(folder, "speakers") if s["name"] == "Laura Poitras"]
    assert poitras == [{"id": "laura-poitras", "name": "Laura Poitras"}]
    titles = [
        item["title"]
        for item in read_part(folder, "programme")
        if "laura-poitras" in item.get("speakers", [])
    ]
    assert len(titles) == 3 and "Citizenfour" in titles
    assert report.skipped == [
        "speakers 'laura-poitras' and 'laura-poitras-2' are one person ('Laura Poitras'): "
        "merged as 'laura-poitras'"
    ]


def test_frab_fields_kind_abstract_language_track(frab_import):
    _, folder = frab_import
    keynote = item_titled(folder, "31C3 Keynote")
    # A lecture titled "Keynote" is a keynote; its description repeats the subtitle.
    assert keynote["kind"] == "keynote"
    assert keynote["abstract"] == "*A New Dawn*\n\nThe 31C3 Keynote"
    assert (keynote["start"], keynote["end"], keynote["room"]) == ("11:30", "12:30", "Saal 1")
    german = item_titled(folder, "„Wir beteiligen uns aktiv an den Diskussionen“")
    assert (german["language"], german["track"]) == ("de", "Ethics, Society & Politics")
    assert german["abstract"].startswith("*Die digitale „Agenda“ der Bundesregierung")
    assert "\n\nAm 20. August 2014" in german["abstract"]  # the description follows
    assert item_titled(folder, "Paypals War on Terror")["kind"] == "panel"  # frab "podium"


def test_written_files_start_with_modelines_and_quote_times(frab_import):
    _, folder = frab_import
    for part in ("conference", "speakers", "programme"):
        text = (folder / f"{part}.yaml").read_text(encoding="utf-8")
        assert text.splitlines()[0] == f"# yaml-language-server: $schema=schema/{part}.schema.json"
        assert (folder / "schema" / f"{part}.schema.json").read_text() == schema_text(part)
    programme = (folder / "programme.yaml").read_text(encoding="utf-8")
    assert "  start: '00:00'\n" in programme
    assert "  start: '09:" not in programme and "  start: 1" not in programme
    assert "organiser" in (folder / "conference.yaml").read_text().split("title:")[0]


def test_a_pdf_can_be_built_from_the_imported_frab_sample(frab_import, tmp_path):
    _, folder = frab_import
    result = booklet.build(folder, tmp_path / "out")
    document = pypdfium2.PdfDocument(result.pdf_path)
    assert result.page_count == len(document) > 10
    # pypdf misreads the two-byte font encoding WeasyPrint uses in a booklet this large.
    cover = " ".join(document[0].get_textpage().get_text_range().split())
    document.close()
    assert "31. Chaos Communication Congress" in cover


# What an abstract must not show: tags and escaped tags printed as text.
LITERAL_MARKUP = re.compile(r"<p>|</p>|<a href|<br|<li>|<ul>|&lt;|&gt;|&amp;|&quot;|&#\d+;")


@pytest.mark.parametrize("sample", ["frab_import", "c3voc_import"])
def test_real_abstracts_hold_no_tags_and_no_paragraph_twice(sample, request):
    _, folder = request.getfixturevalue(sample)
    abstracts = [item["abstract"] for item in read_part(folder, "programme") if "abstract" in item]
    assert len(abstracts) > 100
    assert [a[:80] for a in abstracts if LITERAL_MARKUP.search(a)] == []
    for abstract in abstracts:
        # Paragraphs of a few words ("+ + +" between parts) may well repeat.
        paragraphs = [" ".join(p.split()) for p in abstract.split("\n\n")]
        worded = [p for p in paragraphs if len(p.split()) >= 4]
        assert len(worded) == len(set(worded)), abstract[:200]


def test_frab_html_abstract_becomes_markdown(frab_import):
    """31C3's abstracts hold HTML links; they become Markdown links with the address."""
    _, folder = frab_import
    programme = read_part(folder, "programme")
    links = [item for item in programme if "](http" in item.get("abstract", "")]
    assert links, "31C3 abstracts have links"


def export_ends_past_midnight(events: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(start, end) of the events whose start + duration passes midnight, worked out
    here from the export (HH:MM + HH:MM)."""
    ends = []
    for start, duration in events:
        hours, minutes = map(int, start.split(":"))
        length_hours, length_minutes = map(int, duration.split(":")[:2])
        end = hours * 60 + minutes + length_hours * 60 + length_minutes
        if end >= 24 * 60:
            ends.append((start, f"{end // 60 % 24:02d}:{end % 60:02d}"))
    return ends


@pytest.mark.parametrize("sample", ["frab_import", "c3voc_import"])
def test_real_items_that_end_after_midnight_keep_their_end(sample, request):
    _, folder = request.getfixturevalue(sample)
    if sample == "frab_import":
        export = [(e.findtext("start"), e.findtext("duration")) for e in frab_events()]
    else:
        export = [(e["start"], e["duration"]) for e in c3voc_events()]
    expected = sorted(export_ends_past_midnight(export))
    assert len(expected) >= 7  # 31C3: eleven end at 00:00; camp2019: concerts till 01:00
    written = sorted(
        (item["start"], item["end"])
        for item in read_part(folder, "programme")
        if "end" in item and item["end"] < item["start"]
    )
    assert written == expected


def test_c3voc_event_types_become_kinds(c3voc_import):
    _, folder = c3voc_import
    kind_of = {(i["title"], i["start"]): i["kind"] for i in read_part(folder, "programme")}
    kinds: dict[str, set[str]] = {}
    for entry in c3voc_events():
        key = (" ".join(entry["title"].split()), entry["start"])
        kinds.setdefault(entry["type"], set()).add(kind_of[key])
    assert kinds["Lightning Talk"] == kinds["Short Talk"] == kinds["lecture"] == {"talk"}
    assert kinds["Talk"] == {"talk"}
    assert kinds["Workshop"] == kinds["workshop"] == {"workshop"}
    assert kinds["djset"] == kinds["DJ Set"] == kinds["concert"] == {"other"}
    assert kinds["Entertainment (120)"] == kinds["performance"] == {"other"}


@pytest.mark.parametrize("sample", ["frab_import", "c3voc_import"])
def test_real_speakers_are_each_one_person(sample, request):
    _, folder = request.getfixturevalue(sample)
    people = [same_person(speaker["name"]) for speaker in read_part(folder, "speakers")]
    assert len(people) == len(set(people))


# --- small exports written here -------------------------------------------------------------


def test_pretalx_persons_with_name_and_biography_one_person_under_two_ids(tmp_path):
    ada = {"id": 1, "code": "ADA1", "name": "Ada Lovelace", "biography": "Wrote *notes*."}
    namesake = {"code": "ADA2", "name": "ada  LOVELACE", "biography": "<p>Also</p>"}
    report, folder = import_events(
        tmp_path,
        [
            event(10, "Engines", "10:00", persons=[ada]),
            event(11, "Notes", "11:00", persons=[ada, namesake]),
        ],
    )
    # One name but for case and spacing: one person, the first id and spelling kept.
    speakers = read_part(folder, "speakers")
    assert speakers == [{"id": "ada-lovelace", "name": "Ada Lovelace", "bio": "Wrote *notes*."}]
    programme = items_by_id(folder)
    assert programme["demo-10"]["speakers"] == ["ada-lovelace"]
    assert programme["demo-11"]["speakers"] == ["ada-lovelace"]
    assert report.speakers == 1
    assert report.skipped == [
        "speakers 'ada-lovelace' and 'ada-lovelace-2' are one person ('Ada Lovelace', "
        "'ada LOVELACE'): merged as 'ada-lovelace'"
    ]
    load_content(folder)


def test_c3voc_persons_with_public_name(tmp_path):
    grace = {"id": 7, "public_name": "Grace Hopper"}
    _, folder = import_events(
        tmp_path,
        [
            event(1, "Compilers", "10:00", persons=[grace]),
            event(2, "Nanoseconds", "11:00", persons=[grace, {"id": 8, "public_name": "Kay"}]),
        ],
    )
    assert [s["id"] for s in read_part(folder, "speakers")] == ["grace-hopper", "kay"]
    assert items_by_id(folder)["demo-2"]["speakers"] == ["grace-hopper", "kay"]


def test_end_is_start_plus_duration_and_language_and_track_are_kept(tmp_path):
    report, folder = import_events(
        tmp_path,
        [
            event(1, "Short", "09:30", "00:45", language="da", track="Open data"),
            event(2, "Long", "10:15", "01:30"),
            event(3, "Late", "23:30", "01:00"),
            event(4, "Nightly", "01:00", "02:00"),
            event(5, "Too long", "20:00", "13:00", room="Hall"),
        ],
    )
    programme = items_by_id(folder)
    assert (programme["demo-1"]["start"], programme["demo-1"]["end"]) == ("09:30", "10:15")
    assert (programme["demo-1"]["language"], programme["demo-1"]["track"]) == ("da", "Open data")
    assert (programme["demo-2"]["start"], programme["demo-2"]["end"]) == ("10:15", "11:45")
    # 23:30 + 01:00 ends at 00:30, past midnight, as booklet reads it.
    assert (programme["demo-3"]["start"], programme["demo-3"]["end"]) == ("23:30", "00:30")
    assert skipped_lines_of(report, 3) == []
    # 01:00 is before the day's 09:00 start: the night after, listed last.
    assert (programme["demo-4"]["day"], programme["demo-4"]["end"]) == ("2031-05-13", "03:00")
    # 13 hours from 20:00 is more than booklet takes past midnight (half a day).
    assert "end" not in programme["demo-5"]
    assert skipped_lines_of(report, 5) == [
        "event 5 'Too long': lasts 13:00 from 20:00, more than booklet takes for one item; "
        "end left out"
    ]
    assert list(programme) == ["demo-1", "demo-2", "demo-5", "demo-3", "demo-4"]
    assert read_part(folder, "conference")["language"] == "en"
    load_content(folder)


@pytest.mark.parametrize(
    ("export_type", "title", "kind"),
    [
        ("lecture", "A talk", "talk"),
        ("Lightning Talk", "A talk", "talk"),
        ("Short Talk", "A talk", "talk"),
        ("Workshop", "Hands on", "workshop"),
        ("keynote", "Opening", "keynote"),
        ("lecture", "Opening Keynote", "keynote"),
        ("panel", "Discussion", "panel"),
        ("djset", "Beats", "other"),
        ("Entertainment (120)", "Show", "other"),
        ("Talk (30 min)", "Bracketed", "talk"),
        ("concert", "Keynote Band", "other"),
        ("", "Untyped", "talk"),
        # FOSDEM (Pentabarf)
        ("maintrack", "A talk", "talk"),
        ("devroom", "A talk", "talk"),
        ("lightningtalk", "A talk", "talk"),
        ("keynote", "Welcome", "keynote"),
        ("bof", "Rust BoF", "other"),
        ("certification", "Exam", "other"),
        # pretalx submission types, free text in any language
        ("Vortrag (45 min)", "Ein Vortrag", "talk"),
        ("Kurzvortrag", "Kurz", "talk"),
        ("Lightning-Talks", "Five minutes", "talk"),
        ("Talk + Discussion", "Talk first", "talk"),
        ("Podiumsdiskussion", "Podium", "panel"),
        ("Panel Discussion", "Many", "panel"),
        ("Diskussion", "Reden", "panel"),
        ("Hands-on Workshop (2h)", "Solder", "workshop"),
        ("Tutorial", "Learn", "workshop"),
        ("Kaffeepause", "Kaffee", "break"),
        ("Lunch break", "Food", "break"),
        ("Film screening", "Citizenfour", "other"),
        ("Konzert", "Band", "other"),
        ("Meetup", "Hello", "other"),
    ],
)
def test_kinds(tmp_path, export_type, title, kind):
    _, folder = import_events(tmp_path, [event(1, title, type=export_type)])
    assert items_by_id(folder)["demo-1"]["kind"] == kind


def test_abstract_joins_subtitle_abstract_and_description(tmp_path):
    _, folder = import_events(
        tmp_path,
        [
            event(1, "Both", subtitle="A *bold* claim", abstract="Short.", description="Long.\r\n"),
            event(2, "Same", "11:00", abstract="Once.", description="Once."),
            event(3, "None", "12:00"),
            event(
                4,
                "HTML",
                "13:00",
                subtitle="<b>New</b> ideas",
                abstract="<p>Short intro.</p>",
                description="<p>Short intro.</p><p>More &amp; <a href='https://x.org'>more</a>.</p>",
            ),
            event(5, "Subtitle again", "14:00", subtitle="Said once", description="Said once."),
        ],
    )
    programme = items_by_id(folder)
    assert programme["demo-1"]["abstract"] == "*A \\*bold\\* claim*\n\nShort.\n\nLong."
    assert programme["demo-2"]["abstract"] == "Once."
    assert "abstract" not in programme["demo-3"]
    assert programme["demo-4"]["abstract"] == (
        "***New** ideas*\n\nShort intro.\n\nMore & [more](https://x.org)."
    )
    assert programme["demo-5"]["abstract"] == "*Said once*"


def test_a_broken_export_imports_the_rest_and_reports_each_event(tmp_path):
    events = [
        event(1, "Fine", "10:00"),
        event(2, "", "11:00"),  # no title
        event(3, "Bad start", "25:99", date=""),  # no usable start at all
        event(4, "Bad start, good date", "25:99", date="2031-05-13T14:00:00+02:00"),
        event(5, "Bad duration", "15:00", "xx"),
        event(6, "Fine too", "16:00", language="Klingonese"),
        "not an event",
    ]
    report, folder = import_events(tmp_path, events)
    assert report.items == 4
    assert skipped_lines_of(report, 2) == ["event 2: no title; skipped"]
    assert skipped_lines_of(report, 3) == [
        "event 3 'Bad start': start '25:99' is not HH:MM; skipped"
    ]
    assert skipped_lines_of(report, 4) == [
        "event 4 'Bad start, good date': start '25:99' is not HH:MM; used 14:00 from its date"
    ]
    assert skipped_lines_of(report, 5) == [
        "event 5 'Bad duration': duration 'xx' is not HH:MM; end left out"
    ]
    assert skipped_lines_of(report, 6) == [
        "event 6 'Fine too': language 'Klingonese' is not a two-letter code; left out"
    ]
    assert "day 2031-05-13, room Aula: entry 7 is not an event; skipped" in report.skipped
    programme = items_by_id(folder)
    assert list(programme) == ["demo-1", "demo-4", "demo-5", "demo-6"]
    assert programme["demo-4"]["start"] == "14:00"
    assert programme["demo-5"]["start"] == "15:00" and "end" not in programme["demo-5"]
    load_content(folder)


def test_an_event_in_a_day_without_date_takes_its_own_date(tmp_path):
    """Before 06:00 (the day's start unknown) an event belongs to the date before."""
    path = write_json_schedule(
        tmp_path / "schedule.json",
        [
            event(1, "Evening", "21:00", date="2031-05-13T21:00:00+02:00"),
            event(2, "Night", "01:00", date="2031-05-14T01:00:00+02:00"),
            event(3, "Morning", "09:00", date="2031-05-14T09:00:00+02:00"),
        ],
    )
    data = json.loads(path.read_text())
    day = data["schedule"]["conference"]["days"][0]
    del day["date"], day["day_start"]
    path.write_text(json.dumps(data))
    import_schedule(path, tmp_path / "content")
    days = {item["title"]: item["day"] for item in read_part(tmp_path / "content", "programme")}
    assert days == {"Evening": "2031-05-13", "Night": "2031-05-13", "Morning": "2031-05-14"}


def pentabarf_event(
    event_id: int,
    start: str,
    duration: str,
    title: str,
    kind: str,
    persons: list[tuple[int, str]],
    abstract: str = "",
) -> str:
    """An event as FOSDEM's Pentabarf writes it: HTML abstracts, escaped in the XML."""
    people = "".join(f'<person id="{pid}">{name}</person>' for pid, name in persons)
    return (
        f'<event guid="guid-{event_id}" id="{event_id}">'
        f"<date>2031-02-01T{start}:00+01:00</date><start>{start}</start>"
        f"<duration>{duration}</duration><room>K.1.105</room><slug>ev-{event_id}</slug>"
        f"<title>{title}</title><subtitle/><track>Rust</track><type>{kind}</type>"
        f"<language/><abstract>{escape(abstract)}</abstract><description/>"
        f"<persons>{people}</persons><attachments/><links/></event>"
    )


def escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_pentabarf_schedule(path: Path, events: list[str]) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<schedule>'
        "<conference><title>FOSDEM 2031</title><acronym>fosdem-2031</acronym>"
        "<start>2031-02-01</start><end>2031-02-02</end><days>2</days>"
        "<day_change>09:00:00</day_change><timeslot_duration>00:05:00</timeslot_duration>"
        "</conference>"
        '<day date="2031-02-01" index="1" start="2031-02-01T09:00:00+01:00" '
        'end="2031-02-02T03:00:00+01:00"><room name="K.1.105" slug="k1105">'
        + "".join(events)
        + "</room></day></schedule>",
        encoding="utf-8",
    )
    return path


def test_fosdem_pentabarf_xml(tmp_path):
    """FOSDEM's types, HTML abstracts, one person under two ids (an accent apart), an
    item that ends at midnight and one in the night after."""
    events = [
        pentabarf_event(1, "09:30", "00:25", "Welcome", "keynote", [(10, "Richard Hartmann")]),
        pentabarf_event(
            2,
            "10:00",
            "00:40",
            "Rust in the kernel",
            "maintrack",
            [(20, "José Valim")],
            "<p>Why <em>Rust</em>?</p><ul><li>safety</li><li>speed</li></ul>"
            '<p>See <a href="https://rust-lang.org">the site</a>.</p><script>x()</script>',
        ),
        pentabarf_event(
            3, "11:00", "00:05", "Five minutes", "lightningtalk", [(21, "Jose  Valim")]
        ),
        pentabarf_event(4, "12:00", "00:30", "Crates", "devroom", []),
        pentabarf_event(5, "13:00", "01:00", "Rust BoF", "bof", []),
        pentabarf_event(6, "23:30", "00:30", "Late", "devroom", []),
        pentabarf_event(7, "00:15", "01:00", "Night", "devroom", []),
    ]
    path = write_pentabarf_schedule(tmp_path / "fosdem.xml", events)
    report = import_schedule(path, tmp_path / "content")
    programme = items_by_id(tmp_path / "content")
    kinds = {item_id: item["kind"] for item_id, item in programme.items()}
    assert kinds == {
        "ev-1": "keynote", "ev-2": "talk", "ev-3": "talk", "ev-4": "talk", "ev-5": "other",
        "ev-6": "talk", "ev-7": "talk",
    }  # fmt: skip
    assert programme["ev-2"]["abstract"] == (
        "Why *Rust*?\n\n- safety\n- speed\n\nSee [the site](https://rust-lang.org)."
    )
    assert (programme["ev-6"]["end"], programme["ev-7"]["day"]) == ("00:00", "2031-02-01")
    assert list(programme)[-2:] == ["ev-6", "ev-7"]  # the night after the evening
    speakers = read_part(tmp_path / "content", "speakers")
    assert [s["id"] for s in speakers] == ["richard-hartmann", "jose-valim"]
    assert programme["ev-3"]["speakers"] == ["jose-valim"]
    assert any("merged as 'jose-valim'" in line for line in report.skipped)
    load_content(tmp_path / "content")


@pytest.mark.parametrize(("language", "cue"), [("en", "night"), ("da", "nat"), ("de", "nachts")])
def test_a_night_item_prints_with_its_cue(tmp_path, language, cue):
    """00:15 belongs to the evening before: its day is the evening's, and its time
    says night, in the booklet's language, in the programme and over its abstract."""
    events = [
        pentabarf_event(1, "22:00", "00:30", "Evening", "devroom", []),
        pentabarf_event(2, "00:15", "01:00", "Night", "devroom", []),
    ]
    path = write_pentabarf_schedule(tmp_path / "fosdem.xml", events)
    folder = tmp_path / "content"
    import_schedule(path, folder)
    conference = folder / "conference.yaml"
    conference.write_text(conference.read_text().replace("language: en", f"language: {language}"))
    html = render_html(load_content(folder))
    assert f"{cue}\u00a000:15–01:15" in html  # the abstract's slot line
    assert html.count(f'<span class="night-cue">{cue}</span>') == 1  # the programme
    assert "22:00–22:30<br>" not in html and f"{cue}\u00a022:00" not in html


def test_titles_names_and_rooms_lose_control_characters(tmp_path):
    ada = {"id": 1, "name": "Ada\u2028Lovelace\x07"}
    _, folder = import_events(
        tmp_path,
        [event(1, "Line\u2028separated\x00 title", room="Aula\x1b", persons=[ada])],
    )
    item = items_by_id(folder)["demo-1"]
    assert (item["title"], item["room"]) == ("Line separated title", "Aula")
    assert read_part(folder, "speakers")[0]["name"] == "Ada Lovelace"
    load_content(folder)


def test_a_family_name_the_export_gives_is_kept(tmp_path):
    people = [
        {"id": 1, "name": "Romain Le Disez", "last_name": "Le Disez"},
        {"id": 2, "name": "Grace Hopper", "surname": "Murray"},  # not in the name: left out
        {"id": 3, "name": "Kay"},
    ]
    _, folder = import_events(tmp_path, [event(1, "Names", persons=people)])
    speakers = read_part(folder, "speakers")
    assert speakers[0] == {
        "id": "romain-le-disez",
        "name": "Romain Le Disez",
        "family_name": "Le Disez",
    }
    assert "family_name" not in speakers[1] and "family_name" not in speakers[2]
    loaded = load_content(folder)
    assert loaded.content.speakers[0].sort_family_name == "Le Disez"


# --- files that are not schedules, folders that are not empty -------------------------------


def test_malformed_json_names_the_file_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"schedule": {\n  "conference": {,}\n}}')
    with pytest.raises(BookletError, match=r"broken\.json:2:18: not valid JSON"):
        import_schedule(path, tmp_path / "content")
    assert not (tmp_path / "content").exists()


def test_malformed_xml_names_the_file(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<schedule><day></schedule>")
    with pytest.raises(BookletError, match=r"broken\.xml:1:\d+: not valid XML"):
        import_schedule(path, tmp_path / "content")


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("notes.txt", "Just some notes."),
        ("other.json", '{"conference": {"title": "No schedule key"}}'),
        ("other.xml", "<html><body>Not a schedule</body></html>"),
        ("empty.json", ""),
    ],
)
def test_a_file_that_is_not_a_schedule_is_refused(tmp_path, filename, text):
    path = tmp_path / filename
    path.write_text(text)
    with pytest.raises(BookletError, match=filename.replace(".", r"\.")):
        import_schedule(path, tmp_path / "content")


def test_a_missing_file_is_a_booklet_error(tmp_path):
    with pytest.raises(BookletError, match=r"nothing\.json: cannot read"):
        import_schedule(tmp_path / "nothing.json", tmp_path / "content")


def test_an_export_with_no_usable_event_is_refused(tmp_path):
    path = write_json_schedule(tmp_path / "schedule.json", [event(1, "")])
    with pytest.raises(
        BookletError,
        match="no event could be imported: 1 event\\(s\\) found, none usable\n  event 1: no title",
    ):
        import_schedule(path, tmp_path / "content")


@pytest.mark.parametrize(
    ("filename", "text", "said"),
    [
        (
            "other.json",
            '{"conference": {"title": "No schedule key"}, "version": 1}',
            "the file is JSON with top-level keys ['conference', 'version']; the top level "
            "has no 'schedule'; expected: a pretalx or c3voc schedule.json holds "
            "schedule.conference.days[].rooms",
        ),
        (
            "widget.json",
            '{"talks": [], "rooms": [], "speakers": []}',
            "(pretalx's API or widget data, not its schedule export)",
        ),
        (
            "nodays.json",
            '{"schedule": {"conference": {"title": "X", "days": {}}}}',
            "schedule.conference.days is an empty object, not a list of days",
        ),
        (
            "emptyrooms.json",
            '{"schedule": {"conference": {"days": [{"date": "2031-05-13", "rooms": {"A": []}}]}}}',
            "schedule.conference.days is a list of 1 day(s) with 1 room(s) and no events",
        ),
        ("list.json", "[1, 2, 3]", "the file is JSON: a list of 3"),
        (
            "page.xml",
            "<html><head/><body><p/><p/></body></html>",
            "the file is XML: <html> holding <head>, <body>; expected: a frab or Pentabarf "
            "schedule.xml holds <schedule> with <day date=…>",
        ),
        (
            "empty.xml",
            "<schedule><conference/><day date='2031-05-13'><room name='A'/></day></schedule>",
            "<schedule> holding <conference>, <day>; 1 <day>, 1 <room>, no <event> in them",
        ),
    ],
)
def test_an_export_without_events_says_what_the_file_holds(tmp_path, filename, text, said):
    path = tmp_path / filename
    path.write_text(text)
    with pytest.raises(BookletError) as caught:
        import_schedule(path, tmp_path / "content")
    message = str(caught.value)
    assert message.startswith(f"{path}: no event could be imported: ")
    assert said in message
    assert not (tmp_path / "content").exists()


def test_the_command_exits_1_and_says_what_the_file_holds(tmp_path):
    path = tmp_path / "talks.json"
    path.write_text('{"talks": [], "rooms": []}')
    result = CliRunner().invoke(app, ["import", str(path), "-o", str(tmp_path / "content")])
    assert result.exit_code == 1
    output = result.stdout + result.stderr
    assert "talks.json: no event could be imported: the file is JSON with top-level keys" in output
    assert "Traceback" not in output


def test_refuses_to_overwrite_existing_content(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "conference.yaml").write_text("title: Mine\n")
    with pytest.raises(BookletError, match=r"conference\.yaml exists already"):
        import_schedule(FRAB, folder)
    assert (folder / "conference.yaml").read_text() == "title: Mine\n"
    assert not (folder / "programme.yaml").exists()


def test_text_escaped_twice_indented_or_empty_reads_as_it_was_meant(tmp_path):
    """Real exports: frab's JSON of 30C3 escapes its text twice ('Security &amp; Safety',
    '&lt;p&gt;'), which printed as entities and tags; an XML export indents every line
    after the first, which Markdown printed as code running off the page (38C3); '""' is
    no description and '-' no speaker (38C3's speaker index began with '-')."""
    ann, placeholder = {"id": 1, "name": "Ann Lee"}, {"id": 2, "name": "-"}
    indented = "First line.\n\n                    Second paragraph,\n                    its end."
    report, folder = import_events(
        tmp_path,
        [
            event(
                1,
                "Rock&#x27; em &amp; more",
                track="Security &amp; Safety",
                description="&lt;p&gt;Bug class &lt;b&gt;genocide&lt;/b&gt;&lt;/p&gt;",
                persons=[ann, placeholder],
            ),
            event(2, "Indented", "11:00", description=indented),
            event(3, "Empty", "12:00", description="&quot;&quot;"),
            event(4, "Quoted", "13:00", description="&quot;The 30C3 Keynote&quot; &amp; more"),
            event(
                5,
                "Wrapped",
                "14:00",
                description='"&lt;p&gt;One.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;"',
            ),
        ],
    )
    programme = items_by_id(folder)
    assert programme["demo-1"]["title"] == "Rock' em & more"
    assert programme["demo-1"]["track"] == "Security & Safety"
    assert programme["demo-1"]["abstract"] == "Bug class **genocide**"
    assert programme["demo-1"]["speakers"] == ["ann-lee"]
    assert skipped_lines_of(report, 1) == [
        "event 1 'Rock' em & more': person '-' is no name; left out"
    ]
    assert programme["demo-2"]["abstract"] == "First line.\n\nSecond paragraph,\nits end."
    assert "abstract" not in programme["demo-3"]
    assert programme["demo-4"]["abstract"] == '"The 30C3 Keynote" & more'  # as it prints
    assert programme["demo-5"]["abstract"] == "One.\n\nTwo."  # no '"' paragraphs around
    assert not booklet.check(folder).warnings


def test_c3vocs_schedule_v2_a_flat_list_of_events_with_moments(tmp_path):
    """The 38C3 hub's export (c3voc schema2.json): schedule.events with start and end
    moments, room and track objects, participants whose biographies are in
    schedule.persons. Times on the conference's clock (time_zone_name); a talk at 00:15
    is the night after its evening."""
    speaker = {"guid": "p1", "name": "Ada Lovelace", "role": "SPEAKER"}
    data = {
        "schedule": {
            "version": "2024-12-26",
            "conference": {
                "acronym": "38c3",
                "title": "38C3",
                "time_zone_name": "Europe/Berlin",
                "tracks": [{"slug": "hw", "name": "Hardware & Making"}],
                "rooms": [{"name": "Saal 1"}, {"name": "Saal ZIGZAG"}],
            },
            "events": [
                {
                    "type": "TALK",
                    "guid": "g1",
                    "code": "ABC",
                    "title": "Engines",
                    "start": "2024-12-27T09:30:00+00:00",
                    "end": "2024-12-27T10:00:00+00:00",
                    "room": {"name": "Saal 1"},
                    "track": {"slug": "hw"},
                    "language": "en",
                    "abstract": "Short.",
                    "participants": [speaker],
                },
                {
                    "type": "TALK",
                    "guid": "g2",
                    "title": "Late",
                    "subtitle": "Very",
                    "start": "2024-12-28T00:15:00+01:00",
                    "end": "2024-12-28T00:55:00+01:00",
                    "room": {"name": "Saal ZIGZAG"},
                    "participants": [speaker],
                },
                "not an event",
            ],
            "persons": [{"guid": "p1", "name": "Ada Lovelace", "biography": "Wrote notes."}],
        }
    }
    path = tmp_path / "schedule2.json"
    path.write_text(json.dumps(data))
    report = import_schedule(path, tmp_path / "content")
    programme = {item["title"]: item for item in read_part(tmp_path / "content", "programme")}
    engines, late = programme["Engines"], programme["Late"]
    assert (engines["day"], engines["start"], engines["end"]) == ("2024-12-27", "10:30", "11:00")
    assert (engines["room"], engines["track"], engines["abstract"]) == (
        "Saal 1", "Hardware & Making", "Short."
    )  # fmt: skip
    assert (late["day"], late["start"], late["end"], late["room"]) == (
        "2024-12-27", "00:15", "00:55", "Saal ZIGZAG"
    )  # fmt: skip
    (ada,) = read_part(tmp_path / "content", "speakers")
    assert (ada["name"], ada["bio"]) == ("Ada Lovelace", "Wrote notes.")
    assert engines["speakers"] == late["speakers"] == [ada["id"]]
    assert "event 3: not an event; skipped" in report.skipped
    assert not booklet.check(tmp_path / "content").warnings


def test_a_talk_in_two_languages_is_in_the_first(tmp_path):
    """38C3 writes 'de, en' for a German talk translated into English: German, not 174
    report lines saying it is no language code."""
    report, folder = import_events(
        tmp_path,
        [
            event(1, "Zweisprachig", "10:00", language="de, en"),
            event(2, "Bilingual", "11:00", language="English / Deutsch"),
            event(3, "Unknown", "12:00", language="xx-yy, zz"),
        ],
    )
    programme = items_by_id(folder)
    assert programme["demo-1"]["language"] == "de"
    conference = yaml.safe_load((folder / "conference.yaml").read_text())
    assert programme["demo-2"].get("language", conference["language"]) == "en"
    assert not skipped_lines_of(report, 1) and not skipped_lines_of(report, 2)
    assert programme["demo-3"]["language"] == "xx"
