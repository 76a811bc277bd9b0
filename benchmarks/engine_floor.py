"""The engine floor: a plain WeasyPrint document with the text of a booklet, its fonts and
its page size, and none of booklet's work (no content checks, templates, page numbers,
parts, tags or finishing). What any tool that prints this text with WeasyPrint pays.

The text is read back from booklet's own PDF, page by page, so it is the same text; each
page's lines become one justified, hyphenated paragraph that ends its page, set in the
theme's serif at the booklet's size and leading on A5. Prints the number of lines of
text, for the per-line figures of large.py. Reading the text back is not timed: it is
written as HTML first, and a second process (the one to time) lays it out and writes it.

    python benchmarks/engine_floor.py text BOOKLET.pdf PLAIN.html   # prints the lines
    python benchmarks/engine_floor.py pdf PLAIN.html OUTPUT.pdf      # time this one
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import pypdf
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from booklet.theme import default_styles_folder


def text_lines(pdf: Path) -> list[list[str]]:
    """The lines of text of each page."""
    pages = pypdf.PdfReader(pdf).pages
    return [
        [line for line in (page.extract_text() or "").splitlines() if line.strip()]
        for page in pages
    ]


def plain_html(pages: list[list[str]]) -> str:
    fonts = default_styles_folder() / "fonts"
    faces = "".join(
        f'@font-face {{ font-family: "Booklet Serif"; src: url({(fonts / file).as_uri()}); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for file, weight, style in (
            ("BookletSerif-Regular.ttf", 400, "normal"),
            ("BookletSerif-Italic.ttf", 400, "italic"),
            ("BookletSerif-Bold.ttf", 700, "normal"),
            ("BookletSerif-BoldItalic.ttf", 700, "italic"),
        )
    )
    style = (
        faces + "@page { size: A5; margin: 15mm 14mm 18mm; }"
        'html { font-family: "Booklet Serif"; font-size: 9.5pt; line-height: 1.45; '
        "hyphens: auto; text-align: justify; }"
        "p { margin: 0; break-after: page; }"
    )
    body = "".join(f"<p>{html.escape(' '.join(lines))}</p>" for lines in pages)
    return f'<html lang="da"><head><style>{style}</style></head><body>{body}</body></html>'


def write_text(booklet_pdf: str, plain: str) -> None:
    pages = text_lines(Path(booklet_pdf))
    Path(plain).write_text(plain_html(pages), encoding="utf-8")
    print(sum(len(lines) for lines in pages))


def write_pdf(plain: str, output: str) -> None:
    fonts = FontConfiguration()  # carries the @font-face rules to the layout
    stylesheet = weasyprint.CSS(string="", font_config=fonts)
    document = weasyprint.HTML(string=Path(plain).read_text(encoding="utf-8"))
    document.write_pdf(output, stylesheets=[stylesheet], font_config=fonts)


if __name__ == "__main__":
    command, source, target = sys.argv[1:4]
    (write_text if command == "text" else write_pdf)(source, target)
