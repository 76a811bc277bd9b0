"""The pages a booklet has besides the talks, as the templates see them: the practical
page, the organiser's free pages, the sponsors, and the chairs and moderators printed
with their items.

`PagesBesidesTalks` is a part of html.BookletView (a base class, so that this stays
one piece to read); the small classes below are what its properties give. Each is on
the sandbox's list (html._VIEW_TYPES), reachable only through what it defines itself.
Text is the content's, escaped by the templates; Markdown goes through html.markdown
(no raw HTML, no images); image paths passed page_checks.py (files of the content
folder) and the renderer's fetcher reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .model import PagePlace, ProgrammeItem, Speaker, slug, unique_id
from .page_checks import logo_size

if TYPE_CHECKING:
    from .html import ContentsEntry


@dataclass(frozen=True)
class PageFigure:
    source: str  # relative to the content folder, as the page's base URL
    caption: str | None


@dataclass(frozen=True)
class OrganiserPage:
    title: str
    anchor: str
    place: str
    body: str | None  # Markdown: the template renders it with the `markdown` filter
    images: tuple[PageFigure, ...]


@dataclass(frozen=True)
class PracticalFact:
    """A line of the practical page: its label and its lines ('Where', venue, address)."""

    label: str
    lines: tuple[str, ...]
    link: str | None = None  # mailto: or https:, for the screen editions


@dataclass(frozen=True)
class SponsorLogo:
    name: str
    logo: str | None
    website: str | None


@dataclass(frozen=True)
class LogoTier:
    name: str
    size: str  # "large", "medium" or "small": the class that sizes its logos
    sponsors: tuple[SponsorLogo, ...]


PRACTICAL_ANCHOR = "practical"
SPONSORS_ANCHOR = "sponsors"


class PagesBesidesTalks:
    """What BookletView adds for the pages besides the talks. It uses the view's
    `conference`, `labels`, `dates`, `talks` and `page()`."""

    # --- free pages ---------------------------------------------------------------

    @cached_property
    def free_pages(self) -> tuple[OrganiserPage, ...]:
        taken = {PRACTICAL_ANCHOR, SPONSORS_ANCHOR}
        pages = []
        for page in self.conference.pages:
            anchor = unique_id(f"page-{slug(page.title, max_length=40)}", taken)
            images = tuple(PageFigure(image.file, image.caption) for image in page.images)
            pages.append(OrganiserPage(page.title, anchor, page.place, page.body, images))
        return tuple(pages)

    def pages_at(self, place: PagePlace) -> list[OrganiserPage]:
        """The organiser's pages for one place, in the order written."""
        return [page for page in self.free_pages if page.place == place]

    # --- practical facts ----------------------------------------------------------

    @cached_property
    def practical_facts(self) -> tuple[PracticalFact, ...]:
        """When, where, registration, doors, contact and web, in the booklet's words."""
        conference, label = self.conference, self.labels
        facts = []
        if self.dates:
            facts.append(PracticalFact(label["when"], (self.dates[:1].upper() + self.dates[1:],)))
        where = [*(conference.venue or "").splitlines(), *(conference.address or "").splitlines()]
        if where:
            facts.append(
                PracticalFact(label["where"], tuple(line for line in where if line.strip()))
            )
        if conference.registration:
            facts.append(PracticalFact(label["registration"], (conference.registration,)))
        if conference.doors:
            facts.append(PracticalFact(label["doors"], (conference.doors,)))
        contact = conference.contact
        if contact and (contact.name or contact.email or contact.phone):
            lines = tuple(filter(None, [contact.name, contact.email, contact.phone]))
            link = f"mailto:{contact.email}" if contact.email else None
            facts.append(PracticalFact(label["contact"], lines, link))
        if conference.website:
            facts.append(PracticalFact(label["website"], (conference.website,), conference.website))
        return tuple(facts)

    @property
    def shows_practical(self) -> bool:
        """A practical page when the content gives more than the cover prints (dates and
        venue alone are there already), unless `show: practical: false`."""
        conference = self.conference
        beyond_cover = conference.address or conference.contact or conference.registration
        return bool(conference.show.practical and (beyond_cover or conference.doors))

    @property
    def cover_times(self) -> str:
        """'Registration opens 8:30 · Doors open 8:45' for the cover, or ''."""
        conference, label = self.conference, self.labels
        times = [
            f"{label['registration']} {conference.registration}" if conference.registration else "",
            f"{label['doors']} {conference.doors}" if conference.doors else "",
        ]
        return " · ".join(time for time in times if time)

    # --- sponsors -----------------------------------------------------------------

    @cached_property
    def sponsor_tiers(self) -> tuple[LogoTier, ...]:
        return tuple(
            LogoTier(
                tier.name,
                logo_size(index, tier.size),
                tuple(SponsorLogo(s.name, s.logo, s.website) for s in tier.sponsors),
            )
            for index, tier in enumerate(self.conference.sponsors)
        )

    @property
    def sponsors_on_back_cover(self) -> bool:
        return bool(self.sponsor_tiers) and self.conference.show.sponsors_on_back_cover

    # --- chairs and moderators ----------------------------------------------------

    def chairs_of(self, item: ProgrammeItem) -> list[Speaker]:
        """Who chairs the item's session, printed with the session's first item (in the
        order of the day): where the session begins."""
        if not item.session or self._first_of_session.get(item.session) is not item:
            return []
        sessions = {session.id: session for session in self.conference.sessions}
        session = sessions.get(item.session)
        return [self._speakers[sid] for sid in session.chairs] if session else []

    def moderators_of(self, item: ProgrammeItem) -> list[Speaker]:
        return [self._speakers[sid] for sid in item.moderators]

    @cached_property
    def _first_of_session(self) -> dict[str, ProgrammeItem]:
        first: dict[str, ProgrammeItem] = {}
        for talk in self.abstract_talks:
            if talk.item.session:
                first.setdefault(talk.item.session, talk.item)
        return first

    @cached_property
    def _speakers(self) -> dict[str, Speaker]:
        return {speaker.id: speaker for speaker in self.loaded.content.speakers}

    @property
    def bios_in_abstracts(self) -> bool:
        return self.conference.show.bios == "abstracts"

    # --- where they stand in the contents -----------------------------------------

    def contents_at(self, place: str) -> list[ContentsEntry]:
        """The contents lines of the pages at `place`: 'after-welcome' (the practical
        page first), 'after-programme' or 'before-back-cover' (the sponsors last)."""
        entries = []
        if place == "after-welcome" and self.shows_practical:
            entries.append(self._entry(self.labels["practical"], PRACTICAL_ANCHOR))
        entries += [self._entry(page.title, page.anchor) for page in self.pages_at(place)]
        if place == "before-back-cover" and self.sponsor_tiers:
            entries.append(self._entry(self.labels["sponsors"], SPONSORS_ANCHOR))
        return entries


# --- door signs (signs.py) ---------------------------------------------------------


@dataclass(frozen=True)
class SignEntry:
    """A line of a door sign: an item in the room, or one for everyone (no room given:
    a keynote, a break), printed lighter."""

    start: str
    end: str
    title: str
    speakers: str
    kind: str
    for_everyone: bool


@dataclass(frozen=True)
class DoorSign:
    """One room on one day: its name large, its items with times and speakers."""

    room: str
    day_label: str  # '' when the programme gives no days and the conference no date
    entries: tuple[SignEntry, ...]


# --- personal copies (personal_copies.py) --------------------------------------------


@dataclass(frozen=True)
class ChosenTalk:
    """A line of a reader's "my programme" page: when, where, what, and its page. Laid
    out once, however many readers chose it (personal_copies.py)."""

    key: int  # its place in the order of the day: the id of its laid-out line
    when: str  # 'Wednesday, May 12, 2027 · 10:15–11:00'
    room: str
    title: str
    speakers: str
    page: int | None  # of its abstract in the booklet; None for a break


@dataclass(frozen=True)
class PersonalPage:
    """One reader: their name (stamped on the cover and their page) and their talks."""

    number: int  # the recipient's place in the list, for the id of their name's page
    name: str
    talks: tuple[ChosenTalk, ...]
