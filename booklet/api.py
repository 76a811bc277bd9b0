"""The public API: content folder in, PDF file out.

>>> result = booklet.build("content", "output")
>>> result.pdf_path, result.page_count, result.warnings
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .editions import DEFAULT_EMAIL_BUDGET, EDITIONS, Finishing, check_budget, finish
from .errors import BookletError, ContentError, Problem, display_path
from .files import write_atomically
from .html import render_html
from .labels import labels_for
from .load import LoadedContent, load_content, missing_glyphs
from .model import slug
from .notes import NotesPages
from .parts import render_in_parts, worth_parts
from .pdf import DEFAULT_MAX_PAGES, read_stylesheets, render_pdf, too_many_pages
from .pdfx import OutputProfile
from .preflight import PreflightReport, preflight
from .theme import Theme, covered_characters, theme_for


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
    if edition not in EDITIONS:
        raise BookletError(f"no edition '{edition}'; choose from {', '.join(EDITIONS)}")
    chosen = EDITIONS[edition]
    if max_pages < 1:
        raise BookletError(f"the page limit must be at least 1, not {max_pages}")
    if progress:
        progress("checking")
    theme = _theme(Path(content_folder), styles_folder)
    loaded = _check(Path(content_folder), theme)
    if strict and loaded.warnings:
        raise ContentError(_as_errors(loaded.warnings))
    created = _creation_date()
    target = Path(output_folder) / f"{output_name(loaded)}{chosen.suffix}.pdf"
    stylesheets = theme.stylesheets(["booklet.css", *filter(None, [chosen.stylesheet])])
    allowed_folders = [loaded.folder, *theme.folders]
    pages_file = target.with_name(f".{target.stem}.pages.json")
    words = labels_for(loaded.content.conference.language)
    finishing = Finishing(
        chosen,
        words["cover"],
        words["back_cover"],
        document_id=_identifier(loaded).decode(),
        notes_pages=NotesPages(loaded, theme, stylesheets, allowed_folders),
        output_profile=OutputProfile.read(Path(output_profile)) if output_profile else None,
    )
    if parts is None:
        parts = worth_parts(loaded)
    if parts:
        rendered = render_in_parts(
            loaded,
            created=created,
            theme=theme,
            stylesheets=stylesheets,
            base_folder=loaded.folder.resolve(),
            allowed_folders=allowed_folders,
            cache_folder=target.with_name(f".{target.stem}.parts"),
            progress=progress,
            write_options=chosen.write_options,
            finishing=finishing,  # done while joining the parts
            max_pages=max_pages,
        )
    else:
        rendered = render_pdf(
            lambda page_of: render_html(loaded, page_of, created=created, theme=theme),
            stylesheets=stylesheets,
            base_folder=loaded.folder.resolve(),
            allowed_folders=allowed_folders,
            identifier=_identifier(loaded),
            progress=progress,
            guess=_last_pages(pages_file),
            write_options=chosen.write_options,
            finisher=None if finishing.needs_pikepdf else finishing.weasyprint_finisher(),
            max_pages=max_pages,
            own_theme_files=theme.own_files(stylesheets),
        )
    if rendered.page_count > max_pages:  # parts reused from the cache were not counted
        raise BookletError(too_many_pages(max_pages))
    render_warnings = [
        Problem("weasyprint", 0, 0, "", message, "warning") for message in rendered.warnings
    ]
    if strict and render_warnings:
        raise ContentError(_as_errors(render_warnings))
    pdf, page_count = rendered.pdf, rendered.page_count
    if finishing.needs_pikepdf and not parts:
        pdf, page_count = finish(pdf, finishing)
    if edition == "email":
        check_budget(pdf, max_size, chosen)
    write_atomically(target, pdf)
    write_atomically(pages_file, json.dumps(rendered.page_of, sort_keys=True).encode())
    warnings = [str(problem) for problem in loaded.warnings + render_warnings]
    checked = preflight(target) if chosen.for_print else None
    return BuildResult(target, page_count, rendered.page_of, warnings, loaded, checked)


def _last_pages(pages_file: Path) -> dict[str, int] | None:
    """Where every anchor landed in the last build: a good guess for this one, which
    saves a layout when it is right (the layout checks it, so a wrong guess costs only
    time)."""
    try:
        page_of = json.loads(pages_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
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


__all__ = ["BookletError", "BuildResult", "Problem", "build", "check"]
