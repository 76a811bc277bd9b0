"""Large booklets, laid out in parts side by side, one process per core, then joined.

One WeasyPrint layout uses one core, and a 500-talk booklet is hundreds of pages. So the
booklet is cut where pages break anyway: the front matter (cover to programme), the
abstracts a few days at a time (each day begins on a right-hand page), and the indexes.
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

import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from .editions import Finishing
from .errors import RenderError
from .files import write_atomically
from .html import Part, booklet_view, render_html
from .load import LoadedContent
from .pdf import (
    LocalOnlyFetcher,
    RenderedBooklet,
    anchors_by_page,
    font_timestamps_fixed,
    weasyprint_messages,
)
from .theme import Theme

# Talks below which one document is quicker than parts (process and joining overheads);
# measured: 50 talks over two days, 5.5 s in parts, 11.0 s as one document.
PARTS_FROM_TALKS = 40
# Days with fewer talks than this share a part: a part costs a little to set up and join.
MIN_TALKS_PER_PART = 20
CACHE_VERSION = "1"


@dataclass
class LaidOutPart:
    pdf: bytes
    page_count: int
    anchors: dict[str, int]  # anchor -> page within the part, from 1
    warnings: list[str]
    blank_pages: list[int]  # pages left blank so that a day begins on the right, from 1


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
) -> RenderedBooklet:
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
    )

    # Wave 1: the abstracts for good; the front and the indexes as drafts, for their length.
    stand_in = _stand_in_pages(_referenced_anchors(view), len(loaded.content.programme))
    renderer.stage = f"{len(abstracts)} of abstracts, drafts of front matter and indexes"
    jobs = [
        (Part("front"), stand_in),
        *[(part, None) for part in abstracts],
        (Part("back"), stand_in),
    ]
    wave = renderer.run(jobs, drafts=(0, len(jobs) - 1))
    front_draft, laid_out, back_draft = wave[0], wave[1:-1], wave[-1]

    for _ in range(3):  # real numbers may move a line, and so a page, of a draft: settle
        plan = _Plan(front_draft.page_count, [p.page_count for p in laid_out])
        page_of = plan.page_of(front_draft, laid_out, back_draft)
        renderer.stage = "front matter, indexes, running heads"
        front_part = Part("front")
        back_part = Part("back", first_page=plan.back_start)
        furniture = Part(
            "furniture",
            first_page=plan.abstracts_start,
            furniture=plan.furniture(
                view.labels["abstracts"], [part.blank_pages for part in laid_out]
            ),
        )
        front, back, furniture_pages = renderer.run(
            [(front_part, page_of), (back_part, page_of), (furniture, {})]
        )
        settled = front.page_count == plan.front_pages
        if settled and plan.page_of(front, laid_out, back) == page_of:
            break  # every part as long as planned, every anchor where its number says
        front_draft, back_draft = front, back
    else:
        raise RenderError("page numbers did not settle between the parts of the booklet")

    renderer.forget_unused()
    report(f"layout: {renderer.laid_out} parts laid out, {renderer.reused} reused")
    report(f"writing: {plan.back_start + back.page_count - 1} pages")
    pdf, page_count = _join(plan, front, laid_out, back, furniture_pages, finishing)
    final_page_of = plan.page_of(front, laid_out, back)
    parts = [front, *laid_out, back, furniture_pages]
    warnings = renderer.css_warnings + [warning for part in parts for warning in part.warnings]
    return RenderedBooklet(pdf, page_count, final_page_of, list(dict.fromkeys(warnings)))


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

    @property
    def abstracts_start(self) -> int:
        return self.front_pages + 1 + (self.front_pages % 2)  # always a right-hand page

    def starts(self) -> list[int]:
        """First page of each abstracts part: each begins on a right-hand page."""
        starts, page = [], self.abstracts_start
        for count in self.abstracts_pages:
            starts.append(page)
            page += count + (count % 2)
        return starts

    @property
    def abstracts_end(self) -> int:
        last_start, last_count = self.starts()[-1], self.abstracts_pages[-1]
        return last_start + last_count - 1

    @property
    def back_start(self) -> int:
        return self.abstracts_end + 1

    def page_of(self, front, laid_out, back) -> dict[str, int]:
        page_of = dict(front.anchors)
        for start, part in zip(self.starts(), laid_out, strict=True):
            page_of.update({anchor: start + page - 1 for anchor, page in part.anchors.items()})
        page_of.update(
            {anchor: self.back_start + page - 1 for anchor, page in back.anchors.items()}
        )
        return page_of

    def furniture(
        self, section_title: str, blank_pages: list[list[int]]
    ) -> tuple[tuple[str, str], ...]:
        """(kind, running head) for every page from the first abstracts page to the last.
        A page left blank (between parts, or between days within one) carries nothing, as
        in a single document; the abstracts' title page has no running head."""
        pages: list[tuple[str, str]] = []
        for number, (count, blanks) in enumerate(
            zip(self.abstracts_pages, blank_pages, strict=True)
        ):
            if pages and len(pages) % 2:
                pages.append(("blank", ""))  # the verso before a part that begins on a recto
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
        with weasyprint_messages() as self.css_warnings:
            self.css = [
                weasyprint.CSS(
                    filename=str(s), url_fetcher=self.fetcher, font_config=self.font_config
                )
                for s in stylesheets
            ]
        # A part's PDF depends on its HTML, every file it may load (styles, fonts, photos)
        # and the software that made it.
        key = hashlib.sha256(f"{CACHE_VERSION} {weasyprint.__version__}".encode())
        for folder in sorted({Path(folder).resolve() for folder in allowed_folders}):
            for file in sorted(folder.rglob("*")):
                if file.is_file() and file.suffix != ".yaml" and "schema" not in file.parts:
                    key.update(str(file.relative_to(folder)).encode() + file.read_bytes())
        self.theme_key = key.hexdigest()
        self.cache_folder = cache_folder
        self.used: set[str] = set()
        self.laid_out = self.reused = 0

    def run(
        self, jobs: list[tuple[Part, dict[str, int] | None]], *, drafts: tuple[int, ...] = ()
    ) -> list[LaidOutPart]:
        """Lay out each (part, page numbers); the jobs numbered in `drafts` only for their
        length and anchors, without writing a PDF."""
        htmls = [
            render_html(self.loaded, page_of, created=self.created, part=part, theme=self.theme)
            for part, page_of in jobs
        ]
        writes = [index not in drafts for index in range(len(jobs))]
        options = sorted(self.write_options.items())
        keys = [
            hashlib.sha256(f"{self.theme_key} {write} {options} {html}".encode()).hexdigest()
            for html, write in zip(htmls, writes, strict=True)
        ]
        self.used.update(keys)
        results: list[LaidOutPart | None] = [self._cached(key) for key in keys]
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

    def _done(self, done: int, of: int) -> None:
        if self.report:
            self.report(f"layout: {done} of {of} parts ({self.stage})")

    def forget_unused(self) -> None:
        """Parts of earlier versions of the content are not needed again."""
        for file in self.cache_folder.glob("*.*"):
            if file.stem not in self.used:
                file.unlink(missing_ok=True)

    def _cached(self, key: str) -> LaidOutPart | None:
        try:
            meta = json.loads((self.cache_folder / f"{key}.json").read_text(encoding="utf-8"))
            pdf = (self.cache_folder / f"{key}.pdf").read_bytes()
        except (OSError, ValueError):
            return None
        if not {"page_count", "anchors", "warnings", "blank_pages"} <= meta.keys():
            return None  # written by an earlier version
        return LaidOutPart(
            pdf, meta["page_count"], meta["anchors"], meta["warnings"], meta["blank_pages"]
        )

    def _store(self, key: str, result: LaidOutPart) -> None:
        # The PDF first, then what describes it: a half-stored part is never found.
        write_atomically(self.cache_folder / f"{key}.pdf", result.pdf)
        meta = {
            "page_count": result.page_count,
            "anchors": result.anchors,
            "warnings": result.warnings,
            "blank_pages": result.blank_pages,
        }
        write_atomically(self.cache_folder / f"{key}.json", json.dumps(meta).encode())


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
    with weasyprint_messages() as messages:
        options = worker.write_options if with_options else {}
        # Image options act when the images load, during layout, not when writing.
        document = weasyprint.HTML(
            string=html, base_url=worker.base_url, url_fetcher=worker.fetcher
        ).render(stylesheets=worker.css, font_config=worker.font_config, **options)
        anchors = anchors_by_page(document)
        _keep_links_to_other_parts(document, anchors)
        pdf = b""
        if write:
            with font_timestamps_fixed():
                pdf = document.write_pdf(**options)
    blank = [n for n, page in enumerate(document.pages, start=1) if page._page_box.page_type.blank]
    return LaidOutPart(pdf, len(document.pages), anchors, list(messages), blank)


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
    """One PDF from the parts: pages in order, blank versos where a part must begin on a
    right-hand page, furniture over the abstracts pages, link targets and bookmarks; then
    the edition's finishing. Returns the PDF and its page count."""
    import pikepdf  # only large booklets need it: small ones build without loading it

    with contextlib.ExitStack() as opened:
        sources = [
            opened.enter_context(pikepdf.open(io.BytesIO(part.pdf)))
            for part in [front, *laid_out, back]
        ]
        furniture_pdf = opened.enter_context(pikepdf.open(io.BytesIO(furniture.pdf)))
        booklet = opened.enter_context(pikepdf.new())
        first_page_of_source: list[int] = []
        width, height = (float(v) for v in sources[0].pages[0].mediabox[2:])

        def add_pages(source: pikepdf.Pdf) -> None:
            first_page_of_source.append(len(booklet.pages))
            with warnings.catch_warnings():
                # pikepdf warns that named link targets are not carried over: they are, below.
                warnings.filterwarnings("ignore", message="Copying pages from another Pdf")
                booklet.pages.extend(source.pages)

        add_pages(sources[0])
        for source in sources[1:-1]:
            if len(booklet.pages) % 2:  # a part of abstracts begins on a right-hand page
                booklet.add_blank_page(page_size=(width, height))
            add_pages(source)
        add_pages(sources[-1])

        if len(furniture_pdf.pages) != plan.back_start - plan.abstracts_start:
            raise RenderError("running heads and page numbers do not fit the abstracts pages")
        tagged = "/StructTreeRoot" in sources[0].Root
        for offset, furniture_page in enumerate(furniture_pdf.pages):
            number = plan.abstracts_start + offset
            page = booklet.pages[number - 1]
            # Named by page, not by pikepdf's random names: the same content gives the
            # same bytes. A part's pages share one /Resources, so each name is its own.
            name = pikepdf.Name(f"/Furniture{number}")
            form = booklet.copy_foreign(furniture_page.as_form_xobject())
            page.add_resource(form, pikepdf.Name.XObject, name)
            drawing = f"Q q {name} Do Q".encode()
            if tagged:  # screen readers skip running heads and page numbers
                drawing = f"Q /Artifact BMC q {name} Do Q EMC".encode()
            page.contents_add(b"q", prepend=True)  # the page's own state, closed again
            page.contents_add(drawing, prepend=False)

        owned = [part.anchors for part in [front, *laid_out, back]]
        _join_destinations(booklet, sources, first_page_of_source, owned)
        _join_outlines(booklet, sources, first_page_of_source)
        if tagged:
            _join_structure(booklet, sources, first_page_of_source)
        booklet.docinfo = booklet.copy_foreign(sources[0].docinfo)
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
            if key in sources[0].Root:
                # copy_foreign takes only objects of their own: make it one there first
                value = sources[0].make_indirect(sources[0].Root[key])
                booklet.Root[key] = booklet.copy_foreign(value)
        if finishing:
            finishing.apply(booklet)
        output = io.BytesIO()
        booklet.save(
            output,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            deterministic_id=True,
        )
        return output.getvalue(), len(booklet.pages)


def _join_destinations(booklet, sources, first_page_of_source, anchors) -> None:
    """Every part's named link targets, pointing at the pages where they now stand."""
    import pikepdf

    names = pikepdf.NameTree.new(booklet)
    for source, first, owned in zip(sources, first_page_of_source, anchors, strict=True):
        if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
            continue
        index_of = {page.obj.objgen: number for number, page in enumerate(source.pages)}
        for name, destination in pikepdf.NameTree(source.Root.Names.Dests).items():
            if name not in owned:
                continue  # a stand-in for a target in another part
            target = booklet.pages[first + index_of[destination[0].objgen]].obj
            names[name] = pikepdf.Array([target, *destination[1:]])
    booklet.Root.Names = pikepdf.Dictionary(Dests=names.obj)


def _join_structure(booklet, sources, first_page_of_source) -> None:
    """The parts' tag trees (for screen readers) as one: every part's elements under one
    Document element, in page order, and the parent tree that maps each page's marked
    content and each link back to its element numbered afresh across the parts."""
    import pikepdf

    document = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document)
    document = booklet.make_indirect(document)
    root = booklet.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([document]))
    )
    document.P = root
    # Python lists, made pikepdf Arrays once: appending to an Array one by one is slow.
    children: list = []
    numbers: list = []
    next_key = 0
    for source, first in zip(sources, first_page_of_source, strict=True):
        # Copied after the pages: qpdf maps each /Pg to the page copied before.
        tree = booklet.copy_foreign(source.Root.StructTreeRoot)
        for element in tree.K[0].K:
            element.P = document
            children.append(element)
        parents = list(tree.ParentTree.Nums)
        new_key = {}
        for key, value in zip(parents[::2], parents[1::2], strict=True):
            new_key[int(key)] = next_key
            numbers += [next_key, value]
            next_key += 1
        for offset in range(len(source.pages)):
            page = booklet.pages[first + offset]
            if "/StructParents" in page.obj:
                page.obj.StructParents = new_key[int(page.obj.StructParents)]
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = new_key[int(annotation.StructParent)]
    document.K = pikepdf.Array(children)
    root.ParentTree = booklet.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(numbers)))
    root.ParentTreeNextKey = next_key
    booklet.Root.StructTreeRoot = root


def _join_outlines(booklet, sources, first_page_of_source) -> None:
    """The parts' bookmarks as one tree: a later part of the abstracts continues under the
    abstracts' own bookmark, which the first part carries."""
    import pikepdf

    flat: list[tuple[int, str, int, list]] = []  # (depth, title, page index, place on it)
    for number, (source, first) in enumerate(zip(sources, first_page_of_source, strict=True)):
        index_of = {page.obj.objgen: n for n, page in enumerate(source.pages)}
        continues_abstracts = 1 < number < len(sources) - 1
        with source.open_outline() as outline:
            for depth, item in _walk(outline.root, 0):
                page = first + index_of[item.destination[0].objgen]
                flat.append((depth + continues_abstracts, item.title, page, item.destination[1:]))
    with booklet.open_outline() as outline:
        parents: list[list] = [outline.root]
        for depth, title, page, place in flat:
            item = pikepdf.OutlineItem(title, pikepdf.Array([booklet.pages[page].obj, *place]))
            del parents[depth + 1 :]
            parents[min(depth, len(parents) - 1)].append(item)
            parents.append(item.children)


def _walk(items, depth):
    for item in items:
        yield depth, item
        yield from _walk(item.children, depth + 1)
