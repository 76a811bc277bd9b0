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
