"""`booklet watch`: build, then build again after every save, with a live preview.

A thin layer over `api.build`: it watches the folders the booklet is made from (by
polling sizes and modification times, so no new dependency), waits until a burst of
saves has settled, builds, and serves the booklet's HTML on 127.0.0.1 with the page
number of each talk in the PDF and a script that reloads the page after every build.

Builds run on the calling (main) thread, so Ctrl-C and a bug in booklet reach the CLI
as they do for `booklet build`; the server answers from threads of its own.
"""

from __future__ import annotations

import html
import mimetypes
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from .api import BuildResult
from .api import build as build_booklet
from .editions import EDITIONS
from .errors import BookletError, ContentError, display_path
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
    """URL prefix -> folder: what the preview may load, the same folders the PDF renderer
    may read (api.build's allowed_folders). The content folder is the page's base, so a
    photo path from the content works as written."""
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
        if entry.is_dir():
            yield from _files(Path(entry.path), skipped)
        elif entry.is_file():
            yield Path(entry.path)


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

    def page(self) -> str:
        with self._changed:
            return preview_page(self.booklet_html, self.errors, self.stylesheets, self.version)


def with_page_badges(booklet_html: str, page_of: dict[str, int], language: str) -> str:
    """Each talk's abstract shows the page it has in the PDF, beside its heading."""
    abbreviation = PAGE_ABBREVIATION.get(language, "p.")

    def badge(match: re.Match) -> str:
        page = page_of.get(match["anchor"])
        if page is None:
            return match[0]
        return (
            f'{match["before"]}<span class="watch-page" data-page="{page}">'
            f"{abbreviation}\u00a0{page}</span>{match['heading']}"
        )

    return _TALK_HEADING.sub(badge, booklet_html)


# The opening of a talk's abstract up to its heading (the template's <h2>{{ title }}),
# never past the end of the article. Titles are escaped, so no tag can come from them.
_TALK_HEADING = re.compile(
    r'(?P<before><article\b[^>]*\bid="(?P<anchor>talk-[^"]*)"[^>]*>(?:(?!</article>).)*?)'
    r"(?P<heading><h2\b)",
    re.DOTALL,
)

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
            errors = [str(problem) for problem in error.problems]
            count = sum(1 for problem in error.problems if problem.severity == "error")
            errors.append(f"{count} problem{'' if count == 1 else 's'}; the last good PDF is kept.")
            return self._failed(errors)
        except BookletError as error:
            return self._failed([f"error: {error}", "The last good PDF is kept."])
        loaded = result.loaded  # what this PDF was built from, not the files as they are now
        page = render_html(loaded, result.page_of, theme=self.theme)
        page = with_page_badges(page, result.page_of, loaded.content.conference.language)
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


class PreviewServer(ThreadingHTTPServer):
    """The preview on 127.0.0.1 only; `port` 0 picks a free one."""

    daemon_threads = True  # an open event stream must not keep the process alive

    def __init__(self, preview: Preview, folders: dict[str, Path], port: int = 8000) -> None:
        self.preview = preview
        self.folders = {prefix: folder.resolve() for prefix, folder in folders.items()}
        try:
            super().__init__(("127.0.0.1", port), PreviewHandler)
        except (OSError, OverflowError) as error:  # in use, not allowed, or no port number
            reason = getattr(error, "strerror", None) or str(error)
            raise BookletError(f"cannot serve on 127.0.0.1:{port}: {reason}") from None

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

    def file_for(self, url_path: str) -> Path | None:
        """The file a URL path names inside the served folders, or None. The rules of
        pdf.LocalOnlyFetcher: resolved (symbolic links followed), refused when outside
        its folder; '..', absolute paths and hidden files are refused before that."""
        for prefix, folder in self.folders.items():
            if url_path.startswith(prefix):
                return inside(folder, unquote(url_path[len(prefix) :]))
        return None


def inside(folder: Path, relative: str) -> Path | None:
    parts = relative.split("/")
    if relative.startswith("/") or any(part.startswith(".") or "\0" in part for part in parts):
        return None
    try:
        path = (folder / relative).resolve()
    except (OSError, ValueError):
        return None
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    return path


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    # Defence in depth: the booklet's HTML is escaped, and even so nothing but the
    # preview's own script may run, and nothing outside this server may be loaded.
    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'"
    )

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if not self._host_is_ours():
            self._send(403, b"Forbidden\n", "text/plain; charset=utf-8")
            return
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        preview = self.server.preview
        if path == "/":
            self._send(200, preview.page().encode(), "text/html; charset=utf-8")
        elif path == "/events":
            self._events()
        elif path == "/_watch/reload.js":
            self._send(200, RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
        elif path == "/booklet.pdf" and preview.pdf_path is not None:
            self._send(200, preview.pdf_path.read_bytes(), "application/pdf")
        elif (file := self.server.file_for(path)) is not None:
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            self._send(200, file.read_bytes(), kind)
        else:
            self._send(404, b"Not found\n", "text/plain; charset=utf-8")

    def _host_is_ours(self) -> bool:
        """A page on another site must not reach the preview under a name of its own
        that points here (DNS rebinding)."""
        host = self.headers.get("Host")
        port = self.server.server_address[1]
        return host is None or host in (f"127.0.0.1:{port}", f"localhost:{port}")

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
