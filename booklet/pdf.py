"""HTML -> laid-out pages -> PDF bytes, with WeasyPrint.

Page numbers: the first layout prints the numbers it is given as a guess (the last
build's, or stand-ins of the likely width; without any, CSS `target-counter()` counts
them), and the page of every anchor is read from it; the PDF is then laid out again with
the numbers written in, until nothing moves. The PDF written always prints literal
numbers: a number drawn by target-counter() is a pseudo-element, tagged and linked
otherwise, and the same content must give the same bytes whether or not a previous build
left its page numbers (a rebuild starts from them and lays out once).
"""

from __future__ import annotations

import gc
import io
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape as html_unescape
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import tinycss2
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .checks import MAX_IMAGE_PIXELS
from .compact import compact_finisher
from .errors import ContentError, Problem, RenderError, display_path
from .files import UnsafeFileError, read_regular_file
from .theme import default_styles_folder

# The date written into embedded font subsets when the build sets none: the fonts' own.
FONT_EPOCH = 1660521600  # 2022-08-15, Charis SIL 6.101

# Literal page numbers can move a line (a wider number) and so a page; a few rounds settle it.
MAX_LAYOUTS = 4

# The largest file the renderer reads (a font with many scripts is tens of MB); an image
# is held to the pixel limit of a photo besides, before anything decodes it.
MAX_FETCH_BYTES = 50 * 1024 * 1024
# A stylesheet of the theme is text: a few hundred KB at most in practice.
MAX_STYLESHEET_BYTES = 5 * 1024 * 1024

# Values beyond these are no booklet's. Sizes: WeasyPrint's arithmetic breaks (font-size:
# 1e9pt divides by zero while drawing). Grid tracks: its work and memory grow with their
# number (repeat(1000000, 1px) took 37 s and 420 MB for one grid).
MAX_CSS_VALUE = 100_000
MAX_GRID_TRACKS = 1000
GRID_PROPERTIES = {
    "grid",
    "grid-template",
    "grid-template-columns",
    "grid-template-rows",
    "grid-auto-columns",
    "grid-auto-rows",
    "grid-template-areas",
}
# Each "~" (any later sibling) of a selector multiplies the work of matching it by the
# number of siblings: four of them over 300 talks took 165 s, six did not end.
MAX_SIBLING_COMBINATORS = 2

# What a booklet loads: stylesheets, fonts and images; nothing else of the folders (the
# recipients list in content/mail/, the YAML) reaches the PDF.
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff"}
)
FONT_SUFFIXES = frozenset({".ttf", ".otf", ".woff", ".woff2"})
LOADABLE_SUFFIXES = frozenset({".css"}) | FONT_SUFFIXES | IMAGE_SUFFIXES
# A theme's stylesheets may import others, but not without end (one importing itself).
MAX_IMPORTED_STYLESHEETS = 100
# WeasyPrint copies a font to a temporary file for every @font-face rule that names it:
# 3,000 rules naming one font wrote 2.5 GB. A booklet's fonts are a few MB.
MAX_FONT_BYTES = 200 * 1024**2
# An SVG's elements with each <use> counted as what it repeats: eight levels of ten
# <use> each (2 kB) are 10^8 shapes, 7 GB and no end. A detailed map is a few thousand.
MAX_SVG_ELEMENTS = 100_000
# CSS written into the HTML by a project's templates: <style> elements and style="".
# As an HTML parser reads them: a <style> runs to its first "</style" whatever it holds,
# and an attribute's value may be in double quotes, single quotes or none.
_HTML_STYLE = re.compile(
    r"<style\b[^>]*>(.*?)</style\s*>"
    r"|\bstyle\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))",
    re.I | re.S,
)

# Far above any real booklet (1,000 talks take 856 pages), low enough that a theme that
# puts a letter on a page stops within a minute (measured: 21 s as one document, 55 s in
# parts on two cores), not never.
DEFAULT_MAX_PAGES = 2000


class StopRendering(FatalURLFetchingError):
    """Stops WeasyPrint at once: a file that must not be read, or too many pages.

    WeasyPrint catches every Exception from a fetch and only logs it, so this is a
    BaseException (WeasyPrint's own kind for "stop the rendering"); `rendering_stopped`
    turns it into a RenderError for the user."""


@dataclass
class RenderedBooklet:
    pdf: bytes
    page_count: int
    page_of: dict[str, int]  # anchor id -> 1-based page number
    warnings: list[str]


class LocalOnlyFetcher(URLFetcher):
    """Serves files inside the allowed folders; refuses the network and everything else.

    Content and themes are untrusted: a photo path or a url() must not make the renderer
    read /etc/passwd, reach a server, wait on a named pipe or fill memory. A URL that
    names something outside, or a file that does not exist, is refused as WeasyPrint
    refuses a broken link: a warning. A file inside that must not be read (a pipe, a
    device, a link to outside, too large, an image of too many pixels) stops the build.
    """

    def __init__(self, allowed_folders: list[Path]):
        super().__init__(allowed_protocols={"file"})
        self.allowed_folders = [folder.resolve() for folder in allowed_folders]
        # As given too: a URL names the folder by the path it was reached by.
        self.named_folders = self.allowed_folders + [
            Path(os.path.abspath(folder)) for folder in allowed_folders
        ]
        self.refused: list[str] = []
        self.stylesheets_fetched = 0
        self.font_bytes = 0

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to fetch {url}: only files in the content or style folders")
        if parts.query:  # WeasyPrint keeps an image once per address: x.png?1, ?2… each again
            raise ValueError(f"refused to fetch {url}: a file's address has no query")
        path = Path(os.path.normpath(unquote(parts.path)))
        if not any(path.is_relative_to(folder) for folder in self.named_folders):
            raise ValueError(f"refused to read {path}: outside the content and style folders")
        if path.suffix.lower() not in LOADABLE_SUFFIXES:
            # A template could ask for content/mail/people.csv as a PDF attachment.
            raise ValueError(
                f"refused to read {display_path(path)}: not a stylesheet, font or image"
            )
        if not path.exists():  # a broken link, as in any web page: WeasyPrint warns
            raise FileNotFoundError(f"no such file: {display_path(path)}")
        try:
            data = read_regular_file(path, self.allowed_folders, MAX_FETCH_BYTES)
        except UnsafeFileError as error:
            self.refuse(str(error))
        if path.resolve().suffix.lower() != path.suffix.lower():  # photo.png -> people.csv
            self.refuse(f"{display_path(path)}: a link to a file of another kind; not read")
        if path.suffix.lower() in IMAGE_SUFFIXES and (too_large := _too_many_pixels(path, data)):
            self.refuse(too_large)
        if path.suffix.lower() == ".svg" and (too_many := _too_many_shapes(path, data)):
            self.refuse(too_many)
        if path.suffix.lower() in FONT_SUFFIXES:
            self.font_bytes += len(data)
            if self.font_bytes > MAX_FONT_BYTES:
                self.refuse(
                    f"{display_path(path)}: fonts of more than {MAX_FONT_BYTES // 1024**2} MB "
                    "loaded (one font named by many @font-face rules?)"
                )
        if path.suffix.lower() == ".css":  # an @import: held to what the theme's own are
            self.stylesheets_fetched += 1
            if self.stylesheets_fetched > MAX_IMPORTED_STYLESHEETS:
                self.refuse(
                    f"{display_path(path)}: more than {MAX_IMPORTED_STYLESHEETS} stylesheets "
                    "imported (does one import itself?)"
                )
            if problems := css_problems(data.decode("utf-8", "replace"), display_path(path)):
                self.refuse(str(problems[0]))
        return URLFetcherResponse(url, body=data)

    def refuse(self, message: str) -> NoReturn:
        # Remembered too: WeasyPrint draws an SVG's own images catching everything.
        self.refused.append(message)
        raise StopRendering(message)

    def stop_if_refused(self) -> None:
        if self.refused:
            raise RenderError(self.refused[0])


def _too_many_pixels(path: Path, data: bytes) -> str | None:
    """An image's size from its header (Pillow decodes nothing until asked): a 13,000
    pixels square PNG of a few KB would take more than a GB once decoded."""
    from PIL import Image  # already loaded by WeasyPrint

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # ours is lower
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:  # Pillow's own limit, above ours
        width, height = MAX_IMAGE_PIXELS, 2
    except Exception:  # not an image Pillow knows (a font, a stylesheet, SVG): not ours
        return None
    if width * height <= MAX_IMAGE_PIXELS:
        return None
    return (
        f"{display_path(path)}: the image has more than {MAX_IMAGE_PIXELS:,} pixels; "
        "use a smaller image"
    )


def _too_many_shapes(path: Path, data: bytes) -> str | None:
    """An SVG whose elements, each <use> counted as what it repeats, pass MAX_SVG_ELEMENTS
    (a few <use> of <use> of <use> are millions of shapes); None for a sound one. An SVG
    that is no XML is WeasyPrint's to refuse."""
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError):
        return None
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    counted: dict[int, int] = {}

    def count(element, depth: int = 0) -> int:
        key = id(element)
        if key in counted:
            return counted[key]
        counted[key] = MAX_SVG_ELEMENTS + 1  # while counted: a <use> of itself is endless
        if depth > 200:
            return counted[key]
        total = 1 + sum(count(child, depth + 1) for child in element)
        if element.tag.rsplit("}", 1)[-1] == "use":
            href = element.get("href") or element.get("{http://www.w3.org/1999/xlink}href") or ""
            if href.startswith("#") and (target := by_id.get(href[1:])) is not None:
                total += count(target, depth + 1)
        counted[key] = min(total, MAX_SVG_ELEMENTS + 1)
        return counted[key]

    if count(root) <= MAX_SVG_ELEMENTS:
        return None
    return (
        f"{display_path(path)}: the SVG draws more than {MAX_SVG_ELEMENTS:,} shapes (<use> "
        "repeating <use>?); simplify it"
    )


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
    """Watches WeasyPrint's progress log ('Step 5 - Creating layout - Page 12'): reports
    it for a long build, and tells `on_page`, which may stop the layout by raising (the
    exception leaves WeasyPrint through its logging call)."""

    def __init__(
        self, report: Callable[[str], None] | None, on_page: Callable[[int], None]
    ) -> None:
        super().__init__(logging.INFO)
        self.report = report
        self.on_page = on_page

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Step 5 - Creating layout - Page") and record.args:
            page = record.args[0]
            self.on_page(page)
            if self.report:
                self.report(f"layout: page {page}")


@dataclass
class PageLimit:
    """No booklet may pass `max_pages`: a theme can put a letter on a page, and a build
    must end. Told the number of each page as it is laid out."""

    max_pages: int

    def __call__(self, page: int) -> None:
        if page > self.max_pages:
            raise StopRendering(too_many_pages(self.max_pages))


def too_many_pages(max_pages: int) -> str:
    return (
        f"the booklet passed {max_pages:,} pages while being laid out; a theme's CSS may "
        "put very little on each page (a huge font-size?). A booklet that is really this "
        "long builds with a higher --max-pages"
    )


@contextmanager
def pages_watched(
    report: Callable[[str], None] | None, on_page: Callable[[int], None]
) -> Iterator[None]:
    logger = logging.getLogger("weasyprint.progress")
    handler = _Pages(report, on_page)
    level = logger.level
    logger.setLevel(logging.INFO)  # setLevel, not .level: the logger caches its answer
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@contextmanager
def rendering_stopped(own_theme_files: list[Path]) -> Iterator[None]:
    """What stops WeasyPrint and is the user's to fix, as a RenderError.

    Sizes that css_problems lets through can still add up (`calc(1e5pt * 1e5)`) and
    overflow WeasyPrint's arithmetic deep in layout or drawing; when the project brings
    its own stylesheets or templates, they are the cause."""
    try:
        yield
    except StopRendering as stop:
        raise RenderError(str(stop)) from None
    except RecursionError:  # WeasyPrint walks the HTML's tree by recursion
        raise RenderError(
            "the booklet's HTML is nested too deeply for WeasyPrint (thousands of elements "
            "inside each other: a project template's loop?)"
        ) from None
    except MemoryError:
        raise RenderError(
            "the machine ran out of memory while laying out the booklet"
            + (
                " (the project's templates or styles may ask for too much)"
                if own_theme_files
                else ""
            )
        ) from None
    except (ArithmeticError, ValueError) as error:
        if not own_theme_files or not _raised_in_weasyprint(error):
            raise  # the default theme alone, or booklet's own code: a bug in booklet
        raise RenderError(
            f"{', '.join(display_path(file) for file in own_theme_files)}: the theme asks "
            f"for a size WeasyPrint cannot lay out ({type(error).__name__}: {error}); look "
            "for a very large or very small value"
        ) from None


def _raised_in_weasyprint(error: BaseException) -> bool:
    innermost = error.__traceback__
    while innermost and innermost.tb_next:
        innermost = innermost.tb_next
    if innermost is None:
        return False
    package = Path(weasyprint.__file__).parent
    return Path(innermost.tb_frame.f_code.co_filename).is_relative_to(package)


def load_stylesheets(
    stylesheets: list[Path], fetcher: LocalOnlyFetcher, font_config: FontConfiguration
) -> list[weasyprint.CSS]:
    """The theme's stylesheets, each read as any other file of the theme: a regular file
    inside the theme's folders, of a bounded size."""
    return [
        weasyprint.CSS(
            string=text,
            base_url=sheet.resolve().as_uri(),
            url_fetcher=fetcher,
            font_config=font_config,
        )
        for sheet, text in zip(
            stylesheets, read_stylesheets(stylesheets, fetcher.allowed_folders), strict=True
        )
    ]


def read_stylesheets(stylesheets: list[Path], folders: list[Path]) -> list[str]:
    """The text of each stylesheet, read as any other file of the theme (a regular file
    inside `folders`, of a bounded size); ContentError when any asks for what no booklet
    can be laid out with (css_problems)."""
    texts, problems = [], []
    for sheet in stylesheets:
        data = read_regular_file(sheet, folders, MAX_STYLESHEET_BYTES, "stylesheet")
        texts.append(data.decode("utf-8", errors="replace"))
        if not sheet.resolve().is_relative_to(default_styles_folder()):  # booklet's own: tested
            problems += css_problems(texts[-1], display_path(sheet))
    if problems:
        raise ContentError(problems)
    return texts


# WeasyPrint takes some 6 kB for each element: 700,000 empty <b></b> (4.9 million
# characters, far under a template's output limit) took 8 GB. The HTML of 500 talks has
# 38,000 tags.
MAX_HTML_TAGS = 400_000


# A link's address as written in an <a> tag: quoted either way, or bare.
_A_HREF = re.compile(r"(<a\b[^>]*?\s)href\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+)", re.IGNORECASE)
_LINKABLE = re.compile(r"(?:https?:|mailto:|#)", re.IGNORECASE)


def laid_out_html(html: str) -> str:
    """The HTML as WeasyPrint is given it: checked (html_css_problems), and with no <a href>
    but to the web, to mail or within the booklet (the attribute dropped): a project's
    template could link to javascript: or file:, and a relative address became a file:
    link naming the folders the booklet was built in."""
    html_css_problems(html)

    def checked(match: re.Match) -> str:
        address = html_unescape(match[2].strip("\"'")).strip()
        return match[0] if _LINKABLE.match(address) else match[1] + "data-refused-link"

    return _A_HREF.sub(checked, html)


def html_css_problems(html: str) -> None:
    """The CSS in the booklet's HTML (a project's templates can write <style> and style=""),
    held to the same limits as the theme's stylesheets, and the HTML's number of tags;
    RenderError at the first problem."""
    if (tags := html.count("<")) > MAX_HTML_TAGS:
        raise RenderError(
            f"the booklet's HTML has {tags:,} tags, more than WeasyPrint can lay out in "
            f"reasonable memory (at most {MAX_HTML_TAGS:,}; 500 talks have 38,000): a "
            "project template's loop?"
        )
    for match in _HTML_STYLE.finditer(html):
        attribute = next((value for value in match.groups()[1:] if value is not None), "")
        css = match[1] if match[1] is not None else "* { " + html_unescape(attribute) + " }"
        if problems := css_problems(css, "a <style> or style= in the booklet's templates"):
            raise RenderError(str(problems[0]))


def css_problems(text: str, shown: str) -> list[Problem]:
    """Values in a stylesheet that no booklet needs and that WeasyPrint cannot lay out,
    or only at a cost without bound: a size of 1e30pt, a grid of a million tracks."""
    problems: list[Problem] = []

    def report(token, name: str, message: str) -> None:
        problems.append(Problem(shown, token.source_line, token.source_column, name, message))

    def declaration(node) -> None:
        for token in _tokens(node.value):
            value = getattr(token, "value", None)
            if token.type not in ("number", "dimension", "percentage"):
                continue
            if not abs(value) <= MAX_CSS_VALUE:  # NaN and infinity too
                report(
                    token,
                    node.name,
                    f"{token.representation}{getattr(token, 'unit', '') or ''} is beyond any "
                    f"booklet (at most {MAX_CSS_VALUE:,})",
                )
            elif (
                node.name.startswith("--")
                and token.type == "number"
                and (abs(value) > MAX_GRID_TRACKS)
            ):  # a custom property can give repeat() its count
                report(
                    token,
                    node.name,
                    f"{token.representation} is more than a grid may repeat "
                    f"(at most {MAX_GRID_TRACKS:,})",
                )
        if node.lower_name in GRID_PROPERTIES and _tracks(node.value) > MAX_GRID_TRACKS:
            report(node, node.name, f"more than {MAX_GRID_TRACKS:,} grid tracks")

    def walk(content) -> None:
        for node in tinycss2.parse_blocks_contents(
            content, skip_whitespace=True, skip_comments=True
        ):
            if node.type == "declaration":
                declaration(node)
            elif node.type in ("qualified-rule", "at-rule") and node.content is not None:
                walk(node.content)

    def selectors(prelude) -> None:
        siblings = 0
        for token in [*prelude, None]:
            if token is None or token.type == "literal" and token.value == ",":
                if siblings > MAX_SIBLING_COMBINATORS:
                    report(
                        prelude[0],
                        "selector",
                        f"{siblings} '~' in one selector: at most {MAX_SIBLING_COMBINATORS} "
                        "(each more multiplies the work by the number of elements)",
                    )
                siblings = 0
            elif token.type == "literal" and token.value == "~":
                siblings += 1

    def rules(nodes) -> None:
        for rule in nodes:
            if rule.type == "qualified-rule":
                selectors(rule.prelude)
                walk(rule.content)
            elif rule.type == "at-rule" and rule.content is not None:
                if rule.lower_at_keyword in ("media", "supports", "layer", "container"):
                    rules(tinycss2.parse_rule_list(rule.content, True, True))  # rules inside
                else:
                    walk(rule.content)  # @page, @font-face: declarations

    rules(tinycss2.parse_stylesheet(text, skip_whitespace=True, skip_comments=True))
    return problems


def _tokens(values):
    """Every token, inside functions and blocks too."""
    for token in values:
        yield token
        if token.type in ("function", "() block", "[] block", "{} block"):
            yield from _tokens(token.arguments if token.type == "function" else token.content)


def _tracks(values) -> int:
    """How many grid tracks a grid property asks for, repeat() counts multiplied out."""
    count = 0
    for token in values:
        if token.type in ("whitespace", "comment", "literal", "[] block"):
            continue  # spaces, "/" and ",", line names
        if token.type == "string":  # grid-template-areas: "a a b" is three cells
            count += len(token.value.split())
            continue
        if token.type == "function" and token.lower_name == "repeat":
            arguments = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
            times = arguments[0] if arguments else None
            # auto-fill and auto-fit repeat as many as fit in the page: a bounded number.
            repeat = 1
            if times is not None and times.type == "number":
                repeat = int(min(times.value, MAX_GRID_TRACKS + 1))  # 1e999 is infinity
            count += max(repeat, 1) * max(_tracks(arguments[1:]), 1)
        else:
            count += 1
    return count


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
    stylesheets: list[Path],
    base_folder: Path,
    allowed_folders: list[Path],
    identifier: bytes,
    progress: Callable[[str], None] | None = None,
    guess: dict[str, int] | None = None,
    write_options: dict | None = None,
    finisher: Callable | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    own_theme_files: Sequence[Path] = (),
) -> RenderedBooklet:
    """Lay out the booklet until its page numbers are right, then write the PDF.

    With a `guess` (the pages of the last build, or stand-ins), the first layout prints
    those numbers; when every anchor lands where guessed, that one layout is all it
    takes. Without one, the first layout counts with target-counter() (which lays every
    page out again as it counts), and a second prints the numbers it found. Either way,
    layouts repeat until nothing moves. A layout that passes `max_pages` stops with a
    RenderError; so does a size that WeasyPrint cannot compute with, when
    `own_theme_files` (the project's styles and templates) may be the cause."""
    fetcher = LocalOnlyFetcher(allowed_folders)
    font_config = FontConfiguration()

    def layout(html: str) -> weasyprint.Document:
        # Image options act when the images load, during layout, not when writing.
        return weasyprint.HTML(
            string=laid_out_html(html), base_url=str(base_folder) + "/", url_fetcher=fetcher
        ).render(stylesheets=css, font_config=font_config, **(write_options or {}))

    with (
        weasyprint_messages() as messages,
        pages_watched(progress, PageLimit(max_pages)),
        rendering_stopped(list(own_theme_files)),
        collector_paused(),
    ):
        css = load_stylesheets(stylesheets, fetcher, font_config)
        document = layout(html_for(guess))
        page_of = anchors_by_page(document)
        if page_of != guess:
            for _ in range(MAX_LAYOUTS):
                # The collector is paused: free the last layout before the next is made.
                del document
                gc.collect()
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
        one_link_per_reference(document)
        with font_timestamps_fixed():
            pdf = document.write_pdf(
                pdf_identifier=identifier,
                finisher=compact_finisher(finisher),
                **(write_options or {}),
            )
        fetcher.stop_if_refused()
    return RenderedBooklet(pdf, len(document.pages), page_of, _unique(messages))


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while WeasyPrint lays out and writes: its boxes are many
    and live until the document is written, so the collector walked them again and again
    (12 full passes in one 500-talk layout) and freed almost nothing. Paused, a layout
    and write of 200 talks takes a sixth less CPU (benchmarks/collector.py), in the same
    bytes; the collector runs as usual afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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


def one_link_per_reference(document: weasyprint.Document) -> None:
    """WeasyPrint gives a link to every box inside an <a> (the title, the leader, the page
    number), so one reference in the contents was three link annotations, each a tag in
    the tagged editions. Links to the same target that overlap on a page become one,
    over all of them; a reference broken across lines keeps one link per line."""
    for page in document.pages:
        merged: list[list] = []
        for link_type, target, (x1, y1, x2, y2), box in page.links:
            for kept in merged:
                kx1, ky1, kx2, ky2 = kept[2]
                same = kept[0] == link_type and kept[1] == target
                if same and x1 <= kx2 and kx1 <= x2 and y1 <= ky2 and ky1 <= y2:
                    kept[2] = (min(x1, kx1), min(y1, ky1), max(x2, kx2), max(y2, ky2))
                    break
            else:
                merged.append([link_type, target, (x1, y1, x2, y2), box])
        page.links[:] = [tuple(link) for link in merged]


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
