"""The errors a user can cause, kept apart from bugs.

A `BookletError` is the user's to fix: the CLI prints it and exits 1. Anything else
that escapes is a bug in booklet: traceback, exit 2.
"""

from __future__ import annotations

import os
import re
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


def _order(problem: Problem) -> tuple:
    return (
        problem.file,
        problem.line,
        problem.column,
        problem.field,
        problem.message,
        problem.severity,
    )


class BookletError(Exception):
    """A mistake in the user's content or command: shown as a message, never a traceback."""


class ContentError(BookletError):
    """The content has one or more problems; all of them are carried, not just the first.
    Its message (`lines()`) shows a few of each kind and sums up the rest."""

    def __init__(self, problems: list[Problem]):
        # By file, line, column... as Problem's own order, but compared in C: quick even
        # for a hundred thousand problems in no order.
        self.problems = sorted(problems, key=_order)
        super().__init__(self.problems)
        self._lines: list[str] | None = None

    def lines(self) -> list[str]:
        """The problems as printed: every one, except that past SHOWN_PER_KIND of one kind
        (or MAX_SHOWN in all) the rest of a kind is one line, '… and 1,479 more like …'."""
        if self._lines is None:
            self._lines = summarised(self.problems)
        return list(self._lines)

    def __str__(self) -> str:
        return "\n".join(self.lines())


class RenderError(BookletError):
    """WeasyPrint could not turn the booklet into a PDF the way the content asks."""


# Half a million overlaps are no more use to read than twenty, and printing them takes
# longer than finding them.
SHOWN_PER_KIND = 20
MAX_SHOWN = 200
MAX_SUMMARIES = 20


def summarised(problems: list[Problem]) -> list[str]:
    """`problems` as lines: at most SHOWN_PER_KIND of each kind and MAX_SHOWN in all,
    then one line for each kind with more (at most MAX_SUMMARIES, then one for the rest)."""
    shown: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    hidden: dict[tuple[str, str], int] = {}  # in the order first met
    for problem in problems:
        kind = _kind(problem)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= SHOWN_PER_KIND and len(shown) < MAX_SHOWN:
            shown.append(str(problem))
        else:
            hidden[kind] = hidden.get(kind, 0) + 1
    summaries = [
        f"{file}: … and {count:,} more like: {shape}"
        for (file, shape), count in list(hidden.items())[:MAX_SUMMARIES]
    ]
    rest = sum(list(hidden.values())[MAX_SUMMARIES:])
    if rest:
        summaries.append(f"… and {rest:,} more of other kinds")
    return shown + summaries


_QUOTED = re.compile(r"'[^']*'|\([^)]*\)")
_NUMBER = re.compile(r"\d[\d,.:]*")


def _kind(problem: Problem) -> tuple[str, str]:
    """(file, the message with its particulars left out): the same mistake made again,
    with another value or in another item, is of the same kind."""
    message = problem.message.split(";")[0]  # without "; did you mean …"
    shape = _QUOTED.sub(lambda found: found.group()[0] + "…" + found.group()[-1], message)
    shape = _NUMBER.sub("…", shape)
    return problem.file, f"warning: {shape}" if problem.severity == "warning" else shape


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it.
    A link is named as itself, not by where it leads (which may be outside the project)."""
    path = Path(path)
    try:
        named = path.name not in ("", "..")  # not '/', '.' or '..'
        full = path.parent.resolve() / path.name if named else path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of links
        full = Path(os.path.abspath(path))
    try:
        return str(full.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
