"""Door signs: `booklet signs` writes one PDF with a sign per room and day, to print and
put up by each door.

Each sign shows the room's name large, the day, the room's items with their times and
speakers (items for everyone, without a room, lighter), and a QR code to the web
programme when the conference gives a `website`. It is laid out from the content with
the booklet's theme (colours, typeface and fonts: styles/booklet.css, then
styles/signs.css) by the template `door_signs.html.j2`, which a project may replace in
its templates/ like any other, in the same sandbox. A4 landscape, or A3; the print
edition has 3 mm bleed that the head's colour runs into, and crop marks outside it, as
the booklet's own (editions.py).
"""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import labels
from .api import _check, _theme, output_name
from .checks import day_minutes
from .editions import BLEED_PT, _add_crop_marks
from .errors import BookletError, ContentError, Problem
from .files import write_atomically
from .html import TEMPLATES, _environment, booklet_view, room_order
from .load import LoadedContent
from .name_labels import accent_colour
from .pages import DoorSign, SignEntry
from .pdf import render_pdf
from .sandbox import render as render_in_sandbox

SignPaper = Literal["A4", "A3"]
TEMPLATE = "door_signs.html.j2"


@dataclass
class SignsResult:
    pdf_path: Path
    signs: list[DoorSign]
    warnings: list[str]


def door_signs(loaded: LoadedContent) -> list[DoorSign]:
    """A sign for every room on every day it has items, rooms in the conference's order,
    days in order. Items without a room (a keynote for all, a break) are on each."""
    view = booklet_view(loaded)
    language = loaded.content.conference.language
    words = labels.labels_for(language)
    rooms = room_order(loaded.content)
    signs = []
    for day, talks in view.programme_days:
        talks = sorted(talks, key=lambda t: day_minutes(t.item.start) if t.item.start else -1)
        for room in rooms:
            if not any(talk.item.room == room for talk in talks):
                continue
            entries = tuple(
                SignEntry(
                    talk.item.start or "",
                    talk.item.end or "",
                    talk.item.title,
                    ", ".join(speaker.name for speaker in talk.speakers),
                    words.get(f"kind_{talk.item.kind}", "") if talk.item.kind != "talk" else "",
                    talk.item.room is None,
                )
                for talk in talks
                if talk.item.room in (room, None)
            )
            signs.append(DoorSign(room, _day_label(day, loaded, language), entries))
    return signs


def _day_label(day: datetime.date | None, loaded: LoadedContent, language: str) -> str:
    conference = loaded.content.conference
    day = day or (conference.date if not conference.end_date else None)
    if day is None:
        return ""
    label = labels.format_day(day, language)
    return label[:1].upper() + label[1:]


def build_signs(
    content_folder: str | Path = "content",
    output_folder: str | Path = "output",
    *,
    paper: SignPaper = "A4",
    edition: Literal["screen", "print"] = "screen",
    styles_folder: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> SignsResult:
    """Write `<output>/<slug>-signs.pdf` (`-signs-print.pdf` for print): a sign per
    room and day. ContentError when the programme names no rooms."""
    if paper not in ("A4", "A3"):
        raise BookletError(f"door signs are A4 or A3, not {paper}")
    content_folder = Path(content_folder)
    theme = _theme(content_folder, styles_folder)
    loaded = _check(content_folder, theme)
    signs = door_signs(loaded)
    if not signs:
        raise ContentError(
            [
                Problem(
                    str(loaded.sources["programme"].name),
                    0,
                    0,
                    "",
                    "no programme item has a room; door signs are one per room and day "
                    "(add `room:` to the items)",
                )
            ]
        )
    stylesheets = theme.stylesheets(
        ["booklet.css", "signs.css", *(["print.css"] if edition == "print" else [])]
    )
    html = signs_html(loaded, signs, paper, edition, theme)
    head_bottoms: dict[int, float] = {}  # page index -> the head's foot, pt from the top

    def measure_heads(document, pdf) -> None:
        for index, page in enumerate(document.pages):
            if box := page.anchors.get(f"sign-{index + 1}"):
                head_bottoms[index] = box[3] * 0.75  # CSS px -> pt

    rendered = render_pdf(
        lambda page_of: html,
        stylesheets=stylesheets,
        base_folder=loaded.folder.resolve(),
        allowed_folders=[loaded.folder, *theme.folders],
        identifier=b"signs-" + output_name(loaded).encode()[:40],
        progress=progress,
        # a sign refers to no page: one layout, each head's id on its own page
        guess={f"sign-{number}": number for number in range(1, len(signs) + 1)},
        finisher=measure_heads,
        own_theme_files=theme.own_files(stylesheets),
    )
    if rendered.page_count != len(signs):
        raise BookletError(
            f"{len(signs)} door signs took {rendered.page_count} pages: a room has more "
            "items than a sign holds (try --paper A3), or the theme's signs.css is too large"
        )
    if edition == "print":
        accent = accent_colour(loaded.content.conference.style.accent)
        pdf = _with_bleed_and_marks(rendered.pdf, head_bottoms, accent)
    else:
        pdf = rendered.pdf
    suffix = "-signs-print" if edition == "print" else "-signs"
    target = Path(output_folder) / f"{output_name(loaded)}{suffix}.pdf"
    write_atomically(target, pdf)
    return SignsResult(target, signs, rendered.warnings)


def signs_html(
    loaded: LoadedContent,
    signs: list[DoorSign],
    paper: SignPaper,
    edition: str,
    theme,
) -> str:
    view = booklet_view(loaded)
    view.project_font_faces = theme.project_font_faces()
    templates = theme.project_templates
    environment = _environment(templates)
    context = {"booklet": view, "signs": signs, "paper": paper, "edition": edition}
    if templates is None:
        return environment.get_template(TEMPLATE).render(**context)

    def is_template(filename: str) -> bool:
        return Path(filename).is_relative_to(templates) or Path(filename).is_relative_to(TEMPLATES)

    return render_in_sandbox(TEMPLATE, environment, is_template, **context)


def _with_bleed_and_marks(
    pdf: bytes, head_bottoms: dict[int, float], accent: tuple[float, float, float]
) -> bytes:
    """The head's colour into the bleed (WeasyPrint draws only the page's own background
    there), under the page's drawing; then the crop marks outside it, as the booklet's."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for index, page in enumerate(document.pages):
            if index not in head_bottoms:
                continue
            left, bottom, right, top = (float(v) for v in page.obj.TrimBox)
            foot = top - head_bottoms[index]
            fill = b"q\n%.3f %.3f %.3f rg\n%.2f %.2f %.2f %.2f re f\nQ" % (  # a line each: pdfx.py
                *accent,
                left - BLEED_PT,
                foot,
                right - left + 2 * BLEED_PT,
                top + BLEED_PT - foot,
            )
            page.contents_add(document.make_indirect(pikepdf.Stream(document, fill)), prepend=True)
        _add_crop_marks(document)
        # PDF/X-4 in CMYK, as the booklet's print edition: a press takes both alike.
        from .pdfx import PDF_VERSION, OutputProfile, make_pdfx

        identifier = hashlib.sha256(pdf).hexdigest()[:32]
        make_pdfx(document, OutputProfile.default(), identifier)
        output = io.BytesIO()
        document.save(output, deterministic_id=True, force_version=PDF_VERSION)
        return output.getvalue()
