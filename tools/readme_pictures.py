"""Render the README's pictures from the seed booklet: the cover and one spread.

python tools/readme_pictures.py output/turbo-paa-offentlig-innovation.pdf
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2
from PIL import Image

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCALE = 110 / 72  # 110 dpi


def main(pdf_path: str) -> None:
    document = pypdfium2.PdfDocument(pdf_path)
    pages = [page.render(scale=SCALE).to_pil().convert("RGB") for page in document]
    DOCS.mkdir(exist_ok=True)
    pages[0].save(DOCS / "cover.png", optimize=True)
    # A spread: an even (left) page beside the odd (right) page that follows it.
    left, right = pages[3], pages[4]
    spread = Image.new("RGB", (left.width + right.width, left.height), "white")
    spread.paste(left, (0, 0))
    spread.paste(right, (left.width, 0))
    spread.save(DOCS / "spread.png", optimize=True)


if __name__ == "__main__":
    main(sys.argv[1])
