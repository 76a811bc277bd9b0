"""The renderer fetches nothing but files in the content and style folders, and tells
the user what WeasyPrint complained about."""

from __future__ import annotations

import shutil

import pytest
from helpers import SEED

import booklet
from booklet.pdf import LocalOnlyFetcher
from booklet.theme import default_styles_folder


@pytest.fixture
def fetcher(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "photo.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("secret")
    return LocalOnlyFetcher([tmp_path / "content"]), tmp_path


def test_serves_a_file_inside_an_allowed_folder(fetcher):
    fetch, root = fetcher
    assert fetch.fetch((root / "content" / "photo.png").as_uri()).read() == b"png"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "data:text/plain,hello",
        "ftp://example.org/x",
    ],
)
def test_refuses_anything_but_local_files(fetcher, url):
    fetch, _ = fetcher
    with pytest.raises(ValueError, match="refused"):
        fetch.fetch(url)


def test_refuses_files_outside_the_allowed_folders(fetcher):
    fetch, root = fetcher
    with pytest.raises(ValueError, match="outside the content and style folders"):
        fetch.fetch((root / "secret.txt").as_uri())
    with pytest.raises(ValueError, match="outside"):
        fetch.fetch((root / "content" / ".." / "secret.txt").as_uri())


def test_weasyprint_complaints_become_build_warnings(tmp_path):
    styles = shutil.copytree(default_styles_folder(), tmp_path / "styles")
    with (styles / "booklet.css").open("a") as css:
        css.write("\n.talk { colour: red; }\n")
    result = booklet.build(SEED, tmp_path / "out", styles_folder=styles)
    assert any("colour" in warning for warning in result.warnings), result.warnings
