"""The content of a booklet as validated data.

It knows nothing of YAML, HTML or PDF. `extra="forbid"` everywhere: a misspelt key is
an error, not a silently missing field. Times stay the strings the organiser wrote.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]*$")
]
# 9:30, 09:30 or 9.30 (the Danish way), 24-hour clock; kept as written.
ClockTime = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^([01]?[0-9]|2[0-3])[:.][0-5][0-9]$")
]
Markdown = str

ItemKind = Literal["talk", "keynote", "panel", "workshop", "break", "other"]
# Kinds that are entries of the order of the day but have no abstract of their own.
KINDS_WITHOUT_ABSTRACT = {"break"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Conference(Strict):
    title: Text
    subtitle: Text | None = None
    organiser: Text
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] = "en"
    date: datetime.date | None = Field(None, description="First (or only) day.")
    end_date: datetime.date | None = Field(None, description="Last day, for several days.")
    venue: Text | None = Field(None, description="Place name and address; lines kept.")
    welcome: Markdown | None = Field(None, description="Welcome text, Markdown.")
    abstracts_intro: Text | None = Field(
        None, description="A sentence that opens the abstracts section."
    )
    paper: Literal["A5", "A4"] = "A5"

    @model_validator(mode="after")
    def _end_after_start(self) -> Conference:
        if self.end_date and not self.date:
            raise ValueError("end_date is given without date")
        if self.end_date and self.date and self.end_date < self.date:
            raise ValueError("end_date is before date")
        return self


class Speaker(Strict):
    id: Identifier
    name: Text
    family_name: Text | None = Field(
        None, description="Sorts the speaker index; default: the last word of name."
    )
    role: Text | None = None
    affiliation: Text | None = None
    bio: Markdown | None = None
    photo: Text | None = Field(None, description="Image file, relative to the content folder.")

    @property
    def sort_family_name(self) -> str:
        return self.family_name or self.name.split()[-1]

    @property
    def given_names(self) -> str:
        family = self.sort_family_name
        if self.name.endswith(family):
            return self.name[: -len(family)].strip()
        return self.name


class ProgrammeItem(Strict):
    id: Identifier | None = Field(None, description="Default: made from the title.")
    title: Text
    kind: ItemKind = "talk"
    speakers: list[Identifier] = []
    abstract: Markdown | None = None
    day: datetime.date | None = None
    start: ClockTime | None = None
    end: ClockTime | None = None
    room: Text | None = None
    track: Text | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] | None = None

    @property
    def has_abstract_page(self) -> bool:
        return self.kind not in KINDS_WITHOUT_ABSTRACT


class Content(Strict):
    conference: Conference
    speakers: list[Speaker] = []
    programme: list[ProgrammeItem]


def slug(text: str) -> str:
    """An ASCII id from a title: 'Idéklinikken i Region' -> 'ideklinikken-i-region'."""
    folded = text.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss"}))
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "item"
