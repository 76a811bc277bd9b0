"""Content is untrusted: it fetches nothing, reads nothing outside its folder, cannot eat
the machine, and a build that dies midway loses nothing."""

from __future__ import annotations

import http.server
import os
import re
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib

import pytest
from helpers import ROOT, SEED, copy_content, write_content

import booklet
from booklet import ContentError


@pytest.fixture
def listener():
    """A web server on 127.0.0.1 that counts every request that reaches it."""
    requests: list[str] = []

    class Count(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server wants)
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(_png(2, 2))

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Count)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def _png(width: int, height: int, data: bytes | None = None) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    pixels = data if data is not None else zlib.compress(b"\0" + b"\x80" * width) * height
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_no_request_reaches_a_server_named_in_the_content(tmp_path, listener):
    url, requests = listener
    conference = {
        "title": "T",
        "organiser": "O",
        "welcome": f"![x]({url}/welcome.png) [site]({url})",
    }
    speakers = [{"id": "a", "name": "Ann Lee", "photo": f"{url}/photo.png"}]
    programme = [{"title": "Talk", "speakers": ["a"], "abstract": f'<img src="{url}/raw.png">'}]
    folder = write_content(tmp_path / "c", conference, speakers, programme)
    with pytest.raises(ContentError, match="not a URL"):
        booklet.build(folder, tmp_path / "out")

    # Without the photo the booklet builds; the Markdown image and link and the raw HTML
    # are text or a link in the PDF, never something fetched.
    speakers[0].pop("photo")
    folder = write_content(tmp_path / "c2", conference, speakers, programme)
    result = booklet.build(folder, tmp_path / "out")
    assert result.pdf_path.exists()
    assert requests == []


def test_a_theme_cannot_fetch_from_the_network_either(tmp_path, listener):
    url, requests = listener
    styles = tmp_path / "styles"
    import shutil

    from booklet.theme import default_styles_folder

    shutil.copytree(default_styles_folder(), styles)
    with (styles / "booklet.css").open("a") as css:
        css.write(
            f"\n.cover {{ background-image: url({url}/bg.png); }}\n"
            "\n.welcome { background-image: url(file:///etc/hostname); }\n"
        )
    result = booklet.build(SEED, tmp_path / "out", styles_folder=styles)
    assert requests == []
    refused = [w for w in result.warnings if "refused" in w]
    assert len(refused) == 2, result.warnings


def test_an_image_with_absurd_dimensions_is_refused_without_decoding_it(tmp_path):
    folder = copy_content(SEED, tmp_path / "content")
    (folder / "bomb.png").write_bytes(_png(30_000, 30_000, data=b""))
    speakers = folder / "speakers.yaml"
    speakers.write_text(
        speakers.read_text().replace(
            "  role: Analysechef", "  role: Analysechef\n  photo: bomb.png", 1
        )
    )
    with pytest.raises(ContentError) as caught:
        booklet.build(folder, tmp_path / "out")
    assert "speakers[0].photo: has more than 40,000,000 pixels; use a smaller image (bomb.png)" in (
        str(caught.value)
    )


def test_a_character_no_font_can_draw_is_a_located_warning(tmp_path):
    conference = {"title": "Conference", "organiser": "O"}
    speakers = [{"id": "wang", "name": "王小明 Wang"}]
    programme = [{"title": "Talk", "speakers": ["wang"]}]
    folder = write_content(tmp_path / "c", conference, speakers, programme)
    result = booklet.build(folder, tmp_path / "out")
    assert any(
        "speakers.yaml:2:9: speakers[0].name: warning: '小' (U+5C0F), '明' (U+660E), '王' (U+738B) "
        "not in the booklet's fonts" in warning
        for warning in result.warnings
    ), result.warnings
    with pytest.raises(ContentError):
        booklet.build(folder, tmp_path / "strict", strict=True)
    assert not (tmp_path / "strict").exists()


KILL_POINTS = [0.3, 0.6, 0.9]


@pytest.mark.parametrize("delay", KILL_POINTS)
def test_a_build_killed_midway_leaves_the_last_good_pdf(tmp_path, delay):
    content = copy_content(SEED, tmp_path / "content")
    output = tmp_path / "output"
    good = booklet.build(content, output).pdf_path
    before = good.read_bytes()
    conference = content / "conference.yaml"
    conference.write_text(
        conference.read_text().replace("ATV har en vision", "ATV har en ny vision")
    )

    process = subprocess.Popen(
        [sys.executable, "-m", "booklet", "build", str(content), "-o", str(output)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = good.read_bytes()
    # Either the build was killed before it finished and the old PDF is intact, or it
    # finished first and the new one is whole; never half a file.
    assert after == before or (after.startswith(b"%PDF-") and after.rstrip().endswith(b"%%EOF"))


def test_a_build_killed_while_writing_leaves_the_last_good_pdf(tmp_path):
    """Kill the process inside the write itself, after the new bytes are on disk but
    before the rename that would publish them."""
    content = copy_content(SEED, tmp_path / "content")
    output = tmp_path / "output"
    good = booklet.build(content, output).pdf_path
    before = good.read_bytes()
    script = (
        "import os, signal, booklet.api as api;"
        "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL);"
        f"api.build({str(content)!r}, {str(output)!r})"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True)
    assert result.returncode == -signal.SIGKILL
    assert good.read_bytes() == before
    # What the killed build left behind is cleared once it is old enough not to be the
    # temporary file of a build that is still writing.
    (leftover,) = output.glob("*.part")
    booklet.build(content, output)
    assert leftover.exists()
    os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    booklet.build(content, output)
    assert sorted(p.name for p in output.iterdir()) == [f".{good.stem}.pages.json", good.name]
    assert os.access(good, os.R_OK)


# --- a project's output folder is untrusted too ----------------------------------------------


def _victim(folder):
    """A folder of the user's own files, which no build may touch."""
    folder.mkdir(parents=True)
    for name in ("thesis.pdf", ".bashrc", "notes.txt", "old.eml"):
        (folder / name).write_bytes(b"mine")
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_an_output_folder_that_is_a_link_is_refused_and_what_it_points_at_untouched(tmp_path):
    """A project copied from elsewhere may ship output/ as a link to the user's files:
    booklet would overwrite them with its PDFs and tidy away what it takes for its own."""
    content = copy_content(SEED, tmp_path / "project" / "content")
    before = _victim(tmp_path / "documents")
    (tmp_path / "project" / "output").symlink_to(tmp_path / "documents")
    result = subprocess.run(
        [sys.executable, "-m", "booklet", "build", str(content), "-o",
         str(tmp_path / "project" / "output")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "a link to another folder" in result.stderr and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "documents").iterdir()} == before


@pytest.mark.parametrize("linked, personal", [("mail", True), ("mail/copies", True),
                                               ("mail/copies", False)])  # fmt: skip
def test_a_mail_folder_that_is_a_link_is_refused_and_its_files_kept(tmp_path, linked, personal):
    """`booklet mail` tidies away the invitations and copies of people no longer invited:
    through a shipped link it deleted every PDF of the folder linked to."""
    from example_project import fresh_project

    project = fresh_project(tmp_path / "p")
    before = _victim(tmp_path / "documents")
    target = project / "output" / linked
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(tmp_path / "documents")
    people = project / "content" / "mail" / "people.example.csv"
    result = subprocess.run(
        [sys.executable, "-m", "booklet", "mail", str(project / "content"), "--recipients",
         str(people), "-o", str(project / "output"), *(["--personal"] if personal else [])],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "a link to another folder" in result.stderr and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "documents").iterdir()} == before


def test_laid_out_parts_are_kept_in_the_users_cache_never_taken_from_output(tmp_path, monkeypatch):
    """Parts found beside the PDF were joined into the booklet unchecked: a project could
    ship them with JavaScript on every page. They live in the user's cache now, and a
    planted parts folder in output/ is neither read nor tidied."""
    from helpers import generate

    content = generate(45, tmp_path / "content", per_day=16)
    output = tmp_path / "output"
    planted = output / ".konference-med-45-oplaeg.parts"
    before = _victim(planted)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    messages: list[str] = []
    result = booklet.build(content, output, progress=messages.append)
    assert result.page_count > 40
    assert {p.name: p.read_bytes() for p in planted.iterdir()} == before
    assert list((tmp_path / "cache" / "booklet" / "parts").glob("*/*.pdf"))


def test_what_a_hostile_project_overflows_ends_with_a_message_not_a_traceback(tmp_path):
    """HTML nested 5,000 deep by a template (WeasyPrint recurses), a web address of
    3,000 characters (no QR code holds it), a CSV field of 200 kB: exit 1, named."""
    from example_project import fresh_project

    from booklet import BookletError
    from booklet.importer import import_schedule

    project = fresh_project(tmp_path / "p")
    (project / "templates" / "cover.html.j2").write_text(
        '<section class="cover" id="cover">' + "<div>" * 5_000 + "deep" + "</section>"
    )
    with pytest.raises(BookletError, match="nested too deeply"):
        booklet.build(project / "content", tmp_path / "out")
    assert not list((tmp_path / "out").glob("*.pdf"))
    # 700,000 empty elements: 4.9 million characters, 8 GB in WeasyPrint.
    (project / "templates" / "cover.html.j2").write_text(
        '<section class="cover" id="cover">{{ ("<b></b>" * 700000) | safe }}</section>'
    )
    with pytest.raises(BookletError, match="more than WeasyPrint can lay out"):
        booklet.build(project / "content", tmp_path / "out")

    conference = project / "content" / "conference.yaml"
    text = conference.read_text(encoding="utf-8")
    long_address = f"website: https://example.org/{'x' * 3000}"
    conference.write_text(re.sub(r"(?m)^website: .*$", long_address, text), "utf-8")
    with pytest.raises(ContentError) as raised:
        booklet.check(project / "content")
    (problem,) = raised.value.problems
    assert problem.field == "conference.website" and "1000" in problem.message

    (tmp_path / "wide.csv").write_text("Title;Speaker\n" + "x" * 200_000 + ";Ann\n")
    with pytest.raises(BookletError, match="wide.csv: not a readable CSV file"):
        import_schedule(tmp_path / "wide.csv", tmp_path / "imported")


def test_a_template_links_only_to_the_web_mail_and_the_booklet(tmp_path):
    """<a href> to javascript:, file: or a relative address (which became a file: link
    naming the folders the booklet was built in) is no link in the PDF."""
    import pikepdf
    from example_project import fresh_project

    project = fresh_project(tmp_path / "p")
    (project / "templates" / "cover.html.j2").write_text(
        '<section class="cover" id="cover"><a href="javascript:alert(1)">a</a> '
        "<a href='file:///etc/passwd'>b</a> <a href=notes.html>c</a> "
        '<a href="https://example.org/">d</a> <a href="mailto:a@example.org">e</a></section>'
    )
    result = booklet.build(project / "content", tmp_path / "out")
    with pikepdf.open(result.pdf_path) as pdf:
        addresses = [
            str(annotation.A.URI)
            for annotation in pdf.pages[0].get("/Annots", [])
            if "/A" in annotation and "/URI" in annotation.A
        ]
    assert sorted(addresses) == ["https://example.org/", "mailto:a@example.org"]
    assert str(tmp_path).encode() not in result.pdf_path.read_bytes()
