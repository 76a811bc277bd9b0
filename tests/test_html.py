"""Content is untrusted: it is printed, never interpreted."""

from __future__ import annotations

import pypdf
from helpers import SEED, page_text, write_content

import booklet
from booklet.html import render_html
from booklet.load import load_content

HOSTILE_TITLE = "</div><script>alert(1)</script> & <b>bold</b>"
HOSTILE_ABSTRACT = 'Raw <i>html</i> <img src="http://127.0.0.1:9/x.png"> and **Markdown**.'


def hostile_content(folder):
    return write_content(
        folder,
        {"title": HOSTILE_TITLE, "organiser": "<Org>", "language": "en"},
        [{"id": "x", "name": "Ann <Admin> Lee"}],
        [{"id": "t", "title": HOSTILE_TITLE, "speakers": ["x"], "abstract": HOSTILE_ABSTRACT}],
    )


def test_titles_names_and_abstracts_are_escaped_in_the_html(tmp_path):
    html = render_html(load_content(hostile_content(tmp_path / "c")))
    assert "<script>" not in html
    assert "&lt;/div&gt;&lt;script&gt;" in html
    assert "Ann &lt;Admin&gt; Lee" in html
    assert "<img" not in html and "<i>" not in html
    assert "<strong>Markdown</strong>" in html


def test_hostile_text_prints_literally_in_the_pdf(tmp_path):
    result = booklet.build(hostile_content(tmp_path / "c"), tmp_path / "out")
    reader = pypdf.PdfReader(result.pdf_path)
    text = " ".join(page_text(page) for page in reader.pages)
    assert HOSTILE_TITLE in text
    assert 'Raw <i>html</i> <img src="http://127.0.0.1:9/x.png"> and Markdown.' in text


def test_seed_html_declares_its_language():
    html = render_html(load_content(SEED))
    assert '<html lang="da"' in html


def test_typesetting_turns_a_lone_hyphen_into_a_dash_and_binds_one_letter_words():
    from booklet.html import typeset

    assert typeset("realiseres - ofte") == "realiseres\u00a0– ofte"
    assert typeset("offentlig-private") == "offentlig-private"
    assert typeset("Åben data i kommunerne") == "Åben data i\u00a0kommunerne"
    assert typeset("1/3 til medarbejderen") == "1/3 til medarbejderen"


def test_markdown_links_go_to_the_web_to_mail_or_within_the_booklet_only(tmp_path):
    abstract = (
        "[site](https://example.org) [mail](mailto:a@b.dk) [notes](../notes.txt) "
        "[x](file:///etc/passwd) [PI](privacyinternational.org) [ask](info@example.org)"
    )
    folder = write_content(
        tmp_path / "c",
        {"title": "Links", "organiser": "O", "language": "en"},
        [{"id": "x", "name": "Ann Lee"}],
        [
            {
                "id": "t",
                "title": "Talk",
                "speakers": ["x"],
                "abstract": abstract + "\n\n# Not a part",
            }
        ],
    )
    html = render_html(load_content(folder))
    assert 'href="https://example.org"' in html and 'href="mailto:a@b.dk"' in html
    # A link to a file prints as its text alone; an address without its scheme is the
    # web's (or mail's), as a browser would take it.
    assert "notes.txt" not in html and ">notes<" not in html and " notes " in html
    assert 'href="file:' not in html and "passwd" not in html
    assert 'href="https://privacyinternational.org"' in html
    assert 'href="mailto:info@example.org"' in html
    result = booklet.build(folder, tmp_path / "out")
    titles = [
        item.title
        for item in pypdf.PdfReader(result.pdf_path).outline
        if not isinstance(item, list)
    ]
    assert "Not a part" not in titles
