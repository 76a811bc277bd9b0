"""The words the booklet prints itself (headings, page labels) and its dates, per language.

The words are gettext catalogs, one file per language, booklet/locales/<code>.po, read
with Babel as the booklet is built: nothing to compile, no .mo files. English is the
source: in en.po each msgid is the English text and msgctxt the name the templates use
(`label.programme`); its msgstr stay empty. A translation that is missing, empty or
marked fuzzy prints the English, never a blank.

Adding a language: copy en.po to <code>.po (the two-letter code of the conference's
`language`), set its Language header, translate every msgstr (Poedit, Weblate or any
text editor), done. When en.po gains an entry, `msgmerge --update de.po en.po` adds it
to a translation.

One entry is a setting of the language rather than a word (see SETTINGS): its msgstr is
"yes" or "no". Keeping it in the catalog keeps a language to one file.

Dates are formatted by Babel (CLDR) in the same language.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LOCALES = Path(__file__).parent / "locales"
SOURCE_LANGUAGE = "en"

# Entries that answer a question about the language ("yes" or "no") instead of printing.
SETTINGS = ("lower_case_titles_after_names",)

# An item of kind 'other' prints no kind: there is no word to translate.
WITHOUT_WORDS = {"kind_other": ""}


@cache
def available_languages() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in LOCALES.glob("*.po")))


@cache
def read_catalog(language: str) -> Catalog:
    from babel.messages.pofile import read_po  # on demand: `booklet check` needs no words

    with (LOCALES / f"{language}.po").open("rb") as file:
        return read_po(file)


@cache
def labels_for(language: str) -> dict[str, str | bool]:
    """Every label by its name, translated where the catalog has a usable translation,
    else in English; settings as True or False."""
    translations = read_catalog(language)
    labels: dict[str, str | bool] = dict(WITHOUT_WORDS)
    for english in read_catalog(SOURCE_LANGUAGE):
        if not english.context:
            continue  # the header
        # Looked up by name and English text, as gettext does: when the English changes,
        # the old translation no longer matches and the new English prints until updated.
        translated = translations.get(english.id, context=english.context)
        if translated and translated.string and not translated.fuzzy:
            text = translated.string
        else:
            text = english.id
        if english.context in SETTINGS:
            labels[english.context] = text.strip().lower() == "yes"
        else:
            labels[english.context] = text
    return labels


def format_day(day: datetime.date, language: str) -> str:
    """'tirsdag den 12. maj 2026' / 'Dienstag, 12. Mai 2026' / 'Tuesday, May 12, 2026'."""
    from babel.dates import format_date  # imported on demand: most builds print no date

    return format_date(day, format="full", locale=language)


def format_days(first: datetime.date, last: datetime.date | None, language: str) -> str:
    """Both days in full, weekday included. Babel's format_interval would shorten the
    range ('12.–13. Mai 2026'), but only by dropping or abbreviating the weekdays."""
    if last is None or last == first:
        return format_day(first, language)
    return f"{format_day(first, language)} – {format_day(last, language)}"
