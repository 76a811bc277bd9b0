"""Where the default theme (CSS and fonts) is, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).parent


def default_styles_folder() -> Path:
    # A wheel carries styles/ inside the package; a source checkout has it beside it.
    for candidate in (_PACKAGE / "styles", _PACKAGE.parent / "styles"):
        if (candidate / "booklet.css").is_file():
            return candidate
    raise RuntimeError("booklet's default theme (styles/booklet.css) is not installed")


def covered_characters(styles_folder: Path) -> set[int]:
    """Every character that some font in the theme's fonts/ folder can draw."""
    from fontTools.ttLib import TTFont  # already loaded by WeasyPrint

    covered: set[int] = set()
    for font in sorted((styles_folder / "fonts").glob("*.[ot]tf")):
        with TTFont(font, lazy=True) as opened:
            covered |= set(opened.getBestCmap())
    return covered
