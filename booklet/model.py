"""The content of a booklet as validated data.

It knows nothing of YAML, HTML or PDF. `extra="forbid"` everywhere: a misspelt key is
an error, not a silently missing field. Times stay the strings the organiser wrote.
The descriptions become the JSON Schema that editors use to complete and check keys.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from . import names

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]*$")
]
# 9:30, 09:30 or 9.30 (the Danish way), 24-hour clock; kept as written.
ClockTime = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^([01]?[0-9]|2[0-3])[:.][0-5][0-9]$")
]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
# A web page the booklet links to (and prints as a QR code): http(s) only, no spaces.
WebAddress = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        pattern=r"^https?://[^\s/?#]+\.[^\s]+$",
        max_length=1000,  # printed as a QR code too, which holds at most some 2,900
    ),
]
Markdown = str

ItemKind = Literal["talk", "keynote", "panel", "workshop", "break", "other"]
# Kinds that are entries of the order of the day but have no abstract of their own.
KINDS_WITHOUT_ABSTRACT = {"break"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Session(Strict):
    id: Identifier = Field(description="Referred to by programme items' `session`.")
    title: Text = Field(description="Printed with each of its items, e.g. 'Session 2: Data'.")
    chairs: list[Identifier] = Field(
        [],
        description="Speaker ids of who chairs it: printed with the session's first item, "
        "and in the speaker index.",
    )


# '#1f4e79', '#c33' or a CSS colour name: set into the stylesheet, so nothing else passes.
Colour = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, pattern=r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{3,24})$"
    ),
]
FontFamily = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,62}$")
]


class Style(Strict):
    """The look, without touching CSS: colours and the typeface."""

    accent: Colour | None = Field(None, description="Covers, headings, page numbers.")
    accent_pale: Colour | None = Field(None, description="Rules, grid lines, shaded rows.")
    text: Colour | None = Field(None, description="Running text.")
    muted: Colour | None = Field(None, description="Running heads, roles, notes.")
    font: FontFamily | None = Field(
        None,
        description="Typeface of the whole booklet: 'Booklet Serif' (built in) or the family "
        "name of font files put in the project's styles/fonts/.",
    )


class Show(Strict):
    """Which parts the booklet has. Cover, welcome (when written) and back cover always."""

    contents: bool = Field(True, description="The contents page.")
    programme: Literal["grid", "list"] = Field(
        "grid", description="'grid': time × room where rooms run in parallel; 'list': a list."
    )
    abstracts: bool = Field(
        True, description="A page section per talk; without it, no indexes (they give its pages)."
    )
    speaker_index: bool = Field(True, description="Speakers with the pages of their talks.")
    affiliation_index: bool = Field(True, description="Organisations with their speakers.")
    # --- pages besides the talks (README: Practical pages, sponsors, door signs) ---
    bios: Literal["speakers", "abstracts"] = Field(
        "speakers",
        description="Where speakers' bios and photos print: 'speakers', in the speaker "
        "index; 'abstracts', under the speaker's name with each talk.",
    )
    practical: bool = Field(
        True,
        description="A page of practical facts (when, where, registration, doors, contact), "
        "when the conference gives address, contact, registration or doors.",
    )
    sponsors_on_back_cover: bool = Field(
        False, description="The sponsors' logos on the back cover too, besides their page."
    )


# --- pages besides the talks: practical facts, free pages, sponsors -----------------

# An address as mail servers take it (mail.py checks invitations' addresses the same way).
EmailAddress = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=254,
        pattern=r"^[^@\s<>\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$",
    ),
]
# +45 12 34 56 78, (0)30 1234-567: digits and what people write between them.
PhoneNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 ()./-]{3,30}$")
]
# A file in the content folder, as written; page_checks.py says whether it is one.
ContentFile = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)
]
PagePlace = Literal["after-welcome", "after-programme", "before-back-cover"]
LogoSize = Literal["large", "medium", "small"]


class Contact(Strict):
    """Who to ask: printed on the practical page, the organiser of the calendar event."""

    name: Text | None = Field(None, description="A person or a desk: 'Conference desk'.")
    email: EmailAddress | None = Field(None, description="name@example.org")
    phone: PhoneNumber | None = Field(None, description="+45 12 34 56 78")


class PageImage(Strict):
    file: ContentFile = Field(
        description="PNG, JPEG or SVG in the content folder: 'images/venue-map.png'."
    )
    caption: Text | None = Field(None, description="A line under the image.")


class FreePage(Strict):
    """A page the organiser writes: a title, Markdown and images (a map, a floor plan)."""

    title: Text = Field(description="The page's heading, contents line and bookmark.")
    place: PagePlace = Field(
        "after-programme",
        description="'after-welcome' (after the welcome and the contents), "
        "'after-programme' or 'before-back-cover'.",
    )
    body: Markdown | None = Field(None, description="Markdown; raw HTML is printed as text.")
    images: list[PageImage] = Field([], description="Printed under the text, full width.")


class Sponsor(Strict):
    name: Text = Field(
        description="The logo's alternative text; printed in its place when it has no logo."
    )
    logo: ContentFile | None = Field(
        None,
        description="SVG (kept vector) or PNG/JPEG (300 dpi at its printed size), in the "
        "content folder.",
    )
    website: WebAddress | None = Field(None, description="The logo links to it on screen.")


class SponsorTier(Strict):
    name: Text = Field(description="'Gold', 'Partners': a heading on the sponsors' page.")
    size: LogoSize | None = Field(
        None,
        description="Logo size; default: the first tier large, the second medium, the rest small.",
    )
    sponsors: list[Sponsor] = Field(description="In the order printed.", min_length=1)


class Conference(Strict):
    title: Text = Field(description="The conference's name: cover, headers, PDF title.")
    subtitle: Text | None = Field(None, description="Cover; PDF subject.")
    organiser: Text = Field(description="Cover; PDF author.")
    language: LanguageCode = Field(
        "en",
        description="Labels, dates, hyphenation and index order: 'da', 'en' or 'de' (one "
        "file per language in booklet/locales/).",
    )
    date: datetime.date | None = Field(None, description="First (or only) day, 2026-05-12.")
    end_date: datetime.date | None = Field(None, description="Last day, for several days.")
    venue: Text | None = Field(None, description="Place name (and address); lines kept.")
    address: Text | None = Field(
        None, description="The venue's address, lines kept: cover, practical page, calendar."
    )
    registration: ClockTime | None = Field(
        None, description="When registration opens each day, 8:30: cover and practical page."
    )
    doors: ClockTime | None = Field(
        None, description="When the doors open each day, 8:45: cover and practical page."
    )
    contact: Contact | None = Field(
        None, description="Who to ask on the day: practical page and calendar."
    )
    website: WebAddress | None = Field(
        None, description="https://... : on the back cover, as text and as a QR code."
    )
    welcome: Markdown | None = Field(None, description="Welcome text, Markdown.")
    abstracts_intro: Text | None = Field(
        None, description="A sentence that opens the abstracts section."
    )
    paper: Literal["A5", "A4"] = Field("A5", description="Page size.")
    rooms: list[Text] = Field(
        [], description="When given, every programme item's room must be one of these."
    )
    sessions: list[Session] = Field([], description="Sessions that group programme items.")
    style: Style = Field(Style(), description="Colours and typeface.")
    show: Show = Field(Show(), description="Which parts the booklet has.")
    pages: list[FreePage] = Field(
        [],
        description="Pages the organiser writes (practical information, code of conduct, "
        "wifi, a venue map), each where `place` says; in the contents and bookmarks.",
    )
    sponsors: list[SponsorTier] = Field(
        [],
        description="Sponsors and partners by tier, the first tier first: a page of their "
        "own before the back cover (and on it, with show.sponsors_on_back_cover).",
    )


class Speaker(Strict):
    id: Identifier = Field(description="Lower-case letters, digits, hyphens: 'eva-rasmussen'.")
    name: Text = Field(description="As printed: 'Eva Rasmussen'.")
    family_name: Text | None = Field(
        None,
        description="The words of name that are the family name, printed first in the "
        "index: 'Le Disez' of 'Romain Le Disez'; the whole name: printed as written. "
        "Default: the last word and its capitalised particles ('Beethoven, Ludwig van', "
        "'Van Buren, Martin'); one word, groups and handles as written (booklet/names.py).",
    )
    sort_as: Text | None = Field(
        None,
        description="The speaker index sorts by this text instead of the family name: "
        "'CCC' for 'Chaos Computer Club'.",
    )
    role: Text | None = Field(None, description="Job title: 'Professor'.")
    affiliation: Text | None = Field(None, description="Organisation: 'RUC'.")
    bio: Markdown | None = Field(
        None,
        description="A few lines, Markdown; in the speaker index, or with the talks (show.bios).",
    )
    photo: Text | None = Field(
        None,
        description="Image file (PNG, JPEG), relative to the content folder; printed 14 mm "
        "square, cropped to fill it (300 dpi: 166 pixels a side; fewer is a warning).",
    )

    @field_validator("family_name")
    @classmethod
    def _family_name_is_part_of_name(cls, family_name: str | None, info: ValidationInfo):
        name = info.data.get("name")
        if family_name is not None and name and not names.family_name_in_name(family_name, name):
            raise ValueError(
                f"must be words of name '{name}' as written there; to sort by another "
                "text, use sort_as"
            )
        return family_name

    @cached_property
    def reading(self) -> names.ReadName:
        """How the index prints the name (booklet.names); read once, the index asks often."""
        return names.read_name(self.name, self.family_name)

    @property
    def sort_family_name(self) -> str:
        """What the index sorts by first: sort_as, the family name, or the name as written."""
        return self.sort_as or self.reading.family

    @property
    def given_names(self) -> str:
        """What the index sorts by next and prints after the family name and a comma."""
        return self.reading.rest


class ProgrammeItem(Strict):
    id: Identifier | None = Field(None, description="Default: made from the title.")
    title: Text = Field(description="As printed in the programme and over the abstract.")
    kind: ItemKind = Field("talk", description="A break is listed but has no abstract.")
    speakers: list[Identifier] = Field([], description="Speaker ids from speakers.yaml.")
    moderators: list[Identifier] = Field(
        [],
        description="Speaker ids of who moderates (a panel): printed with the item, and in "
        "the speaker index.",
    )
    abstract: Markdown | None = Field(None, description="Markdown; raw HTML is printed as text.")
    day: datetime.date | None = Field(None, description="2026-05-12; groups the programme.")
    start: ClockTime | None = Field(None, description="9:30, 09:30 or 9.30.")
    end: ClockTime | None = Field(None, description="Must be after start.")
    room: Text | None = Field(None, description="One of the conference's rooms, if listed.")
    track: Text | None = None
    session: Identifier | None = Field(None, description="A session id from conference.yaml.")
    language: LanguageCode | None = Field(None, description="If not the booklet's language.")

    @property
    def has_abstract_page(self) -> bool:
        return self.kind not in KINDS_WITHOUT_ABSTRACT


class Content(Strict):
    conference: Conference
    speakers: list[Speaker] = []
    programme: list[ProgrammeItem]


def slug(text: str, max_length: int | None = None) -> str:
    """An ASCII id from a title: 'Idéklinikken i Region' -> 'ideklinikken-i-region'.

    With `max_length`, a longer slug is cut at its last hyphen that keeps it within the
    length (or at the length, when it has none there): a file name must stay short."""
    folded = text.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss"}))
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    whole = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "item"
    if max_length is None or len(whole) <= max_length:
        return whole
    cut = whole[: max_length + 1]  # a hyphen just after the limit ends a whole word
    return cut[: cut.rfind("-")] if cut.rfind("-") > 0 else whole[:max_length]


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not yet taken; it is taken then."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate
