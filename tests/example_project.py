"""The `booklet new` example, built once per test run and shared by the tests of the
pages besides the talks (free pages, sponsors, practical facts, chairs, door signs,
personal copies): a build is the expensive part, reading it back is cheap."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

import booklet
from booklet.scaffold import new_project


@cache
def example_project() -> Path:
    """A pristine `booklet new` project; copy it (fresh_project) to change it."""
    folder = Path(tempfile.mkdtemp(prefix="booklet-example-")) / "project"
    new_project(folder)
    return folder


@cache
def example_build() -> booklet.BuildResult:
    """The example's screen edition, --strict: it must build without a warning."""
    project = example_project()
    return booklet.build(project / "content", project / "output", strict=True)


def fresh_project(target: Path) -> Path:
    return Path(shutil.copytree(example_project(), target))


def set_in_conference(project: Path, old: str, new: str) -> None:
    """Replace a piece of the project's conference.yaml (which must be there)."""
    conference = project / "content" / "conference.yaml"
    text = conference.read_text(encoding="utf-8")
    assert old in text, old
    conference.write_text(text.replace(old, new), encoding="utf-8")
