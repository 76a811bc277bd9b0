"""The errors a user can cause, kept apart from bugs.

A `BookletError` is the user's to fix: the CLI prints it and exits 1. Anything else
that escapes is a bug in booklet: traceback, exit 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located as precisely as we can."""

    file: str
    line: int  # 1-based; 0 when the problem belongs to a whole file
    column: int  # 1-based; 0 when unknown
    field: str  # e.g. "programme[2].speakers[0]"; "" for the file itself
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        place = self.file
        if self.line:
            place += f":{self.line}:{self.column}" if self.column else f":{self.line}"
        field = f" {self.field}:" if self.field else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{place}:{field} {prefix}{self.message}"


class BookletError(Exception):
    """A mistake in the user's content or command: shown as a message, never a traceback."""


class ContentError(BookletError):
    """The content has one or more problems; all of them are carried, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class RenderError(BookletError):
    """WeasyPrint could not turn the booklet into a PDF the way the content asks."""


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
