"""`booklet new DIR`: a new project that builds at once, to change bit by bit.

    DIR/content/    conference.yaml, speakers.yaml, programme.yaml (a small example
                    conference: one day, two rooms, a practical page, a page of the
                    organiser's with a venue map, sponsors, photos, a chair and a
                    moderator), images/, logos/ and photos/ for them, schema/ for
                    editors, and mail/: the invitation's templates and an example
                    list of recipients (with talks, for personal copies)
    DIR/styles/     the project's overrides of the default theme, empty but for a note
    DIR/templates/  the same for templates
    DIR/output/     where the PDFs go

Nothing that exists is ever overwritten: DIR must be new or empty.
"""

from __future__ import annotations

from pathlib import Path

from .errors import BookletError, display_path
from .schema import PARTS, schema_text

CONFERENCE = """\
# yaml-language-server: $schema=schema/conference.schema.json
# The conference. Every key is described in schema/conference.schema.json, and an
# editor with the YAML language server completes and checks them as you type.
title: Example Conference on Open Data
subtitle: what we learnt, what we share
organiser: Example Association
language: en            # da, en, de: labels, dates, hyphenation, index order
date: 2027-05-12
venue: Example Town Hall
address: |
  1 Example Street
  1234 Example Town
registration: 8:15      # when registration opens; doors: when the doors open
doors: 8:30
contact:
  name: Conference desk
  email: desk@example.org
  phone: +45 12 34 56 78
website: https://example.org/conference
paper: A5               # or A4
rooms: [Main Hall, Room B]
sessions:
  - id: open-data-in-practice
    title: Open data in practice
    chairs: [dina-host]   # printed with the session, and in the speaker index

welcome: |
  Welcome to the conference. This text is **Markdown**: paragraphs, *emphasis*,
  lists and [links](https://example.org) all work.

  Change this folder's YAML files, then run `booklet build` again.

# Pages you write: a title, Markdown, images from this folder (PNG, JPEG or SVG).
# place: after-welcome, after-programme or before-back-cover.
pages:
  - title: Finding your way
    place: after-welcome
    body: |
      The conference is on the ground floor. Coffee and lunch are served in the foyer.

      **Wifi:** network *ExampleGuest*, password *opendata2027*.
    images:
      - file: images/venue-map.png
        caption: Ground floor of Example Town Hall
  - title: Code of conduct
    place: before-back-cover
    body: |
      We want a conference where everyone is welcome. Be kind, listen, and let others
      speak. If something is wrong, talk to the conference desk.

# Sponsors by tier, the first tier printed largest. SVG logos stay sharp; PNG or
# JPEG need 300 dpi at the size they print (a warning says when one is too coarse).
sponsors:
  - name: Main sponsor
    sponsors:
      - name: Example Foundation
        logo: logos/example-foundation.svg
        website: https://example.org/foundation
  - name: Partners
    sponsors:
      - name: Example University
        logo: logos/example-university.png
      - name: Example Town Council
        logo: logos/example-town.svg

# The look, without touching CSS (styles/ is for everything else):
style:
  accent: "#1f4e79"     # covers, headings, page numbers
  font: Booklet Serif   # or the family of font files put in styles/fonts/

# Which parts the booklet has:
show:
  contents: true
  programme: grid       # grid (time × room) or list
  abstracts: true
  speaker_index: true
  affiliation_index: true
  bios: speakers        # bios and photos: in the speakers index, or 'abstracts'
  practical: true       # a page of the practical facts above
  sponsors_on_back_cover: true
"""

SPEAKERS = """\
# yaml-language-server: $schema=schema/speakers.schema.json
# Speakers, referred to by id from programme.yaml. The index sorts them by family name.
# A photo is printed 14 mm square, cropped to fill it: 170 pixels a side at least.
- id: ada-example
  name: Ada Example
  role: Professor
  affiliation: Example University
  bio: Works on open data in public administration.
  photo: photos/ada-example.png

- id: ben-sample
  name: Ben Sample
  role: Head of Data
  affiliation: Example Town Council
  photo: photos/ben-sample.png

- id: carla-demo
  name: Carla Demo
  role: Researcher
  affiliation: Example University
  photo: photos/carla-demo.png

- id: dina-host
  name: Dina Host
  role: Editor
  affiliation: Example Data Journal
"""

PROGRAMME = """\
# yaml-language-server: $schema=schema/programme.schema.json
# The order of the day. Times as you would write them: 9:30, 09:30 or 9.30.
# An id names an item in mail/people.example.csv's talks column (personal copies).
- id: ten-years-on
  title: Open data, ten years on
  kind: keynote
  speakers: [ada-example]
  day: 2027-05-12
  start: 9:00
  end: 9:45
  abstract: |
    What a decade of open data has changed in public administration, and what it has
    not. Abstracts are Markdown, like the welcome text.

- title: Coffee
  kind: break
  day: 2027-05-12
  start: 9:45
  end: 10:15

- id: town-budget
  title: Publishing a town's budget as data
  speakers: [ben-sample]
  day: 2027-05-12
  start: 10:15
  end: 11:00
  room: Main Hall
  track: Practice
  session: open-data-in-practice
  abstract: |
    How a town council put its budget online, line by line, and what its citizens did
    with it.

- id: who-reads
  title: Who reads open data?
  speakers: [carla-demo, ada-example]
  day: 2027-05-12
  start: 10:15
  end: 11:00
  room: Room B
  track: Research
  session: open-data-in-practice
  abstract: |
    A survey of the people and firms that download public data sets, and why.

- id: what-next
  title: What should we open next?
  kind: panel
  speakers: [ada-example, ben-sample, carla-demo]
  moderators: [dina-host]
  day: 2027-05-12
  start: 11:15
  end: 12:00
  room: Main Hall
  abstract: |
    Three views on which data a town should publish next, and who decides.
"""

STYLES_NOTE = """\
# Your styles

Files here override the default theme, one file at a time:

- `booklet.css` is read after booklet's own stylesheet, so it needs only what differs,
  for example `h1 { letter-spacing: 0.02em; }`. (`print.css` likewise for the print
  edition.)
- Font files (`.ttf`, `.otf`) in `fonts/` can be chosen by their family name with
  `style: {font: ...}` in content/conference.yaml. Mind their licences.

Colours, the typeface, the paper size and which parts the booklet has are settings in
content/conference.yaml (`style:`, `paper:`, `show:`), not CSS.
"""

MAIL_SUBJECT = "Invitation: {{ conference.title }}\n"

MAIL_TEXT = """\
Dear {{ recipient.name or "colleague" }}

{{ conference.organiser }} invites you to

    {{ conference.title }}
{% if conference.subtitle %}
    {{ conference.subtitle }}
{% endif %}

{% if conference.date %}
When: {{ conference.dates }}
{% endif %}
{% if conference.venue %}
Where: {{ conference.venue }}
{% endif %}

The programme booklet is attached.{% if conference.date %} So is an invitation for your
calendar.{% endif %}

Kind regards
{{ conference.organiser }}
"""

MAIL_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ conference.title }}</title></head>
<body style="font-family: Georgia, serif; font-size: 16px; line-height: 1.5; color: #222222;">
<p>Dear {{ recipient.name or "colleague" }}</p>
<p>{{ conference.organiser }} invites you to</p>
<p style="margin-left: 2em;"><strong>{{ conference.title }}</strong>
{% if conference.subtitle %}<br>{{ conference.subtitle }}{% endif %}</p>
{% if conference.date %}<p>When: {{ conference.dates }}</p>{% endif %}
{% if conference.venue %}
<p style="white-space: pre-line;">Where: {{ conference.venue }}</p>
{% endif %}
<p>The programme booklet is attached.{% if conference.date %} So is an invitation for your
calendar.{% endif %}</p>
<p>Kind regards<br>{{ conference.organiser }}</p>
</body>
</html>
"""

# `talks`: item ids from programme.yaml; with `booklet mail --personal`, each gets a
# copy with their name on the cover and a page of these talks.
PEOPLE = """\
email,name,organisation,talks
ada@example.org,Ada Example,Example University,town-budget what-next
ben@example.org,Ben Sample,Example Town Council,who-reads what-next
"""

TEMPLATES_NOTE = """\
# Your templates

A Jinja2 template here replaces booklet's own of the same name, for example
`cover.html.j2` for the cover; the others stay. Copy the one to change from booklet's
`booklet/templates/` folder and edit it. Templates run in Jinja's sandbox.
"""


def new_project(folder: Path) -> list[Path]:
    """Create the project; returns the files written. Refuses a folder with anything in it."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BookletError(
            f"{display_path(folder)} already exists and is not empty; "
            "booklet new makes a new project and overwrites nothing"
        )
    files = {
        "content/conference.yaml": CONFERENCE,
        "content/speakers.yaml": SPEAKERS,
        "content/programme.yaml": PROGRAMME,
        **{f"content/schema/{part}.schema.json": schema_text(part) for part in PARTS},
        "content/mail/subject.txt": MAIL_SUBJECT,
        "content/mail/invitation.txt": MAIL_TEXT,
        "content/mail/invitation.html": MAIL_HTML,
        "content/mail/people.example.csv": PEOPLE,
        "styles/README.md": STYLES_NOTE,
        "templates/README.md": TEMPLATES_NOTE,
    }
    written = []
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:  # "x": never over anything
            file.write(text)
        written.append(path)
    for name, data in example_images().items():
        path = folder / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as file:
            file.write(data)
        written.append(path)
    (folder / "styles" / "fonts").mkdir()
    (folder / "output").mkdir()
    return written


# --- the example's pictures: a venue map, sponsors' logos and speakers' photos -------


def _logo_foundation() -> bytes:
    words = _text_path("Example", 105, 47, 26) + _text_path("Foundation", 105, 77, 22, "#555555")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="280" height="100" viewBox="0 0 280 100">'
        '<circle cx="50" cy="50" r="40" fill="#c0392b"/>'
        '<path d="M30 62 L50 30 L70 62 Z" fill="white"/>' + words + "</svg>\n"
    ).encode()


def _logo_town() -> bytes:
    words = _text_path("Example Town", 84, 48, 22) + _text_path("Council", 84, 74, 18, "#555555")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="100" viewBox="0 0 240 100">'
        '<rect x="10" y="20" width="60" height="60" rx="8" fill="#2e7d32"/>'
        '<rect x="24" y="40" width="10" height="40" fill="white"/>'
        '<rect x="46" y="32" width="10" height="48" fill="white"/>' + words + "</svg>\n"
    ).encode()


def _text_path(text: str, x: float, y: float, size: float, colour: str = "#1b1b1b") -> str:
    """Words as outlines, as a logo's are: drawn from Booklet Serif Bold's glyphs, so the
    logo needs no font (and the booklet's typeface stays the project's choice)."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.ttLib import TTFont

    from .theme import default_styles_folder

    font = TTFont(default_styles_folder() / "fonts" / "BookletSerif-Bold.ttf")
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    scale = size / font["head"].unitsPerEm
    pen = SVGPathPen(glyphs, ntos=lambda value: f"{value:.1f}".removesuffix(".0"))
    advance = 0.0
    for character in text:
        name = cmap.get(ord(character), ".notdef")
        # Font units point up, SVG's down: flip, and move to the baseline at (x, y).
        glyphs[name].draw(TransformPen(pen, (scale, 0, 0, -scale, x + advance, y)))
        advance += glyphs[name].width * scale
    return f'<path fill="{colour}" d="{pen.getCommands()}"/>'


def example_images() -> dict[str, bytes]:
    """The example's pictures, drawn here so that the project needs no download: a
    floor plan (PNG, 300 dpi across the page), logos (SVG, and one PNG), and portraits
    (PNG), each fine enough for print."""
    return {
        "images/venue-map.png": _venue_map(),
        "logos/example-foundation.svg": _logo_foundation(),
        "logos/example-town.svg": _logo_town(),
        "logos/example-university.png": _university_logo(),
        "photos/ada-example.png": _portrait("AE", (31, 78, 121)),
        "photos/ben-sample.png": _portrait("BS", (46, 125, 50)),
        "photos/carla-demo.png": _portrait("CD", (192, 57, 43)),
    }


def _font(size: int):
    from PIL import ImageFont

    from .theme import default_styles_folder

    return ImageFont.truetype(
        str(default_styles_folder() / "fonts" / "BookletSerif-Bold.ttf"), size
    )


def _png(image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _venue_map() -> bytes:
    """A floor plan, 1,400 pixels wide: 300 dpi across an A5 page's text."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1400, 900), "white")
    draw = ImageDraw.Draw(image)
    rooms = [
        ((40, 40, 760, 560), "Main Hall", "#d5e0eb"),
        ((800, 40, 1360, 400), "Room B", "#e3efd9"),
        ((800, 440, 1360, 860), "Foyer · coffee", "#f6e7c8"),
        ((40, 600, 760, 860), "Registration", "#ecdcd6"),
    ]
    for box, name, colour in rooms:
        draw.rectangle(box, fill=colour, outline="#1b1b1b", width=8)
        draw.text(
            ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
            name,
            fill="#1b1b1b",
            font=_font(56),
            anchor="mm",
        )
    draw.rectangle((560, 852, 700, 868), fill="white")  # the entrance: a gap in the wall
    draw.text((630, 820), "Entrance ↓", fill="#c0392b", font=_font(36), anchor="mm")
    return _png(image.quantize(16))


def _university_logo() -> bytes:
    """A raster logo, 700 pixels wide: 300 dpi at the partners' logo size."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (700, 260), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 30, 220, 230), fill="#1f4e79")
    draw.text((120, 130), "EU", fill="white", font=_font(90), anchor="mm")
    draw.text((250, 95), "Example", fill="#1b1b1b", font=_font(72), anchor="lm")
    draw.text((250, 175), "University", fill="#1f4e79", font=_font(72), anchor="lm")
    return _png(image.quantize(16))


def _portrait(initials: str, colour: tuple[int, int, int]) -> bytes:
    """A stand-in portrait, 240 pixels square (14 mm at 435 dpi): replace it with a photo."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 40, 170, 140), fill=(255, 255, 255))
    draw.ellipse((30, 150, 210, 330), fill=(255, 255, 255))
    draw.text((120, 92), initials, fill=colour, font=_font(44), anchor="mm")
    return _png(image.quantize(16))
