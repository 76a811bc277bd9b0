"""Text from exports made the booklet's own (booklet/markup.py): HTML as Markdown, control
and separator characters normalised, abstract and description printed once."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from booklet.html import markdown
from booklet.importer import import_schedule
from booklet.markup import (
    abstract_and_description,
    clean_text,
    html_to_markdown,
    imported_markdown,
    is_html,
    missing_glyphs_message,
    needs_glyph,
    says_something,
)

# Real exports (frab's XML of 31C3, frab's JSON of camp2019), as found in the wild.
SCHEDULES = Path(__file__).parent / "data" / "schedules"


def printed(markdown_text: str) -> str:
    """What a reader sees of the booklet's Markdown: its HTML without tags, folded."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", markdown(markdown_text)))
    return " ".join(text.split())


def unspanned(html_text: str) -> str:
    """HTML without the spans of typography.py around paragraphs' last words, no-break
    spaces as spaces."""
    return re.sub(r'<span class="last-words">(.*?)</span>', r"\1", html_text).replace("\u00a0", " ")


# --- control and separator characters ---------------------------------------------------


def test_separators_become_breaks_and_controls_go():
    assert clean_text("line\u2028next\u2029para") == "line\nnext\n\npara"
    assert clean_text("a\r\nb\rc\x85d") == "a\nb\nc\nd"
    assert clean_text("bell\x07 nul\x00 esc\x1b del\x7f c1\x9b bom\ufeff") == (
        "bell nul esc del c1 bom"
    )


def test_meaningful_invisible_characters_are_kept():
    text = "no\u00a0break, tab\there, 👩\u200d💻 joined, zero\u200bwidth, ❤\ufe0f"
    assert clean_text(text) == text


def test_a_lone_surrogate_becomes_a_replacement_character():
    assert clean_text("a\ud800b") == "a\ufffdb"


# --- HTML or not ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a < b and c > d",
        "We <3 Techno",
        "Send <your name> to us",
        "x<y>z",
        "1 << 4",
        "Use <b> for bold, <a lot> of it",
    ],
)
def test_text_that_merely_has_angle_brackets_is_not_html(text):
    assert not is_html(text)
    assert imported_markdown(text) == text


@pytest.mark.parametrize(
    "text",
    ["<p>x", "a<br>b", "a<br/>b", "end</li>", '<A HREF="https://x.org">x</A>', "<i>x</i >"],
)
def test_a_known_tag_makes_html(text):
    assert is_html(text)


def test_plain_text_and_markdown_are_kept_as_written():
    text = "A *Markdown* abstract\n\n- with a list\n- of two\n\n[a link](https://example.org)"
    assert imported_markdown(text) == text
    assert imported_markdown("  line  \r\n\r\n\r\n\r\nnext  ") == "line\n\nnext"


# --- HTML -> Markdown -------------------------------------------------------------------


def test_html_becomes_paragraphs_lists_emphasis_and_links():
    source = (
        "<p>First <b>bold</b> and <em>meant</em>, <code>x = 1</code>.</p>"
        "<p>Second<br>line two</p>"
        "<ul><li>one<li>two <a href='https://example.org/a'>site</a>"
        "<ol start=3><li>three</ol></ul>"
        "<h2>A heading</h2><blockquote><p>quoted</p></blockquote>"
        "<pre>code\n  indented</pre>"
    )
    result = unspanned(markdown(imported_markdown(source)))
    assert "<strong>bold</strong>" in result and "<em>meant</em>" in result
    assert "<code>x = 1</code>" in result
    assert "Second<br />\nline two" in result
    assert re.search(
        r"<ul>\s*<li>\s*(<p>)?one(</p>)?\s*</li>\s*<li>\s*(<p>)?two <a href=\"https://example.org/a\">",
        result,
    )
    assert '<ol start="3">' in result
    assert "<h3>A heading</h3>" in result
    assert "<blockquote>" in result and "quoted" in result
    assert "<pre><code>code\n  indented\n</code></pre>" in result


def test_scripts_styles_images_and_frames_are_dropped_with_their_text():
    source = (
        "<p>Kept</p><script>alert('gone')</script><style>p { color: red }</style>"
        "<img src='https://tracker.example/x.png' alt='gone'><iframe src='x'>gone</iframe>"
        "<noscript>gone</noscript><svg><text>gone</text></svg><p>also kept</p>"
    )
    assert printed(imported_markdown(source)) == "Kept also kept"


def test_text_in_html_stays_text():
    source = "<p>2014. That *is* [not](a link) &lt;b&gt; # nor_a_heading &amp; `no code`</p>"
    assert printed(imported_markdown(source)) == (
        "2014. That *is* [not](a link) <b> # nor_a_heading & `no code`"
    )


def test_links_keep_only_web_and_mail_addresses():
    source = (
        '<p><a href="javascript:alert(1)">script</a> <a href="file:///etc/passwd">file</a> '
        '<a href="mailto:a@b.dk">mail</a> <a href="https://x.org/a b">spaced</a></p>'
    )
    result = imported_markdown(source)
    assert result == "script file [mail](mailto:a@b.dk) [spaced](https://x.org/a%20b)"


def test_two_line_breaks_make_a_paragraph_as_does_a_blank_line():
    assert imported_markdown("one<br><br>two<br />\n<br>three") == "one\n\ntwo\n\nthree"
    assert imported_markdown("one <b>x</b>\n\ntwo") == "one **x**\n\ntwo"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))))
@example(" – x")  # a dash between spaces at a paragraph's edge, whose space is trimmed
@example(" – ")  # punctuation alone: a placeholder
@example("a - b –  c\u00a0– d")
def test_any_text_inside_html_prints_as_itself(text):
    """Whatever the words, Markdown's characters and entities among them, a paragraph of
    HTML prints exactly its text (white space folded; the typesetter's dashes aside);
    punctuation alone is a placeholder, and prints nothing."""
    result = printed(imported_markdown(f"<p>{html.escape(text)}</p>"))
    if not says_something(text):
        assert result == ""
        return

    def folded(value: str) -> str:
        # White space first, so a paragraph's trimmed edges count as spaces; then a dash
        # standing between spaces, hyphen or en dash, is one sign (the typesetter's choice).
        words = " ".join(clean_text(value).replace("\u00a0", " ").split())
        return re.sub(r"(?<= )[-–](?= )", "-", f" {words} ").strip()

    assert folded(result) == folded(text)


HOSTILE = {
    "deep nesting": "<div>" * 20_000 + "deep" + "</div>" * 20_000,
    "unclosed formatting": "<b><i>" * 10_000 + "x",
    "unclosed comments": "<p>a<!-- b >" * 10_000,
    "tags never closed": "<p" * 20_000,
    "nested lists": "<ul><li>" * 5_000 + "item",
    "many attributes": "<a " + "x=1 " * 20_000 + ">text</a>",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_html_is_converted(name):
    """The shapes that make HTML parsers slow (quadratic) or deep (recursion): each is
    converted, its text kept. benchmarks/ has none: /tmp-free timings are in the report."""
    result = imported_markdown(HOSTILE[name])
    if name in ("deep nesting", "nested lists", "many attributes"):
        assert result.strip().endswith(("deep", "item", "text"))


# --- abstract and description -----------------------------------------------------------


def test_a_description_equal_to_its_abstract_prints_once():
    assert abstract_and_description("<p>Same text.</p>", "Same   text.") == "Same text."


def test_a_description_that_begins_with_its_abstract_prints_alone():
    abstract = "The Heartbleed bug took the Internet by surprise."
    description = f"{abstract}\n\nIn this talk we look at its aftermath."
    assert abstract_and_description(abstract, description) == description
    cut = "The Heartbleed bug took the Internet by sur…"
    assert abstract_and_description(cut, description) == description


def test_repeated_paragraphs_and_sentences_are_dropped_from_the_description():
    abstract = "First sentence here. Second sentence here."
    description = (
        "First sentence here. Something new.\n\nSecond sentence here.\n\nMore that is new."
    )
    assert abstract_and_description(abstract, description) == (
        "First sentence here. Second sentence here.\n\nSomething new.\n\nMore that is new."
    )


def test_different_texts_both_print_and_a_word_in_common_is_no_repetition():
    assert abstract_and_description("Short.", "Long and different.") == (
        "Short.\n\nLong and different."
    )
    assert abstract_and_description("Workshop", "A workshop on soldering.") == (
        "Workshop\n\nA workshop on soldering."
    )
    assert abstract_and_description("", "<p>Only this</p>") == "Only this"


# --- real exports -----------------------------------------------------------------------


def real_events() -> list[tuple[str, str, str]]:
    """(title, abstract, description) of every event of the two real exports."""
    events = []
    for event in ET.parse(SCHEDULES / "31c3-schedule.xml").getroot().iter("event"):
        fields = (event.findtext(name) or "" for name in ("title", "abstract", "description"))
        events.append(tuple(fields))

    def walk(data):
        if isinstance(data, dict):
            if "abstract" in data or "description" in data:
                events.append(
                    (
                        data.get("title") or "",
                        data.get("abstract") or "",
                        data.get("description") or "",
                    )
                )
            for value in data.values():
                walk(value)
        elif isinstance(data, list):
            for value in data:
                walk(value)

    walk(json.loads((SCHEDULES / "camp2019-stages.schedule.json").read_text()))
    return events


@pytest.fixture(scope="module")
def real() -> dict[str, tuple[str, str, str]]:
    """title -> (abstract, description, the booklet's Markdown of both)."""
    return {
        title: (abstract, description, abstract_and_description(abstract, description))
        for title, abstract, description in real_events()
    }


TAG_AS_TEXT = re.compile(r"</?(?:p|br|ul|ol|li|a|em|i|b|strong|h\d|div|code|blockquote)\b", re.I)


def test_real_abstracts_print_no_tag(real):
    with_html = [title for title, (a, d, _) in real.items() if is_html(a + d)]
    assert len(with_html) > 15  # both exports have HTML in them
    for title, (_, _, result) in real.items():
        assert not TAG_AS_TEXT.search(printed(result)), title


def test_real_abstracts_print_no_paragraph_twice(real):
    repeated = 0
    for title, (abstract, description, result) in real.items():
        words = [" ".join(re.findall(r"\w+", p.casefold())) for p in result.split("\n\n")]
        long = [w for w in words if w.count(" ") >= 8]
        assert len(long) == len(set(long)), title
        first_sentence = re.split(r"(?<=[.!?])\s", html_to_markdown(abstract).strip())[0]
        if abstract and description and first_sentence.count(" ") >= 8:
            sentence = " ".join(re.findall(r"\w+", first_sentence.casefold()))
            all_words = " ".join(re.findall(r"\w+", result.casefold()))
            repeated += sentence in " ".join(re.findall(r"\w+", description.casefold()))
            assert all_words.count(sentence) == 1, title
    assert repeated >= 15  # the exports do repeat abstracts in descriptions


def test_real_lists_and_links_are_kept(real):
    _, _, airline = real["Beyond PNR: Exploring airline systems"]
    result = unspanned(markdown(airline))
    assert "<li>Air traffic control systems</li>" in result
    assert "<h3>Airline environment</h3>" in result
    linked = [
        (title, href)
        for title, (abstract, description, _) in real.items()
        for href in re.findall(r'<a href="(https?://[^"]+)"', abstract + description)
    ]
    assert len(linked) >= 5
    for title, href in linked:
        address = html.escape(html.unescape(href))
        assert f'href="{address}"' in markdown(real[title][2]), (title, href)


# --- characters no font draws -----------------------------------------------------------


def test_invisible_characters_need_no_glyph():
    for character in ("\u200d", "\u200b", "\ufe0f", "\u2028", "\x07", " ", "\u00a0"):
        assert not needs_glyph(character), hex(ord(character))
    for character in ("a", "🎉", "\U00010000", "\u0301"):
        assert needs_glyph(character)


def test_a_missing_glyph_is_named():
    message = missing_glyphs_message(["\U00010000"])
    assert "'\U00010000' (U+10000) not in the booklet's fonts" in message
    assert "LINEAR B SYLLABLE B008 A" in message and "printed as a box" in message
    many = missing_glyphs_message([chr(0x10000 + n) for n in range(8)])
    assert "and 3 more" in many


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, str]:
    """title -> abstract, as `booklet import` writes them for both real exports."""
    abstracts = {}
    for name in ("31c3-schedule.xml", "camp2019-stages.schedule.json"):
        folder = tmp_path_factory.mktemp("import") / "content"
        import_schedule(SCHEDULES / name, folder)
        for item in yaml.safe_load((folder / "programme.yaml").read_text()):
            abstracts[item["title"]] = item.get("abstract", "")
    return abstracts


def test_an_import_writes_the_booklets_markdown(imported):
    for title, abstract in imported.items():
        assert not TAG_AS_TEXT.search(printed(abstract)), title
        paragraphs = [" ".join(re.findall(r"\w+", p.casefold())) for p in abstract.split("\n\n")]
        long = [p for p in paragraphs if p.count(" ") >= 8]
        assert len(long) == len(set(long)), title
    airline = imported["Beyond PNR: Exploring airline systems"]
    assert "### Airport environment\n\n- Air traffic control systems\n" in airline
