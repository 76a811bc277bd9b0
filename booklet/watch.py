"""`booklet watch`: build, then build again after every save, with a live preview.

A thin layer over `api.build`: it watches the folders the booklet is made from (by
polling sizes and modification times, so no new dependency), waits until a burst of
saves has settled, builds, and serves the booklet's HTML on 127.0.0.1 with the page
number of each talk in the PDF and a script that reloads the page after every build.
The server answers only to its own host names, and serves only the PDF and the files
the page uses, never the rest of the project (the YAML, mail/ and its recipient lists).

Builds run on the calling (main) thread, so Ctrl-C and a bug in booklet reach the CLI
as they do for `booklet build`; the server answers from threads of its own.
"""

from __future__ import annotations

import bisect
import html
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

from .api import BuildResult
from .api import build as build_booklet
from .checks import MAX_IMAGE_BYTES
from .editions import EDITIONS
from .errors import BookletError, ContentError, display_path
from .files import UnsafeFileError, read_regular_file
from .html import TEMPLATES, render_html
from .theme import Theme, theme_for

POLL_SECONDS = 0.1
# A burst of saves (an editor writing a temporary file and renaming it, or several files
# saved at once) is one change: build once nothing has changed for this long.
SETTLE_SECONDS = 0.4
# An idle event stream sends a comment now and then, so a closed tab is noticed.
KEEPALIVE_SECONDS = 15

PAGE_ABBREVIATION = {"da": "s.", "en": "p."}

Snapshot = dict[Path, tuple[int, int]]  # file -> (modification time in ns, size)


# ---- what to watch -----------------------------------------------------------------


def watched_folders(content: Path, theme: Theme) -> list[Path]:
    """Every folder whose files the booklet is made from: a save in any of them rebuilds.
    The project's own styles/ and templates/ (theme.py) too."""
    folders = [content, *theme.folders, TEMPLATES]
    return folders + ([theme.project_templates] if theme.project_templates else [])


def served_folders(content: Path, theme: Theme) -> dict[str, Path]:
    """URL prefix -> folder: where the preview's files come from, the folders the PDF
    renderer may read (api.build's allowed_folders); of them it serves only the files the
    page uses (`served_files`). The content folder is the page's base, so a photo path
    from the content works as written."""
    folders = {"/_styles/": theme.styles}
    if theme.project_styles:
        folders["/_project_styles/"] = theme.project_styles
    return {**folders, "/": content}


def is_scratch(name: str) -> bool:
    """Editors' swap, backup and lock files, and hidden files: not part of the booklet."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


def snapshot(folders: list[Path], skip: list[Path]) -> Snapshot:
    """The size and modification time of every file in the folders, except in `skip`
    (the output folder, should it lie inside the content)."""
    skipped = {folder.resolve() for folder in skip}
    found: Snapshot = {}
    for folder in folders:
        for path in _files(folder.resolve(), skipped):
            try:
                stat = path.stat()
            except OSError:  # gone between listing and looking: the next poll sees it
                continue
            found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def _files(folder: Path, skipped: set[Path]) -> Iterator[Path]:
    if folder in skipped:
        return
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if is_scratch(entry.name):
            continue
        try:
            # A linked folder is not walked: a link to '.' would never end, one to /usr
            # would watch the machine. Linked files are watched (the build refuses those
            # that lead outside).
            if entry.is_dir(follow_symlinks=False):
                yield from _files(Path(entry.path), skipped)
            elif entry.is_file():
                yield Path(entry.path)
        except OSError:  # a loop of links, a file gone since the folder was read
            continue


class ChangeWatcher:
    """Says when to build: after a change, once the files have stayed the same for
    `settle` seconds, and only when they differ from what was last built. A file still
    being written keeps changing, so it is not read half-written."""

    def __init__(
        self,
        folders: list[Path],
        skip: Iterable[Path] = (),
        settle: float = SETTLE_SECONDS,
    ) -> None:
        self.folders = folders
        self.skip = list(skip)
        self.settle = settle
        self.built = self.seen = snapshot(folders, self.skip)
        self.changed_at: float | None = None

    def due(self, now: float) -> bool:
        current = snapshot(self.folders, self.skip)
        if current != self.seen:
            self.seen, self.changed_at = current, now
            return False
        if self.changed_at is None or now - self.changed_at < self.settle:
            return False
        self.changed_at = None
        if current == self.built:  # a temporary file came and went: nothing to build
            return False
        self.built = current
        return True

    @property
    def idle(self) -> bool:
        """Nothing waiting to be built."""
        return self.changed_at is None and snapshot(self.folders, self.skip) == self.built


# ---- what the preview shows --------------------------------------------------------


@dataclass
class Preview:
    """The page the preview serves and the last good PDF, shared with the server's
    threads. Every build, good or not, gives a new version: the page reloads."""

    stylesheets: list[str]  # URLs of the booklet's stylesheets, as served
    booklet_html: str | None = None  # the last good build's HTML, with page badges
    errors: list[str] = field(default_factory=list)
    pdf_path: Path | None = None
    version: str = "0"
    closed: bool = False
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(
        self, booklet_html: str | None, errors: list[str], pdf_path: Path | None = None
    ) -> None:
        """A build is done: `booklet_html` and `pdf_path` when it was good (None keeps
        the last good ones), its errors otherwise."""
        with self._changed:
            if booklet_html is not None:
                self.booklet_html = booklet_html
            if pdf_path is not None:
                self.pdf_path = pdf_path
            self.errors = errors
            self.version = f"{time.time_ns():x}"
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait_for_version(self, shown: str | None, timeout: float) -> str:
        """The current version, once it differs from `shown` or after `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != shown or self.closed, timeout)
            return self.version

    def current(self) -> tuple[str, str | None, list[str]]:
        """The version, the booklet's HTML and the stylesheets, of one moment."""
        with self._changed:
            return self.version, self.booklet_html, self.stylesheets

    def page(self) -> str:
        with self._changed:
            return preview_page(self.booklet_html, self.errors, self.stylesheets, self.version)


def with_page_badges(booklet_html: str, page_of: dict[str, int], language: str) -> str:
    """Each talk's abstract shows the page it has in the PDF, beside its heading (the
    template's <h2>{{ title }}), never past the end of the article. The headings and
    article ends are found once, so that a page of thousands of articles without either
    (a project template's) costs a look-up per article, not a search to its end."""
    abbreviation = PAGE_ABBREVIATION.get(language, "p.")
    headings = [match.start() for match in _HEADING.finditer(booklet_html)]
    ends = [match.start() for match in _ARTICLE_END.finditer(booklet_html)]
    pieces, done = [], 0
    for article in _TALK_ARTICLE.finditer(booklet_html):
        page = page_of.get(article["anchor"])
        at = bisect.bisect_left(headings, article.end())
        end = bisect.bisect_left(ends, article.end())
        if page is None or at == len(headings) or article.start() < done:
            continue
        if end < len(ends) and ends[end] < headings[at]:
            continue  # no heading in this article
        pieces += [
            booklet_html[done : headings[at]],
            f'<span class="watch-page" data-page="{page}">{abbreviation}\u00a0{page}</span>',
        ]
        done = headings[at]
    return "".join([*pieces, booklet_html[done:]])


# A talk's article, its heading, an article's end. Titles are escaped: no tag comes from them.
_TALK_ARTICLE = re.compile(r'<article\b[^>]*\bid="(?P<anchor>talk-[^"]*)"[^>]*>')
_HEADING = re.compile(r"<h2\b")
_ARTICLE_END = re.compile(r"</article>")

# The booklet's CSS is written for pages, which a browser does not make: a column as wide
# as the paper, and the covers' colour (a page background in print) on their sections.
PREVIEW_CSS = """
html { background: #d9dde1; }
body { box-sizing: border-box; max-width: 148mm; margin: 0 auto; padding: 0 14mm;
  background: #fff; }
html.paper-a4 body { max-width: 210mm; }
section.cover, section.back-cover { display: flow-root; position: relative; min-height: 150mm;
  margin: 0 -14mm; background: var(--accent, #1f4e79); }
.watch-errors { position: sticky; top: 0; z-index: 10; margin: 0 0 1em; padding: 0.8em 1em;
  background: #fff1f0; border: 2px solid #b3261e; color: #5c0d09;
  font: 13px/1.45 ui-monospace, monospace; }
.watch-errors h2 { margin: 0 0 0.4em; font: bold 14px sans-serif; color: #b3261e; }
.watch-errors pre { margin: 0; white-space: pre-wrap; }
.watch-page { float: right; margin: 0.2em 0 0 1em; padding: 0.1em 0.5em; border-radius: 1em;
  background: #1f4e79; color: #fff; font: bold 11px sans-serif; }
.watch-waiting { font: 16px sans-serif; margin: 2em; }
"""

RELOAD_SCRIPT = """\
// booklet watch: reload the preview when a new build is done.
(() => {
  const shown = document.currentScript.dataset.version;
  const events = new EventSource("/events");
  events.onmessage = (event) => {
    if (event.data !== shown) {
      events.close();
      location.reload();
    }
  };
})();
"""


def preview_page(
    booklet_html: str | None, errors: list[str], stylesheets: list[str], version: str
) -> str:
    """The booklet's HTML with the preview's additions: its stylesheets (WeasyPrint is
    given them apart from the HTML), the badges' style, the reload script and the
    errors of the last build, escaped: their text comes from the content."""
    head = "".join(f'<link rel="stylesheet" href="{html.escape(url)}">\n' for url in stylesheets)
    head += f"<style>{PREVIEW_CSS}</style>\n"
    head += f'<script src="/_watch/reload.js" data-version="{html.escape(version)}"></script>\n'
    panel = ""
    if errors:
        lines = html.escape("\n".join(errors))
        panel = (
            '<div class="watch-errors" role="alert"><h2>The last save did not build; '
            f"the PDF is the last good one</h2><pre>{lines}</pre></div>\n"
        )
    if booklet_html is None:
        waiting = "" if errors else '<p class="watch-waiting">Building the booklet …</p>'
        return (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>booklet watch</title>\n'
            f"{head}</head>\n<body>\n{panel}{waiting}</body></html>\n"
        )
    page = booklet_html.replace("</head>", f"{head}</head>", 1)
    return page.replace("<body>", f"<body>\n{panel}", 1)


# ---- building ----------------------------------------------------------------------


@dataclass
class BuildReport:
    ok: bool
    lines: list[str]  # for stderr: warnings and the summary, or the errors
    result: BuildResult | None = None  # when it built


class Session:
    """Builds the booklet as `booklet build` would and publishes the result to the
    preview. `build` reports on the user's mistakes; a bug in booklet is raised."""

    def __init__(self, content: Path, output: Path, edition: str = "screen") -> None:
        if edition not in EDITIONS:
            raise BookletError(f"no edition '{edition}'; choose from {', '.join(EDITIONS)}")
        if not content.is_dir():
            raise BookletError(f"{display_path(content)}: no such content folder")
        self.content = content
        self.output = output
        self.edition = edition
        self.theme = theme_for(content)
        self.styles = self.theme.styles
        chosen = EDITIONS[edition]
        sheets = ["booklet.css"] + ([chosen.stylesheet] if chosen.stylesheet else [])
        urls = [
            f"/_styles/{sheet.name}"
            if sheet.parent == self.theme.styles
            else f"/_project_styles/{sheet.name}"
            for sheet in self.theme.stylesheets(sheets)
        ]
        self.preview = Preview(urls)
        self.watcher: ChangeWatcher | None = None  # while watching

    def build(self) -> BuildReport:
        started = time.monotonic()
        try:
            result = build_booklet(
                self.content, self.output, styles_folder=self.styles, edition=self.edition
            )
        except ContentError as error:
            errors = error.lines()  # a few of each kind; the rest summed up
            count = sum(1 for problem in error.problems if problem.severity == "error")
            errors.append(f"{count} problem{'' if count == 1 else 's'}; the last good PDF is kept.")
            return self._failed(errors)
        except BookletError as error:
            return self._failed([f"error: {error}", "The last good PDF is kept."])
        loaded = result.loaded  # what this PDF was built from, not the files as they are now
        page = render_html(loaded, result.page_of, theme=self.theme)
        page = with_page_badges(page, result.page_of, loaded.content.conference.language)
        page = with_served_urls(page, served_folders(self.content, self.theme))
        self.preview.publish(page, [], result.pdf_path)
        summary = (
            f"built {display_path(result.pdf_path)}: {result.page_count} pages "
            f"in {time.monotonic() - started:.1f} s"
        )
        return BuildReport(True, [*result.warnings, summary], result)

    def _failed(self, errors: list[str]) -> BuildReport:
        self.preview.publish(None, errors)
        return BuildReport(False, errors)

    def watch(
        self,
        report: Callable[[BuildReport], None],
        stop: threading.Event,
        interval: float = POLL_SECONDS,
        settle: float = SETTLE_SECONDS,
    ) -> None:
        """Build now, then after every settled change, until `stop` is set."""
        self.watcher = ChangeWatcher(
            watched_folders(self.content, self.theme), skip=[self.output], settle=settle
        )
        report(self.build())
        while not stop.wait(interval):
            if self.watcher.due(time.monotonic()):
                report(self.build())


# ---- serving -----------------------------------------------------------------------

# What the preview serves besides its page, its script and the PDF: the files of these
# kinds that the page or its stylesheets refer to, and nothing else of the folders (not
# the YAML, mail/ and its recipient lists, hidden files or the output). Each kind has its
# type (not mimetypes': it varies with the machine) and a size limit.
_MEGABYTE = 1024 * 1024
ASSET_KINDS: dict[str, tuple[str, int]] = {
    ".css": ("text/css; charset=utf-8", 5 * _MEGABYTE),
    ".png": ("image/png", MAX_IMAGE_BYTES),
    ".jpg": ("image/jpeg", MAX_IMAGE_BYTES),
    ".jpeg": ("image/jpeg", MAX_IMAGE_BYTES),
    ".gif": ("image/gif", MAX_IMAGE_BYTES),
    ".webp": ("image/webp", MAX_IMAGE_BYTES),
    ".svg": ("image/svg+xml", MAX_IMAGE_BYTES),
    ".ttf": ("font/ttf", 50 * _MEGABYTE),
    ".otf": ("font/otf", 50 * _MEGABYTE),
    ".woff": ("font/woff", 50 * _MEGABYTE),
    ".woff2": ("font/woff2", 50 * _MEGABYTE),
}
PDF_LIMIT = 512 * _MEGABYTE
# A theme's stylesheets may import others; a loop of imports or a flood of references
# must not make the list of served files endless.
MAX_STYLESHEETS = 100
MAX_REFERENCES_PER_STYLESHEET = 10_000
MAX_ASSETS = 100_000

# References in the booklet's HTML: quoted src/href attributes, and url() and @import in
# its <style> elements and style attributes. Every pattern stops at a character that
# starts the next match, so a page or stylesheet made to trip them costs linear time.
_ATTRIBUTE_URL = re.compile(r"""\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_STYLE_TEXT = re.compile(
    r"""<style\b[^<>]*>(.*?)(?:</style\s*>|\Z)|\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE | re.DOTALL,
)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)  # unclosed: to the end, as in CSS
_CSS_URL = re.compile(
    r"""\burl\(\s*(?:"([^"]*)"|'([^']*)'|([^"'()\s]*))\s*\)"""
    r"""|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
_FILE_URI = re.compile(r"""file://[^"'()\s<>]*""")


def _first_group(match: re.Match) -> str:
    return next((group for group in match.groups() if group is not None), "")


def html_references(page: str) -> list[str]:
    """The URLs the page refers to, as written (entities decoded where HTML decodes them:
    in attributes, not in <style> elements)."""
    found = [html.unescape(_first_group(match)) for match in _ATTRIBUTE_URL.finditer(page)]
    for style in _STYLE_TEXT.finditer(page):
        is_element = style[1] is not None
        found += css_references(style[1] if is_element else html.unescape(_first_group(style)))
    return found


def css_references(css: str) -> list[str]:
    text = _CSS_COMMENT.sub("", css)
    return [_first_group(match) for match in _CSS_URL.finditer(text)]


def resolved_url(reference: str, base: str = "/") -> str | None:
    """The path, still encoded, that a reference in the page (or in the stylesheet at
    the encoded path `base`) asks this server for, as the browser resolves it ('..'
    included); None for data:, other sites and anything else that is not a path here."""
    joined = urlsplit(urljoin(f"http://preview{base}", reference.strip()))
    if joined.scheme != "http" or joined.netloc != "preview":
        return None
    return joined.path


def clean_path(raw: str) -> str | None:
    """`raw` decoded, when it is a plain path: no '..', '.' or empty segments, no hidden
    or scratch names, no encoded slash or backslash, no NUL. None otherwise."""
    if not raw.startswith("/") or re.search(r"%(2f|5c|00)", raw, re.IGNORECASE):
        return None
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\0" in path or "\\" in path:
        return None
    if path == "/":
        return path
    segments = path[1:].split("/")
    if any(not segment or segment in (".", "..") or is_scratch(segment) for segment in segments):
        return None
    return path


def served_files(
    page: str | None, stylesheets: list[str], folders: dict[str, Path]
) -> dict[str, tuple[Path, Path]]:
    """Decoded URL path -> (file, its served folder): every file of a served kind that
    the page or its stylesheets (followed through their imports) refer to."""
    # Each URL once: a page links to each talk many times.
    references = dict.fromkeys([*stylesheets, *html_references(page or "")])
    queue = deque((url, "/") for url in references)
    found: dict[str, tuple[Path, Path]] = {}
    stylesheets_read = 0
    while queue and len(found) < MAX_ASSETS:
        reference, base = queue.popleft()
        raw = resolved_url(reference, base)
        path = clean_path(raw) if raw is not None else None
        if path is None or path in found:
            continue
        suffix = PurePosixPath(path).suffix.lower()
        place = file_in_folders(path, folders)
        if suffix not in ASSET_KINDS or place is None:
            continue
        if place[0].resolve().suffix.lower() != suffix:  # photo.png linked to people.csv
            continue
        if suffix == ".css":
            if stylesheets_read == MAX_STYLESHEETS:
                continue
            stylesheets_read += 1
            try:
                css = read_regular_file(place[0], [place[1]], ASSET_KINDS[".css"][1], "stylesheet")
            except UnsafeFileError:
                continue  # a pipe, a link out, too large: not served either
            references = css_references(css.decode(errors="replace"))
            queue.extend((url, raw) for url in references[:MAX_REFERENCES_PER_STYLESHEET])
        found[path] = place
    return found


def file_in_folders(path: str, folders: dict[str, Path]) -> tuple[Path, Path] | None:
    """The file a clean URL path names and the folder it must stay inside."""
    for prefix, folder in folders.items():
        if path.startswith(prefix):
            relative = path[len(prefix) :]
            return (folder / relative, folder) if relative else None
    return None


def with_served_urls(page: str, folders: dict[str, Path]) -> str:
    """`file:` URLs of files in the served folders (the @font-face rules of a project's
    own fonts) as the preview serves them: a browser loads no `file:` from a web page."""
    resolved = {prefix: folder.resolve() for prefix, folder in folders.items()}

    def served(match: re.Match) -> str:
        parts = urlsplit(match[0])
        file = Path(unquote(parts.path))
        for prefix, folder in resolved.items():
            if parts.netloc in ("", "localhost") and file.is_relative_to(folder):
                return prefix + quote(file.relative_to(folder).as_posix())
        return match[0]

    return _FILE_URI.sub(served, page)


class PreviewServer(ThreadingHTTPServer):
    """The preview on 127.0.0.1 only; `port` 0 picks a free one. It answers only to a
    Host of its own (a page elsewhere must not read it through DNS rebinding), and
    serves only what the preview page uses (`served_files`)."""

    daemon_threads = True  # an open event stream must not keep the process alive

    def __init__(self, preview: Preview, folders: dict[str, Path], port: int = 8000) -> None:
        self.preview = preview
        self.folders = {prefix: folder.resolve() for prefix, folder in folders.items()}
        self._served: tuple[str | None, dict[str, tuple[Path, Path]]] = (None, {})
        self._served_lock = threading.Lock()
        try:
            super().__init__(("127.0.0.1", port), PreviewHandler)
        except (OSError, OverflowError) as error:  # in use, not allowed, or no port number
            reason = getattr(error, "strerror", None) or str(error)
            raise BookletError(f"cannot serve on 127.0.0.1:{port}: {reason}") from None
        port = self.server_address[1]
        names = ("127.0.0.1", "localhost", "[::1]")
        self.hosts = {f"{name}:{port}" for name in names}
        if port == 80:  # the browser leaves out the default port
            self.hosts |= set(names)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="preview", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.preview.close()  # ends the event streams
        self.shutdown()
        self.server_close()

    def file_for(self, raw_path: str) -> tuple[Path, Path] | None:
        """The file (and its folder) a requested path names, when the current page
        uses it; None otherwise. Worked out again after every build."""
        path = clean_path(raw_path)
        if path is None:
            return None
        with self._served_lock:
            version, page, stylesheets = self.preview.current()
            if self._served[0] != version:
                self._served = (version, served_files(page, stylesheets, self.folders))
            return self._served[1].get(path)

    def handle_error(self, request, client_address) -> None:
        """No traceback on the terminal for a request: a closed tab or a stalled client
        is expected; anything else gets one line, without the request."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            print(
                f"booklet watch: the preview failed to answer ({type(error).__name__})",
                file=sys.stderr,
            )


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    timeout = 30  # a client that sends nothing does not hold a thread for ever
    # A request line too garbled to say its version still gets a status line back, not
    # the bare body of an HTTP/0.9 answer.
    default_request_version = "HTTP/1.0"
    # Defence in depth: the booklet's HTML is escaped, and even so nothing but the
    # preview's own script may run, and nothing outside this server may be loaded.
    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'"
    )

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        refusal = self._host_refusal()
        if refusal is not None:
            self._send(*refusal, "text/plain; charset=utf-8")
            return
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        preview = self.server.preview
        if path == "/":
            self._send(200, preview.page().encode(), "text/html; charset=utf-8")
        elif path == "/events":
            self._events()
        elif path == "/_watch/reload.js":
            self._send(200, RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
        elif path == "/booklet.pdf" and (pdf := preview.pdf_path) is not None:
            self._send_file(pdf, pdf.parent, "application/pdf", PDF_LIMIT)
        elif (place := self.server.file_for(path)) is not None:
            kind, limit = ASSET_KINDS[place[0].suffix.lower()]
            self._send_file(*place, kind, limit)
        else:
            self._send(404, b"Not found\n", "text/plain; charset=utf-8")

    def _host_refusal(self) -> tuple[int, bytes] | None:
        """A page on another site must not reach the preview under a name of its own
        that points here (DNS rebinding): only our own names, with our port."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            return 400, b"Bad request: a Host header is needed\n"
        if hosts[0].strip().lower() not in self.server.hosts:
            return 403, b"Forbidden: the preview answers to 127.0.0.1 and localhost only\n"
        return None

    def _send_file(self, file: Path, folder: Path, kind: str, limit: int) -> None:
        """Read as the renderer reads: a regular file inside its folder, links resolved,
        within the limit; a pipe is not waited on."""
        try:
            if file.resolve().suffix.lower() != file.suffix.lower():  # served by its kind
                raise UnsafeFileError(f"{file.name}: a link to a file of another kind")
            body = read_regular_file(file, [folder], limit)
        except UnsafeFileError:
            self._send(404, b"Not found\n", "text/plain; charset=utf-8")
            return
        self._send(200, body, kind)

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", self.POLICY)
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the current version at once, then each new one."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        preview = self.server.preview
        shown = None
        try:
            while not preview.closed:
                version = preview.wait_for_version(shown, KEEPALIVE_SECONDS)
                message = ": still here\n\n" if version == shown else f"data: {version}\n\n"
                shown = version
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed or reloaded

    def log_message(self, format: str, *args) -> None:
        pass  # stderr is for build reports; a line per request would bury them


def watch(
    content: Path,
    output: Path,
    *,
    port: int = 8000,
    edition: str = "screen",
    serving: Callable[[str], None],
    report: Callable[[BuildReport], None],
    stop: threading.Event | None = None,
) -> None:
    """Serve the preview, build, and build again after every save until `stop` is set
    or Ctrl-C. `serving` is told the URL as soon as the server listens."""
    session = Session(content, output, edition)
    server = PreviewServer(session.preview, served_folders(content, session.theme), port)
    stop = stop or threading.Event()
    server.start()
    with _ctrl_c_stops(stop):
        try:
            serving(server.url)
            session.watch(report, stop)
        finally:
            server.stop()


@contextmanager
def _ctrl_c_stops(stop: threading.Event):
    """Ctrl-C asks the loop to stop after the build in hand, rather than raising into
    whatever library code is running (and maybe leaving one of its locks held). A
    second Ctrl-C does not wait."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread (tests run watch() in others)
        return

    def interrupted(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
