"""Sessionize's API JSON ("All") -> content that builds: real exports, and the cases
they do not hold (UTC times, an unknown speaker, an empty export)."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
from helpers import DATA
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
# Global Azure Austria 2020 (Linz): one day, a service session, Track and Language
# categories. Scottish Summit 2026, trimmed: two days, seven rooms, track, level and
# session type categories, up to three speakers a session.
GLOBAL_AZURE = SCHEDULES / "global-azure-austria-2020.sessionize.json"
SCOTTISH_SUMMIT = SCHEDULES / "scottish-summit-2026.sessionize.json"


def export_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=[GLOBAL_AZURE, SCOTTISH_SUMMIT], ids=["gaa", "scottish"])
def imported(request, tmp_path_factory):
    report, folder = import_into(request.param, tmp_path_factory.mktemp("sessionize") / "content")
    return request.param, report, folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The Scottish Summit's booklet, built strict once for the module."""
    report, folder = import_into(SCOTTISH_SUMMIT, tmp_path_factory.mktemp("ss") / "content")
    result = booklet.build(folder, tmp_path_factory.mktemp("ss-out"), strict=True)
    return report, folder, result, pypdf.PdfReader(result.pdf_path)


def test_every_scheduled_session_is_an_item_at_its_local_time(imported):
    source, report, folder = imported
    sessions = [s for s in export_of(source)["sessions"] if s["startsAt"]]
    items = {item["title"]: item for item in read_part(folder, "programme")}
    assert len(items) == len(sessions) == report.items
    for session in sessions:
        item = items[session["title"].strip()]
        assert item["day"] == session["startsAt"][:10]
        assert item["start"] == session["startsAt"][11:16]
        assert item["end"] == session["endsAt"][11:16]


def test_imported_content_passes_a_strict_check(imported):
    _, report, folder = imported
    assert_passes_strict_check(folder, report)


def test_rooms_in_sessionize_order(imported):
    source, _, folder = imported
    used = {s["roomId"] for s in export_of(source)["sessions"]}
    rooms = sorted(
        (r for r in export_of(source)["rooms"] if r["id"] in used), key=lambda r: r["sort"]
    )
    assert read_part(folder, "conference")["rooms"] == [room["name"] for room in rooms]


def test_global_azure_lunch_is_a_break_and_languages_come_from_the_category(tmp_path):
    _, folder = import_into(GLOBAL_AZURE, tmp_path / "content")
    items = {item["title"]: item for item in read_part(folder, "programme")}
    assert items["Lunch Break"]["kind"] == "break"
    assert "speakers" not in items["Lunch Break"]
    # The Language category: German and English, as codes.
    assert items["Cosmos DB - Verwandlungskünstler unter den Datenbanken"]["language"] == "de"
    assert items["Stories of void"]["language"] == "en"
    assert items["Stories of void"]["track"] == "Main Conference"
    assert {item.get("track") for item in items.values()} >= {"Junior Bootcamp"}


def test_scottish_summit_tracks_levels_and_several_speakers(built):
    report, folder, _, _ = built
    items = {item["title"]: item for item in read_part(folder, "programme")}
    (workshop,) = [item for title, item in items.items() if title.startswith("Design and Build")]
    assert workshop["kind"] == "workshop"
    assert workshop["track"] == "Dynamics & Power Platform"
    assert workshop["abstract"].endswith("Level: 100 - Beginner")
    assert len(workshop["speakers"]) == 3
    speakers = {speaker["id"]: speaker for speaker in read_part(folder, "speakers")}
    first = speakers[workshop["speakers"][0]]
    assert first["name"] == "Sandra Kiel"
    assert first["role"] == "Managing Director and Microsoft MVP"  # the tagline
    assert "bio" in first and "photo" not in first
    # Tracks, levels and the session type are used; the speaker categories are not sessions'.
    assert not any("categories not printed" in line for line in report.skipped)


def test_photos_are_listed_with_how_to_add_them_not_downloaded(imported):
    source, report, folder = imported
    text = (folder / "speakers.yaml").read_text(encoding="utf-8")
    export = export_of(source)
    first = export["speakers"][0]
    assert first["profilePicture"] in text
    assert "photo: photos/<id>.jpg" in text
    assert any("not downloaded" in line for line in report.skipped)
    assert not (folder / "photos").exists()


def test_family_names_come_from_last_name(imported):
    _, _, folder = imported
    speakers = read_part(folder, "speakers")
    hannes = [s for s in speakers if s["name"] == "Hannes Lagler-Gruener"]
    if hannes:
        assert hannes[0]["family_name"] == "Lagler-Gruener"


def test_the_booklet_lists_every_talk_and_the_speaker_index_names_their_pages(built):
    _, folder, result, reader = built
    assert_talks_in_pdf(reader, folder)
    assert assert_speaker_index_names_talk_pages(result, reader, folder) > 20


# --- what the real exports do not hold -----------------------------------------------------


def sessionize_export(tmp_path: Path, sessions: list[dict], speakers: list[dict] | None = None):
    data = {
        "sessions": sessions,
        "speakers": speakers or [],
        "questions": [],
        "categories": [],
        "rooms": [{"id": 1, "name": "Hall", "sort": 0}],
    }
    path = tmp_path / "sessionize.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def session(number: int, starts: str, ends: str, **fields) -> dict:
    return {
        "id": str(number),
        "title": f"Talk {number}",
        "description": None,
        "startsAt": starts,
        "endsAt": ends,
        "isServiceSession": False,
        "speakers": [],
        "categoryItems": [],
        "questionAnswers": [],
        "roomId": 1,
        **fields,
    }


def test_utc_times_are_shown_in_the_zone_asked_for(tmp_path):
    source = sessionize_export(
        tmp_path, [session(1, "2026-06-02T07:30:00Z", "2026-06-02T08:15:00Z")]
    )
    report = import_schedule(source, tmp_path / "as-written")
    (item,) = read_part(tmp_path / "as-written", "programme")
    assert (item["start"], item["end"]) == ("07:30", "08:15")
    assert any("--timezone" in line for line in report.skipped)

    import_schedule(source, tmp_path / "copenhagen", ImportOptions(timezone="Europe/Copenhagen"))
    (item,) = read_part(tmp_path / "copenhagen", "programme")
    assert (item["day"], item["start"], item["end"]) == ("2026-06-02", "09:30", "10:15")


def test_an_unknown_time_zone_is_refused_before_reading(tmp_path):
    source = sessionize_export(tmp_path, [session(1, "2026-06-02T07:30:00", "2026-06-02T08:00:00")])
    with pytest.raises(BookletError, match="no time zone 'Mars/Olympus'"):
        import_schedule(source, tmp_path / "content", ImportOptions(timezone="Mars/Olympus"))


def test_a_speaker_missing_from_the_speakers_is_reported(tmp_path):
    source = sessionize_export(
        tmp_path,
        [session(1, "2026-06-02T09:00:00", "2026-06-02T10:00:00", speakers=["ghost", "ann"])],
        [{"id": "ann", "firstName": "Ann", "lastName": "Lee", "fullName": "Ann Lee"}],
    )
    report = import_schedule(source, tmp_path / "content")
    (item,) = read_part(tmp_path / "content", "programme")
    assert item["speakers"] == ["ann-lee"]
    assert (
        "event 1 'Talk 1': speaker 'ghost' is not among the export's speakers; left out"
        in report.skipped
    )


def test_before_scheduling_every_session_is_imported_without_times(tmp_path):
    source = sessionize_export(tmp_path, [session(1, None, None), session(2, None, None)])
    report = import_schedule(source, tmp_path / "content")
    items = read_part(tmp_path / "content", "programme")
    assert [item["title"] for item in items] == ["Talk 1", "Talk 2"]
    assert all("start" not in item and "day" not in item for item in items)
    assert any("no event has a time" in line for line in report.skipped)


def test_an_export_without_sessions_says_what_it_holds_and_what_booklet_reads(tmp_path):
    source = sessionize_export(tmp_path, [])
    with pytest.raises(BookletError) as raised:
        import_schedule(source, tmp_path / "content")
    message = str(raised.value)
    assert "a Sessionize export with 0 session(s), 0 speaker(s) and 1 room(s)" in message
    assert "Indico" in message and "spreadsheets (CSV or XLSX" in message
    assert not (tmp_path / "content").exists()


def test_the_sessions_view_names_speakers_rooms_and_categories_in_place(tmp_path):
    """sessionize.com/api/v2/ID/view/Sessions: groups of sessions, no speakers list."""
    groups = [
        {
            "groupId": None,
            "groupName": "All",
            "sessions": [
                session(
                    7,
                    "2023-03-25T09:00:00",
                    "2023-03-25T09:45:00",
                    roomId=32505,
                    room="Building Q",
                    speakers=[{"id": "a1", "name": "Ann Lee"}],
                    categories=[
                        {"id": 1, "name": "Track", "categoryItems": [{"id": 5, "name": "Web"}]}
                    ],
                )
            ],
        }
    ]
    source = tmp_path / "sessions.json"
    source.write_text(json.dumps(groups), encoding="utf-8")
    import_schedule(source, tmp_path / "content")
    (item,) = read_part(tmp_path / "content", "programme")
    assert (item["room"], item["track"], item["speakers"]) == ("Building Q", "Web", ["ann-lee"])


def test_the_grid_view_gives_each_session_its_rooms_name(tmp_path):
    """sessionize.com/api/v2/ID/view/GridSmart: days of rooms of sessions."""
    days = [
        {
            "date": "2015-08-29T00:00:00",
            "isDefault": True,
            "rooms": [
                {
                    "id": 0,
                    "name": "Main Room",
                    "sessions": [
                        session(
                            1,
                            "2015-08-29T08:30:00",
                            None,
                            isServiceSession=True,
                            title="Registration",
                            room=None,
                            roomId=None,
                        ),
                        session(
                            2,
                            "2015-08-29T09:00:00",
                            "2015-08-29T09:45:00",
                            room=None,
                            roomId=None,
                            speakers=[{"id": "b", "name": "Bo Ek"}],
                        ),
                    ],  # fmt: skip
                }
            ],
            "timeSlots": [],
        }
    ]
    source = tmp_path / "grid.json"
    source.write_text(json.dumps(days), encoding="utf-8")
    import_schedule(source, tmp_path / "content")
    registration, talk = read_part(tmp_path / "content", "programme")
    assert (registration["kind"], registration["room"]) == ("break", "Main Room")
    assert (talk["room"], talk["speakers"], talk["end"]) == ("Main Room", ["bo-ek"], "09:45")


def test_the_speakers_view_is_named_and_the_all_view_asked_for(tmp_path):
    """Sessionize's 'Speakers' view has no times or rooms: the message says which view
    it is and which to export, not what a pretalx schedule would hold."""
    speakers = [
        {"id": "a1", "firstName": "Ann", "lastName": "Lee", "fullName": "Ann Lee",
         "tagLine": "Engineer", "sessions": [{"id": 1, "name": "Talk"}]},
    ]  # fmt: skip
    path = tmp_path / "speakers.json"
    path.write_text(json.dumps(speakers))
    with pytest.raises(BookletError, match=r"Sessionize's 'Speakers' view.*'All' view"):
        import_schedule(path, tmp_path / "content")
