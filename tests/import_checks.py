"""What every imported sample must show, whatever its format: content that passes a
strict check, and a booklet whose speaker index names the pages where the talks are."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import yaml
from helpers import page_references, words_on_page

import booklet
from booklet.importer import ImportOptions, ImportReport, import_schedule


def read_part(folder: Path, part: str):
    """A written file as plain data, every value the text written (as booklet reads it)."""
    return yaml.load((folder / f"{part}.yaml").read_text(encoding="utf-8"), yaml.BaseLoader)


def import_into(
    source: Path, folder: Path, options: ImportOptions | None = None
) -> tuple[ImportReport, Path]:
    report = import_schedule(source, folder, options)
    return report, folder


def assert_passes_strict_check(folder: Path, report: ImportReport) -> None:
    loaded = booklet.check(folder)
    assert [str(warning) for warning in loaded.warnings] == []
    assert report.strict_warnings == []


def squeezed(text: str) -> str:
    """Text as words_on_page gives it: no spaces or hyphens."""
    return re.sub(r"[\s\u2010\u00ad-]+", "", text)


def assert_speaker_index_names_talk_pages(
    result: booklet.BuildResult, reader: pypdf.PdfReader, folder: Path
) -> int:
    """Every page number the speaker index prints is the page its link goes to, and that
    page holds the talk's title; every speaker with a talk is listed. Returns how many
    references were checked."""
    titles = {item["id"]: item["title"] for item in read_part(folder, "programme")}
    first = result.page_of["speaker-index"]
    checked = 0
    for index in range(first - 1, len(reader.pages)):
        for reference in page_references(reader, index):
            if not reference.destination.startswith("talk-"):
                continue
            assert reference.printed == reference.target_page_number, reference
            title = titles[reference.destination.removeprefix("talk-")]
            target = words_on_page(reader.pages[reference.target_page_number - 1])
            # A long title may break over a page: its first words are on the page.
            assert squeezed(title)[:30] in target, (title, reference)
            checked += 1
    speaking = {
        speaker_id
        for item in read_part(folder, "programme")
        if item.get("kind") != "break"
        for speaker_id in item.get("speakers", [])
    }
    assert speaking <= {anchor.removeprefix("speaker-") for anchor in result.page_of}
    assert checked >= len(speaking)
    return checked


def assert_talks_in_pdf(reader: pypdf.PdfReader, folder: Path) -> None:
    everything = "".join(words_on_page(page) for page in reader.pages)
    for item in read_part(folder, "programme"):
        assert squeezed(item["title"])[:30] in everything, item["title"]
