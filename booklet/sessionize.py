"""Sessionize's API JSON -> importer.Schedule.

The "All" view (sessionize.com/api/v2/<id>/view/All) is one object: `sessions`,
`speakers`, `rooms`, `categories` and `questions`, joined by ids. Sessions name their
speakers by id, their room by `roomId` and their categories by `categoryItems` (item
ids). The "Sessions" view (a list of groups, each with `sessions` that name speakers
and categories in place) and the "GridSmart" view (days of rooms of sessions) are read
too, as far as they go.

Mapping choices:

- kind: a service session (`isServiceSession`: registration, coffee, lunch) is a break;
  otherwise the session format category ("Session format", "Please select session
  type") read as words like any export's type (importer.KIND_WORDS).
- categories by their title: "Track" -> track, "Level" -> a last line of the abstract
  ("Level: 200 - Intermediate"), "Language" -> language; others are reported as not used.
- times: `startsAt`/`endsAt` are the event's local time, without offset; written so.
  A time with an offset is shown as written there too (its own clock), or in the zone
  given with --timezone.
- speakers: fullName (else first and last name), lastName as the family name, tagLine
  as the role, bio, profilePicture as a photo address (not downloaded); a speaker
  question or category about the company is the affiliation.
- session questions (a short title, a video link) are not printed.
"""

from __future__ import annotations

import datetime
import re

from .importer import (
    Event,
    ImportOptions,
    Person,
    Schedule,
    add_room,
    as_list,
    family_name_of,
    moment,
    one_line,
    shortened,
    text,
    timed,
    zone_named,
)
from .model import slug

# A category is known by words of its title: Sessionize lets organisers write any title
# ("Which track does your session best fit into?").
CATEGORY_ROLES: list[tuple[str, tuple[str, ...]]] = [
    ("track", ("track", "spor", "thema", "theme", "topic")),
    ("level", ("level", "niveau", "audience level", "difficulty")),
    ("language", ("language", "sprache", "sprog")),
    ("type", ("format", "type", "kind", "length")),
]
# Speaker questions and categories whose answer is the speaker's organisation, or job.
AFFILIATION_WORDS = ("company", "organisation", "organization", "employer", "affiliation",
                     "firma", "virksomhed", "unternehmen", "arbejdsplads")  # fmt: skip
ROLE_WORDS = ("job title", "jobtitle", "position", "stilling", "role")


def is_sessionize(data: object) -> bool:
    """Whether parsed JSON is a Sessionize export: the "All" object, or the "Sessions"
    view's list of groups."""
    if isinstance(data, dict):
        return isinstance(data.get("sessions"), list) and (
            "speakers" in data or "rooms" in data or "categories" in data
        )
    if not isinstance(data, list) or not data or not all(isinstance(g, dict) for g in data):
        return False
    sessions_view = all("sessions" in group for group in data) and any(
        "groupName" in group or "groupId" in group for group in data
    )
    grid_view = all("rooms" in day and ("timeSlots" in day or "date" in day) for day in data)
    return sessions_view or grid_view


def read_sessionize(
    data: dict | list, name: str, skipped: list[str], options: ImportOptions
) -> Schedule:
    if isinstance(data, list):  # the "Sessions" or "GridSmart" view: names in place
        data = {"sessions": [session for group in data for session in grouped_sessions(group)]}
    schedule = Schedule("", "", [], [], source=data)
    rooms = room_names(data.get("rooms"))
    for room in rooms.values():
        add_room(schedule, room)
    categories = category_items(data.get("categories"), skipped)
    questions = {
        text(question.get("id")): one_line(question.get("question"))
        for question in as_list(data.get("questions"))
        if isinstance(question, dict)
    }
    speakers = {
        text(speaker.get("id")): speaker_person(speaker, categories, questions)
        for speaker in as_list(data.get("speakers"))
        if isinstance(speaker, dict)
    }
    zone = zone_named(options.timezone) if options.timezone else None
    sessions = as_list(data.get("sessions"))
    for position, session in enumerate(sessions, start=1):
        if not isinstance(session, dict):
            skipped.append(f"session {position}: not a session; skipped")
            continue
        event = session_event(session, rooms, categories, speakers, skipped)
        start, end = moment(session.get("startsAt"), zone), moment(session.get("endsAt"), zone)
        add_room(schedule, event.room)
        schedule.events.append(timed(event, start, end))
    if any(utc_without_zone(session, zone) for session in sessions if isinstance(session, dict)):
        skipped.append(
            "times are written in UTC (…Z); give --timezone (e.g. Europe/Copenhagen) "
            "to show them in the event's own time"
        )
    if not schedule.events:
        schedule.described = (
            f"a Sessionize export with {len(sessions)} session(s), "
            f"{len(speakers)} speaker(s) and {len(rooms)} room(s)"
        )
    return schedule


def grouped_sessions(group: dict) -> list[dict]:
    """The sessions of a "Sessions" view's group, or of a "GridSmart" day's rooms (each
    session given its room's name)."""
    found = [session for session in as_list(group.get("sessions")) if isinstance(session, dict)]
    for room in as_list(group.get("rooms")):
        if isinstance(room, dict):
            found += [
                {**session, "room": session.get("room") or room.get("name")}
                for session in as_list(room.get("sessions"))
                if isinstance(session, dict)
            ]
    return found


def room_names(rooms: object) -> dict[str, str]:
    """Room id -> name, in Sessionize's room order (`sort`), which the grid follows."""
    listed = [room for room in as_list(rooms) if isinstance(room, dict)]
    listed.sort(key=lambda room: room.get("sort") if isinstance(room.get("sort"), int) else 0)
    return {text(room.get("id")): one_line(room.get("name")) for room in listed}


def category_role(title: str) -> str:
    words = title.casefold()
    return next((role for role, keys in CATEGORY_ROLES if any(key in words for key in keys)), "")


def category_items(categories: object, skipped: list[str]) -> dict[str, tuple[str, str]]:
    """Category item id -> (role, item name); role "" for a category booklet does not
    use (reported once), "affiliation" for a speaker category about the company."""
    items: dict[str, tuple[str, str]] = {}
    unused = []
    for category in as_list(categories):
        if not isinstance(category, dict):
            continue
        title = one_line(category.get("title") or category.get("name"))
        if category.get("type") == "speaker":
            role = "affiliation" if any(w in title.casefold() for w in AFFILIATION_WORDS) else ""
        else:
            role = category_role(title)
            if not role and title:
                unused.append(title)
        for item in as_list(category.get("items") or category.get("categoryItems")):
            if isinstance(item, dict):
                items[text(item.get("id"))] = (role, one_line(item.get("name")))
    if unused:
        shown = ", ".join(f"'{shortened(title, 60)}'" for title in unused)
        skipped.append(f"session categories not printed: {shown}")
    return items


def speaker_person(
    speaker: dict, categories: dict[str, tuple[str, str]], questions: dict[str, str]
) -> Person:
    name = one_line(speaker.get("fullName")) or " ".join(
        part
        for part in (one_line(speaker.get("firstName")), one_line(speaker.get("lastName")))
        if part
    )
    affiliation = role = ""
    for answer in as_list(speaker.get("questionAnswers")):
        if not isinstance(answer, dict):
            continue
        question = (
            one_line(answer.get("question")) or questions.get(text(answer.get("questionId")), "")
        ).casefold()
        value = one_line(answer.get("answerValue") or answer.get("answer"))
        if value and not affiliation and any(word in question for word in AFFILIATION_WORDS):
            affiliation = value
        elif value and not role and any(word in question for word in ROLE_WORDS):
            role = value
    for item in as_list(speaker.get("categoryItems")):
        item_role, item_name = categories.get(text(item), ("", ""))
        if item_role == "affiliation" and not affiliation:
            affiliation = item_name
    return Person(
        export_id=text(speaker.get("id")),
        name=name,
        bio=text(speaker.get("bio")),
        family_name=family_name_of(speaker, name),
        role=role or one_line(speaker.get("tagLine")),
        affiliation=affiliation,
        photo=one_line(speaker.get("profilePicture")),
    )


def session_event(
    session: dict,
    rooms: dict[str, str],
    categories: dict[str, tuple[str, str]],
    speakers: dict[str, Person],
    skipped: list[str],
) -> Event:
    title = one_line(session.get("title"))
    if isinstance(session.get("title"), dict):  # a title per language: the first written
        title = next((one_line(v) for v in session["title"].values() if one_line(v)), "")
    event = Event(
        export_id=text(session.get("id")) or "?",
        title=title,
        room=rooms.get(text(session.get("roomId")), "") or one_line(session.get("room")),
        day="",
        day_start_hour=None,
        slug=slug(title, max_length=48) if title else "",
        description=text(session.get("description")),
    )
    chosen: dict[str, list[str]] = {}
    for item in as_list(session.get("categoryItems")):
        role, item_name = categories.get(text(item), ("", ""))
        if role and item_name:
            chosen.setdefault(role, []).append(item_name)
    for category in as_list(session.get("categories")):  # the "Sessions" view
        if isinstance(category, dict):
            role = category_role(one_line(category.get("name")))
            for item in as_list(category.get("categoryItems")):
                if role and isinstance(item, dict) and one_line(item.get("name")):
                    chosen.setdefault(role, []).append(one_line(item.get("name")))
    if tracks := chosen.get("track"):
        event.track = tracks[0]
        if len(tracks) > 1:
            others = ", ".join(f"'{shortened(track, 60)}'" for track in tracks[1:])
            skipped.append(f"{event.label}: tracks '{tracks[0]}' and {others}; kept the first")
    event.language = (chosen.get("language") or [""])[0]
    event.type = (
        "break" if session.get("isServiceSession") is True else (chosen.get("type") or [""])[0]
    )
    if levels := chosen.get("level"):
        level_line = "Level: " + ", ".join(levels)
        event.description = f"{event.description}\n\n{level_line}".strip()
    for reference in as_list(session.get("speakers")):
        if isinstance(reference, dict):  # the "Sessions" view: {id, name}
            person = speakers.get(text(reference.get("id"))) or Person(
                text(reference.get("id")), one_line(reference.get("name"))
            )
        else:
            person = speakers.get(text(reference))
        if person is None:
            skipped.append(
                f"{event.label}: speaker '{shortened(text(reference), 60)}' is not among the "
                "export's speakers; left out"
            )
            continue
        event.persons.append(person)
    return event


UTC_WRITTEN = re.compile(r"(Z|[+-]00:?00)$")


def utc_without_zone(session: dict, zone: datetime.tzinfo | None) -> bool:
    return zone is None and bool(UTC_WRITTEN.search(text(session.get("startsAt"))))
