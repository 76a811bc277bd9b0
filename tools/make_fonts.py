"""Make styles/fonts/ from Charis SIL (Debian package fonts-sil-charis).

Why not ship Charis SIL as it is: WeasyPrint subsets every embedded font with
fontTools when HarfBuzz-Subset is missing (most desktops), and fontTools decodes the
whole GPOS table to do it: 0.1-0.3 s per font per build. Charis has no kerning, so its
GPOS only places combining accents, which precomposed Latin letters do not need.
We keep Latin, Greek-free punctuation and symbols, the typographic features the theme
uses, and drop GPOS and hinting (PDFs are not hinted).

The OFL reserves the names "Charis" and "SIL" for unmodified fonts, so the result is
renamed "Booklet Serif". Run: python tools/make_fonts.py /usr/share/fonts/truetype/charis
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.misc.timeTools import timestampFromString
from fontTools.ttLib import TTFont

UNICODES = (
    "U+0000-024F,U+0259,U+02B0-02FF,U+0300-036F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,"
    "U+2100-214F,U+2190-2199,U+2212,U+2215,U+2260-2265,U+25CF,U+FB00-FB06"
)
FEATURES = ["liga", "ccmp", "locl", "lnum", "onum", "tnum", "pnum", "smcp", "c2sc"]
STYLES = {"Regular": "Regular", "Italic": "Italic", "Bold": "Bold", "BoldItalic": "Bold Italic"}
FAMILY = "Booklet Serif"
TARGET = Path(__file__).resolve().parent.parent / "styles" / "fonts"


def make(source_folder: Path) -> None:
    for style, subfamily in STYLES.items():
        options = subset.Options(
            layout_features=FEATURES,
            hinting=False,
            name_IDs=["*"],
            name_legacy=True,
            name_languages=["*"],
            notdef_outline=True,
        )
        options.drop_tables += ["GPOS", "Silt"]
        font = TTFont(source_folder / f"CharisSIL-{style}.ttf", recalcTimestamp=False)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
        subsetter.subset(font)
        # Charis 6.101 has a zero creation date, which fontTools warns about on every build.
        font["head"].created = font["head"].modified = timestampFromString(
            "Mon Aug 15 00:00:00 2022"
        )
        name = font["name"]
        for name_id in (16, 17, 21, 22, 25):
            name.removeNames(nameID=name_id)
        for platform in [(3, 1, 0x409), (1, 0, 0)]:
            name.setName(FAMILY, 1, *platform)
            name.setName(subfamily, 2, *platform)
            name.setName(f"{FAMILY} {subfamily}; derived from Charis SIL 6.101", 3, *platform)
            name.setName(f"{FAMILY} {subfamily}", 4, *platform)
            name.setName(f"BookletSerif-{style}", 6, *platform)
        target = TARGET / f"BookletSerif-{style}.ttf"
        font.save(target)
        print(target, target.stat().st_size)


if __name__ == "__main__":
    make(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/charis"))
