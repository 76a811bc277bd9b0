"""Large booklets, laid out in parts side by side, one process per core, then joined.

One WeasyPrint layout uses one core, and a 500-talk booklet is hundreds of pages. So the
booklet is cut where pages break anyway: the front matter (cover to programme), the
abstracts a few days at a time (each on a new page, of either hand), and the indexes.
A part does not need to know where it will stand to be laid out, except for its page
numbers, so:

1. first wave, in parallel: every abstracts part, laid out for good but without running
   heads and page numbers; and drafts of the front and the indexes, with every page
   reference set to a stand-in, which tell how many pages they take;
2. now every page's number is known. Second wave: the front and the indexes with their
   real page references, and the running heads and page numbers of the abstracts pages
   on pages of their own ("furniture");
3. pikepdf joins the parts, lays the furniture over the abstracts pages, and joins the
   parts' link targets and bookmarks.

Each part's PDF is kept in a cache beside the output, keyed by its HTML and the theme,
so a rebuild after editing one abstract lays out that abstract's days again and little
else. The joined booklet has the same pages as one built in a single document.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from .compact import compact_finisher, one_stream_per_page
from .editions import (
    BLANK_PAGE_CONTENT,
    Edition,
    Finishing,
    own_copied_streams,
    strongest_compression,
)
from .errors import RenderError
from .files import (
    UnsafeFileError,
    cache_folder,
    code_digest,
    keep_newest,
    read_cache_file,
    read_regular_file,
    write_atomically,
    write_cache_file,
)
from .html import INDEX_LINES_PER_PIECE, BookletView, Part, booklet_view, render_html
from .load import LoadedContent
from .pdf import (
    DEFAULT_MAX_PAGES,
    LOADABLE_SUFFIXES,
    MAX_FETCH_BYTES,
    LocalOnlyFetcher,
    RenderedBooklet,
    StopRendering,
    anchors_by_page,
    collector_paused,
    font_timestamps_fixed,
    laid_out_html,
    load_stylesheets,
    one_link_per_reference,
    pages_watched,
    rendering_stopped,
    too_many_pages,
    weasyprint_messages,
)
from .theme import Theme

# Talks below which one document is quicker than parts (process and joining overheads);
# measured: 50 talks over two days, 5.5 s in parts, 11.0 s as one document.
PARTS_FROM_TALKS = 40
# Days with fewer talks than this share a part: a part costs a little to set up and join.
MIN_TALKS_PER_PART = 20
# What changes a part's PDF besides its HTML and files: 2, a part's side shift; 3, text
# compacted; 4, page content and tags compacted; 5, text positions rounded on the page's
# scale (compact.py).
CACHE_VERSION = "5"
_WRITING_CODE = (
    "parts.py",
    "pdf.py",
    "compact.py",
    "page_content.py",
    "text_codes.py",
    "editions.py",
)


@dataclass
class LaidOutPart:
    pdf: bytes
    page_count: int
    anchors: dict[str, int]  # anchor -> page within the part, from 1
    warnings: list[str]
    blank_pages: list[int]  # pages left blank so that a day begins on the right, from 1
    # Points to move a page laid out as a right-hand page so that it stands as a left-hand
    # one (the margins' difference); None when the part has pages of one side only.
    side_shift: float | None = None


def worth_parts(loaded: LoadedContent) -> bool:
    days = {item.day for item in loaded.content.programme}
    large = len(loaded.content.programme) >= PARTS_FROM_TALKS and len(days) > 1
    return large and loaded.content.conference.show.abstracts  # parts cut the abstracts


def render_in_parts(
    loaded: LoadedContent,
    *,
    created: str | None,
    theme: Theme,
    stylesheets: list[Path],
    base_folder: Path,
    allowed_folders: list[Path],
    cache_folder: Path,
    progress: Callable[[str], None] | None = None,
    write_options: dict | None = None,
    finishing: Finishing | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    guess: dict[str, int] | None = None,
) -> RenderedBooklet:
    """The booklet laid out in parts and joined. `guess`: the page numbers of the last
    build, for the drafts of the front and the indexes (drafted, too, on the pages where
    the last build placed them): after a small edit they are the final numbers and
    places, so each of those parts is made from the same HTML in both waves, and found
    in the cache in both."""
    view = booklet_view(loaded)
    day_groups = _day_groups([len(talks) for _, _, talks in view.abstract_days])
    abstracts = [
        Part("abstracts", days=tuple(group), opens_abstracts=(number == 0))
        for number, group in enumerate(day_groups)
    ]

    def report(message: str) -> None:
        if progress:
            progress(message)

    renderer = _Renderer(
        loaded,
        created,
        theme,
        stylesheets,
        base_folder,
        allowed_folders,
        cache_folder,
        report,
        write_options or {},
        max_pages,
    )

    backs = _back_parts(view, theme)

    # Wave 1: the abstracts for good; the front and the indexes as drafts, for their length.
    referenced = _referenced_anchors(view)
    stand_in = _stand_in_pages(referenced, len(loaded.content.programme))
    drafted_backs = backs
    if guess and referenced <= guess.keys():
        stand_in = guess
        # Drafted where the last build placed them too: after a small edit, they are the
        # very parts it laid out last, found in the cache (a wrong place costs only time).
        last_starts = renderer.last_back_starts()
        if len(last_starts) == len(backs):
            drafted_backs = [
                dataclasses.replace(part, first_page=start)
                for part, start in zip(backs, last_starts, strict=True)
            ]
    renderer.stage = f"{len(abstracts)} of abstracts, drafts of front matter and indexes"
    jobs = [
        (Part("front"), stand_in),
        *[(part, None) for part in abstracts],
        *[(part, stand_in) for part in drafted_backs],
    ]
    drafts = (0, *range(len(jobs) - len(backs), len(jobs)))
    wave = renderer.run(jobs, drafts=drafts)
    front_draft, laid_out = wave[0], wave[1 : len(abstracts) + 1]
    back_drafts = wave[len(abstracts) + 1 :]

    for _ in range(3):  # real numbers may move a line, and so a page, of a draft: settle
        plan = _Plan(
            front_draft.page_count,
            [p.page_count for p in laid_out],
            [p.page_count for p in back_drafts],
        )
        page_of = plan.page_of(front_draft, laid_out, back_drafts)
        renderer.stage = "front matter, indexes, running heads"
        furniture = Part(
            "furniture",
            first_page=plan.abstracts_start,
            furniture=plan.furniture(
                view.labels["abstracts"], [part.blank_pages for part in laid_out]
            ),
        )
        placed = [
            dataclasses.replace(part, first_page=start)
            for part, start in zip(backs, plan.back_starts(), strict=True)
        ]
        front, *back, furniture_pages = renderer.run(
            [(Part("front"), page_of), *[(part, page_of) for part in placed], (furniture, {})]
        )
        settled = (
            front.page_count == plan.front_pages
            and [part.page_count for part in back] == plan.back_pages
        )
        if settled and plan.page_of(front, laid_out, back) == page_of:
            break  # every part as long as planned, every anchor where its number says
        front_draft, back_drafts = front, back
    else:
        raise RenderError("page numbers did not settle between the parts of the booklet")

    renderer.forget_unused()
    renderer.remember_back_starts(plan.back_starts())
    report(f"layout: {renderer.laid_out} parts laid out, {renderer.reused} reused")
    report(f"writing: {plan.last_page} pages")
    pdf, page_count = _join(plan, front, laid_out, back, furniture_pages, finishing)
    final_page_of = plan.page_of(front, laid_out, back)
    parts = [front, *laid_out, *back, furniture_pages]
    warnings = renderer.css_warnings + [warning for part in parts for warning in part.warnings]
    return RenderedBooklet(pdf, page_count, final_page_of, list(dict.fromkeys(warnings)))


# A project's own templates for these may not know that the back comes in several parts.
_BACK_TEMPLATES = ("booklet.html.j2", "speaker_index.html.j2", "affiliation_index.html.j2")


def _back_parts(view, theme: Theme | None = None) -> list[Part]:
    """The indexes and the back cover, as parts side by side: a long index comes in
    pieces that each open a page (html.py), and pieces of about a part's length are laid
    out on their own, so that no layout holds a whole index of thousands of speakers.
    Small pieces share a part; the last part carries the back cover."""
    own = theme.project_templates if theme is not None else None
    if own is not None and any((own / name).exists() for name in _BACK_TEMPLATES):
        return [Part("back")]  # all of the back in one, as the project's templates expect
    groups: list[list[tuple[str, int]]] = [[]]
    lines = 0
    for piece, piece_lines in view.back_pieces:
        if groups[-1] and lines + piece_lines > INDEX_LINES_PER_PIECE:
            groups.append([])
            lines = 0
        groups[-1].append(piece)
        lines += piece_lines
    return [
        Part("back", pieces=tuple(group), back_cover=(number == len(groups) - 1))
        for number, group in enumerate(groups)
    ]


def stand_in_pages(view) -> dict[str, int]:
    """Page numbers to lay a booklet out with before its own are known: as long as the
    real ones will likely be, so the first layout is close to the last, and without
    CSS target-counter(), which lays every page out again as it counts."""
    return _stand_in_pages(_referenced_anchors(view), len(view.talks))


def _stand_in_pages(anchors: set[str], talks: int) -> dict[str, int]:
    """Page numbers for the drafts: as many digits as the real ones will likely have (a
    large booklet has about a page per talk), and all different, so that the index
    does not merge them into fewer than it will print."""
    first = 10 ** (len(str(max(talks, 10))) - 1)
    return {anchor: first + n % (9 * first) for n, anchor in enumerate(sorted(anchors))}


def _referenced_anchors(view) -> set[str]:
    """Every anchor that a page reference may point at: the parts and the talks."""
    sections = {"welcome", "programme", "abstracts", "speaker-index", "affiliation-index"}
    return sections | {talk.anchor for talk in view.abstract_talks}


def _day_groups(sizes: list[int]) -> list[list[int]]:
    """Consecutive days as parts: a day each, small days together. Many parts keep the
    cores busy to the end, and a rebuild after an edit lays out only that day again."""
    groups: list[list[int]] = [[]]
    count = 0
    for index, size in enumerate(sizes):
        if groups[-1] and count >= MIN_TALKS_PER_PART:
            groups.append([])
            count = 0
        groups[-1].append(index)
        count += size
    return groups


@dataclass
class _Plan:
    """Where every part stands, once the length of each is known."""

    front_pages: int
    abstracts_pages: list[int]
    back_pages: list[int]  # the indexes, the last with the back cover

    @property
    def abstracts_start(self) -> int:
        return self.front_pages + 1 + (self.front_pages % 2)  # always a right-hand page

    def starts(self) -> list[int]:
        """First page of each abstracts part: each follows the one before, on either
        side (a part laid out from a right-hand page that stands on a left one is moved
        by the margins' difference when joined)."""
        starts, page = [], self.abstracts_start
        for count in self.abstracts_pages:
            starts.append(page)
            page += count
        return starts

    @property
    def abstracts_end(self) -> int:
        last_start, last_count = self.starts()[-1], self.abstracts_pages[-1]
        return last_start + last_count - 1

    @property
    def back_start(self) -> int:
        return self.abstracts_end + 1

    def back_starts(self) -> list[int]:
        """First page of each part of the back: each follows the last, on either side."""
        starts, page = [], self.back_start
        for count in self.back_pages:
            starts.append(page)
            page += count
        return starts

    @property
    def last_page(self) -> int:
        return self.back_start + sum(self.back_pages) - 1

    def page_of(self, front, laid_out, back) -> dict[str, int]:
        page_of = dict(front.anchors)
        for start, part in zip(self.starts(), laid_out, strict=True):
            page_of.update({anchor: start + page - 1 for anchor, page in part.anchors.items()})
        for start, part in zip(self.back_starts(), back, strict=True):
            page_of.update({anchor: start + page - 1 for anchor, page in part.anchors.items()})
        return page_of

    def furniture(
        self, section_title: str, blank_pages: list[list[int]]
    ) -> tuple[tuple[str, str], ...]:
        """(kind, running head) for every page from the first abstracts page to the last.
        A page left blank (between days within a part) carries nothing, as in a single
        document; the abstracts' title page has no running head."""
        pages: list[tuple[str, str]] = []
        for number, (count, blanks) in enumerate(
            zip(self.abstracts_pages, blank_pages, strict=True)
        ):
            for page in range(1, count + 1):
                if page in blanks:
                    pages.append(("blank", ""))
                elif number == 0 and page == 1:
                    pages.append(("opener", ""))
                else:
                    pages.append(("page", section_title))
        return tuple(pages)


class _Renderer:
    """Lays out parts in worker processes forked from this one, with a cache on disk."""

    def __init__(
        self,
        loaded,
        created,
        theme,
        stylesheets,
        base_folder,
        allowed_folders,
        cache_folder,
        report,
        write_options,
        max_pages,
    ):
        self.report = report
        self.theme = theme  # for the project's templates
        self.write_options = write_options  # the edition's, for WeasyPrint
        self.stage = ""
        self.loaded = loaded
        self.created = created
        self.base_url = str(base_folder) + "/"
        self.fetcher = LocalOnlyFetcher(allowed_folders)
        self.font_config = FontConfiguration()
        self.own_theme_files = theme.own_files(stylesheets)
        with weasyprint_messages() as self.css_warnings, rendering_stopped(self.own_theme_files):
            self.css = load_stylesheets(stylesheets, self.fetcher, self.font_config)
        self.theme_key = _theme_key(allowed_folders)
        # The pages laid out in a wave by all workers together: forked with them, shared.
        self.max_pages = max_pages
        import multiprocessing  # only large booklets: small ones start quicker without

        self.pages_in_wave = multiprocessing.get_context("fork").Value("q", 0)
        self.cache_folder = cache_folder
        self.used: set[str] = set()
        self.htmls: dict[tuple[Part, str], str] = {}
        # One view of the booklet for each set of page numbers, shared by the parts: a
        # view orders and indexes every talk, whichever part is rendered from it.
        self.views: dict[str, BookletView] = {}
        self.laid_out = self.reused = 0

    def run(
        self, jobs: list[tuple[Part, dict[str, int] | None]], *, drafts: tuple[int, ...] = ()
    ) -> list[LaidOutPart]:
        """Lay out each (part, page numbers); the jobs numbered in `drafts` only for their
        length and anchors, without writing a PDF."""
        htmls = [self._html(part, page_of) for part, page_of in jobs]
        writes = [index not in drafts for index in range(len(jobs))]
        options = sorted(self.write_options.items())
        keys = [
            hashlib.sha256(f"{self.theme_key} {write} {options} {html}".encode()).hexdigest()
            for html, write in zip(htmls, writes, strict=True)
        ]
        self.used.update(keys)
        self.pages_in_wave.value = 0  # the parts of one wave are the booklet at most once
        results: list[LaidOutPart | None] = [self._cached(key) for key in keys]
        for index in drafts:  # a draft is told as well by the written part of its HTML
            if results[index] is None:
                written = hashlib.sha256(
                    f"{self.theme_key} True {options} {htmls[index]}".encode()
                ).hexdigest()
                results[index] = self._cached(written)
                if results[index] is not None:
                    self.used.add(written)
        missing = [index for index, result in enumerate(results) if result is None]
        self.laid_out += len(missing)
        self.reused += len(keys) - len(missing)
        if missing:
            global _WORKER
            _WORKER = self
            # The longest first, so that no core is left with a long part at the end.
            missing.sort(key=lambda index: len(htmls[index]), reverse=True)
            # Running heads and page numbers are not content: the furniture is never
            # tagged (joining marks it as an artifact).
            work = [
                (htmls[index], writes[index], jobs[index][0].kind != "furniture")
                for index in missing
            ]
            processes = min(len(missing), _cores())
            if processes == 1:
                fresh = []
                for job in work:
                    fresh.append(_lay_out(job))
                    self._done(len(fresh), len(work))
            else:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor, as_completed
                from concurrent.futures.process import BrokenProcessPool

                context = multiprocessing.get_context("fork")
                try:
                    with ProcessPoolExecutor(processes, mp_context=context) as pool:
                        futures = [pool.submit(_lay_out, job) for job in work]
                        for done, _ in enumerate(as_completed(futures), start=1):
                            self._done(done, len(work))
                        fresh = [future.result() for future in futures]
                except BrokenProcessPool:
                    raise RenderError(
                        "a layout process died (out of memory?); try again, or with fewer "
                        "talks per day"
                    ) from None
            for index, result in zip(missing, fresh, strict=True):
                results[index] = result
                self._store(keys[index], result)
        return results  # type: ignore[return-value]

    def _html(self, part: Part, page_of: dict[str, int] | None) -> str:
        """A part's HTML, rendered once for each part and page numbers in a build."""
        numbers = json.dumps(page_of, sort_keys=True)
        if (part, numbers) not in self.htmls:
            if numbers not in self.views:
                self.views[numbers] = booklet_view(self.loaded, page_of, self.created)
            self.htmls[part, numbers] = render_html(
                self.loaded, part=part, theme=self.theme, view=self.views[numbers]
            )
        return self.htmls[part, numbers]

    def _done(self, done: int, of: int) -> None:
        if self.report:
            self.report(f"layout: {done} of {of} parts ({self.stage})")

    def forget_unused(self) -> None:
        """Parts of earlier versions of the content are not needed again."""
        for file in self.cache_folder.glob("*.*"):
            if file.stem not in self.used and file.name != _PLAN_FILE:
                file.unlink(missing_ok=True)

    def last_back_starts(self) -> list[int]:
        """The first page of each part of the back in the last build here."""
        try:
            starts = json.loads(read_cache_file(self.cache_folder / _PLAN_FILE) or b"null")
        except ValueError:
            return []
        if isinstance(starts, list) and all(isinstance(start, int) for start in starts):
            return starts
        return []

    def remember_back_starts(self, starts: list[int]) -> None:
        write_cache_file(self.cache_folder / _PLAN_FILE, json.dumps(starts).encode())

    def _cached(self, key: str) -> LaidOutPart | None:
        try:
            meta = json.loads(read_cache_file(self.cache_folder / f"{key}.json") or b"null")
        except ValueError:
            return None
        pdf = read_cache_file(self.cache_folder / f"{key}.pdf")
        if pdf is None or not isinstance(meta, dict):
            return None
        if not {"page_count", "anchors", "warnings", "blank_pages", "side_shift"} <= meta.keys():
            return None  # written by an earlier version
        if not (
            isinstance(meta["page_count"], int)
            and isinstance(meta["anchors"], dict)
            and isinstance(meta["warnings"], list)
            and isinstance(meta["blank_pages"], list)
        ):
            return None  # damaged: laid out again
        return LaidOutPart(
            pdf,
            meta["page_count"],
            meta["anchors"],
            meta["warnings"],
            meta["blank_pages"],
            meta["side_shift"],
        )

    def _store(self, key: str, result: LaidOutPart) -> None:
        # The PDF first, then what describes it: a half-stored part is never found.
        write_atomically(self.cache_folder / f"{key}.pdf", result.pdf)
        meta = {
            "page_count": result.page_count,
            "anchors": result.anchors,
            "warnings": result.warnings,
            "blank_pages": result.blank_pages,
            "side_shift": result.side_shift,
        }
        write_atomically(self.cache_folder / f"{key}.json", json.dumps(meta).encode())


class KnownPages:
    """The page numbers of a booklet built before from the same HTML, styles, fonts and
    images, wherever its PDF went (~/.cache/booklet/pages): a build of it lays out once.
    They are only a guess to the layout, which checks it, and they were what the layout
    settled on for this very input: the same bytes as a build without them."""

    KEPT = 200  # files; the oldest go (a file is a few KB)

    def __init__(
        self, html: str, stylesheets: list[Path], allowed_folders: list[Path], edition: Edition
    ) -> None:
        options = sorted(edition.write_options.items())
        sheets = [str(sheet.resolve()) for sheet in stylesheets]
        key = f"{_theme_key(allowed_folders)} {sheets} {options} {html}"
        self.name = hashlib.sha256(key.encode()).hexdigest() + ".json"
        self.folder = cache_folder("pages")

    def read(self) -> dict[str, int] | None:
        try:
            page_of = json.loads(read_cache_file(self.folder / self.name) or b"null")
        except ValueError:
            return None
        if isinstance(page_of, dict) and all(isinstance(v, int) for v in page_of.values()):
            return page_of
        return None

    def write(self, page_of: dict[str, int]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_cache_file(self.folder / self.name, json.dumps(page_of).encode())
            keep_newest(self.folder, "*.json", self.KEPT)
        except OSError:
            pass  # no writable cache: the next build counts again


def _theme_key(allowed_folders: list[Path]) -> str:
    """A part's PDF depends on its HTML, every file it may load (styles, fonts, photos)
    and the software that made it: WeasyPrint, and booklet's code that lays out and writes
    a part (a part cached by another version of it is not reused)."""
    key = hashlib.sha256(f"{CACHE_VERSION} {weasyprint.__version__}".encode())
    key.update(code_digest(*_WRITING_CODE))
    folders = sorted({Path(folder).resolve() for folder in allowed_folders})
    for folder in folders:
        for file in sorted(folder.rglob("*")):
            if not file.is_file() or file.suffix.lower() not in LOADABLE_SUFFIXES:
                continue  # the renderer loads nothing else
            key.update(str(file.relative_to(folder)).encode())
            try:
                key.update(read_regular_file(file, folders, MAX_FETCH_BYTES))
            except UnsafeFileError as error:
                # Not read (too large, a link to outside): no build that succeeds loads
                # it, since the renderer refuses it too.
                key.update(str(error).encode())
    return key.hexdigest()


class _PartPages:
    """Counts a part's pages into its wave's total as they are laid out, and stops the
    layout, in whichever worker, once the total passes the page limit."""

    def __init__(self, renderer: _Renderer) -> None:
        self.total = renderer.pages_in_wave
        self.max_pages = renderer.max_pages
        self.counted = 0  # WeasyPrint may lay out a page again: count each once

    def __call__(self, page: int) -> None:
        if page <= self.counted:
            return
        with self.total.get_lock():
            self.total.value += page - self.counted
            total = self.total.value
        self.counted = page
        if total > self.max_pages:
            raise StopRendering(too_many_pages(self.max_pages))


# Beside the parts: where the last build placed the parts of the back (only a guess).
_PLAN_FILE = "back-starts.json"
_WORKER: _Renderer | None = None  # set before forking: workers inherit fonts and styles


def _cores() -> int:
    """The cores this process may use (fewer than the machine's in a container)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _lay_out(job: tuple[str, bool, bool]) -> LaidOutPart:
    html, write, with_options = job
    worker = _WORKER
    assert worker is not None
    with (
        weasyprint_messages() as messages,
        pages_watched(None, _PartPages(worker)),
        rendering_stopped(worker.own_theme_files),
        collector_paused(),
    ):
        options = worker.write_options if with_options else {}
        # Image options act when the images load, during layout, not when writing.
        document = weasyprint.HTML(
            string=laid_out_html(html), base_url=worker.base_url, url_fetcher=worker.fetcher
        ).render(stylesheets=worker.css, font_config=worker.font_config, **options)
        anchors = anchors_by_page(document)
        _keep_links_to_other_parts(document, anchors)
        pdf = b""
        if write:
            one_link_per_reference(document)
            with font_timestamps_fixed():
                pdf = document.write_pdf(finisher=compact_finisher(), **options)
        worker.fetcher.stop_if_refused()
    blank = [n for n, page in enumerate(document.pages, start=1) if page._page_box.page_type.blank]
    return LaidOutPart(
        pdf, len(document.pages), anchors, list(messages), blank, _side_shift(document)
    )


def _side_shift(document: weasyprint.Document) -> float | None:
    """How far (pt) a right-hand page's drawing moves to stand as a left-hand page: the
    difference of their left margins (mirrored margins: the wider one by the binding)."""
    margins = {}
    for page in document.pages:
        margins.setdefault(page._page_box.page_type.side, page._page_box.margin_left)
    if {"left", "right"} <= margins.keys():
        return (margins["left"] - margins["right"]) * 0.75  # CSS px to pt
    return None


def _keep_links_to_other_parts(document: weasyprint.Document, anchors: dict) -> None:
    """WeasyPrint drops a link whose target is not in its document. A link from the
    programme to an abstract always is in another part: give the target a stand-in
    here, so the link is written; joining points it at the real target (and drops the
    stand-in, which is not among this part's anchors)."""
    for page in document.pages:
        for link_type, target, *_ in page.links:
            if link_type == "internal" and target not in anchors:
                document.pages[0].anchors.setdefault(target, (0, 0, 0, 0))


def _join(plan: _Plan, front, laid_out, back, furniture, finishing) -> tuple[bytes, int]:
    """One PDF from the parts: pages in order (a blank verso where the abstracts must
    begin on a right-hand page; a part that lands on a left-hand page moved to its
    margins), furniture over the abstracts pages, link targets and bookmarks; then the
    edition's finishing. Returns the PDF and its page count.

    One part's PDF is open at a time: what the booklet takes from it is made its own
    (streams too), and the part is closed before the next is opened. qpdf holds every
    object of an open PDF in memory, so all parts open at once would hold the booklet
    twice over (for thousands of speakers, hundreds of MB)."""
    import pikepdf  # only large booklets need it: small ones build without loading it

    parts = [front, *laid_out, *back]
    with pikepdf.new() as booklet:
        joiner = _Joiner(booklet)
        for number, part in enumerate(parts):
            with pikepdf.open(io.BytesIO(part.pdf)) as source:
                if number == 0:
                    joiner.take_document_settings(source)
                elif number == 1 and len(booklet.pages) % 2:
                    # the abstracts begin on a right-hand page, as in a single document
                    before = booklet.pages[-1].obj
                    blank = booklet.add_blank_page(page_size=joiner.page_size)
                    # The page before's boxes: a print page's media box starts in its bleed.
                    for box in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox"):
                        if box in before:
                            blank.obj[box] = pikepdf.Array(list(before[box]))
                    # Not empty: qpdf writes an empty stream as Flate data of 0 bytes,
                    # which Ghostscript refuses to read (an I/O error on this page).
                    blank.obj.Contents = booklet.make_stream(BLANK_PAGE_CONTENT)
                # a later part of the abstracts continues under the abstracts' bookmark
                first = len(booklet.pages)
                joiner.add(source, part.anchors, outline_depth=int(1 < number <= len(laid_out)))
                if 1 < number <= len(laid_out) and first % 2:
                    # laid out from a right-hand page, it begins on a left-hand one
                    _mirror(booklet.pages[first:], _any_side_shift(laid_out))
        with pikepdf.open(io.BytesIO(furniture.pdf)) as furniture_pdf:
            if len(furniture_pdf.pages) != plan.back_start - plan.abstracts_start:
                raise RenderError("running heads and page numbers do not fit the abstracts pages")
            joiner.lay_over(furniture_pdf, plan.abstracts_start)
        joiner.finish()
        if finishing:
            finishing.apply(booklet)
        one_stream_per_page(booklet)  # after finishing: fonts then are one per face
        output = io.BytesIO()
        with strongest_compression():
            booklet.save(
                output,
                compress_streams=True,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                deterministic_id=True,
                **(finishing.save_options if finishing else {}),
            )
        return output.getvalue(), len(booklet.pages)


def _any_side_shift(laid_out) -> float:
    """The parts share their page style: any part with pages of both sides tells."""
    shifts = [part.side_shift for part in laid_out if part.side_shift is not None]
    return shifts[0] if shifts else 0.0


def _mirror(pages, shift: float) -> None:
    """Pages laid out from a right-hand page, standing from a left-hand one: each moved
    by the margins' difference, its links with it. The running heads and page numbers
    are laid over later, for the side each page stands on."""
    import pikepdf

    for offset, page in enumerate(pages):
        dx = shift if offset % 2 == 0 else -shift  # laid out right, left, right, …
        if not dx:
            continue
        page.contents_add(f"q 1 0 0 1 {dx:.4f} 0 cm".encode(), prepend=True)
        page.contents_add(b"Q", prepend=False)
        for annotation in page.obj.get("/Annots", []):
            if "/Rect" in annotation:
                x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
                annotation.Rect = pikepdf.Array([x0 + dx, y0, x1 + dx, y1])


class _Joiner:
    """Takes the parts into one booklet, one at a time, and finally writes what spans
    them: the named link targets, the bookmarks and the tag tree (for screen readers)."""

    def __init__(self, booklet) -> None:
        import pikepdf

        self.booklet = booklet
        self.page_size = (0.0, 0.0)
        self.tagged = False
        self.names = pikepdf.NameTree.new(booklet)
        self.outline: list[tuple[int, str, int, list]] = []  # depth, title, page, place
        document = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document)
        self.document = booklet.make_indirect(document)
        # Python lists, made pikepdf Arrays once: appending to an Array one by one is slow.
        self.children: list = []
        self.numbers: list = []
        self.next_key = 0

    def take_document_settings(self, source) -> None:
        """Page size, tagging, metadata and viewer settings: the front part's."""
        booklet = self.booklet
        self.page_size = tuple(float(v) for v in source.pages[0].mediabox[2:])
        self.tagged = "/StructTreeRoot" in source.Root
        start = self._next_object()
        booklet.docinfo = booklet.copy_foreign(source.docinfo)
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
            if key in source.Root:
                # copy_foreign takes only objects of their own: make it one there first
                value = source.make_indirect(source.Root[key])
                booklet.Root[key] = booklet.copy_foreign(value)
        self._own_streams(start)

    def add(self, source, anchors: dict[str, int], outline_depth: int) -> None:
        import pikepdf

        booklet = self.booklet
        start = self._next_object()
        first = len(booklet.pages)
        with warnings.catch_warnings():
            # pikepdf warns that named link targets are not carried over: they are, below.
            warnings.filterwarnings("ignore", message="Copying pages from another Pdf")
            booklet.pages.extend(source.pages)
        index_of = {page.obj.objgen: number for number, page in enumerate(source.pages)}

        # Named link targets, pointing at the pages where they now stand.
        if "/Names" in source.Root and "/Dests" in source.Root.Names:
            for name, destination in pikepdf.NameTree(source.Root.Names.Dests).items():
                if name not in anchors:
                    continue  # a stand-in for a target in another part
                target = booklet.pages[first + index_of[destination[0].objgen]].obj
                self.names[name] = pikepdf.Array([target, *_plain(destination[1:])])

        with source.open_outline() as outline:
            for depth, item in _walk(outline.root, 0):
                page = first + index_of[item.destination[0].objgen]
                place = _plain(item.destination[1:])
                self.outline.append((depth + outline_depth, str(item.title), page, place))

        if self.tagged:
            self._add_structure(source, first)
        self._own_streams(start)

    def _add_structure(self, source, first: int) -> None:
        """The part's tag tree under the booklet's Document element, in page order, and
        its parent tree (each page's marked content and each link back to its element)
        numbered afresh across the parts."""
        # Copied after the pages: qpdf maps each /Pg to the page copied before.
        tree = self.booklet.copy_foreign(source.Root.StructTreeRoot)
        for element in tree.K[0].K:
            element.P = self.document
            self.children.append(element)
        parents = list(tree.ParentTree.Nums)
        new_key = {}
        for key, value in zip(parents[::2], parents[1::2], strict=True):
            new_key[int(key)] = self.next_key
            self.numbers += [self.next_key, value]
            self.next_key += 1
        for offset in range(len(source.pages)):
            page = self.booklet.pages[first + offset]
            if "/StructParents" in page.obj:
                page.obj.StructParents = new_key[int(page.obj.StructParents)]
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = new_key[int(annotation.StructParent)]

    def lay_over(self, furniture_pdf, first_page: int) -> None:
        """The running heads and page numbers over the abstracts pages, from `first_page`."""
        import pikepdf

        start = self._next_object()
        for offset, furniture_page in enumerate(furniture_pdf.pages):
            number = first_page + offset
            page = self.booklet.pages[number - 1]
            # Named by page, not by pikepdf's random names: the same content gives the
            # same bytes. A part's pages share one /Resources, so each name is its own.
            name = pikepdf.Name(f"/Furniture{number}")
            form = self.booklet.copy_foreign(furniture_page.as_form_xobject())
            page.add_resource(form, pikepdf.Name.XObject, name)
            drawing = f"Q q {name} Do Q".encode()
            if self.tagged:  # screen readers skip running heads and page numbers
                drawing = f"Q /Artifact BMC q {name} Do Q EMC".encode()
            page.contents_add(b"q", prepend=True)  # the page's own state, closed again
            page.contents_add(drawing, prepend=False)
        self._own_streams(start)

    def finish(self) -> None:
        import pikepdf

        booklet = self.booklet
        booklet.Root.Names = pikepdf.Dictionary(Dests=self.names.obj)
        with booklet.open_outline() as outline:
            parents: list[list] = [outline.root]
            for depth, title, page, place in self.outline:
                destination = pikepdf.Array([booklet.pages[page].obj, *place])
                item = pikepdf.OutlineItem(title, destination)
                del parents[depth + 1 :]
                parents[min(depth, len(parents) - 1)].append(item)
                parents.append(item.children)
        if self.tagged:
            root = booklet.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([self.document])
                )
            )
            self.document.P = root
            self.document.K = pikepdf.Array(self.children)
            numbers = pikepdf.Array(self.numbers)
            root.ParentTree = booklet.make_indirect(pikepdf.Dictionary(Nums=numbers))
            root.ParentTreeNextKey = self.next_key
            booklet.Root.StructTreeRoot = root

    def _next_object(self) -> int:
        """The number the next new object of the booklet will get (the empty one made
        to find out is written nowhere: saving writes only what the booklet refers to)."""
        import pikepdf

        return self.booklet.make_indirect(pikepdf.Dictionary()).objgen[0]

    def _own_streams(self, start: int) -> None:
        """The streams copied since object `start` made the booklet's own, so that the
        part they came from can be closed now (editions.own_copied_streams)."""
        own_copied_streams(self.booklet, start)


def _plain(values) -> list:
    """A destination's place on its page ([/XYZ left top zoom]) as values of their own,
    not tied to the part's PDF, which is closed before the booklet is written."""
    import pikepdf

    return [pikepdf.Name(str(v)) if isinstance(v, pikepdf.Name) else v for v in values]


def _walk(items, depth):
    for item in items:
        yield depth, item
        yield from _walk(item.children, depth + 1)
