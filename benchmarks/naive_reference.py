"""The naive way, for comparison: the whole booklet as one WeasyPrint document whose
contents, programme and index count their pages with CSS target-counter(), laid out
once, as a WeasyPrint user would first write it. Same content, templates and styles
as booklet's own build.

    python benchmarks/naive_reference.py CONTENT_DIR OUTPUT.pdf
"""

from __future__ import annotations

import sys
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from booklet.html import render_html
from booklet.load import load_content
from booklet.theme import default_styles_folder


def main(content: str, output: str) -> None:
    loaded = load_content(Path(content))
    html = render_html(loaded, None)  # no page map: every reference is a target-counter()
    # The font configuration carries the stylesheet's @font-face rules to the layout:
    # without it, WeasyPrint quietly sets the booklet in a system font.
    fonts = FontConfiguration()
    stylesheet = weasyprint.CSS(
        filename=str(default_styles_folder() / "booklet.css"), font_config=fonts
    )
    document = weasyprint.HTML(string=html, base_url=str(Path(content).resolve()) + "/")
    document.write_pdf(output, stylesheets=[stylesheet], font_config=fonts)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
