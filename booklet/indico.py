"""Indico's HTTP API exports -> importer.Schedule.

Two exports are read, both wrapped as {"_type": "HTTPAPIResult", "results": …}:

- the timetable, export/timetable/ID.json: results{event id: {YYYYMMDD: {entry id:
  entry}}}, each entry a Contribution, a Break or a Session block whose `entries` hold
  the block's contributions and breaks;
- the event with its contributions, export/event/ID.json?detail=contributions (or
  detail=sessions): results[{title, timezone, contributions[], sessions[]}].

Mapping choices:

- times: each {date, time, tz} is converted to the event's time zone (the event's
  `timezone`, else the zone most entries are written in), or to the zone --timezone
  names.
- a session block with entries is a session: its contributions and breaks are items of
  that session (conference.yaml's sessions), each in its own room or the block's. A
  block without entries (a poster session, "Registration") is an item itself, its
  conveners its speakers.
- people: a contribution's presenters (timetable) or speakers (event export) first, then
  its authors (primary authors, co-authors, other authors), each once, with their
  affiliations, which fill the booklet's affiliation index. A name "Family, Given" is
  turned around; the export's family name is kept as the family name.
- kind: the contribution's type (Indico's contribution types, "Invited Orals") read as
  words like any export's type; breaks are breaks.
- abstract: the description (Indico writes HTML or Markdown), as the booklet's Markdown.
"""

from __future__ import annotations

import contextlib
import datetime
from collections import Counter

from .errors import BookletError
from .importer import (
    Event,
    ImportOptions,
    Person,
    Schedule,
    add_room,
    as_dict,
    as_list,
    family_name_of,
    one_line,
    shortened,
    text,
    timed,
    zone_named,
)
from .model import slug

PEOPLE_KEYS = ("presenters", "speakers", "primaryauthors", "coauthors", "authors", "other_authors")


def is_indico(data: object) -> bool:
    if not isinstance(data, dict) or "results" not in data:
        return False
    return data.get("_type") == "HTTPAPIResult" or "count" in data or "ts" in data


def read_indico(data: dict, name: str, skipped: list[str], options: ImportOptions) -> Schedule:
    results = data.get("results")
    schedule = Schedule("", "", [], [], source=data)
    if isinstance(results, dict):
        entries = list(timetable_entries(results, skipped))
        zone = target_zone(options, [entry for entry, _ in entries], "")
        for entry, block in entries:
            add_event(schedule, entry_event(entry, block, zone, skipped))
        # The timetable names no event: its venue is where most entries are.
        places = Counter(one_line(entry.get("location")) for entry, _ in entries)
        places.pop("", None)
        schedule.venue = places.most_common(1)[0][0] if places else ""
        what = f"an Indico timetable of {len(results)} event(s) with no entries"
    elif isinstance(results, list):
        events = [event for event in results if isinstance(event, dict)]
        if events:
            schedule.title = one_line(events[0].get("title"))
            schedule.venue = venue_of(events[0])
        contributions = [
            (contribution, session_title)
            for event in events
            for contribution, session_title in event_contributions(event)
        ]
        zone = target_zone(
            options,
            [contribution for contribution, _ in contributions],
            text(events[0].get("timezone")) if events else "",
        )
        for contribution, session_title in contributions:
            add_event(schedule, contribution_event(contribution, session_title, zone, skipped))
        what = (
            f"an Indico event export of {len(events)} event(s) without contributions "
            "(export it with ?detail=contributions)"
        )
    else:
        what = "an Indico export whose 'results' is neither a timetable nor a list of events"
    if not schedule.events:
        schedule.described = what
    return schedule


def venue_of(event: dict) -> str:
    """The event's place and its address, one line each."""
    lines = [one_line(event.get("location"))]
    lines += [one_line(line) for line in text(event.get("address")).splitlines()]
    return "\n".join(line for line in lines if line)


def add_event(schedule: Schedule, event: Event) -> None:
    add_room(schedule, event.room)
    schedule.events.append(event)


# --- time zones ---------------------------------------------------------------------------


def target_zone(
    options: ImportOptions, entries: list[dict], event_zone: str
) -> datetime.tzinfo | None:
    """The zone times are shown in: --timezone, else the event's, else the zone most
    entries are written in (the timetable does not name the event's)."""
    if options.timezone:
        return zone_named(options.timezone)
    written = event_zone or next(
        iter(
            zone
            for zone, _ in Counter(
                text(as_dict(entry.get("startDate")).get("tz")) for entry in entries
            ).most_common()
            if zone
        ),
        "",
    )
    if not written:
        return None
    try:
        return zone_named(written)
    except BookletError:
        return None  # an unknown zone: times are shown as written


def moment(value: object, zone: datetime.tzinfo | None) -> datetime.datetime | None:
    """{date, time, tz} -> the moment on the clock of `zone` (as written when None)."""
    written = as_dict(value)
    try:
        moment_written = datetime.datetime.fromisoformat(
            f"{text(written.get('date'))}T{text(written.get('time'))}"
        )
    except ValueError:
        return None
    own_zone = text(written.get("tz"))
    if zone is not None and own_zone:
        with contextlib.suppress(BookletError):  # an unknown zone: as written
            moment_written = moment_written.replace(tzinfo=zone_named(own_zone)).astimezone(zone)
    return moment_written.replace(tzinfo=None)


# --- the timetable ---------------------------------------------------------------------------


def timetable_entries(results: dict, skipped: list[str]):
    """(entry, its session block or None) for each contribution, break and block without
    entries, by day; a block's own entries in time order."""
    for event_id, days in results.items():
        if not isinstance(days, dict):
            skipped.append(f"event {shortened(str(event_id), 40)}: no days; skipped")
            continue
        for day in sorted(days):
            entries = as_dict(days[day])
            for entry in sorted_entries(entries):
                children = as_dict(entry.get("entries"))
                if entry.get("entryType") == "Session" and children:
                    for child in sorted_entries(children):
                        yield child, entry
                else:
                    yield entry, None


def sorted_entries(entries: dict) -> list[dict]:
    listed = [entry for entry in entries.values() if isinstance(entry, dict)]
    return sorted(
        listed,
        key=lambda entry: (
            text(as_dict(entry.get("startDate")).get("date")),
            text(as_dict(entry.get("startDate")).get("time")),
        ),
    )


def entry_event(
    entry: dict, block: dict | None, zone: datetime.tzinfo | None, skipped: list[str]
) -> Event:
    kind = text(entry.get("entryType"))
    title = one_line(entry.get("title"))
    if kind == "Session" and one_line(entry.get("slotTitle")):
        title = (
            f"{title}: {one_line(entry.get('slotTitle'))}"
            if title
            else one_line(entry.get("slotTitle"))
        )
    event = Event(
        export_id=text(entry.get("id")) or text(entry.get("contributionId")) or "?",
        title=title,
        room=one_line(entry.get("room")) or (one_line(block.get("room")) if block else ""),
        day="",
        day_start_hour=None,
        slug=slug(title, max_length=48) if title else "",
        description=text(entry.get("description")),
        type="break" if kind == "Break" else one_line(entry.get("type")),
        session=block_title(block) if block else "",
    )
    if kind == "Session":
        keys: tuple[str, ...] = ("conveners",)
    else:
        keys = PEOPLE_KEYS
    event.persons = people(entry, keys)
    return timed(event, moment(entry.get("startDate"), zone), moment(entry.get("endDate"), zone))


def block_title(block: dict) -> str:
    title, slot = one_line(block.get("title")), one_line(block.get("slotTitle"))
    return f"{title}: {slot}" if title and slot and slot != title else title or slot


# --- the event export -----------------------------------------------------------------------


def event_contributions(event: dict):
    """(contribution, session title) of an event export: its contributions, and with
    detail=sessions also those of its sessions."""
    for contribution in as_list(event.get("contributions")):
        if isinstance(contribution, dict):
            yield contribution, one_line(contribution.get("session"))
    for session in as_list(event.get("sessions")):
        if not isinstance(session, dict):
            continue
        title = one_line(session.get("title")) or one_line(
            as_dict(session.get("session")).get("title")
        )
        for contribution in as_list(session.get("contributions")):
            if isinstance(contribution, dict):
                yield contribution, title


def contribution_event(
    contribution: dict, session_title: str, zone: datetime.tzinfo | None, skipped: list[str]
) -> Event:
    title = one_line(contribution.get("title"))
    track = contribution.get("track")
    event = Event(
        export_id=text(contribution.get("friendly_id")) or text(contribution.get("id")) or "?",
        title=title,
        room=one_line(contribution.get("room")) or one_line(contribution.get("roomFullname")),
        day="",
        day_start_hour=None,
        slug=slug(title, max_length=48) if title else "",
        description=text(contribution.get("description")),
        type=one_line(contribution.get("type")),
        track=one_line(track.get("title") if isinstance(track, dict) else track),
        session=session_title,
    )
    event.persons = people(contribution, PEOPLE_KEYS)
    return timed(
        event,
        moment(contribution.get("startDate"), zone),
        moment(contribution.get("endDate"), zone),
    )


# --- people ------------------------------------------------------------------------------------


def people(entry: dict, keys: tuple[str, ...]) -> list[Person]:
    """The persons of an entry, speakers first, each name once."""
    found: list[Person] = []
    seen: set[str] = set()
    for key in keys:
        for person in as_list(entry.get(key)):
            if not isinstance(person, dict):
                continue
            made = indico_person(person)
            if made.name and made.name.casefold() not in seen:
                seen.add(made.name.casefold())
                found.append(made)
    return found


def indico_person(person: dict) -> Person:
    given = one_line(person.get("firstName") or person.get("first_name"))
    family = one_line(person.get("familyName") or person.get("last_name"))
    written = one_line(person.get("name") or person.get("fullName"))
    if given and family:
        name = f"{given} {family}"
    elif "," in written:  # "Couprie, Marie-Emmanuelle"
        family_part, _, given_part = written.partition(",")
        name = f"{given_part.strip()} {family_part.strip()}".strip()
    else:
        name = written or family
    return Person(
        export_id=text(person.get("person_id"))
        or text(person.get("id"))
        or text(person.get("emailHash")),
        name=name,
        family_name=family_name_of({"family_name": family}, name) if family else "",
        affiliation=one_line(person.get("affiliation")),
    )
