"""A rebuild after an edit reuses what it can (parts, page numbers, merged fonts, preflight
findings, compiled templates) and gives the same bytes as a cold build of the edited
content, in every edition; and caches shared by several projects never mix them up."""

from __future__ import annotations

import pytest
import yaml
from helpers import generate

import booklet

EDITIONS = ("screen", "print", "email")


def _edit(content, change) -> None:
    """`change` applied to the first talk of the programme."""
    programme = content / "programme.yaml"
    items = yaml.safe_load(programme.read_text(encoding="utf-8"))
    change(items[0])
    programme.write_text(
        yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def _same_length_word(item) -> None:
    """A typo fixed: one word for another as long (the pages stay as they were)."""
    first, rest = item["abstract"].split(" ", 1)
    item["abstract"] = "X" * len(first) + " " + rest


def _a_page_longer(item) -> None:
    """A paragraph added: the pages after it move on."""
    item["abstract"] += "\n\n" + " ".join(["Et afsnit mere om det samme."] * 60)


def _layout_summary(messages: list[str]) -> tuple[int, int]:
    (summary,) = [m for m in messages if m.endswith("reused")]
    laid_out, reused = (int(word) for word in summary.split() if word.isdigit())
    return laid_out, reused


def _cold(content, folder, edition, monkeypatch) -> bytes:
    """A build with nothing from before: its own output folder and cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
    return booklet.build(content, folder / "output", edition=edition).pdf_path.read_bytes()


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_rebuild_after_a_small_edit_lays_out_one_part_and_gives_the_cold_bytes(
    edition, tmp_path, monkeypatch
):
    content = generate(45, tmp_path / "content", per_day=16)  # three days, three parts
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = booklet.build(content, tmp_path / "output", edition=edition)
    before = first.pdf_path.read_bytes()
    _edit(content, _same_length_word)
    messages: list[str] = []
    again = booklet.build(content, tmp_path / "output", edition=edition, progress=messages.append)
    assert again.page_of == first.page_of  # the edit moved no page
    # The edited day alone: the front, the back (drafted where the last build placed it)
    # and the running heads are the last build's.
    assert _layout_summary(messages)[0] == 1
    rebuilt = again.pdf_path.read_bytes()
    assert rebuilt != before
    assert rebuilt == _cold(content, tmp_path / "cold", edition, monkeypatch)


@pytest.mark.parametrize("edition", ["screen", "print"])
def test_a_rebuild_after_an_edit_that_moves_pages_gives_the_cold_bytes(
    edition, tmp_path, monkeypatch
):
    content = generate(45, tmp_path / "content", per_day=16)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = booklet.build(content, tmp_path / "output", edition=edition)
    _edit(content, _a_page_longer)
    again = booklet.build(content, tmp_path / "output", edition=edition)
    assert again.page_of["talk-talk-44"] > first.page_of["talk-talk-44"]  # pages moved on
    cold = _cold(content, tmp_path / "cold", edition, monkeypatch)
    assert again.pdf_path.read_bytes() == cold


def test_two_projects_in_one_cache_and_output_folder_never_take_each_others_parts(
    tmp_path, monkeypatch
):
    """A user builds project A, then project B (the same title, so the same PDF names
    and parts cache), then A again after an edit: every edition is A's, as a cold build
    of the edited A gives it."""
    a = generate(45, tmp_path / "a", per_day=16)
    b = generate(45, tmp_path / "b", seed=7, per_day=15)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    output = tmp_path / "output"
    for content in (a, b):
        list(booklet.build_editions(content, output, editions=EDITIONS))
    _edit(a, _same_length_word)
    rebuilt = {
        result.pdf_path.name: result.pdf_path.read_bytes()
        for result in booklet.build_editions(a, output, editions=EDITIONS)
    }
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cold-cache"))
    cold = {
        result.pdf_path.name: result.pdf_path.read_bytes()
        for result in booklet.build_editions(a, tmp_path / "cold", editions=EDITIONS)
    }
    assert rebuilt.keys() == cold.keys() and len(cold) == 3
    for name, pdf in cold.items():
        assert rebuilt[name] == pdf, name


def test_a_rebuild_of_the_same_content_lays_nothing_out(tmp_path, monkeypatch):
    """Not even drafts of the front and the back: the last build's page numbers and
    places find its very parts (in the user's cache)."""
    content = generate(45, tmp_path / "content", per_day=16)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = booklet.build(content, tmp_path / "output")
    before = first.pdf_path.read_bytes()
    messages: list[str] = []
    again = booklet.build(content, tmp_path / "output", progress=messages.append)
    assert _layout_summary(messages)[0] == 0
    assert again.pdf_path.read_bytes() == before
