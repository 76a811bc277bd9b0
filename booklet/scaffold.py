"""`booklet new DIR`: a new project that builds at once, to change bit by bit.

    DIR/content/    conference.yaml, speakers.yaml, programme.yaml (a small example
                    conference: one day, two rooms), schema/ for editors, and mail/:
                    the invitation's templates and an example list of recipients
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
venue: |
  Main Hall
  1 Example Street, Example Town
website: https://example.org/conference
paper: A5               # or A4
rooms: [Main Hall, Room B]

welcome: |
  Welcome to the conference. This text is **Markdown**: paragraphs, *emphasis*,
  lists and [links](https://example.org) all work.

  Change this folder's YAML files, then run `booklet build` again.

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
"""

SPEAKERS = """\
# yaml-language-server: $schema=schema/speakers.schema.json
# Speakers, referred to by id from programme.yaml. The index sorts them by family name.
- id: ada-example
  name: Ada Example
  role: Professor
  affiliation: Example University
  bio: Works on open data in public administration.

- id: ben-sample
  name: Ben Sample
  role: Head of Data
  affiliation: Example Town Council

- id: carla-demo
  name: Carla Demo
  role: Researcher
  affiliation: Example University
"""

PROGRAMME = """\
# yaml-language-server: $schema=schema/programme.schema.json
# The order of the day. Times as you would write them: 9:30, 09:30 or 9.30.
- title: Open data, ten years on
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

- title: Publishing a town's budget as data
  speakers: [ben-sample]
  day: 2027-05-12
  start: 10:15
  end: 11:00
  room: Main Hall
  track: Practice
  abstract: |
    How a town council put its budget online, line by line, and what its citizens did
    with it.

- title: Who reads open data?
  speakers: [carla-demo, ada-example]
  day: 2027-05-12
  start: 10:15
  end: 11:00
  room: Room B
  track: Research
  abstract: |
    A survey of the people and firms that download public data sets, and why.
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

PEOPLE = """\
email,name,organisation
ada@example.org,Ada Example,Example University
ben@example.org,Ben Sample,Example Town Council
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
    (folder / "styles" / "fonts").mkdir()
    (folder / "output").mkdir()
    return written
