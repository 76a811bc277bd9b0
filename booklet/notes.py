"""Notes pages: what fills a printed booklet to whole sheets instead of blank pages.

A saddle-stitched booklet has a multiple of 4 pages. The print edition fills the last
sheet with what printed programmes carry there: pages headed "Noter" / "Notes" /
"Notizen" (the booklet's language, booklet/locales) with light rules to write on,
numbered as the pages around them. They are laid out on their own, with the booklet's
stylesheets (its fonts, colours and page margins; the rules' CSS is the last section of
styles/booklet.css), once the booklet's length is known, and put before the back cover.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from .compact import compact_finisher
from .html import booklet_view
from .labels import labels_for
from .load import LoadedContent
from .pdf import (
    LocalOnlyFetcher,
    font_timestamps_fixed,
    load_stylesheets,
    rendering_stopped,
    weasyprint_messages,
)
from .theme import Theme

# More rules than any page holds: the CSS gives the rules' box the height of the page's
# text area, and what does not fit is cut off, whatever the paper and margins.
RULES = 48
RULE = '<div class="notes-rule"></div>'


class NotesPages:
    """Lays out `count` notes pages numbered from `first_page`, as a PDF."""

    def __init__(
        self,
        loaded: LoadedContent,
        theme: Theme,
        stylesheets: list[Path],
        allowed_folders: list[Path],
    ) -> None:
        self.loaded = loaded
        self.theme = theme
        self.stylesheets = stylesheets
        self.allowed_folders = allowed_folders

    def __call__(self, count: int, first_page: int) -> bytes:
        fetcher = LocalOnlyFetcher(self.allowed_folders)
        font_config = FontConfiguration()
        with (
            weasyprint_messages(),  # the booklet itself reported the theme's faults
            rendering_stopped(self.theme.own_files(self.stylesheets)),
            font_timestamps_fixed(),
        ):
            css = load_stylesheets(self.stylesheets, fetcher, font_config)
            document = weasyprint.HTML(
                string=self.html(count, first_page),
                base_url=str(self.loaded.folder.resolve()) + "/",
                url_fetcher=fetcher,
            ).render(stylesheets=css, font_config=font_config)
            pdf = document.write_pdf(finisher=compact_finisher())  # as the booklet's own
        fetcher.stop_if_refused()
        return pdf

    def html(self, count: int, first_page: int) -> str:
        conference = self.loaded.content.conference
        view = booklet_view(self.loaded)
        view.project_font_faces = self.theme.project_font_faces()
        title = escape(str(labels_for(conference.language)["notes"]))
        page = (
            f'<section class="notes-page"><h2 class="notes-title">{title}</h2>'
            f'<div class="notes-rules">{RULE * RULES}</div></section>'
        )
        side = "right" if first_page % 2 else "left"
        return (
            f'<!DOCTYPE html><html lang="{escape(conference.language)}" '
            f'class="paper-{escape(conference.paper.lower())}"><head><meta charset="utf-8">'
            f"<style>@page {{ size: {escape(conference.paper)} portrait; }}</style>"
            f"<style>{view.style_css}</style>"
            f"<style>@page :first {{ counter-reset: page {first_page}; }} "
            f"html {{ break-before: {side}; }}</style>"
            f"</head><body>{page * count}</body></html>"
        )
