"""The public API: content folder in, PDF file out.

>>> result = booklet.build("content", "output")
>>> result.pdf_path, result.page_count, result.warnings
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .editions import (
    DEFAULT_EMAIL_BUDGET,
    EDITIONS,
    Edition,
    Finishing,
    check_budget,
    finish,
    has_images,
    same_layout,
)
from .errors import BookletError, ContentError, Problem, display_path
from .files import (
    cache_folder,
    keep_newest,
    read_cache_file,
    write_atomically,
    write_cache_file,
)
from .html import booklet_view, render_html
from .labels import labels_for
from .load import LoadedContent, load_content, missing_glyphs
from .model import slug
from .notes import NotesPages
from .parts import KnownPages, render_in_parts, stand_in_pages, worth_parts
from .pdf import (
    DEFAULT_MAX_PAGES,
    RenderedBooklet,
    read_stylesheets,
    render_pdf,
    too_many_pages,
)
from .theme import Theme, covered_characters, theme_for

if TYPE_CHECKING:  # print's modules load when a print edition is built
    from .pdfx import OutputProfile
    from .preflight import PreflightReport


@dataclass
class BuildResult:
    pdf_path: Path
    page_count: int
    page_of: dict[str, int]  # anchor id -> page number, e.g. "talk-facts" -> 5
    warnings: list[str] = field(default_factory=list)
    # What was built from: the validated content, for callers that show it otherwise
    # (watch's preview) without reading the files again.
    loaded: LoadedContent | None = field(default=None, repr=False, compare=False)
    # The print edition's preflight (preflight.py): what a print shop's would say.
    preflight: PreflightReport | None = field(default=None, compare=False)


def check(
    content_folder: str | Path = "content", *, styles_folder: str | Path | None = None
) -> LoadedContent:
    """Validate the content against the model and the theme, without building.

    Raises ContentError listing every problem; returns the content, whose `warnings`
    say what is allowed but probably not meant (a speaker with no talk, a character
    that the theme's fonts cannot draw)."""
    return _check(Path(content_folder), _theme(Path(content_folder), styles_folder))


def _check(content_folder: Path, theme: Theme) -> LoadedContent:
    loaded = load_content(content_folder)
    loaded.warnings.extend(missing_glyphs(loaded, covered_characters(theme)))
    # The theme's stylesheets too, for every edition: `check` finds what `build` would.
    extra = {edition.stylesheet for edition in EDITIONS.values() if edition.stylesheet}
    names = ["booklet.css", *sorted(extra)]
    read_stylesheets(theme.stylesheets(names), theme.folders)
    return loaded


def build(
    content_folder: str | Path = "content",
    output_folder: str | Path = "output",
    *,
    styles_folder: str | Path | None = None,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
    parts: bool | None = None,
    edition: str = "screen",
    max_size: int = DEFAULT_EMAIL_BUDGET,
    max_pages: int = DEFAULT_MAX_PAGES,
    output_profile: str | Path | None = None,
) -> BuildResult:
    """Validate the content and write `<output>/<slug>.pdf`.

    Raises BookletError (or its ContentError) for anything the user can fix; with
    `strict`, warnings count as problems too. The previous PDF at the target path is
    left untouched whenever the build fails. `progress`, if given, is told the stage
    ("checking", "layout: page 12", "writing: 486 pages") as the build goes. `parts`
    lays a large booklet out in parts side by side (parts.py); by default, when it is
    large enough to gain from it. `edition` is "screen" (`<slug>.pdf`), "print"
    (`<slug>-print.pdf`) or "email" (`<slug>-email.pdf`, refused over `max_size` bytes);
    editions.py says how they differ. A booklet that passes `max_pages` while being laid
    out stops the build (a theme can put a letter on a page). `output_profile`: the
    print shop's CMYK ICC profile for the print edition (PDF/X-4's output intent);
    booklet's own by default. The print edition is preflighted (`result.preflight`).
    """
    (result,) = build_editions(
        content_folder,
        output_folder,
        editions=[edition],
        styles_folder=styles_folder,
        strict=strict,
        progress=progress,
        parts=parts,
        max_size=max_size,
        max_pages=max_pages,
        output_profile=output_profile,
    )
    return result


def build_editions(
    content_folder: str | Path = "content",
    output_folder: str | Path = "output",
    *,
    editions: Sequence[str] = tuple(EDITIONS),
    styles_folder: str | Path | None = None,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
    parts: bool | None = None,
    max_size: int = DEFAULT_EMAIL_BUDGET,
    max_pages: int = DEFAULT_MAX_PAGES,
    output_profile: str | Path | None = None,
) -> Iterator[BuildResult]:
    """`build` for several editions (all three by default), one after the other, each
    result as soon as its PDF is written; the options are `build`'s.

    The content is loaded and checked once. An edition that would lay out the same
    document as one built before it is not laid out again: the email edition differs
    from the screen edition only in its images, so a booklet without any is written
    once and saved under both names (the same bytes either way)."""
    for name in editions:
        if name not in EDITIONS:
            raise BookletError(f"no edition '{name}'; choose from {', '.join(EDITIONS)}")
    if max_pages < 1:
        raise BookletError(f"the page limit must be at least 1, not {max_pages}")
    if progress:
        progress("checking")
    theme = _theme(Path(content_folder), styles_folder)
    loaded = _check(Path(content_folder), theme)
    if strict and loaded.warnings:
        raise ContentError(_as_errors(loaded.warnings))
    profile = None
    if output_profile:
        from .pdfx import OutputProfile

        profile = OutputProfile.read(Path(output_profile))
    built: list[tuple[Edition, _Written]] = []
    for name in editions:
        chosen = EDITIONS[name]
        twin = next((done for edition, done in built if same_layout(edition, chosen)), None)
        if twin is not None and not twin.has_images:
            written = _write_edition(loaded, chosen, output_folder, twin.rendered, max_size)
        else:
            rendered, known = _render_edition(
                loaded, theme, chosen, output_folder, progress, parts, max_pages, profile
            )
            if strict and rendered.warnings:
                raise ContentError(_as_errors(_render_problems(rendered)))
            written = _write_edition(loaded, chosen, output_folder, rendered, max_size)
            if known is not None:  # after the PDF: the cache never comes before it
                known.write(rendered.page_of)
        built.append((chosen, written))
        rendered = written.rendered
        warnings = [str(problem) for problem in loaded.warnings + _render_problems(rendered)]
        checked = _preflight(written.path) if chosen.for_print else None
        yield BuildResult(
            written.path, rendered.page_count, rendered.page_of, warnings, loaded, checked
        )


@dataclass
class _Written:
    path: Path
    rendered: RenderedBooklet
    has_images: bool  # does the PDF draw any raster image (what image options change)?


def _render_edition(
    loaded: LoadedContent,
    theme: Theme,
    chosen: Edition,
    output_folder: str | Path,
    progress: Callable[[str], None] | None,
    parts: bool | None,
    max_pages: int,
    output_profile: OutputProfile | None,
) -> tuple[RenderedBooklet, KnownPages | None]:
    """Lay out and finish one edition: its PDF bytes, page count and page numbers; and
    where to keep its page numbers for another build of the same content."""
    created = _creation_date()
    target = _target(loaded, chosen, output_folder)
    stylesheets = theme.stylesheets(["booklet.css", *filter(None, [chosen.stylesheet])])
    allowed_folders = [loaded.folder, *theme.folders]
    words = labels_for(loaded.content.conference.language)
    finishing = Finishing(
        chosen,
        words["cover"],
        words["back_cover"],
        document_id=_identifier(loaded).decode(),
        notes_pages=NotesPages(loaded, theme, stylesheets, allowed_folders),
        output_profile=output_profile,
    )
    if parts is None:
        parts = worth_parts(loaded)
    known = None
    if parts:
        rendered = render_in_parts(
            loaded,
            created=created,
            theme=theme,
            stylesheets=stylesheets,
            base_folder=loaded.folder.resolve(),
            allowed_folders=allowed_folders,
            cache_folder=_parts_folder(target),
            progress=progress,
            write_options=chosen.write_options,
            finishing=finishing,  # done while joining the parts
            max_pages=max_pages,
            guess=_last_pages(_pages_file(target)),
        )
    else:

        def html_for(page_of: dict[str, int] | None) -> str:
            return render_html(loaded, page_of, created=created, theme=theme)

        known = KnownPages(html_for(None), stylesheets, allowed_folders, chosen)
        rendered = render_pdf(
            html_for,
            stylesheets=stylesheets,
            base_folder=loaded.folder.resolve(),
            allowed_folders=allowed_folders,
            identifier=_identifier(loaded),
            progress=progress,
            # This very content's page numbers, built before; else the last build's
            # here; else stand-ins, cheaper to lay out than CSS counting the pages.
            guess=known.read()
            or _last_pages(_pages_file(target))
            or stand_in_pages(booklet_view(loaded)),
            write_options=chosen.write_options,
            finisher=None if finishing.needs_pikepdf else finishing.weasyprint_finisher(),
            max_pages=max_pages,
            own_theme_files=theme.own_files(stylesheets),
        )
    if rendered.page_count > max_pages:  # parts reused from the cache were not counted
        raise BookletError(too_many_pages(max_pages))
    if finishing.needs_pikepdf and not parts:
        pdf, page_count = finish(rendered.pdf, finishing)
        rendered = dataclasses.replace(rendered, pdf=pdf, page_count=page_count)
    return rendered, known


def _write_edition(
    loaded: LoadedContent,
    chosen: Edition,
    output_folder: str | Path,
    rendered: RenderedBooklet,
    max_size: int,
) -> _Written:
    """The edition's PDF and, beside it, its page numbers (where the next build starts)."""
    target = _target(loaded, chosen, output_folder)
    if chosen.name == "email":
        check_budget(rendered.pdf, max_size, chosen)
    write_atomically(target, rendered.pdf)
    page_numbers = json.dumps(rendered.page_of, sort_keys=True).encode()
    write_cache_file(_pages_file(target), page_numbers)  # a guess: no harm if lost
    return _Written(target, rendered, has_images(rendered.pdf))


PREFLIGHTS_KEPT = 50  # print editions whose pages' findings are kept; the oldest go


def _preflight(pdf: Path) -> PreflightReport:
    from .preflight import preflight

    # What each page showed, kept for the next build of this PDF: it scans the pages
    # that changed. In the user's cache, by the PDF's path: the output folder holds the
    # PDF and its page numbers only.
    name = hashlib.sha256(str(pdf.resolve()).encode()).hexdigest()
    folder = cache_folder("preflight")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return preflight(pdf)  # no writable cache: every page scanned
    keep_newest(folder, "*.json", PREFLIGHTS_KEPT)
    return preflight(pdf, known_pages=folder / f"{name}.json")


def _target(loaded: LoadedContent, chosen: Edition, output_folder: str | Path) -> Path:
    return Path(output_folder) / f"{output_name(loaded)}{chosen.suffix}.pdf"


PARTS_KEPT = 20  # booklets whose laid-out parts are kept in the user's cache


def _parts_folder(target: Path) -> Path:
    """Where a booklet's laid-out parts are kept: in the user's cache, by the PDF's path.
    Never in the output folder, which comes with a project: parts found there would be
    joined into the booklet unchecked (a page with JavaScript, a launch link)."""
    root = cache_folder("parts")
    name = hashlib.sha256(str(target.resolve()).encode()).hexdigest()[:24]
    with contextlib.suppress(OSError):
        folders = sorted(root.glob("*/"), key=lambda folder: folder.stat().st_mtime)
        for old in [folder for folder in folders if folder.name != name][: -PARTS_KEPT + 1]:
            shutil.rmtree(old, ignore_errors=True)
    folder = root / name
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        os.utime(folder)
    return folder


def _pages_file(target: Path) -> Path:
    return target.with_name(f".{target.stem}.pages.json")


def _render_problems(rendered: RenderedBooklet) -> list[Problem]:
    return [Problem("weasyprint", 0, 0, "", message, "warning") for message in rendered.warnings]


MAX_PAGES_FILE_BYTES = 32 * 1024**2


def _last_pages(pages_file: Path) -> dict[str, int] | None:
    """Where every anchor landed in the last build: a good guess for this one, which
    saves a layout when it is right (the layout checks it, so a wrong guess costs only
    time)."""
    try:  # a few MB for the largest booklet; a project may ship one of a gigabyte
        page_of = json.loads(read_cache_file(pages_file, MAX_PAGES_FILE_BYTES) or b"null")
    except ValueError:
        return None
    if isinstance(page_of, dict) and all(isinstance(v, int) for v in page_of.values()):
        return page_of
    return None


def _theme(content_folder: Path, styles_folder: str | Path | None) -> Theme:
    theme = theme_for(content_folder, Path(styles_folder) if styles_folder else None)
    if not (theme.styles / "booklet.css").is_file():
        raise BookletError(f"{display_path(theme.styles / 'booklet.css')}: no such stylesheet")
    return theme


def _as_errors(warnings: list[Problem]) -> list[Problem]:
    """--strict: what would have been a warning stops the build."""
    return [dataclasses.replace(warning, severity="error") for warning in warnings]


# A file name holds at most 255 bytes; the PDF's (with "-email.pdf") and those written
# beside it (".<name>.pages.json", a temporary ".<name>.pdf.<random>.part") must fit.
OUTPUT_NAME_LENGTH = 60


def output_name(loaded: LoadedContent) -> str:
    """The PDF's name, without edition and suffix, from the conference's title."""
    return slug(loaded.content.conference.title, max_length=OUTPUT_NAME_LENGTH)


def _creation_date() -> str | None:
    """Reproducible builds: a date only when SOURCE_DATE_EPOCH asks for one."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    except (ValueError, OverflowError):
        raise BookletError(f"SOURCE_DATE_EPOCH must be whole seconds, not {epoch!r}") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _identifier(loaded: LoadedContent) -> bytes:
    """The PDF's /ID from the content itself: same content, same bytes."""
    digest = hashlib.sha256(loaded.content.model_dump_json().encode())
    return digest.hexdigest()[:32].encode()


__all__ = ["BookletError", "BuildResult", "Problem", "build", "build_editions", "check"]
