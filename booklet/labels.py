"""The words the booklet prints itself (headings, "page"), per language.

Adding a language is one file: booklet/locales/<code>.yaml with the same keys as en.yaml.
Dates are formatted by Babel in the same language.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

import yaml

LOCALES = Path(__file__).parent / "locales"


@cache
def available_languages() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in LOCALES.glob("*.yaml")))


@cache
def labels_for(language: str) -> dict[str, str]:
    english = yaml.safe_load((LOCALES / "en.yaml").read_text(encoding="utf-8"))
    own = yaml.safe_load((LOCALES / f"{language}.yaml").read_text(encoding="utf-8"))
    return {**english, **own}  # a missing label falls back to English, never to a blank


def format_day(day: datetime.date, language: str) -> str:
    """'tirsdag den 12. maj 2026' / 'Tuesday, 12 May 2026'."""
    from babel.dates import format_date  # imported on demand: most builds print no date

    return format_date(day, format="full", locale=language)


def format_days(first: datetime.date, last: datetime.date | None, language: str) -> str:
    if last is None or last == first:
        return format_day(first, language)
    return f"{format_day(first, language)} – {format_day(last, language)}"
