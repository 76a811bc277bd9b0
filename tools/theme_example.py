"""The README's worked theme example: a `booklet new` project given its own colours, its
own typeface and its own cover, built, and its cover and a page drawn to docs/.

    python tools/theme_example.py

The typeface is DejaVu Sans from the system (its licence allows this); any .ttf/.otf
files with their licence will do.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image

import booklet
from booklet.scaffold import new_project

DOCS = Path(__file__).resolve().parent.parent / "docs"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

SETTINGS = """\
style:
  accent: "#7a2e1f"
  accent_pale: "#ecdcd6"
  font: DejaVu Sans
"""

COVER = """\
<section class="cover" id="cover">
  <div class="cover-date">{{ booklet.dates or "" }}</div>
  <h1 class="cover-title">{{ conference.title | typeset }}</h1>
  {% if conference.subtitle %}<p class="cover-subtitle">{{ conference.subtitle }}</p>{% endif %}
  <div class="cover-organiser">{{ conference.organiser }}</div>
</section>
"""

CSS = """\
section.cover { padding-top: 60mm; }
.cover .cover-date { font-size: 11pt; letter-spacing: 0.08em; text-transform: uppercase; }
.cover h1.cover-title { font-size: 34pt; font-weight: 700; margin: 4mm 0; }
.cover-organiser { position: absolute; bottom: 18mm; border: none; }
h1 { text-transform: uppercase; letter-spacing: 0.04em; }
"""


def make(project: Path) -> Path:
    new_project(project)
    conference = project / "content" / "conference.yaml"
    kept = conference.read_text(encoding="utf-8").split("\n# The look")[0]
    conference.write_text(kept + "\n" + SETTINGS, encoding="utf-8")
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
        shutil.copy(DEJAVU / name, project / "styles" / "fonts" / name)
    (project / "styles" / "booklet.css").write_text(CSS, encoding="utf-8")
    (project / "templates" / "cover.html.j2").write_text(COVER, encoding="utf-8")
    return booklet.build(project / "content", project / "output").pdf_path


def main() -> None:
    if not DEJAVU.is_dir():
        sys.exit(f"{DEJAVU} is missing: install fonts-dejavu-core")
    with tempfile.TemporaryDirectory() as scratch:
        pdf = make(Path(scratch) / "my-conference")
        document = pypdfium2.PdfDocument(str(pdf))
        pages = [document[i].render(scale=80 / 72).to_pil().convert("RGB") for i in (0, 3)]
    picture = Image.new("RGB", (pages[0].width * 2 + 12, pages[0].height), "white")
    picture.paste(pages[0], (0, 0))
    picture.paste(pages[1], (pages[0].width + 12, 0))
    DOCS.mkdir(exist_ok=True)
    picture.save(DOCS / "theme-example.png", optimize=True)


if __name__ == "__main__":
    main()
