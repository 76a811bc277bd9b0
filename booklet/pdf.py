"""HTML -> laid-out pages -> PDF bytes, with WeasyPrint.

Page numbers: the first layout lets CSS `target-counter()` count them, and reads the
page of every anchor from it. When literal numbers would print differently (the index
merges two talks of a speaker on one page), the HTML is rendered again with the
numbers written in, until nothing moves. Most booklets need one layout.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import RenderError

# The date written into embedded font subsets when the build sets none: the fonts' own.
FONT_EPOCH = 1660521600  # 2022-08-15, Charis SIL 6.101

# Literal page numbers can move a line (a wider number) and so a page; a few rounds settle it.
MAX_LAYOUTS = 4


@dataclass
class RenderedBooklet:
    pdf: bytes
    page_count: int
    page_of: dict[str, int]  # anchor id -> 1-based page number
    warnings: list[str]


class LocalOnlyFetcher(URLFetcher):
    """Serves files inside the allowed folders; refuses the network and everything else.

    Content is untrusted: a photo path or a URL in it must not make the renderer read
    /etc/passwd or reach a server.
    """

    def __init__(self, allowed_folders: list[Path]):
        super().__init__(allowed_protocols={"file"})
        self.allowed_folders = [folder.resolve() for folder in allowed_folders]

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to fetch {url}: only files in the content or style folders")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(folder) for folder in self.allowed_folders):
            raise ValueError(f"refused to read {path}: outside the content and style folders")
        return URLFetcherResponse(url, body=path.read_bytes())


# About the machine, not the booklet: fontTools does the same job, only slower.
_NOT_FOR_THE_USER = ("Using fontTools instead of HarfBuzz-Subset",)


class _Collect(logging.Handler):
    """WeasyPrint reports recoverable faults (a missing image, bad CSS) only by logging."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(_NOT_FOR_THE_USER):
            self.messages.append(message)


class _Pages(logging.Handler):
    """Turns WeasyPrint's progress log ('Step 5 - Creating layout - Page 12') into
    progress reports for a long build."""

    def __init__(self, report: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Step 5 - Creating layout - Page") and record.args:
            self.report(f"layout: page {record.args[0]}")


@contextmanager
def _progress_reported(report: Callable[[str], None] | None) -> Iterator[None]:
    if report is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler = _Pages(report)
    level = logger.level
    logger.setLevel(logging.INFO)  # setLevel, not .level: the logger caches its answer
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@contextmanager
def weasyprint_messages() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    # Keep them out of the terminal: the caller decides how to show them.
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def render_pdf(
    html_for: Callable[[dict[str, int] | None], str],
    needs_literal_numbers: Callable[[dict[str, int]], bool],
    stylesheets: list[Path],
    base_folder: Path,
    allowed_folders: list[Path],
    identifier: bytes,
    progress: Callable[[str], None] | None = None,
    guess: dict[str, int] | None = None,
    write_options: dict | None = None,
    finisher: Callable | None = None,
) -> RenderedBooklet:
    """Lay out the booklet until its page numbers are right, then write the PDF.

    With a `guess` (the pages of the last build), the first layout prints those numbers;
    when every anchor lands where guessed, that one layout is all it takes. Without one,
    the first layout counts with target-counter(), and literal numbers follow only when
    `needs_literal_numbers`. Either way, layouts repeat until nothing moves."""
    fetcher = LocalOnlyFetcher(allowed_folders)
    font_config = FontConfiguration()

    def layout(html: str) -> weasyprint.Document:
        # Image options act when the images load, during layout, not when writing.
        return weasyprint.HTML(
            string=html, base_url=str(base_folder) + "/", url_fetcher=fetcher
        ).render(stylesheets=css, font_config=font_config, **(write_options or {}))

    with weasyprint_messages() as messages, _progress_reported(progress):
        css = [
            weasyprint.CSS(filename=str(sheet), url_fetcher=fetcher, font_config=font_config)
            for sheet in stylesheets
        ]
        document = layout(html_for(guess))
        page_of = anchors_by_page(document)
        if page_of != guess and (guess is not None or needs_literal_numbers(page_of)):
            for _ in range(MAX_LAYOUTS):
                document = layout(html_for(page_of))
                found = anchors_by_page(document)
                if found == page_of:
                    break
                page_of = found
            else:
                raise RenderError(
                    f"page numbers did not settle after {MAX_LAYOUTS} layouts; "
                    "a contents or index entry keeps moving a page"
                )
        if progress:
            progress(f"writing: {len(document.pages)} pages")
        with font_timestamps_fixed():
            pdf = document.write_pdf(
                pdf_identifier=identifier, finisher=finisher, **(write_options or {})
            )
    return RenderedBooklet(pdf, len(document.pages), page_of, _unique(messages))


@contextmanager
def font_timestamps_fixed() -> Iterator[None]:
    """fontTools stamps every font subset it writes with the current time, unless
    SOURCE_DATE_EPOCH says otherwise: without one, the same content would give other
    bytes every second."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(FONT_EPOCH)
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def anchors_by_page(document: weasyprint.Document) -> dict[str, int]:
    """Anchor id -> the page where it starts (a section running over several pages
    carries its id on each of them)."""
    page_of: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            page_of.setdefault(anchor, number)
    return page_of


def _unique(messages: list[str]) -> list[str]:
    return list(dict.fromkeys(messages))
