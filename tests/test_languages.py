"""The booklet's own words and dates in every language: the catalogs (booklet/locales/*.po)
are complete, each language reaches the PDF, a new catalog is one file, and a missing
translation prints the English."""

from __future__ import annotations

import datetime
import shutil

import pypdf
import pytest
from helpers import SEED, bookmarks, copy_content, page_text, section_page

import booklet
from booklet import labels
from booklet.collation import sort_key


def untranslated(language: str) -> list[str]:
    """What a translator still has to do in a catalog: English entries that are missing,
    empty or fuzzy there, settings that are not yes or no, a Language header that is not
    the file's."""
    catalog = labels.read_catalog(language)
    todo = [] if str(catalog.locale) == language else [f"Language header is {catalog.locale}"]
    for english in labels.read_catalog(labels.SOURCE_LANGUAGE):
        if not english.context:
            continue  # the header
        message = catalog.get(english.id, context=english.context)
        if message is None:
            todo.append(f"{english.context}: missing")
        elif not message.string:
            todo.append(f"{english.context}: empty")
        elif message.fuzzy:
            todo.append(f"{english.context}: fuzzy")
        elif english.context in labels.SETTINGS and message.string not in ("yes", "no"):
            todo.append(f"{english.context}: '{message.string}' is neither yes nor no")
    return todo


def clear_caches() -> None:
    labels.available_languages.cache_clear()
    labels.read_catalog.cache_clear()
    labels.labels_for.cache_clear()


@pytest.fixture
def locales(tmp_path, monkeypatch):
    """A locales folder of the test's own, starting with the real English catalog."""
    folder = tmp_path / "locales"
    folder.mkdir()
    shutil.copy(labels.LOCALES / "en.po", folder / "en.po")
    monkeypatch.setattr(labels, "LOCALES", folder)
    clear_caches()
    yield folder
    clear_caches()


def translated_copy(language: str, translations: dict[str, str], fuzzy: tuple = ()) -> str:
    """en.po as a translator leaves it: Language set, some msgstr filled, some fuzzy."""
    lines = []
    for line in (labels.LOCALES / "en.po").read_text(encoding="utf-8").splitlines():
        line = line.replace('"Language: en\\n"', f'"Language: {language}\\n"')
        if line.startswith("msgctxt "):
            context = line.split('"')[1]
            if context in fuzzy:
                lines.append("#, fuzzy")
        elif line == 'msgstr ""' and lines[-2].startswith("msgctxt "):
            line = f'msgstr "{translations.get(context, "")}"'
        lines.append(line)
    return "\n".join(lines) + "\n"


# --- the catalogs --------------------------------------------------------------------


def test_danish_english_and_german_are_available():
    assert {"da", "de", "en"} <= set(labels.available_languages())


@pytest.mark.parametrize(
    "language", [code for code in labels.available_languages() if code != "en"]
)
def test_every_catalog_translates_every_english_entry(language):
    assert untranslated(language) == []


def test_a_half_done_catalog_is_reported(locales):
    (locales / "sv.po").write_text(
        translated_copy(
            "sv",
            {"programme": "Program", "contents": "Innehåll", "cover": "Omslag"},
            fuzzy=("cover",),
        ),
        encoding="utf-8",
    )
    todo = untranslated("sv")
    assert "programme: empty" not in todo
    assert "speaker_index: empty" in todo
    assert "cover: fuzzy" in todo


def test_english_is_the_msgid_and_its_msgstr_stay_empty():
    english = labels.labels_for("en")
    assert english["programme"] == "Programme"
    assert english["abstracts"] == "Talks"
    assert english["kind_other"] == ""  # an item of kind 'other' prints no kind
    assert english["lower_case_titles_after_names"] is False


def test_titles_after_names_are_lower_case_in_danish_only():
    assert labels.labels_for("da")["lower_case_titles_after_names"] is True
    assert labels.labels_for("de")["lower_case_titles_after_names"] is False


def test_a_missing_empty_or_fuzzy_translation_prints_the_english(locales):
    text = translated_copy(
        "sv", {"programme": "Program", "contents": "Innehåll", "welcome": "Välkommen"}
    )
    text = text.replace('msgctxt "welcome"', '#, fuzzy\nmsgctxt "welcome"')
    # An entry the translator never got: gone from the file altogether.
    text = text.replace('msgctxt "back_cover"\nmsgid "Back cover"\nmsgstr ""\n', "")
    (locales / "sv.po").write_text(text, encoding="utf-8")
    swedish = labels.labels_for("sv")
    assert swedish["programme"] == "Program"
    assert swedish["contents"] == "Innehåll"
    assert swedish["welcome"] == "Welcome"  # fuzzy: not trusted
    assert swedish["back_cover"] == "Back cover"  # missing
    assert swedish["speaker_index"] == "Speakers"  # empty
    assert swedish.keys() == labels.labels_for("en").keys()


def test_a_translation_of_old_english_text_is_not_used(locales):
    """As in gettext: when the English changes, the translation must be looked at again."""
    text = translated_copy("sv", {"abstracts": "Föredrag"})
    (locales / "sv.po").write_text(
        text.replace('msgid "Talks"', 'msgid "Lectures"'), encoding="utf-8"
    )
    assert labels.labels_for("sv")["abstracts"] == "Talks"


# --- dates and order -----------------------------------------------------------------


def test_dates_are_written_as_each_language_writes_them():
    day, next_day = datetime.date(2026, 5, 12), datetime.date(2026, 5, 13)
    assert labels.format_day(day, "de") == "Dienstag, 12. Mai 2026"
    assert labels.format_day(day, "da") == "tirsdag den 12. maj 2026"
    assert labels.format_day(day, "en") == "Tuesday, May 12, 2026"
    assert (
        labels.format_days(day, next_day, "de") == "Dienstag, 12. Mai 2026 – Mittwoch, 13. Mai 2026"
    )


def test_german_index_order_follows_din_5007_1():
    """ä, ö, ü file with a, o, u and ß as ss; the plain letter first when all else ties."""
    names = ["Zander", "Öztürk", "Otto", "Müller", "Mueller", "Muller", "Strauß", "Strausberg",
             "Ärger", "Abel", "Busch"]  # fmt: skip
    assert sorted(names, key=lambda name: sort_key(name, "de")) == [
        "Abel",
        "Ärger",
        "Busch",
        "Mueller",
        "Muller",
        "Müller",
        "Otto",
        "Öztürk",
        "Strausberg",
        "Strauß",
        "Zander",
    ]


# --- the booklet ---------------------------------------------------------------------


def seed_in(language: str, tmp_path, date: str | None = "2026-05-12"):
    """The seed content with another `language:` (and a date), checked."""
    content = copy_content(SEED, tmp_path / f"content-{language}")
    conference = content / "conference.yaml"
    text = conference.read_text(encoding="utf-8").replace("language: da", f"language: {language}")
    assert f"language: {language}" in text
    if date:
        text += f"date: {date}\n"
    conference.write_text(text, encoding="utf-8")
    return content


EXPECTED = {
    "da": {
        "contents": "Indhold",
        "programme": "Program",
        "abstracts": "Oplæg",
        "speakers": "Oplægsholdere",
        "date": "tirsdag den 12. maj 2026",
        "role": "Lotte Bøgh Andersen, professor, AU",
        "cover": "Omslag",
    },
    "en": {
        "contents": "Contents",
        "programme": "Programme",
        "abstracts": "Talks",
        "speakers": "Speakers",
        "date": "Tuesday, May 12, 2026",
        "role": "Lotte Bøgh Andersen, Professor, AU",
        "cover": "Cover",
    },
    "de": {
        "contents": "Inhalt",
        "programme": "Programm",
        "abstracts": "Beiträge",
        "speakers": "Referentinnen und Referenten",
        "date": "Dienstag, 12. Mai 2026",
        "role": "Lotte Bøgh Andersen, Professor, AU",
        "cover": "Umschlag",
    },
}


@pytest.mark.parametrize("language", EXPECTED)
def test_the_seed_speaks_the_language_of_its_content(language, tmp_path):
    expected = EXPECTED[language]
    result = booklet.build(seed_in(language, tmp_path), tmp_path / "output")
    reader = pypdf.PdfReader(result.pdf_path)

    titles = [title for title, _ in bookmarks(reader)]
    for heading in ("contents", "programme", "abstracts", "speakers"):
        assert expected[heading] in titles
    contents = page_text(reader.pages[section_page(reader, expected["contents"]) - 1])
    for heading in ("contents", "programme", "abstracts", "speakers"):
        assert expected[heading] in contents
    programme = page_text(reader.pages[section_page(reader, expected["programme"]) - 1])
    assert expected["date"][1:] in programme  # the first letter is set in capitals
    index = page_text(reader.pages[section_page(reader, expected["speakers"]) - 1])
    assert expected["speakers"] in index and "Andersen, Lotte Bøgh" in index
    abstracts = "".join(page_text(page) for page in reader.pages)
    assert expected["role"] in abstracts
    assert reader.page_labels[0] == expected["cover"]
    assert reader.trailer["/Root"]["/Lang"] == language


def test_a_new_catalog_is_picked_up_and_falls_back_to_english(locales, tmp_path):
    (locales / "sv.po").write_text(
        translated_copy("sv", {"contents": "Innehåll", "programme": "Program"}),
        encoding="utf-8",
    )
    result = booklet.build(seed_in("sv", tmp_path), tmp_path / "output")
    reader = pypdf.PdfReader(result.pdf_path)
    contents = page_text(reader.pages[section_page(reader, "Innehåll") - 1])
    assert "Program" in contents and "Speakers" in contents  # not yet translated
    programme = page_text(reader.pages[section_page(reader, "Program") - 1])
    assert "isdag 12 maj 2026" in programme  # Babel's Swedish: 'tisdag 12 maj 2026'


def test_an_unknown_language_is_refused_with_the_available_ones(tmp_path):
    booklet.check(seed_in("de", tmp_path))  # German is known: no ContentError
    with pytest.raises(booklet.ContentError) as refused:
        booklet.check(seed_in("xx", tmp_path))
    assert "no labels for language 'xx'; available: da, de, en" in str(refused.value)
