"""What the speed work (issue 14) may not change: the bytes. Each shortcut (the garbage
collector paused, one layout for two editions, parts reused) is checked against the
build without it; nothing here is timed."""

from __future__ import annotations

import contextlib
import random
import re

import pytest
import weasyprint
from helpers import SEED, copy_content, generate, tag_tree

import booklet
from booklet import api, compact, parts, pdf


@pytest.fixture(scope="module")
def large_content(tmp_path_factory):
    """A booklet laid out in parts (several days of abstracts)."""
    return generate(45, tmp_path_factory.mktemp("large") / "content", per_day=16)


@pytest.fixture(scope="module")
def photo_content(tmp_path_factory):
    """The seed with one speaker photo: the email edition downsamples it."""
    from PIL import Image

    folder = copy_content(SEED, tmp_path_factory.mktemp("photo") / "content")
    (folder / "photos").mkdir()
    chance = random.Random(3)
    Image.frombytes("RGB", (900, 900), chance.randbytes(900 * 900 * 3)).save(
        folder / "photos" / "ole.jpg", quality=92
    )
    speakers = folder / "speakers.yaml"
    text = speakers.read_text(encoding="utf-8")
    speakers.write_text(
        text.replace(
            "  name: Ole Bech Lykkebo\n", "  name: Ole Bech Lykkebo\n  photo: photos/ole.jpg\n"
        ),
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize("edition", ["screen", "print"])
@pytest.mark.parametrize("size", ["seed", "parts"])
def test_pausing_the_garbage_collector_changes_no_byte(
    size, edition, large_content, tmp_path, monkeypatch
):
    content = SEED if size == "seed" else large_content
    paused = booklet.build(content, tmp_path / "paused", edition=edition).pdf_path.read_bytes()
    monkeypatch.setattr(pdf, "collector_paused", contextlib.nullcontext)
    monkeypatch.setattr(parts, "collector_paused", contextlib.nullcontext)
    collecting = booklet.build(content, tmp_path / "collecting", edition=edition)
    assert collecting.pdf_path.read_bytes() == paused


EDITIONS = ("screen", "print", "email")  # the order of `build --edition all`


@pytest.mark.parametrize("size", ["seed", "parts"])
def test_all_editions_at_once_are_the_editions_built_one_by_one(size, large_content, tmp_path):
    content = SEED if size == "seed" else large_content
    results = booklet.build_editions(content, tmp_path / "together", editions=EDITIONS)
    together = {
        edition: result.pdf_path.read_bytes()
        for edition, result in zip(EDITIONS, results, strict=True)
    }
    for edition in EDITIONS:
        # each in a folder of its own: no page numbers or parts left by another edition
        alone = booklet.build(content, tmp_path / edition, edition=edition)
        assert alone.pdf_path.read_bytes() == together[edition], edition
    # Without photos, email and screen are one layout: the same bytes.
    assert together["email"] == together["screen"]


def test_with_a_photo_the_email_edition_is_laid_out_on_its_own(photo_content, tmp_path):
    results = booklet.build_editions(photo_content, tmp_path / "together", editions=EDITIONS)
    together = {
        edition: result.pdf_path.read_bytes()
        for edition, result in zip(EDITIONS, results, strict=True)
    }
    assert len(together["email"]) < len(together["screen"])  # the photo downsampled
    alone = booklet.build(photo_content, tmp_path / "alone", edition="email")
    assert alone.pdf_path.read_bytes() == together["email"]


@pytest.mark.parametrize("edition", ["screen", "print"])
def test_the_first_layout_with_stand_ins_gives_the_bytes_of_css_counting(
    edition, tmp_path, monkeypatch
):
    """A cold build lays out first with stand-in page numbers, not CSS target-counter():
    the booklet it settles on is the same."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    stand_ins = booklet.build(SEED, tmp_path / "stand-ins", edition=edition)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
    monkeypatch.setattr(api, "stand_in_pages", lambda view: None)
    counted = booklet.build(SEED, tmp_path / "counted", edition=edition)
    assert counted.pdf_path.read_bytes() == stand_ins.pdf_path.read_bytes()


def test_page_numbers_known_from_an_earlier_build_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = booklet.build(SEED, tmp_path / "first").pdf_path.read_bytes()
    assert len(list((tmp_path / "cache" / "booklet" / "pages").glob("*.json"))) == 1
    layouts = []
    render = weasyprint.HTML.render
    monkeypatch.setattr(
        weasyprint.HTML, "render", lambda *a, **k: layouts.append(1) or render(*a, **k)
    )
    again = booklet.build(SEED, tmp_path / "elsewhere").pdf_path.read_bytes()
    assert again == first and len(layouts) == 1


def _glyph_positions(array: bytes) -> list[tuple[str, float]]:
    """(glyph, offset before it, summed) for every glyph of a TJ array's inside."""
    positions, moved = [], 0.0
    for match in re.finditer(rb"<([0-9a-f]*)>|(-?[0-9.]+(?:e-?[0-9]+)?)", array):
        if match[2] is not None:
            moved += float(match[2])
        else:
            glyphs = match[1].decode()
            positions += [(glyphs[i : i + 4], moved) for i in range(0, len(glyphs), 4)]
    return positions


@pytest.mark.parametrize(
    "array",
    [
        b"<0022>-33<>-35.8<0028>0<0029>0<>-57.47663839629915<0001>-54<0045>0",
        b"<>-1.2e-05<0045>0.4<0046>0.4<0047>0.4<0048>0.4",
        b"-3.5<0045>0<0046>",
    ],
)
def test_compacted_text_draws_the_same_glyphs_within_half_a_thousandth_of_an_em(array):
    compacted = compact.compact_tj(array)
    assert compacted.startswith(b"[") and compacted.endswith(b"] TJ")
    before, after = _glyph_positions(array), _glyph_positions(compacted[1:-4])
    assert [glyph for glyph, _ in after] == [glyph for glyph, _ in before]
    assert all(abs(a - b) <= 0.5 for (_, a), (_, b) in zip(after, before, strict=True))
    assert b">0<" not in compacted


def test_the_tag_tree_keeps_meaningful_elements_only(seed_build):
    kinds = tag_tree(seed_build.pdf_path)  # checks the tree is whole, every MCID its entry
    assert not {"/Span", "/Div"} & kinds.keys()
    assert kinds["/P"] and kinds["/H1"] and kinds["/Link"]


def test_a_preflight_from_known_pages_says_what_a_full_one_does(seed_editions, tmp_path):
    from booklet.preflight import preflight

    printed = seed_editions["print"].pdf_path
    known = tmp_path / "known.json"
    full = preflight(printed)
    assert preflight(printed, known_pages=known) == full  # every page scanned, kept
    assert known.exists()
    assert preflight(printed, known_pages=known) == full  # every page known


def test_pages_known_to_other_scanning_code_are_scanned_again(seed_editions, tmp_path, monkeypatch):
    """The preflight's findings are kept by a digest that holds its own code: after an
    update that scans otherwise (a font's codes, a border's edges), a page is scanned anew."""
    from booklet import preflight as module

    printed = seed_editions["print"].pdf_path
    known = tmp_path / "known.json"
    scans = []
    run = module._PageScanner.run
    monkeypatch.setattr(module._PageScanner, "run", lambda self: scans.append(1) or run(self))
    full = module.preflight(printed, known_pages=known)
    pages = len(scans)
    assert pages > 0
    assert module.preflight(printed, known_pages=known) == full and len(scans) == pages
    monkeypatch.setattr(module, "code_digest", lambda *modules: b"another version")
    assert module.preflight(printed, known_pages=known) == full and len(scans) == 2 * pages
