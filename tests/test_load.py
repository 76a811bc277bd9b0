"""Bad content gives every problem at once, each with file, line, column and field."""

from __future__ import annotations

import re

import pytest
from helpers import SEED, copy_content

from booklet import ContentError, load_content

FIRST_TITLE = "  title: Facts om offentlig innovation"
SECOND_TITLE = (
    "  title: Offentlig innovation kalder på nye administrative og politiske ledelsesformer"
)
THIRD_TITLE = "  title: Idéklinikken i Region Nordjylland"


def problems_for(tmp_path, **replacements) -> list[str]:
    """Copy the seed, apply text replacements per file, and return the messages."""
    folder = copy_content(SEED, tmp_path / "content")
    for filename, edits in replacements.items():
        path = folder / f"{filename}.yaml"
        for old, new in edits if isinstance(edits, list) else [edits]:
            text = path.read_text()
            assert old in text, f"{old!r} is not in {filename}.yaml"
            path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    return [str(problem) for problem in caught.value.problems]


def line_of(path, needle: str) -> int:
    """The last line that holds `needle` (an edit adds its text after the original)."""
    lines = path.read_text().splitlines()
    return max(n for n, line in enumerate(lines, 1) if needle in line)


def test_seed_content_loads_cleanly():
    loaded = load_content(SEED)
    assert loaded.warnings == []
    assert len(loaded.content.programme) == 4
    assert loaded.content.conference.language == "da"


# Each case: edits to seed files {file: (old, new)}, and every message they must cause, in
# file order. "{line@FILE:TEXT}" stands for the last line of FILE.yaml that holds TEXT.
CASES = {
    "misspelt key": (
        {"conference": ("organiser: ATV", "organizer: ATV")},
        [
            "conference.yaml:{line@conference:organizer}:1: conference.organizer: unknown key "
            "'organizer'; did you mean 'organiser'?",
        ],
    ),
    "unknown speaker": (
        {"programme": ("speakers: [ole-bech-lykkebo]", "speakers: [ole-bech-lykebo]")},
        [
            "programme.yaml:{line@programme:lykebo}:14: programme[0].speakers[0]: no speaker "
            "with id 'ole-bech-lykebo'; did you mean 'ole-bech-lykkebo'?",
            "speakers.yaml:{line@speakers:- id: ole-bech-lykkebo}:7: speakers[0].id: warning: "
            "'ole-bech-lykkebo' speaks in no programme item",
        ],
    ),
    "impossible time": (
        {"programme": (FIRST_TITLE, FIRST_TITLE + "\n  start: 25:00")},
        [
            "programme.yaml:{line@programme:25:00}:10: programme[0].start: must be a time like "
            "09:30 (given: '25:00')",
        ],
    ),
    "end before start": (
        {"programme": (FIRST_TITLE, FIRST_TITLE + "\n  start: '10:00'\n  end: 9.45")},
        [
            "programme.yaml:{line@programme:end: 9.45}:8: programme[0].end: ends before it "
            "starts (10:00)",
        ],
    ),
    "duplicate speaker id": (
        {
            "speakers": (
                "  role: Leder af Center for Innovation i Aarhus (CFIA)",
                "  role: Leder af Center for Innovation i Aarhus (CFIA)\n\n- id: eva-rasmussen\n"
                "  name: Eva Rasmussen",
            )
        },
        [
            "speakers.yaml:{line@speakers:- id: eva-rasmussen}:7: speakers[5].id: id "
            "'eva-rasmussen' is used by speakers[2] too",
        ],
    ),
    "duplicate programme id": (
        {"programme": ("- id: mobilitetsloesning-aarhus", "- id: ideklinikken")},
        [
            "programme.yaml:{line@programme:- id: ideklinikken}:7: programme[3].id: id "
            "'ideklinikken' is used by programme[2] too",
        ],
    ),
    "language without labels": (
        {"conference": ("language: da", "language: xx")},
        [
            "conference.yaml:{line@conference:language}:11: conference.language: no labels for "
            "language 'xx'; available: da, de, en",
        ],
    ),
    "empty title": (
        {"conference": ("title: Turbo på offentlig innovation", "title: ''")},
        ["conference.yaml:{line@conference:title: ''}:8: conference.title: must not be empty"],
    ),
    "unknown kind": (
        {"programme": (THIRD_TITLE, THIRD_TITLE + "\n  kind: lecture")},
        [
            "programme.yaml:{line@programme:lecture}:9: programme[2].kind: must be one of "
            "'talk', 'keynote', 'panel', 'workshop', 'break' or 'other' (given: 'lecture')",
        ],
    ),
    "wrong type": (
        {"speakers": ("  role: Analysechef", "  role: [Analysechef]")},
        ["speakers.yaml:{line@speakers:[Analysechef]}:9: speakers[0].role: must be text"],
    ),
    "room not among the rooms": (
        {
            "conference": ("paper: A5", "paper: A5\nrooms: [Festsalen, Mødelokale 1]"),
            "programme": (FIRST_TITLE, FIRST_TITLE + "\n  room: Festsal"),
        },
        [
            "programme.yaml:{line@programme:room: Festsal}:9: programme[0].room: no room "
            "'Festsal' in conference.yaml's rooms; did you mean 'Festsalen'?",
        ],
    ),
    "unknown session": (
        {
            "conference": ("paper: A5", "paper: A5\nsessions:\n  - {id: data, title: Data}"),
            "programme": (FIRST_TITLE, FIRST_TITLE + "\n  session: date"),
        },
        [
            "programme.yaml:{line@programme:session: date}:12: programme[0].session: no session "
            "with id 'date'; did you mean 'data'?",
        ],
    ),
    "two talks in one room at once": (
        {
            "programme": [
                (FIRST_TITLE, FIRST_TITLE + "\n  room: Sal A\n  start: '10:00'\n  end: '10:45'"),
                (SECOND_TITLE, SECOND_TITLE + "\n  room: Sal A\n  start: 10.30\n  end: 11.15"),
                (THIRD_TITLE, THIRD_TITLE + "\n  room: Sal B\n  start: 10.35\n  end: 11.20"),
            ]
        },
        [
            "programme.yaml:{line@programme:start: 10.30}:10: programme[1].start: overlaps "
            "programme[0] 'Facts om offentlig innovation' in Sal A (10:00–10:45)",
        ],
    ),
    "end date before date": (
        {"conference": ("paper: A5", "paper: A5\ndate: 2031-05-13\nend_date: 2031-05-12")},
        [
            "conference.yaml:{line@conference:end_date}:11: conference.end_date: is before date "
            "(2031-05-13)",
        ],
    ),
    "impossible date": (
        {"conference": ("paper: A5", "paper: A5\ndate: 2031-02-30")},
        [
            "conference.yaml:{line@conference:date:}:7: conference.date: must be a date like "
            "2025-05-14 (given: '2031-02-30')",
        ],
    ),
    "photo as a URL": (
        {
            "speakers": (
                "  role: Analysechef",
                "  role: Analysechef\n  photo: http://127.0.0.1:9/x.png",
            )
        },
        [
            "speakers.yaml:{line@speakers:photo:}:10: speakers[0].photo: must be a file in the "
            "content folder, not a URL (http://127.0.0.1:9/x.png)",
        ],
    ),
    "photo as a file URL": (
        {"speakers": ("  role: Analysechef", "  role: Analysechef\n  photo: file:///etc/passwd")},
        [
            "speakers.yaml:{line@speakers:photo:}:10: speakers[0].photo: must be a file in the "
            "content folder, not a URL (file:///etc/passwd)",
        ],
    ),
    "photo outside the content folder": (
        {"speakers": ("  role: Analysechef", "  role: Analysechef\n  photo: ../../etc/passwd")},
        [
            "speakers.yaml:{line@speakers:photo:}:10: speakers[0].photo: must be inside the "
            "content folder (../../etc/passwd)",
        ],
    ),
    "photo that is not an image": (
        {"speakers": ("  role: Analysechef", "  role: Analysechef\n  photo: conference.yaml")},
        [
            "speakers.yaml:{line@speakers:photo:}:10: speakers[0].photo: is not an image that "
            "can be read (PNG, JPEG, GIF or WebP) (conference.yaml)",
        ],
    ),
    "missing photo": (
        {"speakers": ("  role: Analysechef", "  role: Analysechef\n  photo: ole.jpg")},
        ["speakers.yaml:{line@speakers:photo:}:10: speakers[0].photo: no such file 'ole.jpg'"],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_mistakes_give_exactly_their_messages(tmp_path, case):
    edits, expected = CASES[case]
    messages = problems_for(tmp_path, **edits)

    def place(template: str) -> str:
        return re.sub(
            r"\{line@(\w+):([^}]*)\}",
            lambda m: str(line_of(tmp_path / "content" / f"{m.group(1)}.yaml", m.group(2))),
            template,
        )

    assert [m.split("content/", 1)[-1] for m in messages] == [place(e) for e in expected]


def test_all_problems_in_all_files_are_reported_together(tmp_path):
    messages = problems_for(
        tmp_path,
        conference=("organiser: ATV", "organiser: ATV\ncolour: blue"),
        speakers=("  role: Analysechef", "  role: [Analysechef]"),
        programme=("speakers: [anne-vest-hansen]", "speakers: [nobody]"),
    )
    joined = "\n".join(messages)
    assert "conference.colour: unknown key" in joined
    assert "speakers[0].role: must be text" in joined
    assert "programme[3].speakers[0]: no speaker with id 'nobody'" in joined
    # The speaker whose talk lost its reference now speaks nowhere: a warning, not an error.
    assert "speakers[4].id: warning: 'anne-vest-hansen' speaks in no programme item" in joined


def test_end_before_start(tmp_path):
    messages = problems_for(
        tmp_path,
        programme=(
            "  title: Facts om offentlig innovation",
            "  title: Facts om offentlig innovation\n  start: '10:00'\n  end: 9:45",
        ),
    )
    assert any("programme[0].end: ends before it starts (10:00)" in m for m in messages)


def test_a_missing_field_with_no_near_miss_is_reported_missing(tmp_path):
    messages = problems_for(tmp_path, conference=("organiser: ATV\n", ""))
    # Reported where the conference's keys begin, at its first key.
    first_key = line_of(tmp_path / "content" / "conference.yaml", "title: Turbo")
    assert [m.split("content/", 1)[-1] for m in messages] == [
        f"conference.yaml:{first_key}:1: conference.organiser: is required but missing"
    ]


def test_missing_required_file(tmp_path):
    folder = copy_content(SEED, tmp_path / "content")
    (folder / "programme.yaml").unlink()
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert [p.message for p in caught.value.problems] == ["file is missing"]


def test_photo_outside_the_content_folder_is_refused(tmp_path):
    messages = problems_for(
        tmp_path,
        speakers=("  role: Analysechef", "  role: Analysechef\n  photo: ../../etc/passwd"),
    )
    assert any("speakers[0].photo: must be inside the content folder" in m for m in messages)


def test_more_mistakes_in_lists(tmp_path):
    messages = problems_for(
        tmp_path,
        conference=("paper: A5", "paper: A5\nrooms: [Sal A, Sal A]"),
        programme=(
            "speakers: [ole-bech-lykkebo]",
            "speakers: [ole-bech-lykkebo, ole-bech-lykkebo]",
        ),
    )
    joined = "\n".join(messages)
    assert "conference.rooms[1]: 'Sal A' is listed twice" in joined
    assert "programme[0].speakers: 'ole-bech-lykkebo' is listed twice" in joined


def test_a_content_file_that_cannot_be_read_is_a_problem(tmp_path):
    folder = copy_content(SEED, tmp_path / "content")
    (folder / "speakers.yaml").unlink()
    (folder / "speakers.yaml").mkdir()
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert "cannot be read" in str(caught.value)
