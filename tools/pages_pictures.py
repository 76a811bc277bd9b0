"""Render the README's pictures of the pages besides the talks, from the `booklet new`
example: an organiser's page with the venue map, the sponsors' page, and a door sign.

python tools/pages_pictures.py   # writes docs/free-page.png, sponsors.png, door-sign.png
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdf
import pypdfium2

import booklet
from booklet.scaffold import new_project
from booklet.signs import build_signs

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCALE = 110 / 72  # 110 dpi, as the README's other pictures
SIGN_SCALE = 60 / 72  # a sign is an A4 landscape sheet: smaller, to sit beside the pages


def page_of_bookmark(pdf: Path, title: str) -> int:
    reader = pypdf.PdfReader(pdf)
    for item in reader.outline:
        if not isinstance(item, list) and item.title == title:
            return reader.get_destination_page_number(item)
    raise SystemExit(f"no bookmark {title!r} in {pdf}")


def render(pdf: Path, index: int, scale: float, target: Path) -> None:
    page = pypdfium2.PdfDocument(pdf)[index]
    page.render(scale=scale).to_pil().convert("RGB").save(target, optimize=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary) / "example"
        new_project(project)
        pdf = booklet.build(project / "content", project / "output").pdf_path
        signs = build_signs(project / "content", project / "output").pdf_path
        DOCS.mkdir(exist_ok=True)
        render(pdf, page_of_bookmark(pdf, "Finding your way"), SCALE, DOCS / "free-page.png")
        render(pdf, page_of_bookmark(pdf, "Sponsors and partners"), SCALE, DOCS / "sponsors.png")
        render(signs, 0, SIGN_SCALE, DOCS / "door-sign.png")


if __name__ == "__main__":
    main()
