"""Bad content gives every problem at once, each with file, line, column and field."""

from __future__ import annotations

import re

import pytest
from helpers import SEED, copy_content

from booklet import ContentError, load_content


def problems_for(tmp_path, **replacements) -> list[str]:
    """Copy the seed, apply text replacements per file, and return the messages."""
    folder = copy_content(SEED, tmp_path / "content")
    for filename, (old, new) in replacements.items():
        path = folder / f"{filename}.yaml"
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


# Each case: one edit to one seed file, and every message it must cause, in file order.
# "{line:TEXT}" stands for the line of the edited file that holds TEXT.
CASES = {
    "misspelt key": (
        "conference",
        "organiser: ATV",
        "organizer: ATV",
        [
            "conference.yaml:{line:organizer}:1: conference.organizer: unknown key "
            "'organizer'; did you mean 'organiser'?",
        ],
    ),
    "unknown speaker": (
        "programme",
        "speakers: [ole-bech-lykkebo]",
        "speakers: [ole-bech-lykebo]",
        [
            "programme.yaml:{line:lykebo}:14: programme[0].speakers[0]: no speaker with id "
            "'ole-bech-lykebo'; did you mean 'ole-bech-lykkebo'?",
            "speakers.yaml:3:7: speakers[0].id: warning: 'ole-bech-lykkebo' speaks in no "
            "programme item",
        ],
    ),
    "impossible time": (
        "programme",
        "  title: Facts om offentlig innovation",
        "  title: Facts om offentlig innovation\n  start: 25:00",
        [
            "programme.yaml:{line:25:00}:10: programme[0].start: must be a time like 09:30 "
            "(given: '25:00')",
        ],
    ),
    "duplicate speaker id": (
        "speakers",
        "  role: Leder af Center for Innovation i Aarhus (CFIA)",
        "  role: Leder af Center for Innovation i Aarhus (CFIA)\n\n- id: eva-rasmussen\n"
        "  name: Eva Rasmussen",
        [
            "speakers.yaml:{line:- id: eva-rasmussen}:7: speakers[5].id: id 'eva-rasmussen' "
            "is used by speakers[2] too",
        ],
    ),
    "duplicate programme id": (
        "programme",
        "- id: mobilitetsloesning-aarhus",
        "- id: ideklinikken",
        [
            "programme.yaml:{line:- id: ideklinikken}:7: programme[3].id: id 'ideklinikken' "
            "is used by programme[2] too",
        ],
    ),
    "language without labels": (
        "conference",
        "language: da",
        "language: xx",
        [
            "conference.yaml:{line:language}:11: conference.language: no labels for language "
            "'xx'; available: da, en",
        ],
    ),
    "empty title": (
        "conference",
        "title: Turbo på offentlig innovation",
        "title: ''",
        ["conference.yaml:{line:title: ''}:8: conference.title: must not be empty"],
    ),
    "unknown kind": (
        "programme",
        "  title: Idéklinikken i Region Nordjylland",
        "  title: Idéklinikken i Region Nordjylland\n  kind: lecture",
        [
            "programme.yaml:{line:lecture}:9: programme[2].kind: must be one of 'talk', "
            "'keynote', 'panel', 'workshop', 'break' or 'other' (given: 'lecture')",
        ],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_one_mistake_gives_exactly_its_messages(tmp_path, case):
    filename, old, new, expected = CASES[case]
    messages = problems_for(tmp_path, **{filename: (old, new)})
    edited = tmp_path / "content" / f"{filename}.yaml"

    def place(template: str) -> str:
        return re.sub(r"\{line:([^}]*)\}", lambda m: str(line_of(edited, m.group(1))), template)

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
    assert [m.split("content/", 1)[-1] for m in messages] == [
        "conference.yaml:3:1: conference.organiser: is required but missing"
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
