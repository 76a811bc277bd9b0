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
