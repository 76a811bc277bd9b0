"""Shared fixtures: the seed booklet, built once for the whole session."""

from __future__ import annotations

import pypdf
import pytest
from helpers import SEED

import booklet


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> booklet.BuildResult:
    return booklet.build(SEED, tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="session")
def seed_pdf(seed_build) -> pypdf.PdfReader:
    return pypdf.PdfReader(seed_build.pdf_path)


@pytest.fixture(scope="session")
def seed_editions(seed_build) -> dict[str, booklet.BuildResult]:
    """The seed in every edition, built one after the other into one folder (screen
    first, as `build --edition all` does)."""
    output = seed_build.pdf_path.parent
    return {
        "screen": seed_build,
        **{name: booklet.build(SEED, output, edition=name) for name in ("print", "email")},
    }
