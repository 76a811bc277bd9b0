"""Prose as a typesetter sets it (booklet/typography.py, styles/booklet.css): paragraph
ends, the paragraph after a subtitle, link addresses, and characters the fonts have not."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pikepdf
import pypdfium2
import pytest
from helpers import write_content

import booklet
from booklet.html import markdown, render_html
from booklet.load import load_content

# --- the HTML -----------------------------------------------------------------------------


def test_a_paragraphs_last_two_words_are_not_hyphenated_and_a_short_one_is_bound():
    """The space before the last two words is inside their span (see the PDF test
    below); two words short enough to share a line are bound, so none stands alone."""
    assert markdown("We discuss international responsibilities") == (
        '<p>We discuss<span class="last-words"> international responsibilities</span></p>\n'
    )
    assert markdown("We look at responsibilities") == (
        '<p>We look<span class="last-words"> at\u00a0responsibilities</span></p>\n'
    )
    assert markdown("We look at it.") == (
        '<p>We look<span class="last-words"> at\u00a0it.</span></p>\n'
    )
    assert markdown("Alone") == '<p><span class="last-words">Alone</span></p>\n'


def test_a_paragraph_all_in_italics_is_a_lead_and_the_next_is_not_indented():
    html = markdown("*A subtitle*\n\nThe abstract.\n\nMore *of* it.")
    assert html.startswith('<p class="lead"><em>A subtitle</em></p>')
    assert html.count('class="lead"') == 1


def test_a_link_prints_its_address_once_and_breakable():
    html = markdown(
        "[the wiki](https://events.ccc.de/congress/2014/wiki/Main_Page) "
        "<https://example.org/a> [example.org](https://example.org/) "
        "[mail](mailto:ann@example.org) [above](#talk-x) and that is all."
    )
    assert (
        '<a href="https://events.ccc.de/congress/2014/wiki/Main_Page">the wiki</a> '
        '<span class="link-address">(<span class="url">https://events.ccc.de<wbr>/<wbr>'
        "congress/<wbr>2014/<wbr>wiki/<wbr>Main<wbr>_Page</span>)</span>"
    ) in html
    # The text is the address: not printed again.
    autolink = '<span class="url">https://example.org<wbr>/<wbr>a</span></a> <a'
    assert autolink in html
    assert '<a href="https://example.org/">example.org</a> <a' in html
    assert '(<span class="url">ann@example.org</span>)' in html
    assert '<a href="#talk-x">above</a> and' in html


def test_a_web_address_in_running_text_breaks_at_slashes_and_keeps_its_full_stop():
    html = markdown("See https://example.org/a/b. Or www.example.org, as you like.")
    assert (
        'See <span class="url">https://example.org<wbr>/<wbr>a/<wbr>b</span>. '
        'Or <span class="url">www.example.org</span>, as'
    ) in html


def test_separators_and_controls_never_reach_the_page():
    html = markdown("one\u2028two\u2029three\x07")
    assert "\u2028" not in html and "\u2029" not in html and "\x07" not in html
    assert re.match(r"<p>one\n(<span[^>]*>)?two(</span>)?</p>", html) and "three" in html


def test_every_printed_value_is_normalised(tmp_path):
    folder = write_content(
        tmp_path / "c",
        {"title": "Line\u2028separated\x07", "organiser": "O\u2029rg", "language": "en"},
        [{"id": "a", "name": "Ann\u2028Lee"}],
        [{"id": "t", "title": "Talk\u2028title", "speakers": ["a"]}],
    )
    html = render_html(load_content(folder))
    for character in ("\u2028", "\u2029", "\x07"):
        assert character not in html
    assert "Talk\ntitle" in html and "Ann\nLee" in html


# --- the PDF ------------------------------------------------------------------------------

LONG_ADDRESS = "https://events.ccc.de/congress/2014/wiki/Static:Assembly_and_Village_Information"
SENTENCE = (
    "the talk looks at how public bodies share their data with citizens and what that "
    "means for the people who build services on top of it every day in many cities"
)
FILLER = SENTENCE.split()


def paragraph(number: int) -> str:
    """Paragraphs of many lengths, so that their ends fall anywhere on a line; they end
    in a long word that hyphenates, or in a short one."""
    words = [FILLER[(number * 7 + i) % len(FILLER)] for i in range(9 + number * 5)]
    ending = "responsibilities." if number % 2 else "of it."
    return f"Para{number} " + " ".join(words) + f" {ending}"


PARAGRAPHS = 14
ABSTRACT = "\n\n".join(
    [
        "*An italic subtitle, as the importer writes one*",
        "Firstpara " + " ".join(FILLER) + ".",
        "Secondpara " + " ".join(FILLER) + ".",
        f"Read [the assembly page]({LONG_ADDRESS}) before you come 🎉 and bring 🚀.",
        "Linear B was never in a font of ours: \U00010000.",
        *(paragraph(number) for number in range(PARAGRAPHS)),
    ]
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> booklet.BuildResult:
    folder = write_content(
        tmp_path_factory.mktemp("typography") / "content",
        {"title": "Emoji\u2028Conference", "organiser": "O", "language": "en"},
        [{"id": "ann", "name": "Ann Lee"}],
        [{"id": "party", "title": "Party 🎉 night", "speakers": ["ann"], "abstract": ABSTRACT}],
    )
    return booklet.build(folder, folder.parent / "out")


@dataclass
class Word:
    text: str
    left: float
    lines: set[tuple[int, int]]  # (page, rounded top) of each line it has a letter on


def words_of(pdf_path) -> list[Word]:
    """The words of the PDF in reading order, with where they stand."""
    words: list[Word] = []
    for number, page in enumerate(pypdfium2.PdfDocument(pdf_path)):
        text = page.get_textpage()
        current = None
        for index in range(text.count_chars()):
            character = text.get_text_range(index, 1)
            if not character or character.isspace() or unicodedata.category(character) == "Cf":
                current = None
                continue
            left = text.get_charbox(index)[0]
            top = text.get_charbox(index, loose=True)[3]  # loose: the line's, any letter
            if current is None:
                current = Word("", left, set())
                words.append(current)
            current.text += character
            current.lines.add((number, round(top)))
    return words


def test_an_emoji_is_drawn_by_the_bundled_emoji_font(built):
    drawn = set()
    with pikepdf.open(built.pdf_path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                if "Noto-Emoji" in str(font.BaseFont) and "/ToUnicode" in font:
                    drawn |= set(re.findall(rb"<([0-9a-f]{8,})>", font.ToUnicode.read_bytes()))
    assert b"d83cdf89" in drawn and b"d83dde80" in drawn  # 🎉 and 🚀


def test_only_a_character_no_font_has_is_warned_of_and_boxed(built):
    glyphs = [w for w in built.warnings if "not in the booklet's fonts" in w]
    assert len(glyphs) == 1, built.warnings
    assert re.match(r".*programme\.yaml:\d+:\d+: programme\[0\]\.abstract: warning: ", glyphs[0])
    assert (
        "'\U00010000' (U+10000) not in the booklet's fonts (LINEAR B SYLLABLE B008 A)"
        in (glyphs[0])
    )
    # WeasyPrint's own word on what it drew as a box: that character only.
    boxes = [w for w in built.warnings if ".notdef" in w]
    assert boxes and all("U+10000" in w and "U+1F" not in w for w in boxes), boxes


def test_the_paragraph_after_a_subtitle_is_not_indented_the_next_one_is(built):
    words = {w.text: w for w in words_of(built.pdf_path)}
    subtitle = words["An"].left
    assert abs(words["Firstpara"].left - subtitle) < 1.5  # the letters' own side bearings
    assert words["Secondpara"].left > subtitle + 5


def test_no_paragraph_ends_in_a_fragment_or_a_short_word_alone(built):
    words = words_of(built.pdf_path)
    starts = [i for i, w in enumerate(words) if re.fullmatch(r"Para\d+", w.text)]
    assert len(starts) == PARAGRAPHS
    for start in starts:
        # The paragraph's last word: its first word with a full stop (the filler has none).
        end = next(i for i in range(start, len(words)) if words[i].text.endswith("."))
        last, before = words[end], words[end - 1]
        assert last.text in ("responsibilities.", "it."), [w.text for w in words[start : end + 1]]
        assert len(last.lines) == 1, last  # not hyphenated
        if last.text == "it.":  # a short word is not alone on its line
            assert before.lines == last.lines, (before, last)


def test_a_long_address_breaks_at_its_slashes(built):
    words = words_of(built.pdf_path)
    start = next(i for i, w in enumerate(words) if w.text.startswith("(https://"))
    pieces = [words[start]]
    while not pieces[-1].text.endswith(")"):
        pieces.append(words[start + len(pieces)])
    assert len(pieces) > 1  # longer than a line
    printed = "".join(piece.text for piece in pieces)
    assert printed == f"({LONG_ADDRESS})"  # no hyphen added where it broke
    for piece, following in zip(pieces, pieces[1:], strict=False):
        assert piece.text.endswith("/") or following.text[0] in "._-~%?#&=", (piece, following)


NYM = (  # camp2019's abstract in which WeasyPrint left "ing" alone on a line
    "*Nym Anonymous Authentication Credentials*\n\nThe power of Facebook derives from its "
    "control over your digital identity. However, the fundamental technologies behind "
    "anonymous (attribute-based) authentication credentials have existed since the mid-90s. "
    "This talk will cover new advances in anonymous authentication credentials, how the work "
    "was nearly killed by Facebook, and their real-world implementation, including their use "
    "in the Nym project's mix-net, cryptocurrency, and decentralized messaging applications."
)


def test_no_word_stands_alone_on_a_line_inside_a_paragraph(tmp_path):
    """A text ending in a space, then an inline box that did not fit: WeasyPrint broke
    the line after the first word that followed a hyphenated one ("includ- / ing /
    their use"). The paragraph's last words keep their space inside their span."""
    folder = write_content(
        tmp_path / "content",
        {"title": "T", "organiser": "O", "language": "en"},
        [{"id": "a", "name": "Ann Lee"}],
        [{"title": "Nym", "speakers": ["a"], "abstract": NYM}],
    )
    result = booklet.build(folder, tmp_path / "out")
    page = pypdfium2.PdfDocument(result.pdf_path)[result.page_of["talk-nym"] - 1]
    lines = page.get_textpage().get_text_range().splitlines()
    paragraph = [line for line in lines if line.strip()]
    start = next(i for i, line in enumerate(paragraph) if line.startswith("The power"))
    body = paragraph[start : start + 7]
    assert body[-1].endswith("applications."), body
    assert all(len(line.split()) > 3 for line in body[:-1]), body


def test_code_long_words_and_long_addresses_stay_on_the_page_in_the_booklets_type(tmp_path):
    """Real abstracts hold code (indented lines), hashes and addresses with a long token
    (FOSDEM's 'Z2lkOi8v…'): they break at the column's edge instead of running off the
    page, and code is set in Booklet Serif, not in whatever monospace the machine has."""
    token = "Z2lkOi8vY2x1YnMtb3JnYW5pemF0aW9uLzEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MA"
    abstract = (
        f"See https://example.org/{token * 2}/more for the slides.\n\n"
        f"    {'x = compute(' * 12}\n\n"
        f"A hash: {'0123456789abcdef' * 8}, and `{'code' * 30}` inline."
    )
    folder = write_content(
        tmp_path / "content",
        {"title": "T", "organiser": "O", "language": "en"},
        [{"id": "ann", "name": "Ann Lee"}],
        [{"id": "t", "title": "Talk", "speakers": ["ann"], "abstract": abstract}],
    )
    result = booklet.build(folder, tmp_path / "out")
    document = pypdfium2.PdfDocument(result.pdf_path)
    try:
        checked = 0
        for page in document:
            width = page.get_width()
            text = page.get_textpage()
            for index in range(text.count_chars()):
                left, _, right, _ = text.get_charbox(index)
                if right > left:  # a glyph with ink
                    assert left >= 0 and right <= width - 20, text.get_text_range()[:80]
                    checked += 1
        assert checked > 500
    finally:
        document.close()
    with pikepdf.open(result.pdf_path) as pdf:
        fonts = {
            str(font.get("/BaseFont"))
            for page in pdf.pages
            for font in page.Resources.get("/Font", {}).values()
        }
    assert fonts and all("Booklet" in font or "Emoji" in font for font in fonts), fonts
