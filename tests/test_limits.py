"""Hostile content cannot make `check` read outside the content folder, wait for ever,
or work without end. Each content folder here is generated, of the shape that once took
minutes or gigabytes (benchmarks/content_scale.py measures them at full size); each must
end in a ContentError (exit 1) whose message is short and names the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

import booklet
from booklet.checks import NearMisses
from booklet.cli import app
from booklet.errors import MAX_SHOWN, MAX_SUMMARIES, SHOWN_PER_KIND, ContentError, Problem
from booklet.model import slug, unique_id
from booklet.yaml_source import MAX_FILE_BYTES, MAX_NODES, read_yaml

CONFERENCE = "title: Limits\norganiser: Tests\nrooms: [Hall, Side]\n"
SPEAKERS = "- id: ann-lee\n  name: Ann Lee\n"
PROGRAMME = "- title: Opening\n  speakers: [ann-lee]\n"
# At most this many lines for any number of problems: some of each kind, one line per
# kind for the rest, one for the kinds past those.
MAX_LINES = MAX_SHOWN + MAX_SUMMARIES + 1


def write(
    folder: Path, programme: str = PROGRAMME, speakers: str = SPEAKERS, conference: str = CONFERENCE
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conference.yaml").write_text(conference)
    (folder / "speakers.yaml").write_text(speakers)
    (folder / "programme.yaml").write_text(programme)
    return folder


def refused(folder: Path) -> ContentError:
    with pytest.raises(ContentError) as caught:
        booklet.check(folder)
    return caught.value


def cli_check(folder: Path) -> subprocess.CompletedProcess:
    """`booklet check` in a process of its own, as an organiser runs it."""
    return subprocess.run(
        [sys.executable, "-m", "booklet", "check", str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


# --- content files: regular files inside the content folder, of a sane size -----------

# What a file outside the content folder holds must never reach a message: as a content
# file it would be quoted back as an unknown key.
SECRET = {
    "conference": "hunter2-secret: yes\n",
    "speakers": "- hunter2-secret: yes\n",
    "programme": "- hunter2-secret: yes\n",
}


@pytest.mark.parametrize("part", SECRET)
def test_a_content_file_linked_to_a_file_outside_is_not_read(tmp_path, monkeypatch, part):
    monkeypatch.chdir(tmp_path)  # where messages name files relative to the folder
    folder = write(tmp_path / "content")
    secret = tmp_path / "elsewhere" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text(SECRET[part])
    (folder / f"{part}.yaml").unlink()
    (folder / f"{part}.yaml").symlink_to(secret)

    error = refused(folder)
    assert "hunter2" not in str(error)
    assert "secret" not in str(error)  # the link is named, not where it leads
    assert [(p.file, p.message) for p in error.problems] == [
        (f"content/{part}.yaml", "is a link to a file outside the content folder; not read")
    ]


def test_through_the_command_line_the_outside_file_is_not_shown_either(tmp_path):
    folder = write(tmp_path / "content")
    (tmp_path / "secret.yaml").write_text(SECRET["conference"])
    (folder / "conference.yaml").unlink()
    (folder / "conference.yaml").symlink_to(tmp_path / "secret.yaml")
    result = cli_check(folder)
    assert result.returncode == 1
    assert "conference.yaml: is a link to a file outside the content folder" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_a_content_file_linked_inside_the_content_folder_is_read(tmp_path):
    folder = write(tmp_path / "content")
    (folder / "drafts").mkdir()
    (folder / "conference.yaml").rename(folder / "drafts" / "conference.yaml")
    (folder / "conference.yaml").symlink_to(Path("drafts") / "conference.yaml")
    assert booklet.check(folder).content.conference.title == "Limits"


def _pipe(path: Path) -> None:
    os.mkfifo(path)  # no writer ever comes: opening it the usual way waits for ever


def _folder(path: Path) -> None:
    path.mkdir()


def _too_large(path: Path) -> None:
    with path.open("wb") as file:  # sparse: nothing is written, the size is what counts
        file.truncate(MAX_FILE_BYTES + 1)


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")  # endless


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


def _broken_link(path: Path) -> None:
    path.symlink_to("nowhere.yaml")


NOT_READ = {
    "a named pipe": (_pipe, "cannot be read: the content file is not a regular file"),
    "a folder": (_folder, "cannot be read: the content file is not a regular file"),
    "over the size limit": (_too_large, "over the limit of 10,485,760"),
    "a device": (_device, "is a link to a file outside the content folder; not read"),
    "a loop of links": (_loop, "cannot be read ("),
    "a broken link": (_broken_link, "cannot be read (No such file or directory)"),
}


@pytest.mark.parametrize("make, message", NOT_READ.values(), ids=NOT_READ)
def test_a_content_file_that_is_no_regular_file_of_a_sane_size_is_refused(tmp_path, make, message):
    folder = write(tmp_path / "content")
    (folder / "speakers.yaml").unlink()
    make(folder / "speakers.yaml")
    problems = refused(folder).problems
    assert len(problems) == 1
    assert Path(problems[0].file).name == "speakers.yaml"
    assert message in problems[0].message


# --- photos: the same, on top of their own limits ---------------------------------------


PHOTO_NOT_READ = {
    "a named pipe": (_pipe, "is not a file (photo.png)"),
    "a folder": (_folder, "is not a file (photo.png)"),
    "a device": (_device, "must be inside the content folder (photo.png)"),
    "a loop of links": (_loop, "no such file 'photo.png'"),
}


@pytest.mark.parametrize("make, message", PHOTO_NOT_READ.values(), ids=PHOTO_NOT_READ)
def test_a_photo_that_is_no_regular_file_is_refused_unread(tmp_path, make, message):
    folder = write(tmp_path / "content", speakers=SPEAKERS + "  photo: photo.png\n")
    make(folder / "photo.png")
    problems = refused(folder).problems
    assert [(p.field, p.message) for p in problems] == [("speakers[0].photo", message)]


def test_a_photo_linked_to_an_image_outside_is_refused(tmp_path):
    from PIL import Image

    Image.new("RGB", (8, 8)).save(tmp_path / "outside.png")
    folder = write(tmp_path / "content", speakers=SPEAKERS + "  photo: photo.png\n")
    (folder / "photo.png").symlink_to(tmp_path / "outside.png")
    problems = refused(folder).problems
    assert [p.message for p in problems] == ["must be inside the content folder (photo.png)"]


# --- limits enforced while parsing ----------------------------------------------------


def test_too_many_values_stop_the_parse_at_the_value_over_the_limit(tmp_path):
    # Far more values than allowed, and a syntax error at the very end: the parse stops
    # at the first value over the limit, so the error after it is never reached.
    values = ", ".join(["a"] * (MAX_NODES + 50_000))
    path = tmp_path / "programme.yaml"
    path.write_text(f"- title: Many\n  speakers: [{values}]\n- [unclosed\n")
    problems = read_yaml(path).problems
    # Values counted before the first speaker: the list, the item, two keys, a title
    # and the list of speakers; "a, " is three characters from column 14.
    over_the_limit = MAX_NODES + 1 - 6
    assert [(p.line, p.column, p.message) for p in problems] == [
        (
            2,
            14 + 3 * (over_the_limit - 1),
            f"too many values (over {MAX_NODES:,}); aliases that expand without end?",
        )
    ]


def test_an_alias_counts_as_everything_it_stands_for_in_depth_too(tmp_path):
    path = tmp_path / "conference.yaml"
    deep = "[" * 30 + "x" + "]" * 30
    path.write_text(f"a: &deep {deep}\nb: {'[' * 25}*deep{']' * 25}\n")
    assert [p.message for p in read_yaml(path).problems] == ["nested deeper than 50 levels"]
    path.write_text(f"a: &deep {deep}\nb: {'[' * 15}*deep{']' * 15}\n")
    assert read_yaml(path).problems == []


def test_an_alias_inside_its_own_anchor_is_refused_not_endless(tmp_path):
    path = tmp_path / "speakers.yaml"
    path.write_text("- &me\n  id: ann\n  friends: [*me]\n")
    problems = read_yaml(path).problems
    assert [(p.line, p.message) for p in problems] == [
        (3, "*me is inside &me: a value that contains itself")
    ]


# --- checks that stay near-linear -----------------------------------------------------


def test_an_item_naming_thousands_of_unknown_speakers_is_summed_up(tmp_path):
    count = 20_000
    names = [f"ghost-{n}" for n in range(count)]
    speakers = "".join(f"- id: speaker-{n}\n  name: Speaker {n}\n" for n in range(1000))
    programme = f"- title: Crowd\n  speakers: [{', '.join(names + [names[-1]])}]\n"
    error = refused(write(tmp_path / "content", programme, speakers))

    unknown = [p for p in error.problems if p.message.startswith("no speaker with id")]
    assert len(unknown) == count + 1  # every one is kept
    assert "programme[0].speakers: 'ghost-19999' is listed twice" in str(error)
    lines = error.lines()
    assert len(lines) <= MAX_LINES
    shown = [line for line in lines if "no speaker with id" in line and "more like" not in line]
    assert len(shown) == SHOWN_PER_KIND
    assert (
        f"programme.yaml: … and {count + 1 - SHOWN_PER_KIND:,} more like: no speaker with id '…'"
    ) in "\n".join(lines)


def test_thousands_of_items_with_one_title_get_numbered_ids(tmp_path):
    count = 10_000
    folder = write(tmp_path / "content", "- title: Same\n" * count)
    assert booklet.check(folder).item_ids == ["same"] + [f"same-{n}" for n in range(2, count + 1)]


def test_ids_from_titles_are_those_of_trying_every_number(tmp_path):
    # Titles whose own slugs are numbered ids, and ids written out, in between.
    titles = ["A", "A 2", "A", "A", "B", "A 3", "A", "B", "A-2"]
    programme = "".join(f"- title: {title}\n" for title in titles)
    programme += "- title: Given\n  id: a-5\n- title: A\n"
    loaded = booklet.check(write(tmp_path / "content", programme))
    taken = {"a-5"}
    expected = [unique_id(slug(title), taken) for title in [*titles]]
    assert loaded.item_ids == [*expected, "a-5", unique_id("a", taken)]


def test_an_item_overlapping_another_is_found_past_items_between(tmp_path):
    def item(title, start, end, room="Hall", day="2026-05-12"):
        return f"- title: {title}\n  day: {day}\n  start: '{start}'\n  end: '{end}'\n" + (
            f"  room: {room}\n"
        )

    programme = (
        item("Long", "9:00", "12:00")
        + item("Inside", "9:30", "10:00")
        + item("Late", "11:00", "11:30")  # overlaps Long, not Inside, which ended
        + item("After", "12:00", "13:00")  # starts as Long ends: no overlap
        + item("Elsewhere", "9:00", "10:00", room="Side")
        + item("Next day", "9:00", "10:00", day="2026-05-13")
        + item("Night", "23:30", "1:15")
        + item("Small hours", "0:30", "1:00")  # the night after the day: inside Night
    )
    error = refused(write(tmp_path / "content", programme, speakers=""))
    assert [(p.field, p.message) for p in error.problems if p.severity == "error"] == [
        ("programme[1].start", "overlaps programme[0] 'Long' in Hall (9:00–12:00)"),
        ("programme[2].start", "overlaps programme[0] 'Long' in Hall (9:00–12:00)"),
        ("programme[7].start", "overlaps programme[6] 'Night' in Hall (23:30–1:15)"),
    ]


def test_items_all_in_one_room_at_one_time_each_named_once_in_a_short_message(tmp_path):
    count = 1_500
    item = "- title: Clash {}\n  start: '9:00'\n  end: '10:00'\n  room: Hall\n".format
    folder = write(tmp_path / "content", "".join(item(n) for n in range(count)), speakers="")
    result = CliRunner().invoke(app, ["check", str(folder)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # the exit of a message, not a bug
    lines = result.stderr.splitlines()
    assert len(lines) <= MAX_LINES + 1
    assert lines[0].endswith(
        "programme[1].start: overlaps programme[0] 'Clash 0' in Hall (9:00–10:00)"
    )
    assert (
        f"programme.yaml: … and {count - 1 - SHOWN_PER_KIND:,} more like: "
        "overlaps programme[…] '…' in Hall (…)"
    ) in "\n".join(lines)
    assert lines[-1] == f"{count - 1} problems."

    # Through the API every item is named: each in a problem of its own, the first as
    # the one they overlap.
    problems = refused(folder).problems
    assert sorted(p.field for p in problems) == sorted(
        f"programme[{n}].start" for n in range(1, count)
    )


# --- one line for the rest of a kind ------------------------------------------------


def test_problems_of_one_kind_past_a_few_are_one_line_and_all_are_kept():
    many = [
        Problem("programme.yaml", line, 3, f"programme[{line}].room", f"no room 'R{line}' here")
        for line in range(1, 501)
    ]
    few = [
        Problem("speakers.yaml", line, 1, f"speakers[{line}].id", "is missing")
        for line in (1, 2, 3)
    ]
    error = ContentError(many + few)
    assert len(error.problems) == 503
    lines = error.lines()
    assert lines[:SHOWN_PER_KIND] == [str(p) for p in many[:SHOWN_PER_KIND]]
    assert lines[SHOWN_PER_KIND:] == [
        *(str(p) for p in few),
        f"programme.yaml: … and {500 - SHOWN_PER_KIND} more like: no room '…' here",
    ]
    assert str(error) == "\n".join(lines)


def test_many_kinds_of_problem_still_make_a_short_message():
    words = [f"{a}{b}" for a in "abcdefghijklmnopqrst" for b in "abcdefghijklmnopqrst"]
    problems = [
        Problem("conference.yaml", 1, 1, "", f"unsupported YAML tag !{word}") for word in words
    ] * 3
    lines = ContentError(problems).lines()
    assert len(lines) == MAX_SHOWN + MAX_SUMMARIES + 1
    summaries = lines[MAX_SHOWN:]
    assert all(" more like: unsupported YAML tag !" in line for line in summaries[:-1])
    assert summaries[-1].endswith(" more of other kinds")
    summed_up = sum(int(line.split(" and ")[1].split()[0].replace(",", "")) for line in summaries)
    assert MAX_SHOWN + summed_up == len(problems)


def test_suggestions_stop_at_their_budget_but_a_repeated_typo_keeps_its_own():
    near_misses = NearMisses(budget=8)
    choices = ["alpha", "beta", "gamma", "delta"]
    assert near_misses.did_you_mean("alpah", choices, "x") == "; did you mean 'alpha'?"
    assert near_misses.did_you_mean("btea", choices, "x") == "; did you mean 'beta'?"
    assert near_misses.did_you_mean("gamam", choices, "x") == ""  # the budget is spent
    assert near_misses.did_you_mean("alpah", choices, "x") == "; did you mean 'alpha'?"


def test_a_text_of_megabytes_is_refused_at_its_line(tmp_path):
    """One word of 9 MB took a gigabyte to lay out: a value longer than a text can be is
    a problem at its place, whatever it holds."""
    from helpers import SEED, copy_content

    content = copy_content(SEED, tmp_path / "content")
    programme = content / "programme.yaml"
    lines = programme.read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith("  abstract:"))
    lines[line - 1] = "  abstract: " + "x" * 200_000
    programme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(booklet.ContentError) as raised:
        booklet.check(content)
    assert any(
        problem.line == line and "at most 100,000" in problem.message
        for problem in raised.value.problems
    ), str(raised.value)
