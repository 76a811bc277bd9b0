"""The label with a reader's name that personal copies carry on their cover, drawn
straight into PDF: a thousand names are a thousand labels, and laying each out as a
page of its own with WeasyPrint would cost more than the booklet (a few ms a page).

A label is a white box with the theme's accent, "PERSONAL COPY FOR" (the booklet's
words) and the name in Booklet Serif, from subsets of the theme's own fonts made once
for every name (fontTools), embedded as CID fonts with their Unicode, so that the name
reads and searches as text. Letters are set one after the other, without kerning: a
name on a label needs no more.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

POINTS_PER_MM = 72 / 25.4
PREFIX_SIZE, NAME_SIZE = 7.5, 9.0  # points
PREFIX_TRACKING = 0.1  # em between the prefix's capitals, as the theme's small labels
LEFT_MM, TOP_MM = 19.0, 9.0  # where the label stands on the page
PADDING_X_MM, PADDING_Y_MM = 3.0, 1.6


@dataclass
class EmbeddedFont:
    """A font subset ready to draw with: glyph ids and widths by character."""

    resource: object  # the Type0 font dictionary, an indirect object of the carrier PDF
    glyphs: dict[str, int]
    widths: dict[int, float]  # glyph id -> advance in text space units per 1000

    def encode(self, text: str) -> bytes:
        return b"".join(b"%04X" % self.glyphs.get(c, 0) for c in text)

    def width(self, text: str, size: float, tracking: float = 0.0) -> float:
        advances = sum(self.widths.get(self.glyphs.get(c, 0), 0) for c in text)
        return (advances / 1000 + tracking * len(text)) * size


def embed_font(pdf, font_file: Path, text: str, tag: str) -> EmbeddedFont:
    """The glyphs `text` needs from `font_file`, as a Type0 font in `pdf` (pikepdf)."""
    import pikepdf
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(font_file)
    cmap = font.getBestCmap()
    characters = sorted(set(text) | {" "})
    glyphs = {c: font.getGlyphID(cmap[ord(c)]) for c in characters if ord(c) in cmap}
    options = subset.Options()
    options.retain_gids = True  # the ids drawn are the font's own: Identity-H, no mapping
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in glyphs])
    subsetter.subset(font)
    data = io.BytesIO()
    font.save(data)
    scale = 1000 / font["head"].unitsPerEm
    advances = font["hmtx"].metrics
    order = font.getGlyphOrder()
    widths = {gid: advances[order[gid]][0] * scale for gid in set(glyphs.values()) | {0}}
    name = f"{tag}+{font['name'].getDebugName(6) or 'Font'}"
    head, os2 = font["head"], font["OS/2"]
    descriptor = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=pikepdf.Name("/" + name),
            Flags=32,
            FontBBox=[round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
            ItalicAngle=0,
            Ascent=round(os2.sTypoAscender * scale),
            Descent=round(os2.sTypoDescender * scale),
            CapHeight=round(getattr(os2, "sCapHeight", 700) * scale),
            StemV=80,
            FontFile2=pdf.make_stream(data.getvalue()),
        )
    )
    widths_array = []
    for gid in sorted(widths):
        widths_array += [gid, [round(widths[gid])]]
    cid_font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=pikepdf.Name("/" + name),
            CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
            FontDescriptor=descriptor,
            CIDToGIDMap=pikepdf.Name.Identity,
            W=widths_array,
        )
    )
    resource = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name("/" + name),
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[cid_font],
            ToUnicode=pdf.make_stream(_to_unicode(glyphs)),
        )
    )
    return EmbeddedFont(resource, glyphs, widths)


def _to_unicode(glyphs: dict[str, int]) -> bytes:
    """The CMap that gives each glyph its character back: text extraction, search."""
    entries = [
        f"<{gid:04X}> <{c.encode('utf-16-be').hex().upper()}>" for c, gid in sorted(glyphs.items())
    ]
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    lines += ["endcmap CMapName currentdict /CMap defineresource pop end end"]
    return "\n".join(lines).encode()


def label_drawing(
    prefix: str,
    name: str,
    prefix_font: EmbeddedFont,
    name_font: EmbeddedFont,
    page_height: float,
    accent: tuple[float, float, float],
) -> bytes:
    """The label's drawing, in PDF's coordinates of a page `page_height` points high."""
    prefix = prefix.upper() + " "
    prefix_width = prefix_font.width(prefix, PREFIX_SIZE, PREFIX_TRACKING)
    width = prefix_width + name_font.width(name, NAME_SIZE) + 2 * PADDING_X_MM * POINTS_PER_MM
    height = NAME_SIZE * 1.25 + 2 * PADDING_Y_MM * POINTS_PER_MM
    left = LEFT_MM * POINTS_PER_MM
    top = page_height - TOP_MM * POINTS_PER_MM
    baseline = top - PADDING_Y_MM * POINTS_PER_MM - NAME_SIZE * 0.95
    colour = b"%.3f %.3f %.3f" % accent
    text_left = left + PADDING_X_MM * POINTS_PER_MM
    return b"\n".join(
        [
            b"q 1 1 1 rg " + colour + b" RG 0.5 w",
            b"%.2f %.2f %.2f %.2f re B" % (left, top - height, width, height),
            b"BT "
            + colour
            + b" rg /Fp %.1f Tf %.3f Tc %.2f %.2f Td <%s> Tj"
            % (
                PREFIX_SIZE,
                PREFIX_TRACKING * PREFIX_SIZE,
                text_left,
                baseline,
                prefix_font.encode(prefix),
            )
            + b" /Fn %.1f Tf 0 Tc %.2f 0 Td <%s> Tj ET Q"
            % (NAME_SIZE, prefix_width, name_font.encode(name)),
        ]
    )


def accent_colour(value: str | None) -> tuple[float, float, float]:
    """The theme's accent (style.accent, else the default theme's) as PDF's 0-1 RGB."""
    from PIL import ImageColor

    try:
        red, green, blue = ImageColor.getrgb(value or "#1f4e79")[:3]
    except ValueError:
        red, green, blue = 0x1F, 0x4E, 0x79
    return red / 255, green / 255, blue / 255
