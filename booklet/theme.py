"""The theme: the default one (CSS, fonts) and a project's own overrides.

A project is the folder that holds the content folder. Its own `styles/` and
`templates/`, when it has them, override single files of the default theme:

- `styles/booklet.css` (and `styles/print.css` for the print edition) are laid after the
  default file of the same name, so they need to say only what differs;
- font files in `styles/fonts/` become available by their family name (`style.font` in
  conference.yaml picks one);
- a template in `templates/` (e.g. `cover.html.j2`) is used instead of the default one
  of that name; the others stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).parent
FONT_SUFFIXES = (".ttf", ".otf")


def default_styles_folder() -> Path:
    # A wheel carries styles/ inside the package; a source checkout has it beside it.
    for candidate in (_PACKAGE / "styles", _PACKAGE.parent / "styles"):
        if (candidate / "booklet.css").is_file():
            return candidate
    raise RuntimeError("booklet's default theme (styles/booklet.css) is not installed")


@dataclass(frozen=True)
class Theme:
    styles: Path  # the theme's own folder: booklet.css, fonts/
    project_styles: Path | None = None
    project_templates: Path | None = None

    def stylesheets(self, names: list[str]) -> list[Path]:
        """Each named stylesheet of the theme, followed by the project's of that name."""
        sheets = []
        for name in names:
            sheets.append(self.styles / name)
            if self.project_styles and (self.project_styles / name).is_file():
                sheets.append(self.project_styles / name)
        return sheets

    @property
    def folders(self) -> list[Path]:
        """Where the renderer may read files (besides the content folder)."""
        return [folder for folder in (self.styles, self.project_styles) if folder]

    def font_files(self) -> list[Path]:
        files = []
        for folder in self.folders:
            files += sorted(p for p in (folder / "fonts").glob("*") if p.suffix in FONT_SUFFIXES)
        return files

    def project_font_faces(self) -> str:
        """@font-face rules for the project's own font files, from what each file says
        of itself (family, weight, italic): dropping files in styles/fonts/ is enough."""
        if not self.project_styles:
            return ""
        fonts = sorted((self.project_styles / "fonts").glob("*"))
        # Asked once per part of a large booklet: read each file once (while unchanged).
        return _font_face_rules(
            tuple((str(f), f.stat().st_mtime_ns) for f in fonts if f.suffix in FONT_SUFFIXES)
        )


@cache
def _font_face_rules(files: tuple[tuple[str, int], ...]) -> str:
    from fontTools.ttLib import TTFont  # already loaded by WeasyPrint

    rules = []
    for name, _ in files:
        file = Path(name)
        with TTFont(file, lazy=True) as font:
            names = font["name"]
            family = names.getDebugName(16) or names.getDebugName(1)
            weight = font["OS/2"].usWeightClass
            italic = bool(font["OS/2"].fsSelection & 1)
        if not family or any(c in family for c in "\"'\\;{}<>"):
            continue  # a name that cannot be quoted safely in CSS is not used
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{file.resolve().as_uri()}"); '
            f"font-weight: {weight}; font-style: {'italic' if italic else 'normal'}; }}"
        )
    return "\n".join(rules)


def theme_for(content_folder: Path, styles_folder: Path | None = None) -> Theme:
    """The theme of the project that holds `content_folder`."""
    styles = (styles_folder or default_styles_folder()).resolve()
    project = Path(content_folder).resolve().parent
    project_styles = project / "styles"
    project_templates = project / "templates"
    return Theme(
        styles,
        # booklet's own checkout keeps its default theme in styles/ beside content/.
        project_styles if project_styles.is_dir() and project_styles != styles else None,
        project_templates if project_templates.is_dir() else None,
    )


def covered_characters(theme: Theme) -> set[int]:
    """Every character that some font of the theme (or the project) can draw."""
    from fontTools.ttLib import TTFont  # already loaded by WeasyPrint

    covered: set[int] = set()
    for font in theme.font_files():
        with TTFont(font, lazy=True) as opened:
            covered |= set(opened.getBestCmap())
    return covered
