"""Validated content (+ page numbers, when known) -> the booklet as one HTML document.

Page numbers come in two ways. Without a page map, every page reference is an empty
element that the stylesheet fills with CSS `target-counter()`. With a page map (from a
previous layout, or stand-ins), numbers are literal text, which lets the speaker index
print a page once when two of a speaker's talks share it; pdf.py lays out with one until
the numbers settle, and that is what the PDF prints.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import jinja2
from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
)
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import labels, markup, model, pages, programme, sandbox, typography
from .checks import NIGHT_ENDS, day_minutes, minutes
from .collation import sort_key
from .files import cache_folder
from .load import LoadedContent
from .model import Conference, ProgrammeItem, Session, Show, Speaker, Style
from .names import ReadName
from .sandbox import ProjectTemplates, ProjectThenDefault, TemplateSandbox
from .theme import Theme

TEMPLATES = Path(__file__).parent / "templates"

# Markdown from the content is untrusted: no raw HTML, no images that would be fetched,
# and links only to the web, to mail or within the booklet (a relative link would become
# a file: link with the build machine's folders in it).
_markdown = MarkdownIt("commonmark", {"html": False}).disable("image")
_markdown.validateLink = lambda url: (
    url.strip().lower().startswith(("http://", "https://", "mailto:", "#"))
)
_normalize_link = _markdown.normalizeLink


def _link_address(url: str) -> str:
    """'[Privacy International](privacyinternational.org)' links to the web; a link
    to anything else but mail and the booklet itself ('[notes](notes.txt)') prints as
    its text alone. Either way not as written, brackets and all."""
    address = _normalize_link(markup.with_scheme(url))
    return address if _markdown.validateLink(address) else typography.NO_LINK


_markdown.normalizeLink = _link_address


def markdown(text: str | None) -> Markup:
    """Markdown from the content as HTML, typeset: see `typeset`, and typography.py for
    paragraph ends, link addresses and web addresses."""
    tokens = _markdown.parse(typeset(text or ""))
    typography.finish_paragraphs(tokens)
    return Markup(_markdown.renderer.render(tokens, _markdown.options, {}))


typography.print_addresses(_markdown)


def typeset(text: str) -> str:
    """What a typesetter does without changing a word: control and separator characters
    normalised (markup.clean_text), a hyphen standing alone between words is a dash
    ('realiseres - ofte' -> 'realiseres – ofte', never split from the word before it),
    and a one-letter word does not end a line ('i kommunerne')."""
    text = re.sub(r"(?<=\S) - (?=\S)", "\u00a0– ", markup.clean_text(text))
    return re.sub(r"(?:(?<=\s)|^)([^\W\d_]) (?=\w)", "\\1\u00a0", text)


def _printed(value: object) -> object:
    """A value as a template prints it: text with its control and separator characters
    normalised (markup.clean_text), so a U+2028 in a title is a break, not a box."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return markup.clean_text(value)
    return value


@cache  # compiling the templates costs more than rendering them
def _environment(project_templates: Path | None = None) -> Environment:
    """The default templates; a project's own, of the same name, come first. Those are
    code from outside booklet: they run in booklet's sandbox (sandbox.py), which shows
    them the view objects below and plain data, nothing else."""
    options = dict(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    options["finalize"] = _printed  # every printed value, controls and separators normalised
    if project_templates is None:
        environment = Environment(loader=FileSystemLoader(TEMPLATES), **options)
        environment.filters.update(_FILTERS)
    else:
        loader = ProjectThenDefault(
            ProjectTemplates(project_templates), FileSystemLoader(TEMPLATES)
        )
        environment = TemplateSandbox(exposed=_VIEW_TYPES, loader=loader, **options)
        environment.extend_filters(**_FILTERS)
    # Compiled code differs between the two (the sandbox's is guarded): one cache each.
    environment.bytecode_cache = _bytecode_cache(environment)
    return environment


def _bytecode_cache(environment: Environment) -> FileSystemBytecodeCache | None:
    """Compiled templates kept between runs (~/.cache/booklet): compiling them is most of
    what rendering a small booklet's HTML costs. Jinja checks each against its source;
    the folder's name holds everything else that changes the compiled code: the kind of
    environment, its options, Jinja's version and, for the sandbox, its own code."""
    key = hashlib.sha256()
    for part in (
        type(environment).__qualname__,
        jinja2.__version__,
        repr(sorted((k, repr(v)) for k, v in _environment_options(environment).items())),
        "finalize: _printed",  # compiled code calls it: a cache from before would not
    ):
        key.update(part.encode() + b"\0")
    if isinstance(environment, TemplateSandbox):
        key.update(Path(sandbox.__file__).read_bytes())
    folder = cache_folder("templates") / key.hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no writable cache: compile every time
    return FileSystemBytecodeCache(str(folder))


def _environment_options(environment: Environment) -> dict:
    names = ("autoescape", "trim_blocks", "lstrip_blocks", "undefined", "newline_sequence")
    return {name: getattr(environment, name) for name in names}


def qr_code(address: str) -> Markup:
    """A QR code of a web address as inline SVG: vector, so sharp at any print size.
    The address was checked against model.WebAddress; segno draws only its modules."""
    import segno  # only booklets with a website need it

    svg = segno.make(address, error="m").svg_inline(
        scale=1, border=0, unit="mm", dark="black", light=None, omitsize=False
    )
    return Markup(svg)


def has_page(conference, item: ProgrammeItem) -> bool:
    """Whether an item has an abstract of its own in this booklet, and so a page to
    refer to."""
    return conference.show.abstracts and item.has_abstract_page


@dataclass
class Talk:
    """A programme item as the booklet shows it."""

    item: ProgrammeItem
    anchor: str
    speakers: list[Speaker]
    page: int | None = None
    # An item given more than once has one abstract, under its first time: the later
    # times refer to it (repeat_of), and it lists them (repeats).
    repeat_of: Talk | None = field(default=None, repr=False)
    repeats: list[Talk] = field(default_factory=list, repr=False)


@dataclass
class IndexEntry:
    speaker: Speaker
    anchor: str
    talks: list[Talk] = field(default_factory=list)

    @property
    def references(self) -> list[tuple[str, int | None]]:
        """(anchor, page) per talk; with known pages, each page once, in order."""
        if any(talk.page is None for talk in self.talks):
            return [(talk.anchor, None) for talk in self.talks]
        first_talk_on_page: dict[int, str] = {}
        for talk in self.talks:
            first_talk_on_page.setdefault(talk.page, talk.anchor)
        return [(anchor, page) for page, anchor in sorted(first_talk_on_page.items())]


@dataclass
class ContentsEntry:
    title: str
    anchor: str
    page: int | None


@dataclass(frozen=True)
class Part:
    """A piece of the booklet laid out as a document of its own, so that pieces can be
    laid out side by side (parts.py): the front matter, some days of abstracts, or the
    indexes. Page numbers and running heads are set for where it will stand."""

    kind: str  # "front", "abstracts", "back" or "furniture"
    days: tuple[int, ...] = ()  # for "abstracts": indexes into BookletView.abstract_days
    opens_abstracts: bool = False  # for "abstracts": carries the section's heading
    first_page: int = 1
    furniture: tuple[tuple[str, str], ...] = ()  # for "furniture": (kind, head) per page
    # For "back": the pieces of the indexes it holds, (index, piece number); None: all.
    pieces: tuple[tuple[str, int], ...] | None = None
    back_cover: bool = True  # for "back": only the last part of the back carries it


@dataclass
class BookletView(pages.PagesBesidesTalks):
    """Everything the templates need, already ordered and numbered. The pages besides
    the talks (practical page, free pages, sponsors, chairs) come from pages.py."""

    loaded: LoadedContent = field(repr=False)  # not for templates: it holds the folder
    page_of: dict[str, int] | None
    talks: list[Talk]
    speaker_index: list[IndexEntry]
    created: str | None = None  # ISO date for the PDF metadata, only when asked for
    part: Part | None = None  # None: the whole booklet in one document
    project_font_faces: str = ""  # @font-face rules of the project's own fonts

    @property
    def show(self):
        return self.conference.show

    def has_page(self, item: ProgrammeItem) -> bool:
        return has_page(self.conference, item)

    @property
    def style_css(self) -> Markup:
        """The content's style settings as CSS. The values passed the model's patterns
        (colours, font names), so they cannot close the rule or the element."""
        style = self.conference.style
        colours = {
            "--accent": style.accent,
            "--accent-pale": style.accent_pale,
            "--ink": style.text,
            "--muted": style.muted,
        }
        rules = [self.project_font_faces]
        variables = "; ".join(f"{name}: {value}" for name, value in colours.items() if value)
        if variables:
            rules.append(f":root {{ {variables}; }}")
        if style.font:
            family = f'"{style.font}", "Noto Emoji", serif'  # emoji: booklet.css
            rules.append(f"html {{ font-family: {family}; }} @page {{ font-family: {family}; }}")
        return Markup("\n".join(rule for rule in rules if rule))

    @property
    def conference(self):
        return self.loaded.content.conference

    @property
    def language(self) -> str:
        return self.conference.language

    @property
    def labels(self) -> dict[str, str]:
        return labels.labels_for(self.language)

    @property
    def subtitle_continues_title(self) -> bool:
        """'Turbo på offentlig innovation – ledelse og styring, …': a subtitle in lower
        case is the second half of the title, joined by a dash as the organiser wrote it."""
        subtitle = self.conference.subtitle or ""
        return subtitle[:1].islower()

    def role_after_name(self, role: str) -> str:
        """In Danish, Norwegian and Swedish a title after a name is written in lower case:
        'Lotte Bøgh Andersen, professor'. Acronyms ('CEO') stay as they are."""
        if self.labels.get("lower_case_titles_after_names") and role[1:2].islower():
            return role[0].lower() + role[1:]
        return role

    @property
    def dates(self) -> str | None:
        if self.conference.date is None:
            return None
        return labels.format_days(self.conference.date, self.conference.end_date, self.language)

    @cached_property
    def abstract_talks(self) -> list[Talk]:
        return [talk for talk in self.talks if self.has_page(talk.item) and talk.repeat_of is None]

    @cached_property
    def programme_days(self) -> list[tuple[datetime.date | None, list[Talk]]]:
        """The order of the day, cut where the day changes (one group without days)."""
        return _by_day(self.talks)

    @property
    def uses_grid(self) -> bool:
        """A grid when talks run in parallel: times given and more than one room."""
        if self.show.programme != "grid":
            return False
        return self.has_times and len({t.item.room for t in self.talks if t.item.room}) > 1

    @cached_property
    def programme_layout(self) -> programme.ProgrammeLayout:
        """The grid's pages, laid out by programme.py."""
        rooms = room_order(self.loaded.content)
        return programme.programme_layout(self.programme_days, rooms, self.conference.paper)

    def at_night(self, item: ProgrammeItem) -> bool:
        """Whether an item starts in the night after its day (before 6:00, as
        checks.day_minutes orders it): printed with the night cue."""
        return bool(item.start) and minutes(item.start) < NIGHT_ENDS

    def day_label(self, day: datetime.date) -> str:
        return labels.format_day(day, self.language)

    def session_title(self, session_id: str | None) -> str:
        titles = {session.id: session.title for session in self.conference.sessions}
        return titles.get(session_id, "") if session_id else ""

    def day_heading(self, day: datetime.date) -> str:
        """A day's name opening a heading (and its bookmark): 'Tirsdag den 13. maj 2031'."""
        label = self.day_label(day)
        return label[:1].upper() + label[1:]

    @cached_property
    def abstract_days(self) -> list[tuple[int, datetime.date | None, list[Talk]]]:
        """The abstracts cut where the day changes: (index, day, talks)."""
        return [
            (index, day, talks) for index, (day, talks) in enumerate(_by_day(self.abstract_talks))
        ]

    @property
    def has_times(self) -> bool:
        return any(talk.item.start for talk in self.talks)

    @property
    def contents(self) -> list[ContentsEntry]:
        entries = []
        if self.conference.welcome:
            entries.append(self._entry(self.labels["welcome"], "welcome"))
        entries += self.contents_at("after-welcome")  # pages.py
        entries.append(self._entry(self.labels["programme"], "programme"))
        entries += self.contents_at("after-programme")
        if self.abstract_talks:
            # Talks are not listed again here: the programme gives each one with its page.
            entries.append(self._entry(self.labels["abstracts"], "abstracts"))
        if self.shows_speaker_index:
            entries.append(self._entry(self.labels["speaker_index"], "speaker-index"))
        if self.shows_affiliation_index:
            entries.append(self._entry(self.labels["affiliation_index"], "affiliation-index"))
        entries += self.contents_at("before-back-cover")
        return entries

    @property
    def shows_speaker_index(self) -> bool:
        """Whether the booklet has it; in a part of the back, whether that part holds
        some of it."""
        return bool(self.speaker_index) and self.show.speaker_index and self._holds(SPEAKERS)

    @property
    def shows_affiliation_index(self) -> bool:
        shown = bool(self.affiliation_index) and self.show.affiliation_index
        return shown and self._holds(AFFILIATIONS)

    def _holds(self, index: str) -> bool:
        part = self.part
        if part is None or part.kind != "back" or part.pieces is None:
            return True
        return any(name == index for name, _ in part.pieces)

    @cached_property
    def speaker_index_pieces(self) -> list[list[IndexEntry]]:
        """The speaker index cut where a new page may as well begin (_index_pieces)."""
        return _index_pieces(
            self.speaker_index,
            lambda entry: _initial(entry.speaker.sort_family_name, self.language),
            lambda entry: INDEX_LINES_PER_SPEAKER,
        )

    @cached_property
    def affiliation_index_pieces(self) -> list[list[tuple[str, list[IndexEntry]]]]:
        return _index_pieces(
            self.affiliation_index,
            lambda affiliation: _initial(affiliation[0], self.language),
            lambda affiliation: 1 + len(affiliation[1]),
        )

    def index_pieces(self, index: str) -> list[tuple[int, list]]:
        """(number, piece) of an index (SPEAKERS or AFFILIATIONS) in this document: every
        piece of it in the whole booklet, its own in a part of the back."""
        pieces = self.speaker_index_pieces if index == SPEAKERS else self.affiliation_index_pieces
        part = self.part
        if part is None or part.kind != "back" or part.pieces is None:
            return list(enumerate(pieces))
        return [
            (number, piece) for number, piece in enumerate(pieces) if (index, number) in part.pieces
        ]

    @property
    def back_pieces(self) -> list[tuple[tuple[str, int], int]]:
        """((index, piece number), lines) of every piece of the indexes shown, in order:
        parts.py lays them out side by side."""
        shown = []
        if self.shows_speaker_index:
            shown.append((SPEAKERS, self.speaker_index_pieces, INDEX_LINES_PER_SPEAKER))
        if self.shows_affiliation_index:
            shown.append((AFFILIATIONS, self.affiliation_index_pieces, None))
        return [
            ((index, number), _lines(piece, per_entry))
            for index, pieces, per_entry in shown
            for number, piece in enumerate(pieces)
        ]

    def continued_index_style(self, index: str, title: str) -> Markup:
        """For a part of the back that opens inside an index (no heading on its first
        page): the running head that the heading sets in one document, on every page."""
        text = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in title)
        page = f"continued-{index}"
        return Markup(
            f"<style>section.{index}.continued {{ page: {page}; }}\n"
            f'@page {page}:left {{ @top-left {{ content: "{text}"; }} }}\n'
            f'@page {page}:right {{ @top-right {{ content: "{text}"; }} }}</style>'
        )

    @cached_property
    def affiliation_index(self) -> list[tuple[str, list[IndexEntry]]]:
        """Organisation -> its speakers (each with the pages of their talks), in the
        alphabet of the booklet's language."""
        by_affiliation: dict[str, list[IndexEntry]] = {}
        for entry in self.speaker_index:  # already in order of family name
            if entry.speaker.affiliation:
                by_affiliation.setdefault(entry.speaker.affiliation, []).append(entry)
        return sorted(by_affiliation.items(), key=lambda item: sort_key(item[0], self.language))

    def _entry(self, title: str, anchor: str) -> ContentsEntry:
        return ContentsEntry(title, anchor, self.page(anchor))

    def page(self, anchor: str) -> int | None:
        """The literal page number, or None to let CSS target-counter() fill it in."""
        return None if self.page_of is None else self.page_of.get(anchor)


def booklet_view(
    loaded: LoadedContent, page_of: dict[str, int] | None = None, created: str | None = None
) -> BookletView:
    content = loaded.content
    speakers = {speaker.id: speaker for speaker in content.speakers}
    talks = [
        Talk(item, f"talk-{item_id}", [speakers[sid] for sid in item.speakers])
        for item, item_id in zip(content.programme, loaded.item_ids, strict=True)
    ]
    # The order of the day: by day, time and room; items without them keep their place.
    rooms = room_order(content)
    talks.sort(
        key=lambda talk: (
            talk.item.day or datetime.date.min,
            day_minutes(talk.item.start) if talk.item.start else -1,
            rooms.index(talk.item.room) if talk.item.room else -1,
        )
    )

    _join_repeats(talks)
    if page_of is not None:
        for talk in talks:
            if has_page(content.conference, talk.item):
                talk.page = page_of.get(talk.anchor)  # None: a new talk, counted by CSS

    entries = {
        speaker.id: IndexEntry(speaker, f"speaker-{speaker.id}") for speaker in content.speakers
    }
    for talk in talks:
        if has_page(content.conference, talk.item) and talk.repeat_of is None:
            for speaker in talk.speakers:
                entries[speaker.id].talks.append(talk)
    _add_chairs_and_moderators(content, talks, entries)
    language = content.conference.language
    speaker_index = sorted(
        (entry for entry in entries.values() if entry.talks),
        key=lambda entry: (
            sort_key(entry.speaker.sort_family_name, language),
            sort_key(entry.speaker.given_names, language),
        ),
    )
    return BookletView(loaded, page_of, talks, speaker_index, created)


def _join_repeats(talks: list[Talk]) -> None:
    """An item given more than once (a workshop each day, a meeting at every camp) has
    one abstract: the same title, abstract, speakers and kind is one item at several
    times. Its later times refer to the first, where the abstract lists them all."""
    first_of: dict[tuple, Talk] = {}
    for talk in talks:
        item = talk.item
        if not item.abstract:
            continue
        key = (" ".join(item.title.split()).casefold(), item.abstract.strip(),
               tuple(item.speakers), item.kind)  # fmt: skip
        first = first_of.setdefault(key, talk)
        if first is not talk:
            talk.repeat_of, talk.anchor = first, first.anchor
            first.repeats.append(talk)


SPEAKERS, AFFILIATIONS = "speaker-index", "affiliation-index"
# A long index is cut into pieces of about this many lines (about 40 a page), each
# opening a page, so that no one layout holds all of it: parts.py lays the pieces out
# side by side, and a layout's time and memory grow with its pages. The cut falls where
# the initial letter changes, unless a letter alone runs past twice as many lines.
INDEX_LINES_PER_PIECE = 1200
INDEX_LINES_PER_SPEAKER = 3  # name, role, space: an affiliation's speaker is one line


def _index_pieces(entries: list, initial, lines) -> list[list]:
    pieces: list[list] = [[]]
    count = 0
    for entry in entries:
        if count >= INDEX_LINES_PER_PIECE and (
            initial(entry) != initial(pieces[-1][-1]) or count >= 2 * INDEX_LINES_PER_PIECE
        ):
            pieces.append([])
            count = 0
        pieces[-1].append(entry)
        count += lines(entry)
    return pieces if entries else []


def _lines(piece: list, per_entry: int | None) -> int:
    if per_entry is not None:
        return per_entry * len(piece)
    return sum(1 + len(entries) for _, entries in piece)


def _initial(name: str, language: str) -> tuple[int, ...]:
    return sort_key(name, language)[0][:1]


def room_order(content) -> list[str]:
    """The rooms as the conference lists them, then any others as they first appear."""
    rooms = list(content.conference.rooms)
    for item in content.programme:
        if item.room and item.room not in rooms:
            rooms.append(item.room)
    return rooms


def _by_day(talks: list[Talk]) -> list[tuple[datetime.date | None, list[Talk]]]:
    """Talks in order, cut where the day changes."""
    days: list[tuple[datetime.date | None, list[Talk]]] = []
    for talk in talks:
        if not days or talk.item.day != days[-1][0]:
            days.append((talk.item.day, []))
        days[-1][1].append(talk)
    return days


def render_html(
    loaded: LoadedContent,
    page_of: dict[str, int] | None = None,
    *,
    created: str | None = None,
    part: Part | None = None,
    theme: Theme | None = None,
    view: BookletView | None = None,
) -> str:
    """The booklet (or one part of it) as HTML; `page_of` maps anchor ids to page
    numbers, if known; `theme` brings a project's own templates and fonts. `view`: the
    booklet_view of this content, page numbers and date, made once for several parts
    (then `page_of` and `created` are the view's)."""
    if view is None:
        view = booklet_view(loaded, page_of, created)
    view.part = part
    templates = None
    if theme is not None:
        view.project_font_faces = theme.project_font_faces()
        templates = theme.project_templates
    environment = _environment(templates)
    if templates is None:  # booklet's own templates: trusted, and tested
        return environment.get_template("booklet.html.j2").render(booklet=view)

    def is_template(filename: str) -> bool:
        return Path(filename).is_relative_to(templates) or Path(filename).is_relative_to(TEMPLATES)

    return sandbox.render("booklet.html.j2", environment, is_template, booklet=view)


# ---- pages besides the talks (pages.py): chairs and moderators in the index ----------


def _add_chairs_and_moderators(content, talks: list[Talk], entries: dict) -> None:
    """A session's chairs are in the speaker index with its first abstract (where the
    booklet prints them), a moderator with the item moderated; their pages are listed
    in order with their own talks'."""
    first_of_session: dict[str, Talk] = {}
    for talk in talks:
        if has_page(content.conference, talk.item) and talk.repeat_of is None:
            if talk.item.session:
                first_of_session.setdefault(talk.item.session, talk)
            for speaker_id in talk.item.moderators:
                if talk not in entries[speaker_id].talks:
                    entries[speaker_id].talks.append(talk)
    for session in content.conference.sessions:
        if session.id in first_of_session:
            for speaker_id in session.chairs:
                if first_of_session[session.id] not in entries[speaker_id].talks:
                    entries[speaker_id].talks.append(first_of_session[session.id])
    order = {id(talk): position for position, talk in enumerate(talks)}
    for entry in entries.values():
        entry.talks.sort(key=lambda talk: order[id(talk)])


_FILTERS = {"markdown": markdown, "typeset": typeset, "qr_code": qr_code}
# What a project's templates may look into (sandbox.py): the view and the content's own
# models, each through its own fields and methods.
_VIEW_TYPES = (
    BookletView, Talk, IndexEntry, ContentsEntry, Part,
    programme.ProgrammeLayout, programme.GridPage, programme.Box, programme.TimeMark,
    programme.ProgrammeDay, programme.ListDay, programme.RoomDay,
    Conference, Speaker, ProgrammeItem, Session, Show, Style, ReadName,
    # pages besides the talks (pages.py), and the content's models of them
    pages.OrganiserPage, pages.PageFigure, pages.PracticalFact, pages.LogoTier, pages.SponsorLogo,
    pages.DoorSign, pages.SignEntry, pages.PersonalPage, pages.ChosenTalk,
    model.Contact, model.FreePage, model.PageImage, model.SponsorTier, model.Sponsor,
)  # fmt: skip
