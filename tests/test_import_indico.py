"""Indico's timetable and event exports -> content that builds.

The real samples are the exports Indico's own documentation shows (an event of
indico.cern.ch); they hold no people. A timetable in the shape Indico's serializer
writes (indico/modules/events/timetable/legacy.py: session blocks with `entries`,
breaks, presenters and authors with affiliations) covers the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
from helpers import DATA, words_on_page
from import_checks import (
    assert_passes_strict_check,
    assert_speaker_index_names_talk_pages,
    assert_talks_in_pdf,
    import_into,
    read_part,
)

import booklet
from booklet import BookletError
from booklet.importer import ImportOptions, import_schedule

SCHEDULES = DATA / "schedules"
TIMETABLE = SCHEDULES / "indico-137346.timetable.json"
CONTRIBUTIONS = SCHEDULES / "indico-137346.event-contributions.json"
SESSIONS = SCHEDULES / "indico-137346.event-sessions.json"


@pytest.mark.parametrize("source", [TIMETABLE, CONTRIBUTIONS, SESSIONS], ids=lambda p: p.stem)
def test_indicos_documented_exports_import_and_pass_a_strict_check(tmp_path, source):
    report, folder = import_into(source, tmp_path / "content")
    assert_passes_strict_check(folder, report)


def test_the_timetable_export_gives_its_contribution_in_its_room(tmp_path):
    import_into(TIMETABLE, tmp_path / "content")
    (item,) = read_part(tmp_path / "content", "programme")
    assert item == {
        "id": "contrib-1",
        "title": "Contrib 1",
        "kind": "talk",
        "day": "2013-04-29",
        "start": "16:00",
        "end": "16:30",
        "room": "160-1-009",
    }
    assert read_part(tmp_path / "content", "conference")["venue"] == "CERN"


def test_the_event_export_gives_contributions_by_day_and_sessions(tmp_path):
    report, folder = import_into(SESSIONS, tmp_path / "content")
    conference = read_part(folder, "conference")
    assert (conference["title"], conference["venue"]) == ("Export Test", "CERN")
    assert (conference["date"], conference["end_date"]) == ("2011-06-23", "2011-06-24")
    assert conference["sessions"] == [{"id": "d2s1", "title": "d2s1"}]
    items = read_part(folder, "programme")
    assert [(i["title"], i["day"], i["start"], i["end"]) for i in items] == [
        ("d1c1", "2011-06-23", "08:00", "08:20"),
        ("d1c2", "2011-06-23", "08:20", "08:40"),
        ("d2c1", "2011-06-24", "12:00", "14:00"),
        ("d2s1c1", "2011-06-24", "14:00", "14:20"),
    ]
    assert items[-1]["session"] == "d2s1"


def test_times_are_converted_to_the_zone_asked_for(tmp_path):
    import_schedule(CONTRIBUTIONS, tmp_path / "content", ImportOptions(timezone="UTC"))
    first = read_part(tmp_path / "content", "programme")[0]
    assert (first["start"], first["end"]) == ("06:00", "06:20")  # Zurich in summer: UTC+2


# --- a timetable with people, in the shape of Indico's serializer ---------------------------


def moment(date: str, time: str, zone: str = "Europe/Copenhagen") -> dict:
    return {"date": date, "time": f"{time}:00", "tz": zone}


def person(first: str, family: str, affiliation: str, title: str = "") -> dict:
    name = f"{title} {first} {family}".strip()
    return {
        "firstName": first,
        "familyName": family,
        "affiliation": affiliation,
        "email": "",
        "name": name,
    }


def contribution(key: str, title: str, start: str, end: str, **fields) -> dict:
    return {
        "id": key,
        "entryType": "Contribution",
        "_type": "ContribSchEntry",
        "_fossil": "contribSchEntryDisplay",
        "title": title,
        "description": "",
        "startDate": moment("2026-05-12", start),
        "endDate": moment("2026-05-12", end),
        "room": "",
        "location": "Aarhus",
        "presenters": [],
        **fields,
    }


def rich_timetable(tmp_path: Path) -> Path:
    day = {
        "s1": {
            "id": "s1",
            "entryType": "Session",
            "title": "Offentlig innovation",
            "slotTitle": "",
            "room": "Store Sal",
            "startDate": moment("2026-05-12", "09:00"),
            "endDate": moment("2026-05-12", "10:30"),
            "conveners": [person("Mette", "Holm", "ATV")],
            "entries": {
                "c2": contribution(
                    "c2",
                    "Offentlig innovation kalder på nye ledelsesformer",
                    "09:30",
                    "10:00",
                    presenters=[
                        person("Lotte", "Bøgh Andersen", "AU", title="Prof."),
                        person("Eva", "Rasmussen", "RUC"),
                    ],
                    authors=[person("Jens", "Jensen", "KU")],
                    description="<p>Der er <b>enorme</b> forventninger.</p>",
                ),
                "c1": contribution(
                    "c1",
                    "Facts om offentlig innovation",
                    "09:00",
                    "09:30",
                    presenters=[person("Ole", "Bech Lykkebo", "Center for Offentlig Innovation")],
                ),
                "b3": {
                    "id": "b3",
                    "entryType": "Break",
                    "title": "Kaffe",
                    "startDate": moment("2026-05-12", "10:00"),
                    "endDate": moment("2026-05-12", "10:30"),
                    "room": "",
                },
            },
        },
        "b9": {
            "id": "b9",
            "entryType": "Break",
            "title": "Frokost",
            "startDate": moment("2026-05-12", "12:00"),
            "endDate": moment("2026-05-12", "13:00"),
            "room": "Foyer",
        },
        "s5": {
            "id": "s5",
            "entryType": "Session",
            "title": "Posters",
            "room": "Foyer",
            "startDate": moment("2026-05-12", "13:00"),
            "endDate": moment("2026-05-12", "14:00"),
            "conveners": [person("Anne", "Vest Hansen", "Aarhus Kommune")],
            "entries": {},
        },
        "c7": contribution(
            "c7",
            "Idéklinikken i Region Nordjylland",
            "14:00",
            "14:45",
            room="Store Sal",
            presenters=[person("Eskild", "Holm Nielsen", "Idéklinikken")],
        ),
    }
    data = {
        "count": 1,
        "_type": "HTTPAPIResult",
        "complete": True,
        "results": {"4711": {"20260512": day, "20260513": {}}},
    }
    path = tmp_path / "timetable.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    folder = tmp_path_factory.mktemp("indico")
    report, content = import_into(rich_timetable(folder), folder / "content")
    result = booklet.build(content, folder / "out", strict=True)
    return report, content, result, pypdf.PdfReader(result.pdf_path)


def test_session_blocks_breaks_and_contributions(rich):
    _, folder, _, _ = rich
    items = read_part(folder, "programme")
    assert [
        (i["title"], i["kind"], i["start"], i.get("room"), i.get("session")) for i in items
    ] == [
        ("Facts om offentlig innovation", "talk", "09:00", "Store Sal", "offentlig-innovation"),
        (
            "Offentlig innovation kalder på nye ledelsesformer",
            "talk",
            "09:30",
            "Store Sal",
            "offentlig-innovation",
        ),
        ("Kaffe", "break", "10:00", "Store Sal", "offentlig-innovation"),
        ("Frokost", "break", "12:00", "Foyer", None),
        ("Posters", "talk", "13:00", "Foyer", None),
        ("Idéklinikken i Region Nordjylland", "talk", "14:00", "Store Sal", None),
    ]
    conference = read_part(folder, "conference")
    assert conference["sessions"] == [
        {"id": "offentlig-innovation", "title": "Offentlig innovation"}
    ]
    assert items[1]["abstract"] == "Der er **enorme** forventninger."


def test_presenters_then_authors_with_affiliations(rich):
    _, folder, _, _ = rich
    items = {item["title"]: item for item in read_part(folder, "programme")}
    speakers = {speaker["id"]: speaker for speaker in read_part(folder, "speakers")}
    ledelse = items["Offentlig innovation kalder på nye ledelsesformer"]
    names = [speakers[speaker_id]["name"] for speaker_id in ledelse["speakers"]]
    assert names == ["Lotte Bøgh Andersen", "Eva Rasmussen", "Jens Jensen"]
    lotte = speakers[ledelse["speakers"][0]]
    assert (lotte["affiliation"], lotte["family_name"]) == ("AU", "Bøgh Andersen")
    # A block without entries is an item; its conveners speak.
    posters = items["Posters"]
    assert [speakers[s]["name"] for s in posters["speakers"]] == ["Anne Vest Hansen"]


def test_the_booklet_has_an_affiliation_index_and_a_speaker_index_to_the_talks(rich):
    report, folder, result, reader = rich
    assert_passes_strict_check(folder, report)
    assert_talks_in_pdf(reader, folder)
    assert_speaker_index_names_talk_pages(result, reader, folder)
    organisations = "".join(words_on_page(page) for page in reader.pages)
    for affiliation in ("AU", "RUC", "KU", "CenterforOffentligInnovation", "Idéklinikken"):
        assert affiliation in organisations


def test_times_are_shown_in_the_events_zone(tmp_path):
    """Entries written in UTC are shown on the clock of the event (its timezone)."""
    data = {
        "_type": "HTTPAPIResult",
        "results": [
            {
                "title": "Zoned",
                "timezone": "Europe/Copenhagen",
                "contributions": [
                    {
                        "id": "1",
                        "title": "Morning",
                        "startDate": {"date": "2026-01-15", "time": "08:00:00", "tz": "UTC"},
                        "endDate": {"date": "2026-01-15", "time": "08:45:00", "tz": "UTC"},
                        "speakers": [
                            {
                                "fullName": "Couprie, Marie-Emmanuelle",
                                "first_name": "Marie-Emmanuelle",
                                "last_name": "Couprie",
                                "affiliation": "Synchrotron Soleil",
                            }
                        ],
                        "primaryauthors": [{"fullName": "Dupont, Jean", "affiliation": "CNRS"}],
                        "track": None,
                        "type": "Invited Orals",
                    }
                ],
            }
        ],
    }
    source = tmp_path / "event.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    import_schedule(source, tmp_path / "content")
    (item,) = read_part(tmp_path / "content", "programme")
    assert (item["start"], item["end"], item["kind"]) == ("09:00", "09:45", "talk")
    speakers = read_part(tmp_path / "content", "speakers")
    assert [(s["name"], s.get("family_name"), s["affiliation"]) for s in speakers] == [
        ("Marie-Emmanuelle Couprie", "Couprie", "Synchrotron Soleil"),
        ("Jean Dupont", None, "CNRS"),
    ]


def test_an_export_without_contributions_says_so(tmp_path):
    source = tmp_path / "event.json"
    source.write_text(
        json.dumps({"_type": "HTTPAPIResult", "results": [{"title": "Bare", "id": "9"}]}),
        encoding="utf-8",
    )
    with pytest.raises(BookletError) as raised:
        import_schedule(source, tmp_path / "content")
    message = str(raised.value)
    assert "an Indico event export of 1 event(s) without contributions" in message
    assert "?detail=contributions" in message and "Sessionize" in message
