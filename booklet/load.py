"""Content folder -> validated `Content`, or every problem in it at once."""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .checks import Checker, NearMisses, check_content
from .errors import ContentError, Problem, display_path
from .markup import missing_glyphs_message, needs_glyph
from .model import Conference, Content, ProgrammeItem, Speaker, slug
from .page_checks import check_pages_and_people
from .yaml_source import FieldPath, SourceFile, dotted, read_yaml

# Each top-level part of the content lives in its own file, named after it.
CONTENT_FILES = {
    "conference": "conference.yaml",
    "speakers": "speakers.yaml",
    "programme": "programme.yaml",
}
REQUIRED_PARTS = ("conference", "programme")


@dataclass
class LoadedContent:
    content: Content
    folder: Path
    item_ids: list[str]  # one anchor id per programme item, unique in the booklet
    warnings: list[Problem] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)  # for located messages


def load_content(folder: Path) -> LoadedContent:
    """Read and validate the content folder; raise ContentError listing every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ContentError([Problem(display_path(folder), 0, 0, "", "no such content folder")])
    sources: dict[str, SourceFile] = {}
    problems: list[Problem] = []
    for part, filename in CONTENT_FILES.items():
        path = folder / filename
        if not (path.exists() or path.is_symlink()):  # a broken link is read, and says so
            if part in REQUIRED_PARTS:
                problems.append(Problem(display_path(path), 0, 0, "", "file is missing"))
            continue
        # Read only if, links resolved, it is a regular file in the content folder: a
        # link to a file elsewhere is refused, so no message can quote what that holds.
        source = read_yaml(path, inside=[folder])
        problems.extend(source.problems)
        sources[part] = source

    for part, source in sources.items():
        if source.data is None and not source.problems and part in REQUIRED_PARTS:
            problems.append(Problem(source.name, 0, 0, "", "file is empty"))
    if problems:  # a file that cannot be read says nothing reliable about the rest
        raise ContentError(problems)

    # Each speaker and programme item is validated on its own, so one bad item does not
    # hide the problems of the others, nor the references that the good ones make.
    near_misses = NearMisses()  # one budget for every suggestion of this check
    validate = _Validation(sources, problems, folder, near_misses)
    conference = validate.one(Conference, ("conference",))
    speakers = validate.entries(Speaker, "speakers")
    programme = validate.entries(ProgrammeItem, "programme")
    # References are checked against what was written, valid or not, so that one
    # mistake is reported once and not again as a missing speaker or an idle one.
    written_speaker_ids = {
        entry["id"]
        for entry in _raw_entries(sources, "speakers")
        if isinstance(entry.get("id"), str)
    }
    written_references = {
        speaker_id
        for entry in _raw_entries(sources, "programme")
        if isinstance(entry.get("speakers"), list)
        for speaker_id in entry["speakers"]
        if isinstance(speaker_id, str)
    }
    written_references |= _chairs_and_moderators(sources)
    problems += check_content(
        conference, speakers, programme, written_speaker_ids, sources, folder, near_misses
    )
    # Free pages, sponsors, photos for print, chairs and moderators (page_checks.py).
    checker = Checker(sources, folder, problems, near_misses)
    extra_warnings = check_pages_and_people(
        conference, speakers, programme, written_speaker_ids, checker
    )
    warnings = [
        sources["speakers"].problem(
            (index, "id"),
            f"speakers[{index}].id",
            f"'{speaker.id}' speaks in no programme item",
            severity="warning",
        )
        for index, speaker in speakers
        if speaker.id not in written_references
    ] + extra_warnings
    if problems:
        raise ContentError(problems + warnings)
    content = Content(
        conference=conference,
        speakers=[speaker for _, speaker in speakers],
        programme=[item for _, item in programme],
    )
    return LoadedContent(content, folder, _item_ids(content), warnings, sources)


def _chairs_and_moderators(sources: dict[str, SourceFile]) -> set[str]:
    """Speaker ids written as session chairs or item moderators: they have a part too."""
    ids = {
        speaker_id
        for entry in _raw_entries(sources, "programme")
        if isinstance(entry.get("moderators"), list)
        for speaker_id in entry["moderators"]
    }
    conference = sources["conference"].data if "conference" in sources else None
    sessions = conference.get("sessions") if isinstance(conference, dict) else None
    for session in sessions if isinstance(sessions, list) else []:
        if isinstance(session, dict) and isinstance(session.get("chairs"), list):
            ids |= set(session["chairs"])
    return {speaker_id for speaker_id in ids if isinstance(speaker_id, str)}


def _raw_entries(sources: dict[str, SourceFile], part: str) -> list[dict]:
    data = sources[part].data if part in sources else None
    return [entry for entry in data if isinstance(entry, dict)] if isinstance(data, list) else []


@dataclass
class _Validation:
    """Validates parts of the content against the model, noting problems as it goes."""

    sources: dict[str, SourceFile]
    problems: list[Problem]
    folder: Path
    near_misses: NearMisses

    def one(self, model, location: tuple):
        """model.model_validate(the data at `location`), or None with the problems noted."""
        source = self.sources.get(location[0])
        data = source.data if source else None
        for part in location[1:]:
            data = data[part]
        try:
            return model.model_validate(data)
        except ValidationError as error:
            errors = error.errors()
        for item in errors:
            item["loc"] = (*location, *item["loc"])
        # `organizer:` for `organiser:` is one mistake: the unknown key says so, and the
        # field it was meant to be is not reported missing as well.
        meant = {
            (*item["loc"][:-1], suggestion)
            for item in errors
            if item["type"] == "extra_forbidden"
            for suggestion in self._near_miss_of_key(item["loc"])
        }
        for item in errors:
            if not (item["type"] == "missing" and tuple(item["loc"]) in meant):
                self.problems.append(self._explain(item))
        return None

    def entries(self, model, part: str) -> list:
        """[(index, valid item)] for a file that holds a list; problems noted for the rest."""
        source = self.sources.get(part)
        if source is None or source.data is None:
            return []
        if not isinstance(source.data, list):
            self.problems.append(
                source.problem((), part, "must be a list, each entry starting with '- '")
            )
            return []
        validated = []
        for index in range(len(source.data)):
            item = self.one(model, (part, index))
            if item is not None:
                validated.append((index, item))
        return validated

    def _near_miss_of_key(self, location: tuple) -> list[str]:
        """The allowed key closest to the unknown one at `location`, if any."""
        where = location[:-1]
        among = ".".join(part for part in where if isinstance(part, str))
        return self.near_misses.close_matches(str(location[-1]), _fields_at(where), among)

    def _explain(self, error: dict) -> Problem:
        return _explain(error, self.sources, self.folder, self._near_miss_of_key)


def _item_ids(content: Content) -> list[str]:
    """Anchor ids for programme items: their own id, else one made from the title, with
    the next free number when another item has it (`title`, `title-2`, `title-3`...).

    The last number given is kept per title: trying from 2 each time would make 40,000
    items with one title take 800 million tries."""
    taken = {item.id for item in content.programme if item.id}
    last_number: dict[str, int] = {}
    ids = []
    for item in content.programme:
        if item.id:
            ids.append(item.id)
            continue
        base = slug(item.title)
        number = last_number.get(base, 1)
        candidate = base if number == 1 else f"{base}-{number}"
        while candidate in taken:
            number += 1
            candidate = f"{base}-{number}"
        last_number[base] = number
        taken.add(candidate)
        ids.append(candidate)
    return ids


# --- turning pydantic's errors into the organiser's words ---------------------------

_PATTERN_HINTS = {
    "start": "must be a time like 09:30",
    "end": "must be a time like 10:15",
    "language": "must be a two-letter language code like 'da' or 'en'",
}
_TYPE_WORDS = {
    "string_type": "must be text",
    "list_type": "must be a list (lines starting with '- ')",
    "dict_type": "must be a set of 'key: value' lines",
    "model_type": "must be a set of 'key: value' lines",
    "model_attributes_type": "must be a set of 'key: value' lines",
    "date_from_datetime_parsing": "must be a date like 2025-05-14",
    "date_parsing": "must be a date like 2025-05-14",
    "date_type": "must be a date like 2025-05-14",
    "missing": "is required but missing",
    "string_too_short": "must not be empty",
}


def _explain(
    error: dict,
    sources: dict[str, SourceFile],
    folder: Path,
    near_miss_of_key: typing.Callable[[tuple], list[str]],
) -> Problem:
    location: tuple = tuple(error["loc"])
    part = location[0] if location else ""
    source = sources.get(part)
    kind = error["type"]
    given = error.get("input")

    if kind == "extra_forbidden":
        key = location[-1]
        near = near_miss_of_key(location)
        message = f"unknown key '{key}'" + (f"; did you mean '{near[0]}'?" if near else "")
    elif kind == "string_pattern_mismatch":
        last = next((p for p in reversed(location) if isinstance(p, str)), "")
        message = _PATTERN_HINTS.get(
            last, "must be lower-case letters, digits and hyphens, like 'eva-rasmussen'"
        )
    elif kind == "literal_error":
        message = "must be one of " + error["ctx"]["expected"]
    elif kind in _TYPE_WORDS:
        message = _TYPE_WORDS[kind]
    else:
        message = error["msg"].removeprefix("Value error, ")
    if kind != "missing" and isinstance(given, str | int | float | bool) and given != "":
        message += f" (given: {given!r})" if kind != "extra_forbidden" else ""

    if source is None:
        filename = CONTENT_FILES.get(str(part), "")
        return Problem(display_path(folder / filename), 0, 0, dotted(location), message)
    return source.problem(location[1:], dotted(location), message, key=(kind == "extra_forbidden"))


def _fields_at(location: tuple) -> list[str]:
    """The keys allowed at `location`, for did-you-mean suggestions."""
    model: object = Content
    for part in location:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        model = _inner_model(annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner_model(annotation: object) -> object:
    """list[Speaker] -> Speaker; Conference -> Conference."""
    for argument in typing.get_args(annotation):
        if isinstance(argument, type) and issubclass(argument, BaseModel):
            return argument
    return annotation


# Values that are never printed as text, so need no glyphs.
_NOT_PRINTED = {"id", "photo", "language", "paper", "day", "date", "end_date", "kind", "session"}
_NOT_PRINTED |= {"file", "logo", "place", "size"}  # pages besides the talks


def missing_glyphs(loaded: LoadedContent, covered: set[int]) -> list[Problem]:
    """A warning for every printed value with a character no font of the theme can draw
    (the theme's fallback font, Noto Emoji, included): it would print as a box, or in
    whatever font the machine has."""
    warnings = []
    for part, source in loaded.sources.items():
        for path, text in _strings(source.data, (part,)):
            if path[-1] in _NOT_PRINTED or (len(path) > 1 and path[-2] == "speakers"):
                continue
            # Each character once (set(text) is built in C): abstracts run to megabytes.
            missing = sorted(c for c in set(text) if ord(c) not in covered and needs_glyph(c))
            if missing:
                warnings.append(
                    source.problem(
                        path[1:], dotted(path), missing_glyphs_message(missing), severity="warning"
                    )
                )
    return warnings


def _strings(data, path: FieldPath):
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))
