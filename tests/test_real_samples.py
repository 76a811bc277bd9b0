"""Real schedule exports, imported and built, read as a reader and a print shop would:
every page reference names the page its link goes to, every bookmark lands on its title,
no HTML prints as tags, no paragraph twice, the speaker index in the order of family
names, and a programme without blank pages whose spreads never show two days."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

import pypdf
import pytest
import yaml
from helpers import (
    DATA,
    bookmarks,
    overlapping_lines,
    page_references,
    section_page,
)

import booklet
from booklet.html import booklet_view
from booklet.importer import import_schedule

SAMPLES = ["31c3-schedule.xml", "camp2019-stages.schedule.json"]


@dataclass
class Sample:
    """A real export, imported and built; its pages' text read once, by pdfium (quicker
    than pypdf, and it reads letter-spaced capitals as words)."""

    result: booklet.BuildResult
    reader: pypdf.PdfReader
    content: dict
    texts: list[str]  # each page's text, spaces folded

    def words(self, number: int) -> str:
        """Page `number`'s text without spaces or hyphens at line ends, for comparing."""
        return re.sub(r"[\s\u2010\u00ad-]+", "", self.texts[number - 1])

    def text(self, number: int) -> str:
        return self.texts[number - 1]


@pytest.fixture(scope="module", params=SAMPLES)
def sample(request, tmp_path_factory) -> Sample:
    import pypdfium2

    folder = tmp_path_factory.mktemp("sample") / "content"
    import_schedule(DATA / "schedules" / request.param, folder)
    result = booklet.build(folder, tmp_path_factory.mktemp("sample-out"))
    content = {
        part: yaml.safe_load((folder / f"{part}.yaml").read_text(encoding="utf-8"))
        for part in ("conference", "speakers", "programme")
    }
    document = pypdfium2.PdfDocument(result.pdf_path)
    texts = [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    return Sample(result, pypdf.PdfReader(result.pdf_path), content, texts)


def test_every_page_reference_names_the_page_it_links_to(sample):
    result, reader = sample.result, sample.reader
    checked = 0
    for index in range(len(reader.pages)):
        for reference in page_references(reader, index):
            assert reference.printed == reference.target_page_number, reference
            checked += 1
    talks = sum(1 for anchor in result.page_of if anchor.startswith("talk-"))
    speakers = sum(1 for anchor in result.page_of if anchor.startswith("speaker-"))
    # Each talk once in the programme (a summarised run of short talks by its first and
    # last); each speaker at least once in each index.
    summarised = sum(
        len(box.talks) - 2
        for day in booklet_view(result.loaded).programme_layout.days
        for page in day.pages
        for box in page.boxes
        if box.summary and not box.continued_from_before
    )
    assert checked >= talks - summarised + speakers


def test_every_bookmark_lands_on_its_title(sample):
    for title, page_number in bookmarks(sample.reader):
        squeezed = re.sub(r"[\s-]+", "", title)
        assert squeezed in sample.words(page_number), title


def test_no_text_is_printed_over_other_text(sample):
    assert overlapping_lines(sample.result.pdf_path) == []


# --- imported text ---------------------------------------------------------------------

TAG = re.compile(r"</?(?:p|ul|ol|li|a|br|em|strong|b|i|div|span|h[1-6]|img|script|style)\b[^>]*>")


def test_no_html_prints_as_tags(sample):
    for number, text in enumerate(sample.texts, start=1):
        assert not TAG.search(text), (number, TAG.search(text).group())


def plain_stretch(paragraph: str) -> str | None:
    """The first 50 characters of a paragraph that hold no Markdown (links, emphasis):
    what the PDF prints as written."""
    match = re.search(r"[\w ,.;'’“”„!?–]{50,}", paragraph)
    return re.sub(r"\s+", "", match.group()[:50]) if match else None


def test_no_paragraph_is_printed_twice(sample):
    """Each abstract paragraph is printed as often as there are abstracts holding it: a
    description that repeats its abstract adds nothing, and an item given four times
    has one abstract."""
    reader, content = sample.reader, sample.content
    abstracts = {
        (item["title"].casefold(), item["abstract"], tuple(item.get("speakers", [])))
        for item in content["programme"]
        if item.get("abstract")
    }
    written = [re.sub(r"\s+", "", abstract) for _, abstract, _ in abstracts]
    stretches = {plain_stretch(p) for _, a, _ in abstracts for p in a.split("\n\n")} - {None}
    # As often as the abstracts hold it, once each (a paragraph may quote another).
    holding = {stretch: sum(text.count(stretch) for text in written) for stretch in stretches}
    start, end = section_page(reader, "Talks"), section_page(reader, "Speakers")
    printed = "".join(sample.words(number) for number in range(start, end))
    assert len(holding) > 20
    found = 0
    for stretch, count in holding.items():
        assert printed.count(stretch) <= count, stretch
        found += printed.count(stretch) == count
    assert found >= 0.95 * len(holding)  # the rest: a page break inside the stretch


# --- names -----------------------------------------------------------------------------


def collation(text: str) -> str:
    """How a reader looks a name up: letters and digits, no accents, any case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def index_entries(reader) -> list[str]:
    """The first line of each speaker's index entry, in the order printed: found at the
    entry's link target (its id), read by pdfium without its page numbers."""
    import pypdfium2

    targets = []
    for name, destination in reader.named_destinations.items():
        if name.startswith("speaker-") and name != "speaker-index":
            page = reader.get_destination_page_number(destination)
            targets.append((page, -float(destination["/Top"]), float(destination["/Left"])))
    document = pypdfium2.PdfDocument(reader.stream)
    entries = []
    for page, top, left in sorted(targets):
        text = document[page].get_textpage()
        width = document[page].get_width()
        # The entry's first line, commas' tails and all (one 9 pt line is 11 pt deep).
        line = text.get_text_bounded(left - 1, -top - 11, width - left + 1, -top + 1)
        entries.append(re.sub(r"^[\d,\s]+|[\d,\s]+$", "", " ".join(line.split())))
    return entries


def test_the_speaker_index_is_in_the_order_of_family_names(sample):
    """Each entry's first line is the name as it is sorted: a person's family name,
    comma, given names ("Belu, Andreea (EDRi)"); a handle or a group as written."""
    content = sample.content
    entries = index_entries(sample.reader)
    names = [speaker["name"] for speaker in content["speakers"]]
    assert len(entries) >= 0.9 * len(names)
    sorted_by = [collation(entry.split(",")[0]) for entry in entries]
    assert all(sorted_by) and sorted_by == sorted(sorted_by)
    for wrong in ["(EDRi), Andreea", "(@dns2utf8), Stefan", "Lounge, THM", "DISEZ, Romain"]:
        assert all(not entry.startswith(wrong) for entry in entries)
    for person, entry in [("Andreea Belu (EDRi)", "Belu, Andreea (EDRi)"),
                          ("Laura Poitras", "Poitras, Laura")]:  # fmt: skip
        assert person not in names or entry in entries


# --- the programme ---------------------------------------------------------------------


def day_heading(day: datetime.date) -> str:
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def programme_pages(sample: Sample) -> dict[int, datetime.date | None]:
    """The programme's pages after its overview, each with the day it shows."""
    reader = sample.reader
    start, end = section_page(reader, "Programme"), section_page(reader, "Talks")
    days = sorted({item["day"] for item in sample.content["programme"]})
    overview = sample.text(start)
    assert all(day_heading(day) in overview for day in days)
    shown = {}
    for number in range(start + 1, end):
        text = sample.text(number)
        (day,) = [day for day in days if day_heading(day) in text]
        shown[number] = day
    return shown


def test_no_page_of_the_programme_is_blank(sample):
    titles = [re.sub(r"\s+", "", item["title"])[:8] for item in sample.content["programme"]]
    for number in programme_pages(sample):
        words = sample.words(number)
        assert any(title in words for title in titles), number


def test_no_spread_shows_two_days(sample):
    """Facing pages (an even page and the odd one after it) show one day, unless each
    of two days takes a single page."""
    shown = programme_pages(sample)
    pages_of = Counter(shown.values())
    for left in [n for n in shown if n % 2 == 0 and n + 1 in shown]:
        one, other = shown[left], shown[left + 1]
        assert one == other or pages_of[one] == pages_of[other] == 1, (left, one, other)


def test_every_spread_holds_its_hours_across_all_its_rooms(sample):
    """A day of more rooms than a page holds (six on A5) is printed on facing pages that
    show the same hours; a day of fewer names all its rooms on every page."""
    rooms_of = defaultdict(set)
    for item in sample.content["programme"]:
        if item.get("room"):
            rooms_of[item["day"]].add(re.sub(r"\s+", "", item["room"]))
    shown = programme_pages(sample)
    spreads = 0
    for number, day in shown.items():
        hours = re.findall(r"\d\d:\d\d–\d\d:\d\d", sample.text(number))[0]
        words = sample.words(number)
        if len(rooms_of[day]) <= 6:
            assert all(room[:12] in words for room in rooms_of[day]), number
        elif number % 2 == 0:
            assert shown[number + 1] == day
            assert re.findall(r"\d\d:\d\d–\d\d:\d\d", sample.text(number + 1))[0] == hours
            both = words + sample.words(number + 1)
            assert all(room[:12] in both for room in rooms_of[day]), number
            spreads += 1
    camp = sample.content["conference"]["title"].startswith("Chaos Communication Camp")
    assert spreads >= 4 or not camp  # camp2019: two days of seven rooms, on spreads
