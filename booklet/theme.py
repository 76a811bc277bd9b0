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

import hashlib
import io
import json
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import fontTools  # loaded by WeasyPrint already

from .errors import BookletError, display_path
from .files import (
    cache_folder,
    keep_newest,
    read_cache_file,
    read_regular_file,
    write_cache_file,
)

_PACKAGE = Path(__file__).parent
FONT_SUFFIXES = (".ttf", ".otf")
# A font with many scripts is tens of MB; anything far larger is not a font for a booklet.
MAX_FONT_BYTES = 50 * 1024 * 1024
# What a font's kept facts hold, and how they are read: changed when either changes.
FACTS_VERSION = f"1 fontTools {fontTools.version}"
FACTS_KEPT = 200  # fonts whose facts are kept; a file is a few KB
# A family is a few files; WeasyPrint copies every font it is given to a temporary folder.
MAX_FONT_FILES = 100
MAX_FONT_FOLDER_BYTES = 500 * 1024 * 1024


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
            # Whatever is there by that name, to be read (or refused, when it is a pipe,
            # a folder or a link to outside) when the booklet is built.
            if self.project_styles and os.path.lexists(self.project_styles / name):
                sheets.append(self.project_styles / name)
        return sheets

    def own_files(self, stylesheets: list[Path]) -> list[Path]:
        """The stylesheets and templates that are the project's, not booklet's defaults."""
        default = default_styles_folder().resolve()
        own = [sheet for sheet in stylesheets if not sheet.resolve().is_relative_to(default)]
        return own + ([self.project_templates] if self.project_templates else [])

    @property
    def folders(self) -> list[Path]:
        """Where the renderer may read files (besides the content folder)."""
        return [folder for folder in (self.styles, self.project_styles) if folder]

    def font_files(self) -> list[Path]:
        files = []
        for folder in self.folders:
            files += _fonts_in(folder)
        return files

    def project_font_faces(self) -> str:
        """@font-face rules for the project's own font files, from what each file says
        of itself (family, weight, italic): dropping files in styles/fonts/ is enough."""
        if not self.project_styles:
            return ""
        rules = []
        for file in _fonts_in(self.project_styles):
            facts = font_facts(file, self.folders)
            family = facts.family
            if not family or any(c in family for c in "\"'\\;{}<>"):
                continue  # a name that cannot be quoted safely in CSS is not used
            rules.append(
                f'@font-face {{ font-family: "{family}"; src: url("{file.resolve().as_uri()}"); '
                f"font-weight: {facts.weight}; "
                f"font-style: {'italic' if facts.italic else 'normal'}; }}"
            )
        return "\n".join(rules)


def _fonts_in(styles: Path) -> list[Path]:
    """The font files in the fonts folder, by name only: whether each is a file, and a
    font, is for font_facts to say. Refused when there are too many, or too much."""
    fonts = sorted(p for p in (styles / "fonts").glob("*") if p.suffix in FONT_SUFFIXES)
    if len(fonts) > MAX_FONT_FILES:
        raise BookletError(
            f"{display_path(styles / 'fonts')}: {len(fonts):,} font files; "
            f"at most {MAX_FONT_FILES:,}, please"
        )
    total = sum(_size(font) for font in fonts)
    if total > MAX_FONT_FOLDER_BYTES:
        raise BookletError(
            f"{display_path(styles / 'fonts')}: {total / 2**20:,.0f} MB of fonts; "
            f"at most {MAX_FONT_FOLDER_BYTES // 2**20:,} MB, please"
        )
    return fonts


def _size(file: Path) -> int:
    """A font file's size, without opening it (a pipe would block); one over the limit
    of a single font counts nothing here, since reading it is refused by its name."""
    try:
        size = file.stat().st_size if file.is_file() else 0
    except OSError:
        return 0
    return size if size <= MAX_FONT_BYTES else 0


@dataclass(frozen=True)
class FontFacts:
    """What booklet needs to know of a font file."""

    family: str | None
    weight: int
    italic: bool
    characters: frozenset[int]


def font_facts(file: Path, inside: list[Path]) -> FontFacts:
    """Family, weight, style and the characters a font file can draw. The file is read
    like any other of the theme (a regular file inside the theme's folders, of bounded
    size); anything that is not such a file, or not a font, is an error naming it."""
    try:
        status = os.stat(file)  # of what a link points at: a change reads it again
        stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
    except OSError:
        stamp = None  # read_regular_file says why
    return _font_facts(str(file), tuple(str(folder) for folder in inside), stamp)


# Asked by check and by each part of a large booklet: each file is read once while unchanged.
@lru_cache(maxsize=64)
def _font_facts(name: str, inside: tuple[str, ...], _stamp: object) -> FontFacts:
    file = Path(name)
    data = read_regular_file(file, [Path(f) for f in inside], MAX_FONT_BYTES, "font file")
    # Reading a font's characters with fontTools was a twentieth of the seed's build: what
    # it found is kept in the user's cache, under the font's bytes.
    key = hashlib.sha256(FACTS_VERSION.encode() + b"\0" + data).hexdigest()
    kept = cache_folder("font-facts") / f"{key}.json"
    facts = _kept_facts(kept)
    if facts is None:
        facts = _read_facts(file, data)
        write_cache_file(kept, _stored_facts(facts))
        keep_newest(kept.parent, "*.json", FACTS_KEPT)
    return facts


def _read_facts(file: Path, data: bytes) -> FontFacts:
    from fontTools.ttLib import TTFont  # already loaded by WeasyPrint

    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            names = font["name"]
            family = names.getDebugName(16) or names.getDebugName(1)
            style = font.get("OS/2")  # some Mac fonts have none
            return FontFacts(
                family,
                style.usWeightClass if style else 400,
                bool(style.fsSelection & 1) if style else False,
                frozenset(font.getBestCmap() or {}),
            )
    except Exception as error:  # fontTools fails in many ways on a file that is no font
        raise BookletError(
            f"{display_path(file)}: not a font file that can be read "
            f"({type(error).__name__}: {error})"
        ) from None


def _stored_facts(facts: FontFacts) -> bytes:
    """Facts as JSON, the characters as runs [first, last]: a font's are mostly runs."""
    runs: list[list[int]] = []
    for character in sorted(facts.characters):
        if runs and runs[-1][1] == character - 1:
            runs[-1][1] = character
        else:
            runs.append([character, character])
    stored = {"family": facts.family, "weight": facts.weight, "italic": facts.italic}
    return json.dumps({**stored, "characters": runs}).encode()


def _kept_facts(file: Path) -> FontFacts | None:
    """The facts kept in `file`, or None where there are none that can be read."""
    try:
        stored = json.loads(read_cache_file(file) or b"null")
        runs = stored["characters"]
        if not all(0 <= first <= last <= sys.maxunicode for first, last in runs):
            return None
        characters = frozenset(c for first, last in runs for c in range(first, last + 1))
        family, weight, italic = stored["family"], stored["weight"], stored["italic"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    valid = isinstance(family, str | None) and isinstance(weight, int) and isinstance(italic, bool)
    return FontFacts(family, weight, italic, characters) if valid else None


def theme_for(content_folder: Path, styles_folder: Path | None = None) -> Theme:
    """The theme of the project that holds `content_folder`."""
    styles = (styles_folder or default_styles_folder()).resolve()
    project = Path(content_folder).resolve().parent
    project_styles = project / "styles"
    project_templates = project / "templates"
    for folder in (project_styles, project_templates):
        # Every file of these folders may be read by the renderer: a folder that is a
        # link out of the project (styles -> /) would open the whole machine to it.
        if folder.is_symlink() and not folder.resolve().is_relative_to(project):
            raise BookletError(f"{display_path(folder)}: the folder links outside the project")
    return Theme(
        styles,
        # booklet's own checkout keeps its default theme in styles/ beside content/.
        project_styles if project_styles.is_dir() and project_styles != styles else None,
        project_templates if project_templates.is_dir() else None,
    )


def covered_characters(theme: Theme) -> set[int]:
    """Every character that some font of the theme (or the project) can draw."""
    covered: set[int] = set()
    for font in theme.font_files():
        covered |= font_facts(font, theme.folders).characters
    return covered
