"""Every file a build reads is a regular file inside the project, of bounded size, and
the work of a layout is bounded: a hostile theme ends with exit 1 and a message naming
the file, never a hang, a full memory or a traceback.

The hostile projects are generated here. Those that would hang or fill memory if the
guard broke run in one child process with a timeout, case after case; each test then
reads the outcome of its own case."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from helpers import ROOT, SEED, generate

from booklet.pdf import css_problems
from booklet.theme import default_styles_folder

SECRET = "SECRET-4f1c9a outside the project"


def _make_fifo(path: Path, secret: Path) -> None:
    os.mkfifo(path)


def _make_device(path: Path, secret: Path) -> None:
    path.symlink_to("/dev/zero")


def _make_sparse(path: Path, secret: Path) -> None:
    with path.open("wb") as file:
        file.truncate(8 * 2**30)  # 8 GB that take no room on disk


def _make_link_outside(path: Path, secret: Path) -> None:
    path.symlink_to(secret)


def _make_folder(path: Path, secret: Path) -> None:
    path.mkdir()


KINDS = {
    "named pipe": _make_fifo,
    "link to a device": _make_device,
    "sparse 8 GB file": _make_sparse,
    "link to outside": _make_link_outside,
    "folder": _make_folder,
}

# Where a theme makes a build read a file: (file, stylesheet, command).
PLACES = {
    "css image": ("styles/hostile.png", ".cover { background-image: url(hostile.png) }", "build"),
    "css font": (
        "styles/hostile.ttf",
        "@font-face { font-family: Hostile; src: url(hostile.ttf) } body { font-family: Hostile }",
        "build",
    ),
    "fonts folder, check": ("styles/fonts/hostile.ttf", "", "check"),
    "fonts folder, build": ("styles/fonts/hostile.ttf", "", "build"),
    "the stylesheet, check": ("styles/booklet.css", None, "check"),
    "the stylesheet, build": ("styles/booklet.css", None, "build"),
}


def _project(folder: Path, css: str = "", content: Path = SEED) -> Path:
    """A project as `booklet new` lays it out: content/ and styles/ with fonts/."""
    shutil.copytree(content, folder / "content")
    (folder / "styles" / "fonts").mkdir(parents=True)
    (folder / "styles" / "booklet.css").write_text(css, encoding="utf-8")
    return folder


def _png_bomb(width: int, height: int) -> bytes:
    """A black-and-white PNG of width x height pixels, a few hundred KB on disk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    rows = (b"\0" + b"\xff" * ((width + 7) // 8)) * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _cases(root: Path) -> dict[str, tuple[list[str], str]]:
    """Case name -> (command line, the file the message must name)."""
    secret = root / "secret.txt"
    secret.write_text(SECRET)
    cases: dict[str, tuple[list[str], str]] = {}

    def add(name: str, project: Path, command: str, named: str, *options: str) -> None:
        arguments = [command, str(project / "content")]
        if command == "build":
            arguments += ["-o", str(project / "output"), "--quiet", *options]
        cases[name] = (arguments, named)

    for kind, make in KINDS.items():
        for place, (file, css, command) in PLACES.items():
            project = _project(root / f"{kind}-{place}".replace(" ", "-"), css or "")
            target = project / file
            if css is None:
                target.unlink()
            make(target, secret)
            add(f"{kind} / {place}", project, command, target.name)

    for command in ("check", "build"):
        project = _project(root / f"not-a-font-{command}")
        (project / "styles" / "fonts" / "notes.ttf").write_text(SECRET)
        add(f"not a font / {command}", project, command, "notes.ttf")
        project = _project(root / f"cut-font-{command}")
        font = (default_styles_folder() / "fonts" / "BookletSerif-Bold.ttf").read_bytes()
        (project / "styles" / "fonts" / "cut.ttf").write_bytes(font[:3000])
        add(f"a font cut short / {command}", project, command, "cut.ttf")

    # WeasyPrint copies every font it is given to a temporary folder: a bounded number.
    project = _project(root / "many-fonts")
    for number in range(101):
        (project / "styles" / "fonts" / f"font-{number}.ttf").write_bytes(b"")
    add("101 font files", project, "check", "styles/fonts")
    project = _project(root / "large-fonts")
    for number in range(11):
        with (project / "styles" / "fonts" / f"font-{number}.ttf").open("wb") as file:
            file.truncate(49 * 2**20)  # each under the limit of one font; together over
    add("539 MB of fonts", project, "build", "styles/fonts")

    # WeasyPrint draws an SVG catching every exception, even those that stop it.
    project = _project(root / "svg", ".cover { background-image: url(picture.svg) }")
    (project / "styles" / "picture.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<image href="pipe.png" width="10" height="10"/></svg>'
    )
    os.mkfifo(project / "styles" / "pipe.png")
    add("a named pipe drawn by an SVG from css", project, "build", "pipe.png")

    project = _project(root / "pixels", ".cover { background-image: url(bomb.png) }")
    (project / "styles" / "bomb.png").write_bytes(_png_bomb(13_000, 13_000))
    add("13000 x 13000 pixels from css", project, "build", "bomb.png")

    # 2 kB of <use> repeating <use>, eight levels of ten: 10^8 shapes (7 GB, no end).
    project = _project(root / "use-bomb", ".cover { background-image: url(uses.svg) }")
    levels = ['<rect id="l0" width="1" height="1"/>'] + [
        f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, 9)
    ]
    (project / "styles" / "uses.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><defs>' + "".join(levels) + "</defs>"
        '<use href="#l8"/></svg>'
    )
    add("an SVG of <use> repeating <use>", project, "build", "uses.svg")

    # The same font under 3,000 @font-face rules: WeasyPrint copies it for each (2.5 GB).
    faces = "".join(
        f'@font-face {{ font-family: "F{n}"; src: url(fonts/NotoEmoji-Regular.ttf) }}'
        f" .f{n} {{ font-family: F{n} }}"
        for n in range(3000)
    )
    project = _project(root / "font-faces", faces)
    shutil.copy(
        default_styles_folder() / "fonts" / "NotoEmoji-Regular.ttf", project / "styles" / "fonts"
    )
    add("one font under 3000 @font-face rules", project, "build", "NotoEmoji-Regular.ttf")

    for name, css in {
        "font-size 1e30pt": "html { font-size: 1e30pt }",
        "margin -1e308px": "p { margin-left: -1e308px }",
        "a size in calc() too large": "p { font-size: calc(1e5pt * 1e5 * 1e5) }",
        "a grid of a million tracks": ".welcome { display: grid; "
        "grid-template-columns: repeat(1000000, 1px) }",
        "a grid repeated by a custom property": ":root { --n: 1000000 } .welcome { "
        "display: grid; grid-template-columns: repeat(var(--n), 1px) }",
        "grid areas of 20000 cells": '.cover { display: grid; grid-template-areas: "'
        + "a " * 20_000
        + '" }',
        "four '~' in a selector": "@media print { .absent ~ * ~ * ~ * ~ * { color: red } }",
    }.items():
        add(name, _project(root / name.replace(" ", "-"), css), "build", "booklet.css")
    project = _project(root / "checked", "html { font-size: 1e30pt }")
    add("font-size 1e30pt, check", project, "check", "booklet.css")

    # A letter a page: the seed, one document; and a booklet laid out in parts.
    runaway = "* { font-size: 1500pt; word-break: break-all }"
    add("page limit", _project(root / "runaway", runaway), "build", "", "--max-pages", "20")
    large = generate(40, root / "generated", per_day=20)
    project = _project(root / "runaway-parts", runaway, content=large)
    add("page limit, in parts", project, "build", "", "--max-pages", "20")
    return cases


DRIVER = """
import contextlib, io, json, sys, traceback
import typer
from booklet.cli import app

for name, arguments in json.loads(sys.argv[1]):
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = app(arguments, standalone_mode=False) or 0
        except typer.Exit as stop:
            code = stop.exit_code
        except SystemExit as stop:
            code = stop.code
        except Exception:
            traceback.print_exc()
            code = 2
    print(json.dumps({"case": name, "code": code, "stderr": errors.getvalue()}), flush=True)
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, dict]:
    """Every case run once, in order, in one child process that a hang cannot outlive."""
    cases = _cases(tmp_path_factory.mktemp("hostile"))
    order = [(name, arguments) for name, (arguments, _) in cases.items()]
    try:
        run = subprocess.run(
            [sys.executable, "-c", DRIVER, json.dumps(order)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=240,
        )
        finished, trouble = run.stdout, run.stderr[-2000:]
    except subprocess.TimeoutExpired as timeout:  # the cases done before the hang count
        partial = timeout.stdout or b""
        finished = partial.decode() if isinstance(partial, bytes) else partial
        trouble = "timed out"
    results = {}
    for line in finished.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            arguments, named = cases[result["case"]]
            results[result["case"]] = result | {"named": named, "arguments": arguments}
    missing = {"code": None, "stderr": trouble}  # it hung, or a case before it did
    return {
        name: results.get(name, missing | {"named": named, "arguments": arguments})
        for name, (arguments, named) in cases.items()
    }


HOSTILE_FILES = [f"{kind} / {place}" for kind in KINDS for place in PLACES]
NOT_FONTS = [
    f"{what} / {command}"
    for what in ("not a font", "a font cut short")
    for command in (
        "check",
        "build",
    )
]


@pytest.mark.parametrize(
    "case",
    [
        *HOSTILE_FILES,
        *NOT_FONTS,
        "a named pipe drawn by an SVG from css",
        "13000 x 13000 pixels from css",
        "an SVG of <use> repeating <use>",
        "one font under 3000 @font-face rules",
        "101 font files",
        "539 MB of fonts",
    ],
)
def test_a_file_the_theme_must_not_read_ends_the_build_with_exit_1_naming_it(outcomes, case):
    outcome = outcomes[case]
    assert outcome["code"] == 1, outcome
    stderr = outcome["stderr"]
    assert outcome["named"] in stderr
    assert "Traceback" not in stderr
    assert SECRET not in stderr
    assert not _written(outcome)


def _written(outcome: dict) -> list[Path]:
    """The PDFs a build wrote (a check writes none)."""
    arguments = outcome["arguments"]
    if "-o" not in arguments:
        return []
    return list(Path(arguments[arguments.index("-o") + 1]).glob("*.pdf"))


@pytest.mark.parametrize(
    "case",
    [
        "font-size 1e30pt",
        "font-size 1e30pt, check",
        "margin -1e308px",
        "a size in calc() too large",
        "a grid of a million tracks",
        "a grid repeated by a custom property",
        "grid areas of 20000 cells",
        "four '~' in a selector",
    ],
)
def test_absurd_sizes_in_a_theme_end_with_exit_1_naming_the_stylesheet(outcomes, case):
    outcome = outcomes[case]
    assert outcome["code"] == 1, outcome
    assert "styles/booklet.css" in outcome["stderr"]
    assert "Traceback" not in outcome["stderr"]
    assert not _written(outcome)


@pytest.mark.parametrize("case", ["page limit", "page limit, in parts"])
def test_a_theme_that_puts_a_letter_on_a_page_stops_at_the_page_limit(outcomes, case):
    outcome = outcomes[case]
    assert outcome["code"] == 1, outcome
    assert "the booklet passed 20 pages while being laid out" in outcome["stderr"]
    assert "--max-pages" in outcome["stderr"]


def test_the_page_limit_is_a_build_option_with_a_default_far_above_real_booklets():
    from booklet.pdf import DEFAULT_MAX_PAGES

    help_text = subprocess.run(
        [sys.executable, "-m", "booklet", "build", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    ).stdout
    assert "--max-pages" in help_text
    assert DEFAULT_MAX_PAGES >= 2 * 856  # the 1,000-talk benchmark booklet's pages


def test_a_missing_image_stays_a_warning(tmp_path):
    import booklet

    project = _project(tmp_path / "p", ".cover { background-image: url(nothere.png) }")
    result = booklet.build(project / "content", project / "output")
    assert result.pdf_path.exists()
    assert any("nothere.png" in warning for warning in result.warnings), result.warnings


def test_css_problems_are_located_by_line_and_column():
    css = "p {\n  color: red;\n  font-size: 1e30pt;\n}\n@page { margin: 1e999mm }\n"
    problems = [str(problem) for problem in css_problems(css, "styles/booklet.css")]
    assert problems == [
        "styles/booklet.css:3:14: font-size: 1e30pt is beyond any booklet (at most 100,000)",
        "styles/booklet.css:5:17: margin: 1e999mm is beyond any booklet (at most 100,000)",
    ]


def test_the_default_theme_and_reasonable_grids_have_no_css_problems():
    for sheet in default_styles_folder().glob("*.css"):
        assert css_problems(sheet.read_text(encoding="utf-8"), sheet.name) == []
    grid = ".g { grid-template-columns: repeat(12, [col] 1fr) 2cm; grid-template-rows: auto }"
    assert css_problems(grid + " :root { --z: 999 } .x { z-index: 99999 }", "s.css") == []


def test_css_reached_through_an_import_or_the_templates_is_held_to_the_same_limits(tmp_path):
    """An @import'ed sheet, a sheet importing itself, and CSS written by a template into
    <style> or style="" meet the limits of the theme's own stylesheets: exit 1, named."""
    import booklet
    from booklet.scaffold import new_project

    project = tmp_path / "p"
    new_project(project)
    styles = project / "styles"
    grid = "body { display: grid; grid-template-columns: repeat(1000000, 1px); }"
    cases = {
        "imported": ('@import "a.css";', {"a.css": grid}),
        "imports itself": ('@import "a.css";', {"a.css": '@import "a.css"; @import "a.css";'}),
    }
    for name, (main, files) in cases.items():
        (styles / "booklet.css").write_text(main)
        for file, text in files.items():
            (styles / file).write_text(text)
        with pytest.raises(booklet.BookletError, match=r"a\.css"):
            booklet.build(project / "content", tmp_path / name)
    (styles / "booklet.css").write_text("")
    for template in (
        f"<style>{grid}</style>",
        '<section class="cover" id="cover" style="font-size: 1e30pt">x</section>',
    ):
        (project / "templates" / "cover.html.j2").write_text(template)
        with pytest.raises(booklet.BookletError, match="booklet's templates"):
            booklet.build(project / "content", tmp_path / "t")


def test_a_template_cannot_attach_the_recipient_list_to_the_pdf(tmp_path):
    """The renderer loads stylesheets, fonts and images only: a template's
    <link rel="attachment"> to content/mail/people.example.csv embeds nothing."""
    import pikepdf

    import booklet
    from booklet.scaffold import new_project

    project = tmp_path / "p"
    new_project(project)
    (project / "templates" / "cover.html.j2").write_text(
        '<section class="cover" id="cover"><link rel="attachment" '
        'href="mail/people.example.csv">x</section>'
    )
    result = booklet.build(project / "content", tmp_path / "out")
    with pikepdf.open(result.pdf_path) as pdf:
        assert not pdf.attachments
    recipients = (project / "content" / "mail" / "people.example.csv").read_bytes()
    assert recipients.splitlines()[1] not in result.pdf_path.read_bytes()


def _build_in_child(content: Path, output: Path, cache: Path) -> subprocess.CompletedProcess:
    """`booklet build` in a child with a timeout: a cache file that hangs the read ends
    the test, not the suite."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    command = [sys.executable, "-m", "booklet", "build", str(content), "-o", str(output)]
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=240
    )


def _planted(path: Path, kind: str) -> None:
    """What a project copied from elsewhere may hold where booklet keeps a cache file."""
    path.unlink(missing_ok=True)
    if kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "pipe":
        os.mkfifo(path)
    else:
        path.write_text(kind)  # JSON of another shape


def _built_again_over_planted_caches(content: Path, tmp_path: Path, planted) -> Path:
    """Build; plant what `planted(output, cache)` names, (path, kind), in place of cache
    files; build again: no hang, no failure, and the same PDF. Returns the output folder."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    first = _build_in_child(content, output, cache)
    assert first.returncode == 0, first.stderr
    (pdf,) = output.glob("*.pdf")
    before = pdf.read_bytes()
    places = list(planted(output, cache))
    assert len(places) >= 3
    for path, kind in places:
        _planted(path, kind)
    again = _build_in_child(content, output, cache)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert pdf.read_bytes() == before
    return output


def test_links_and_pipes_in_place_of_cache_files_are_passed_over(tmp_path):
    """The page numbers beside the PDF and those, and the fonts' facts, in the user's
    cache: each replaced by a link to /dev/zero, a named pipe or JSON of another shape."""
    kinds = ["link to /dev/zero", "pipe", "[1, 2]", '{"characters": 7}']

    def planted(output, cache):
        files = [*output.glob(".*.pages.json"), *sorted((cache / "booklet").glob("*/*.json"))]
        return [(path, kinds[number % len(kinds)]) for number, path in enumerate(files)]

    output = _built_again_over_planted_caches(SEED, tmp_path, planted)
    (pages_file,) = output.glob(".*.pages.json")
    assert pages_file.is_file() and not pages_file.is_symlink()  # written anew


def test_links_and_pipes_in_place_of_a_large_booklets_parts_are_passed_over(tmp_path):
    def planted(output, cache):
        (parts,) = (cache / "booklet" / "parts").glob("*/")  # the user's cache: not output/
        files = sorted(parts.glob("*.pdf"))[:2] + sorted(parts.glob("*.json"))[:3]
        return zip(files, ["pipe", "link to /dev/zero", "[]", "7", "pipe"], strict=True)

    content = generate(45, tmp_path / "content", per_day=16)
    _built_again_over_planted_caches(content, tmp_path, planted)


def test_a_link_named_like_an_image_to_another_kind_of_file_is_not_read(tmp_path):
    """photos/list.png linked to the recipient list, attached by a template: the file is
    judged by what the link leads to, not by its name (the list went out in every copy).
    (An <a rel="attachment"> to it is no link at all now: pdf.laid_out_html.)"""
    import booklet
    from booklet.scaffold import new_project

    project = tmp_path / "p"
    new_project(project)
    (project / "content" / "photos").mkdir(exist_ok=True)
    (project / "content" / "photos" / "list.png").symlink_to("../mail/people.example.csv")
    (project / "templates" / "cover.html.j2").write_text(
        '<section class="cover" id="cover"><link rel="attachment" href="photos/list.png">'
        "x</section>"
    )
    with pytest.raises(booklet.BookletError, match="a link to a file of another kind"):
        booklet.build(project / "content", tmp_path / "out")
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_css_in_single_quotes_and_an_image_under_many_addresses_are_held_too(tmp_path):
    """style='…' met no limit (only style="…" did); one image under x.png?1, ?2… was
    embedded once per address (676 MB from a 6.7 MB picture): a query is refused."""
    import pikepdf

    import booklet
    from booklet.scaffold import new_project

    project = tmp_path / "p"
    new_project(project)
    (project / "templates" / "cover.html.j2").write_text(
        """<section class="cover" id="cover" style='display: grid; """
        "grid-template-columns: repeat(30000000, 1px)'>x</section>"
    )
    with pytest.raises(booklet.BookletError, match="booklet's templates"):
        booklet.build(project / "content", tmp_path / "t")
    (project / "content" / "picture.png").write_bytes(_png_bomb(40, 40))
    address = "picture.png"

    def images_with(cover: str) -> int:
        (project / "templates" / "cover.html.j2").write_text(
            f'<section class="cover" id="cover">{cover}x</section>'
        )
        result = booklet.build(project / "content", tmp_path / "q")
        with pikepdf.open(result.pdf_path) as pdf:
            return sum(1 for obj in pdf.objects if getattr(obj, "Subtype", None) == "/Image")

    queried = "".join(f'<img src="{address}?{n}" alt="">' for n in range(20))
    assert images_with(queried) == images_with("")
