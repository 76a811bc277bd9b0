"""booklet watch: builds after every save (once per burst), keeps the last good PDF when a
save is broken, and serves a live preview that only reads the content and style folders.
The last test drives a real headless Chromium that must see a saved change by itself."""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from helpers import SEED, copy_content, page_text

from booklet.theme import default_styles_folder
from booklet.watch import (
    ChangeWatcher,
    PreviewServer,
    Session,
    served_files,
    served_folders,
    snapshot,
)

PDF_NAME = "turbo-paa-offentlig-innovation.pdf"
SEED_TITLE = "Idéklinikken i Region Nordjylland"
SEED_ANCHOR = "talk-ideklinikken"


def wait_until(condition, timeout: float = 60, what: str = "the condition"):
    """Poll `condition` until it gives something true; its last value otherwise fails."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}; last seen: {value!r}")
        time.sleep(0.1)


def break_a_speaker_reference(content: Path, speaker_id: str) -> None:
    programme = content / "programme.yaml"
    text = programme.read_text(encoding="utf-8")
    programme.write_text(text.replace("[ole-bech-lykkebo]", f'["{speaker_id}"]', 1), "utf-8")


# ---- when to build ---------------------------------------------------------------


def test_a_burst_of_saves_gives_one_build_once_it_settles(tmp_path):
    programme = tmp_path / "programme.yaml"
    programme.write_text("a")
    watcher = ChangeWatcher([tmp_path], settle=0.4)
    builds = []

    def poll(now):
        if watcher.due(now):
            builds.append(now)

    # Saved four times, 0.1 s apart (a file written in pieces looks the same).
    for number, now in enumerate([0.0, 0.1, 0.2, 0.3]):
        programme.write_text("a" * (number + 2))  # a new size: mtimes may tie
        poll(now)
    for now in [0.4, 0.5, 0.6]:
        poll(now)
    assert builds == []  # still within 0.4 s of the last save
    for now in [0.75, 0.85, 2.0, 5.0]:
        poll(now)
    assert builds == [0.75]
    assert watcher.idle


def test_an_editors_write_then_rename_gives_one_build(tmp_path):
    programme = tmp_path / "programme.yaml"
    programme.write_text("title: old")
    watcher = ChangeWatcher([tmp_path], settle=0.4)
    builds = []
    temporary = tmp_path / "programme.yaml.new"
    temporary.write_text("title: new, and longer")
    assert not watcher.due(0.0)
    os.replace(temporary, programme)
    for now in [0.05, 0.3, 0.5, 0.7, 1.0, 3.0]:
        if watcher.due(now):
            builds.append(now)
            assert programme.read_text() == "title: new, and longer"
    assert builds == [0.5]


def test_scratch_files_the_output_and_a_file_that_comes_and_goes_build_nothing(tmp_path):
    content = tmp_path / "content"
    output = content / "output"  # an output folder inside the content must not loop
    output.mkdir(parents=True)
    (content / "programme.yaml").write_text("a")
    watcher = ChangeWatcher([content], skip=[output], settle=0.4)
    for name in [".programme.yaml.swp", "programme.yaml~", "#programme.yaml#", ".hidden"]:
        (content / name).write_text("scratch")
    (output / "booklet.pdf").write_bytes(b"%PDF-")
    passing = content / "4913"  # vim checks that it may write the folder
    passing.write_text("")
    assert not watcher.due(0.0)
    passing.unlink()
    assert not any(watcher.due(now) for now in [0.1, 0.6, 1.0, 2.0])
    assert set(snapshot([content], [output])) == {(content / "programme.yaml").resolve()}


def test_the_watch_loop_builds_once_for_files_saved_together(tmp_path):
    content = copy_content(SEED, tmp_path / "content")
    session = Session(content, tmp_path / "output")
    reports = []
    stop = threading.Event()
    loop = threading.Thread(target=session.watch, args=(reports.append, stop))
    loop.start()
    try:
        wait_until(lambda: len(reports) == 1, what="the first build")
        for name in ["programme.yaml", "speakers.yaml", "conference.yaml"]:  # "Save all"
            path = content / name
            path.write_text(path.read_text(encoding="utf-8") + "\n# saved\n", "utf-8")
        wait_until(lambda: len(reports) == 2 and session.watcher.idle, what="one rebuild")
    finally:
        stop.set()
        loop.join(60)
    assert [report.ok for report in reports] == [True, True]


# ---- a broken save ---------------------------------------------------------------


def test_a_broken_save_keeps_the_pdf_and_shows_the_escaped_error_until_the_next_good_one(
    tmp_path,
):
    content = copy_content(SEED, tmp_path / "content")
    session = Session(content, tmp_path / "output")
    assert session.build().ok
    pdf = tmp_path / "output" / PDF_NAME
    good_pdf = pdf.read_bytes()
    good_version = session.preview.version

    break_a_speaker_reference(content, "<b>nobody</b>")
    report = session.build()
    assert not report.ok
    # The line `booklet build` prints: file:line:column: field: message.
    error = next(line for line in report.lines if "programme[0].speakers[0]" in line)
    assert re.search(
        r"programme\.yaml:6:14: programme\[0\]\.speakers\[0\]: .*'<b>nobody</b>'", error
    )
    assert pdf.read_bytes() == good_pdf
    page = session.preview.page()
    assert session.preview.version != good_version  # the open page reloads to show it
    assert 'class="watch-errors"' in page
    assert html.escape(error) in page
    assert "&#x27;&lt;b&gt;nobody&lt;/b&gt;&#x27;" in page
    assert "<b>nobody</b>" not in page
    assert SEED_TITLE in page  # the last good booklet stays under the errors

    programme = content / "programme.yaml"
    text = programme.read_text(encoding="utf-8").replace('["<b>nobody</b>"]', "[ole-bech-lykkebo]")
    programme.write_text(text.replace(SEED_TITLE, "Idéklinikken, rettet"), "utf-8")
    assert session.build().ok
    page = session.preview.page()
    assert 'class="watch-errors"' not in page
    assert "Idéklinikken, rettet" in page
    assert pdf.read_bytes() != good_pdf


# ---- the preview and its server ---------------------------------------------------


PHOTO = "photos/ole bech.png"  # a space: the page refers to it as photos/ole%20bech.png
RECIPIENTS = "anna.privat@example.org,Anna Privat\n"


def png(path: Path, colour: str) -> bytes:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), colour).save(path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def preview_server(tmp_path_factory):
    """The seed as a project with a photo, a stylesheet, a font and an image of its own,
    beside what the preview must never serve: recipient lists, YAML, hidden files, and
    (added after the build, which would read them) a pipe, a link out, a huge image."""
    folder = tmp_path_factory.mktemp("preview")
    content = copy_content(SEED, folder / "content")
    speakers = content / "speakers.yaml"
    text = speakers.read_text(encoding="utf-8")
    speakers.write_text(
        text.replace("name: Ole Bech Lykkebo\n", f"name: Ole Bech Lykkebo\n  photo: {PHOTO}\n"),
        "utf-8",
    )
    png(content / PHOTO, "red")
    png(content / "photos" / "not-in-the-booklet.png", "blue")
    (content / "mail" / "people.csv").write_text(f"email,name\n{RECIPIENTS}")
    (content / "passwd-link").symlink_to("/etc/passwd")
    (content / ".secret").write_text("hidden")
    styles = folder / "styles"
    (styles / "fonts").mkdir(parents=True)
    shutil.copy(
        default_styles_folder() / "fonts" / "BookletSerif-Bold.ttf", styles / "fonts/Own.ttf"
    )
    png(styles / "img" / "background.png", "green")
    png(styles / "img" / "imported.png", "yellow")
    (styles / "more.css").write_text(".cover { background: url('img/imported.png'); }")
    (styles / "booklet.css").write_text(
        '@import "more.css";\n'
        "/* url(img/commented-out.png) */\n"
        "body { background: url(img/background.png); }\n"
        ".a { background: url(img/pipe.png); } .b { background: url(img/outside.png); }\n"
        ".c { background: url(img/huge.png); } .d { background: url(img/notes.png); }\n"
    )
    png(styles / "img" / "commented-out.png", "black")
    session = Session(content, folder / "output")
    report = session.build()
    assert report.ok, report.lines
    os.mkfifo(styles / "img" / "pipe.png")  # nobody writes: a read that waited would hang
    (folder / "outside.png").write_text("secret outside the project")
    (styles / "img" / "outside.png").symlink_to(folder / "outside.png")
    (styles / "notes.txt").write_text("secret notes inside the styles")
    (styles / "img" / "notes.png").symlink_to("../notes.txt")  # named .png, a text
    with (styles / "img" / "huge.png").open("wb") as huge:
        huge.truncate(21 * 1024 * 1024)  # sparse: over the image limit, costs no disk
    server = PreviewServer(session.preview, served_folders(content, session.theme), port=0)
    server.start()
    yield server, report.result
    server.stop()


def get(server: PreviewServer, path: str, host: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    headers = {"Host": host} if host else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/_styles/../../../../etc/passwd",
        "/_styles/%2e%2e/pyproject.toml",  # the folder above the styles is the repository
        "/_styles/..%2fpyproject.toml",
        "//etc/passwd",
        "/%2Fetc%2Fpasswd",
        "/_styles//etc/passwd",
        "/_styles/%2Fetc%2Fpasswd",
        "/etc/passwd",
        "/passwd-link",  # a symbolic link inside the content to a file outside it
        "/_project_styles/img/notes.png",  # named as an image, a link to a text
        "/.secret",
        "/programme.yaml%00.png",
        "/_styles/",
        "/nothing-here.png",
    ],
)
def test_the_server_serves_nothing_outside_the_content_and_style_folders(preview_server, path):
    server, _ = preview_server
    status, body = get(server, path)
    assert status == 404
    assert b"root:" not in body and b"[project]" not in body and b"secret" not in body


def test_the_server_serves_the_theme_the_pdf_and_only_under_its_own_name(preview_server):
    server, result = preview_server
    styles = default_styles_folder()
    font = styles / "fonts" / "BookletSerif-Regular.ttf"
    assert get(server, "/_styles/fonts/BookletSerif-Regular.ttf") == (200, font.read_bytes())
    assert get(server, "/_styles/booklet.css") == (200, (styles / "booklet.css").read_bytes())
    assert get(server, "/booklet.pdf") == (200, result.pdf_path.read_bytes())
    status, page = get(server, "/")
    assert status == 200 and b'href="/_styles/booklet.css"' in page
    # A site that points a name of its own at 127.0.0.1 gets nothing.
    assert get(server, "/", host="attacker.example")[0] == 403
    assert get(server, "/", host=f"localhost:{server.server_address[1]}")[0] == 200


def test_the_preview_serves_the_files_the_page_and_its_stylesheets_use(preview_server):
    server, _ = preview_server
    content, styles = server.folders["/"], server.folders["/_project_styles/"]
    status, page = get(server, "/")
    assert status == 200 and b'src="photos/ole%20bech.png"' in page
    # A project's own font, a file: URL for the renderer, is served to the browser.
    assert b"file:" not in page and b'url("/_project_styles/fonts/Own.ttf")' in page
    assert get(server, "/photos/ole%20bech.png") == (200, (content / PHOTO).read_bytes())
    for path, file in [
        ("/_project_styles/booklet.css", styles / "booklet.css"),
        ("/_project_styles/more.css", styles / "more.css"),  # @import
        ("/_project_styles/img/imported.png", styles / "img" / "imported.png"),
        ("/_project_styles/img/background.png", styles / "img" / "background.png"),
        ("/_project_styles/fonts/Own.ttf", styles / "fonts" / "Own.ttf"),
    ]:
        assert get(server, path) == (200, file.read_bytes()), path


@pytest.mark.parametrize(
    "path",
    [
        "/mail/people.csv",
        "/mail/people.example.csv",
        "/mail/invitation.html",
        "/mail/subject.txt",
        "/conference.yaml",
        "/programme.yaml",
        "/speakers.yaml",
        "/schema/speakers.schema.json",
        "/photos/not-in-the-booklet.png",  # an image, but the booklet does not use it
        "/_project_styles/img/commented-out.png",
        "/_project_styles/img/pipe.png",  # a named pipe: refused, not waited on
        "/_project_styles/img/outside.png",  # a link to a file outside the project
        "/_project_styles/img/huge.png",  # over the size limit
        "/photos/",
        "/photos/../mail/people.csv",
        "/photos/%2e%2e/mail/people.csv",
        "/photos/%2E%2E%2Fmail%2Fpeople.csv",
        "/photos/..%5cmail%5cpeople.csv",
        "/photos\\..\\mail\\people.csv",
        "/photos/./ole%20bech.png",
        "/photos//ole%20bech.png",
        "/photos/ole%20bech.png%00",
        "/photos/ole%20bech.png%00.png",
        "/photos/ole%ff.png",
        "/_project_styles/../content/mail/people.csv",
        "/_project_styles/%2e%2e/content/mail/people.csv",
        "http://127.0.0.1:{port}/mail/people.csv",  # a proxy's request; not one
        "/" + os.fspath(Path(__file__).resolve()).lstrip("/"),
    ],
)
def test_the_preview_serves_nothing_else_of_the_project(preview_server, path):
    server, _ = preview_server
    status, body = get(server, path.format(port=server.server_address[1]))
    assert (status, body) == (404, b"Not found\n")


def raw_request(server: PreviewServer, request: bytes, whole: bool = True) -> bytes:
    """What the server answers to bytes sent as they are: until it closes, or (`whole`
    false: an event stream does not end) until the end of the headers."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as s:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)  # all sent: the server sees the end of the request
        answer = b""
        while (whole or b"\r\n\r\n" not in answer) and (chunk := s.recv(65536)):
            answer += chunk
    return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.mark.parametrize(
    "host_lines, status",
    [
        ([], 400),  # no Host: a browser always sends one
        (["Host: attacker.example"], 403),  # a name of its own that points here
        (["Host: attacker.example:{port}"], 403),
        (["Host: 127.0.0.1.attacker.example:{port}"], 403),
        (["Host: localhost:1"], 403),  # another port
        (["Host: 127.0.0.1"], 403),
        (["Host: 127.0.0.1:{port}", "Host: attacker.example"], 400),
        (["Host: 127.0.0.1:{port}"], 200),
        (["Host: localhost:{port}"], 200),
        (["Host: LocalHost:{port}"], 200),
        (["Host: [::1]:{port}"], 200),
    ],
)
@pytest.mark.parametrize("path", ["/", "/photos/ole%20bech.png", "/booklet.pdf", "/events"])
def test_the_preview_answers_only_to_its_own_host_names(preview_server, host_lines, status, path):
    server, _ = preview_server
    port = server.server_address[1]
    lines = [f"GET {path} HTTP/1.1", *(line.format(port=port) for line in host_lines)]
    request = "\r\n".join([*lines, "Connection: close", "", ""]).encode()
    answer = raw_request(server, request, whole=path != "/events")
    assert status_of(answer) == status
    if status != 200:
        head, body = answer.split(b"\r\n\r\n", 1)
        assert b"text/plain" in head and len(body) < 100
        assert SEED_TITLE.encode() not in body and b"%PDF" not in body


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n", 501),
        (b"POST /mail/people.csv HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n", 501),
        (b"\x00\x01\xff garbage\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\nHost: 127.0.0.1:{port}\r\n\r\n", 505),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"X: a\r\n" * 200 + b"\r\n", 431),
        (b"GET /\r\n\r\n", 400),  # HTTP/0.9: no Host
        (b"", None),  # a connection closed at once
    ],
)
def test_odd_requests_get_a_status_and_no_traceback(preview_server, capfd, request_bytes, status):
    server, _ = preview_server
    port = str(server.server_address[1]).encode()
    answer = raw_request(server, request_bytes.replace(b"{port}", port))
    assert (status_of(answer) if answer else None) == status
    assert get(server, "/")[0] == 200  # still serving
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("replacement", ["gone", "pipe", "link out"])
def test_a_pdf_that_is_gone_or_not_a_file_gives_404_and_no_traceback(tmp_path, capfd, replacement):
    from booklet.watch import Preview

    output = tmp_path / "output"
    output.mkdir()
    pdf = output / "booklet.pdf"
    if replacement == "pipe":
        os.mkfifo(pdf)
    elif replacement == "link out":
        (tmp_path / "secret.pdf").write_bytes(b"%PDF- not the booklet")
        pdf.symlink_to(tmp_path / "secret.pdf")
    preview = Preview([])
    preview.publish("<html><head></head><body></body></html>", [], pdf)
    server = PreviewServer(preview, {"/": tmp_path / "content"}, port=0)
    server.start()
    try:
        assert get(server, "/booklet.pdf") == (404, b"Not found\n")
    finally:
        server.stop()
    assert capfd.readouterr().err == ""


def test_a_loop_of_imports_and_references_outside_end_the_served_list(tmp_path):
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "a.css").write_text(
        '@import "b.css"; @import url(a.css); @import "pipe.css"; .x { src: url(f.ttf) }'
    )
    os.mkfifo(styles / "pipe.css")  # nobody writes: a read that waited would hang
    (styles / "b.css").write_text(
        '@import "a.css"; .y { background: url("../../etc/passwd.png") }'
        " .z { background: url(https://attacker.example/x.png), url(data:image/png;base64,AA) }"
    )
    (styles / "f.ttf").write_bytes(b"font")
    served = served_files(None, ["/_styles/a.css"], {"/_styles/": styles})
    assert sorted(served) == ["/_styles/a.css", "/_styles/b.css", "/_styles/f.ttf"]


class Badges(HTMLParser):
    """Talk anchor -> the page badge inside that talk's article."""

    def __init__(self) -> None:
        super().__init__()
        self.article: str | None = None
        self.in_badge = False
        self.badges: dict[str, str] = {}
        self.articles: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "article" and "talk" in attributes.get("class", "").split():
            self.article = attributes["id"]
            self.articles.append(self.article)
        elif tag == "span" and attributes.get("class") == "watch-page":
            self.in_badge = True

    def handle_endtag(self, tag):
        if tag == "article":
            self.article = None
        elif tag == "span":
            self.in_badge = False

    def handle_data(self, data):
        if self.in_badge and self.article:
            self.badges[self.article] = self.badges.get(self.article, "") + data


def test_the_preview_shows_each_talks_page_in_the_pdf(preview_server):
    server, result = preview_server
    status, page = get(server, "/")
    badges = Badges()
    badges.feed(page.decode())
    talks = sorted(anchor for anchor in result.page_of if anchor.startswith("talk-"))
    assert len(talks) == 4 and sorted(badges.articles) == talks
    assert badges.badges == {
        anchor: f"s.\u00a0{result.page_of[anchor]}" for anchor in badges.articles
    }  # the seed is in Danish: "s. 5"
    # ... and the page really is where the PDF prints the talk.
    reader = pypdf.PdfReader(result.pdf_path)
    assert SEED_TITLE in page_text(reader.pages[result.page_of[SEED_ANCHOR] - 1])


def test_the_event_stream_announces_every_new_build(preview_server):
    server, _ = preview_server
    preview = server.preview
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.request("GET", "/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    assert response.readline().decode() == f"data: {preview.version}\n"
    assert response.readline() == b"\n"
    preview.publish(None, preview.errors)  # as a build does
    assert response.readline().decode() == f"data: {preview.version}\n"
    connection.close()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["no-such-folder"], "no-such-folder: no such content folder"),
        ([str(SEED), "--edition", "poster"], "no edition 'poster'"),
        ([str(SEED), "--port", "{busy}"], "cannot serve on 127.0.0.1:{busy}"),
    ],
)
def test_a_mistake_in_the_command_exits_1_with_a_message(tmp_path, arguments, message):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-m", "booklet", "watch", "-o", str(tmp_path)]
            + [argument.format(busy=port) for argument in arguments],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )
    assert result.returncode == 1, result.stderr
    assert message.format(busy=port) in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


# ---- end to end: a real browser sees a saved change ---------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, installed here when missing and allowed."""
    if not CHROMIUM.exists():
        if os.geteuid() != 0:
            pytest.skip("needs /usr/bin/chromium: apt-get install chromium (as root)")
        install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
        if subprocess.run(install, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
            attempt = subprocess.run(install, capture_output=True, text=True)
            if attempt.returncode != 0:
                pytest.skip(f"could not install chromium: {attempt.stderr.strip()[-300:]}")
    return CHROMIUM


class DevTools:
    """A browser tab, driven over the Chrome DevTools protocol."""

    def __init__(self, websocket_url: str) -> None:
        import websocket

        self.socket = websocket.create_connection(websocket_url, timeout=30, suppress_origin=True)
        self.last_id = 0

    def call(self, method: str, **params) -> dict:
        self.last_id += 1
        self.socket.send(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:  # skip events; no domain is enabled, so there are few
            message = json.loads(self.socket.recv())
            if message.get("id") == self.last_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        self.socket.close()


def read_line(process: subprocess.Popen, timeout: float) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        pytest.fail(f"no line on stdout within {timeout} s")
    return process.stdout.readline().strip()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# What the test reads from the page: the talk's heading, its badge, the error panel, and
# a mark that the test leaves and only a reload clears.
TALK_STATE = f"""(() => {{
  const talk = document.getElementById("{SEED_ANCHOR}");
  const errors = document.querySelector(".watch-errors");
  return {{
    title: talk ? talk.querySelector("h2").textContent : null,
    badge: talk ? talk.querySelector(".watch-page")?.textContent : null,
    errors: errors ? errors.textContent : null,
    marked: window.markedByTheTest === true,
  }};
}})()"""


def wait_for_page(tab: DevTools, predicate, what: str, timeout: float = 60) -> dict:
    """Poll the tab until its state satisfies `predicate`; fail with the last state seen."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            state = tab.evaluate(TALK_STATE)
        except RuntimeError as error:  # the page is just being reloaded
            state = str(error)
        if isinstance(state, dict) and predicate(state):
            return state
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what} in the browser; it shows {state!r}")
        time.sleep(0.1)


def test_a_browser_sees_a_saved_change_and_then_the_error_of_a_broken_save(
    tmp_path, chromium, seed_build
):
    content = copy_content(SEED, tmp_path / "content")
    output = tmp_path / "output"
    profile = tmp_path / "chromium-profile"
    stderr_path = tmp_path / "watch-stderr.txt"
    processes: list[subprocess.Popen] = []
    tab = None
    try:
        with stderr_path.open("w") as stderr:
            watcher = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "booklet",
                    "watch",
                    "content",
                    "--port",
                    "0",
                    "-o",
                    "output",
                ],
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        processes.append(watcher)
        url = read_line(watcher, 60)
        assert url.startswith("http://127.0.0.1:")

        browser = subprocess.Popen(
            [
                str(chromium),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(browser)
        port_file = profile / "DevToolsActivePort"
        wait_until(
            lambda: port_file.exists() and len(port_file.read_text().splitlines()) >= 2,
            timeout=60,
            what="Chromium's DevTools port",
        )
        devtools_port = port_file.read_text().splitlines()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list") as response:
            targets = json.load(response)
        tab = DevTools(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])

        # The booklet as the seed has it, with the talk's page in the PDF.
        tab.call("Page.navigate", url=url)
        expected_badge = f"s.\u00a0{seed_build.page_of[SEED_ANCHOR]}"
        state = wait_for_page(tab, lambda s: s["title"] == SEED_TITLE, "the seed's talk")
        assert state["badge"] == expected_badge
        assert state["errors"] is None

        # A saved change: the same tab reloads by its own script and shows it.
        tab.evaluate("window.markedByTheTest = true")
        programme = content / "programme.yaml"
        new_title = "Idéklinikken – set i browseren"
        programme.write_text(
            programme.read_text(encoding="utf-8").replace(SEED_TITLE, new_title), "utf-8"
        )
        state = wait_for_page(tab, lambda s: s["title"] == new_title, "the saved title")
        assert not state["marked"]  # reloaded: the test navigated nowhere
        assert state["badge"] == expected_badge

        # A broken save: the error on the page, the last good PDF kept.
        pdf = output / PDF_NAME
        good_pdf = pdf.read_bytes()
        break_a_speaker_reference(content, "nobody")
        state = wait_for_page(tab, lambda s: s["errors"], "the broken save's error")
        assert "programme.yaml:" in state["errors"]
        assert "programme[0].speakers[0]: no speaker with id 'nobody'" in state["errors"]
        assert state["title"] == new_title  # the last good booklet under the errors
        assert pdf.read_bytes() == good_pdf

        # Ctrl-C: a clean stop, exit 0, no traceback; the error went to stderr too.
        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(30) == 0
        log = stderr_path.read_text()
        assert "no speaker with id 'nobody'" in log
        assert "Traceback" not in log
    finally:
        if tab is not None:
            tab.close()
        for process in processes:
            stop(process)
            if process.stdout:
                process.stdout.close()
        shutil.rmtree(profile, ignore_errors=True)


def test_a_projects_own_styles_and_templates_are_watched_and_served(tmp_path):
    from booklet.scaffold import new_project
    from booklet.watch import watched_folders

    project = tmp_path / "project"
    new_project(project)
    (project / "styles" / "booklet.css").write_text("h1 { color: #8a1538; }")
    session = Session(project / "content", project / "output")
    watched = watched_folders(project / "content", session.theme)
    assert (project / "styles").resolve() in watched
    assert (project / "templates").resolve() in watched
    assert (
        served_folders(project / "content", session.theme)["/_project_styles/"]
        == (project / "styles").resolve()
    )
    assert session.preview.stylesheets[-1] == "/_project_styles/booklet.css"


def test_linked_folders_in_the_content_are_not_walked(tmp_path):
    """A link to '.' would make the walk endless, one to /usr would watch the machine."""
    from booklet.watch import snapshot

    content = copy_content(SEED, tmp_path / "content")
    (content / "loop").symlink_to(".")
    (content / "usr").symlink_to("/usr")
    (content / "broken").symlink_to(content / "nowhere")
    found = snapshot([content], [])
    real_files = {
        Path(folder, name).resolve()
        for folder, _, names in os.walk(content)  # links to folders not followed
        for name in names
        if not Path(folder, name).is_symlink()
    }
    assert set(found) == real_files and real_files


def test_page_badges_go_beside_headings_of_their_own_article_only():
    """A talk without a heading gets no badge (the next article's heading is not its
    own); thousands of commented-out articles without one, a project template's, are
    left as they are (they cost a search to the page's end each: 140 s a build)."""
    from booklet.watch import with_page_badges

    html = '<article id="talk-a"><p>x</p></article><article id="talk-b"><h2>B</h2></article>'
    assert with_page_badges(html, {"talk-a": 1, "talk-b": 2}, "en") == html.replace(
        "<h2>", '<span class="watch-page" data-page="2">p.\u00a02</span><h2>'
    )
    hostile = '<!--<article id="talk-a" data-x="y">-->' * 8000
    assert with_page_badges(hostile, {"talk-a": 1}, "en") == hostile
