"""What a print shop's preflight says about a PDF, before it goes to press.

`booklet preflight PDF` (and every `build --edition print`) reads the file with pikepdf,
the way a shop's preflight profile for PDF/X-4 and offset does:

- PDF/X: an output intent for a press (/S /GTS_PDFX, a CMYK profile), GTS_PDFXVersion
  in the XMP, /Trapped, a title;
- page boxes: a TrimBox and a BleedBox on every page, at least 3 mm of bleed, and
  TrimBox inside BleedBox inside MediaBox;
- fonts: every font embedded, and no subset tag shared by different subsets;
- from the drawing of each page (its content stream and the forms it draws, followed
  with their transformation matrices): images under 300 dpi at the size they print,
  RGB and CMYK objects, transparency, lines under 0.25 pt (strokes, and the thin
  filled bands WeasyPrint draws borders as), and text closer than 3 mm to the trim
  (each line of text measured with its font's widths);
- total ink above 300 % on the covers (first and last page): the CMYK of each fill and
  stroke, and each image's darkest pixel, RGB converted with the file's output profile.

Errors are what a shop sends back (no output intent, a page without boxes, a font not
embedded, subsets sharing a tag, device RGB without colour management, ink over the
limit); warnings what it asks about.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import text_codes
from .errors import BookletError, display_path
from .files import code_digest, read_cache_file, write_atomically
from .pdf_resources import resources_by_page
from .text_codes import cid_widths, to_unicode_entries

# The code that scans a page, and reads fonts for it: findings kept by other code are
# not used.
SCANNING_CODE = ("preflight.py", "text_codes.py", "subsets.py")
MM = 72 / 25.4
MIN_BLEED_MM = 3.0
MIN_DPI = 300
MIN_LINE_PT = 0.25
TEXT_FROM_TRIM_MM = 3.0
MAX_INK_PERCENT = 300
# Measures are in points; a box may be a hair off from rounding.
TOLERANCE_PT = 0.05
# Forms drawn within forms: a booklet's go two deep; a PDF of hundreds is not scanned on
# (following it would exhaust Python's stack).
MAX_FORM_DEPTH = 100


@dataclass(frozen=True)
class Finding:
    severity: str  # "error", "warning" or "note"
    message: str
    page: int | None = None

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page is not None else ""
        return f"{where}{self.severity}: {self.message}"


@dataclass
class PreflightReport:
    source: Path
    pages: int = 0
    standard: str = ""  # "PDF/X-4", or "" when the file claims no PDF/X
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    @property
    def notes(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "note"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        what = self.standard or "not PDF/X"
        return (
            f"preflight: {what}, {_count(self.pages, 'page')}: "
            f"{_count(len(self.errors), 'error') if self.errors else 'no errors'}, "
            f"{_count(len(self.warnings), 'warning')}"
        )

    def add(self, severity: str, message: str, page: int | None = None) -> None:
        self.findings.append(Finding(severity, message, page))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def preflight(source: str | Path, known_pages: Path | None = None) -> PreflightReport:
    """Preflight the PDF at `source`; a BookletError when it is no readable PDF.

    `known_pages`: a file that keeps what each page's drawing showed, by everything the
    page draws with, so that a rebuild after one edit scans only the pages that changed
    (the file is read and written again)."""
    import pikepdf

    from .files import open_pdf

    source = Path(source)
    name = display_path(source)
    pdf = open_pdf(source)
    report = PreflightReport(source, len(pdf.pages))
    with pdf:
        try:
            profile = _check_pdfx(pdf, report)
            _check_boxes(pdf, report)
            _check_fonts(pdf, report)
            _check_drawing(pdf, report, profile, _KnownFindings(known_pages, profile))
        except pikepdf.PdfError as error:
            raise BookletError(f"{name}: cannot read this PDF, it is damaged ({error})") from None
    return report


# ---- document ------------------------------------------------------------------------


def _check_pdfx(pdf, report: PreflightReport) -> bytes | None:
    """The output intent, XMP and Info of PDF/X; returns the CMYK output profile."""
    intents = [
        intent for intent in pdf.Root.get("/OutputIntents", []) if intent.get("/S") == "/GTS_PDFX"
    ]
    profile = None
    if not intents:
        report.add("error", "not PDF/X: no output intent for a press (/S /GTS_PDFX)")
    else:
        intent = intents[0]
        stream = intent.get("/DestOutputProfile")
        if stream is None:
            report.add("error", "the output intent has no embedded profile (DestOutputProfile)")
        elif int(stream.get("/N", 0)) != 4:
            report.add("error", "the output intent's profile is not CMYK")
        else:
            profile = stream.read_bytes()
            described = str(intent.get("/Info", intent.get("/OutputConditionIdentifier", "")))
            report.add("note", f"output intent: {described}")
    with pdf.open_metadata() as xmp:
        version = xmp.get("{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion")
        trapped = xmp.get("pdf:Trapped")
    if version:
        report.standard = str(version)
    elif intents:
        report.add("error", "no GTS_PDFXVersion in the XMP metadata")
    if intents:
        if "/Trapped" not in pdf.docinfo or str(pdf.docinfo.Trapped) not in ("/True", "/False"):
            report.add("error", "no /Trapped (True or False) in the document information")
        elif trapped is None:
            report.add("error", "no pdf:Trapped in the XMP metadata")
        if "/Title" not in pdf.docinfo:
            report.add("error", "no title: PDF/X asks for one")
        if pdf.pdf_version > "1.6" and report.standard == "PDF/X-4":
            report.add("error", f"PDF {pdf.pdf_version}: PDF/X-4 is PDF 1.6 at most")
    if "/BookletColours" in pdf.docinfo:
        report.add("note", f"colours as printed: {pdf.docinfo.BookletColours}")
    return profile


def _box(page, key: str) -> tuple[float, float, float, float] | None:
    value = page.obj.get(key)
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _check_boxes(pdf, report: PreflightReport) -> None:
    missing, thin, other_size = [], [], []
    first_size = None
    for number, page in enumerate(pdf.pages, start=1):
        media, trim, bleed = (_box(page, key) for key in ("/MediaBox", "/TrimBox", "/BleedBox"))
        if trim is None or bleed is None:
            missing.append(number)
            continue
        # One trim size for the whole booklet: a press cuts every sheet alike.
        size = (round((trim[2] - trim[0]) / MM), round((trim[3] - trim[1]) / MM))
        first_size = first_size or size
        if size != first_size:
            other_size.append((number, size))
        if not (_inside(trim, bleed) and media is not None and _inside(bleed, media)):
            report.add(
                "error", "the TrimBox must lie in the BleedBox, and it in the MediaBox", number
            )
        bleed_mm = min(t - b for t, b in zip(trim[:2], bleed[:2], strict=True))
        bleed_mm = min(bleed_mm, *(b - t for t, b in zip(trim[2:], bleed[2:], strict=True))) / MM
        if bleed_mm < MIN_BLEED_MM - 0.05:
            thin.append((number, bleed_mm))
    if missing:
        report.add(
            "error",
            f"no TrimBox and BleedBox on {_pages(missing)}: a press needs the trim size "
            "and the bleed (build the print edition)",
        )
    if thin:
        least = min(bleed_mm for _, bleed_mm in thin)
        report.add(
            "error",
            f"{least:.1f} mm of bleed on {_pages([number for number, _ in thin])}; a press "
            f"needs {MIN_BLEED_MM:g} mm",
        )

    if other_size:
        width, height = other_size[0][1]
        report.add(
            "error",
            f"{_pages([n for n, _ in other_size])} trimmed to {width} × {height} mm, the "
            f"others to {first_size[0]} × {first_size[1]} mm",
        )
    if not missing and not thin and not other_size:
        report.add("note", f"page boxes: TrimBox and {MIN_BLEED_MM:g} mm of bleed on every page")


def _inside(inner, outer) -> bool:
    return (
        inner[0] >= outer[0] - TOLERANCE_PT
        and inner[1] >= outer[1] - TOLERANCE_PT
        and inner[2] <= outer[2] + TOLERANCE_PT
        and inner[3] <= outer[3] + TOLERANCE_PT
    )


def _pages(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    shown = ", ".join(str(n) for n in numbers[:10])
    return f"pages {shown}" + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


# ---- fonts ---------------------------------------------------------------------------


def _check_fonts(pdf, report: PreflightReport) -> None:
    import pikepdf

    programs: dict[str, set[bytes]] = {}  # BaseFont -> the digests of its font programs
    not_embedded: dict[str, int] = {}
    seen: set[tuple[int, int]] = set()
    for number, resources in resources_by_page(pdf):
        fonts = resources.get("/Font")
        if not isinstance(fonts, pikepdf.Dictionary):
            continue
        for font in fonts.values():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            name = str(font.get("/BaseFont", "/(unnamed)"))[1:]
            if font.get("/Subtype") == "/Type3":
                continue  # drawn by the PDF itself
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            program = None
            if descriptor is not None:
                program = next(
                    (descriptor[key] for key in ("/FontFile", "/FontFile2", "/FontFile3")
                     if key in descriptor),
                    None,
                )  # fmt: skip
            if program is None:
                not_embedded.setdefault(name, number)
                continue
            programs.setdefault(name, set()).add(hashlib.sha256(program.read_raw_bytes()).digest())
    for name, page in not_embedded.items():
        report.add("error", f"font {name} is not embedded", page)
    shared = {name: len(found) for name, found in programs.items() if len(found) > 1}
    for name, count in sorted(shared.items()):
        report.add("error", f"{count} different font subsets share the name {name}")
    if not not_embedded and not shared:
        report.add("note", f"fonts: {len(programs)} embedded, one subset each")


# ---- drawing -------------------------------------------------------------------------


@dataclass
class _State:
    matrix: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    line_width: float = 1.0
    fill: tuple[str, tuple[float, ...]] = ("gray", (0.0,))
    stroke: tuple[str, tuple[float, ...]] = ("gray", (0.0,))
    font: object = None
    font_size: float = 0.0
    character_spacing: float = 0.0  # Tc, in unscaled text space units
    word_spacing: float = 0.0  # Tw, the same, for each one-byte code 32
    horizontal_scaling: float = 100.0  # Tz, per cent


def _multiply(first, second) -> tuple[float, ...]:
    a, b, c, d, e, f = first
    g, h, i, j, k, m = second
    return (
        a * g + b * i,
        a * h + b * j,
        c * g + d * i,
        c * h + d * j,
        e * g + f * i + k,
        e * h + f * j + m,
    )


def _apply(matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _scale(matrix) -> float:
    a, b, c, d, _, _ = matrix
    return math.sqrt(abs(a * d - b * c))


@dataclass
class _PageFindings:
    """What the drawing of one page shows, counted."""

    colours: Counter = field(default_factory=Counter)  # "RGB", "CMYK", "Gray", ...
    transparency: set[str] = field(default_factory=set)
    hairlines: list[float] = field(default_factory=list)
    near_trim: list[tuple[float, str]] = field(default_factory=list)
    low_dpi: list[tuple[str, int, int, float]] = field(default_factory=list)
    ink: list[tuple[float, str]] = field(default_factory=list)


def _check_drawing(
    pdf, report: PreflightReport, profile: bytes | None, known: _KnownFindings | None = None
) -> None:
    covers = {0, len(pdf.pages) - 1}
    known = known or _KnownFindings(None, profile)
    ink_of = _InkMeter(profile)
    totals: Counter = Counter()
    rgb_managed = True
    transparent_pages, hairline_pages = [], []
    fonts: dict = {}  # widths of each font of this file, read once
    for index, page in enumerate(pdf.pages):
        number = index + 1
        trim = _box(page, "/TrimBox") or _box(page, "/MediaBox")
        bleed = _box(page, "/BleedBox") or trim
        key = known.key(page, index in covers)
        found, page_rgb_managed = known.findings.get(key) or (None, True)
        if found is None:
            scan = _PageScanner(page, trim, bleed, ink_of if index in covers else None, fonts)
            found, page_rgb_managed = scan.run(), scan.rgb_managed
        known.keep(key, found, page_rgb_managed)
        totals.update(found.colours)
        if found.colours["RGB"] and not page_rgb_managed:
            rgb_managed = False
        for name, width, height, dpi in found.low_dpi:
            report.add(
                "warning",
                f"image {name} ({width}×{height} px) prints at {dpi:.0f} dpi, under {MIN_DPI}",
                number,
            )
        if found.transparency:
            transparent_pages.append((number, sorted(found.transparency)))
        if found.hairlines:
            hairline_pages.append((number, min(found.hairlines), len(found.hairlines)))
        for distance, text in found.near_trim[:3]:
            report.add(
                "warning",
                f"text {text!r} {distance:.1f} mm from the trim (keep {TEXT_FROM_TRIM_MM:g} mm)",
                number,
            )
        over = [(ink, what) for ink, what in found.ink if ink > MAX_INK_PERCENT + 0.5]
        for ink, what in sorted(over, reverse=True)[:3]:
            report.add("error", f"{what}: {ink:.0f} % total ink, over {MAX_INK_PERCENT} %", number)
    known.save()
    spaces = ", ".join(f"{space} {count}" for space, count in sorted(totals.items()))
    report.add("note", f"objects by colour space: {spaces or 'none'}")
    if totals["RGB"]:
        if rgb_managed and report.standard:
            report.add(
                "warning",
                f"{_count(totals['RGB'], 'RGB object')} (photos?), colour-managed as sRGB "
                "(DefaultRGB): the press converts RGB with the output intent's profile",
            )
        elif report.standard:
            report.add("error", f"{_count(totals['RGB'], 'object')} in device RGB")
        else:
            in_cmyk = "" if totals["CMYK"] else ", none in CMYK"
            report.add("warning", f"{_count(totals['RGB'], 'object')} in RGB{in_cmyk}")
    for number, kinds in transparent_pages[:10]:
        report.add("warning", f"transparency: {', '.join(kinds)}", number)
    if len(transparent_pages) > 10:
        report.add("warning", f"transparency on {len(transparent_pages) - 10} more pages")
    for number, thinnest, count in hairline_pages[:10]:
        report.add(
            "warning",
            f"{_count(count, 'line')} under {MIN_LINE_PT} pt (thinnest {thinnest:.2f} pt)",
            number,
        )
    if len(hairline_pages) > 10:
        report.add(
            "warning", f"lines under {MIN_LINE_PT} pt on {len(hairline_pages) - 10} more pages"
        )


class _KnownFindings:
    """The findings of pages scanned before, by a digest of all that a page draws with:
    its content, boxes and resources (fonts, forms, images, graphics states, colour
    spaces, followed to the end), whether it is a cover, the output profile and the code
    that scans (SCANNING_CODE). A page whose digest is known is not scanned again. Kept
    in a JSON file, pages of the last build only."""

    VERSION = "1"

    def __init__(self, file: Path | None, profile: bytes | None) -> None:
        self.file = file
        self.seed = hashlib.sha256(
            f"{self.VERSION} {hashlib.sha256(profile or b'').hexdigest()}".encode()
        )
        if file is not None:  # keys are made only to keep findings in a file
            self.seed.update(code_digest(*SCANNING_CODE))
        self.digests: dict[tuple[int, int], bytes] = {}  # object -> digest, this file
        self.findings: dict[str, tuple[_PageFindings, bool]] = {}
        self.used: dict[str, tuple[_PageFindings, bool]] = {}
        if file is None:
            return
        try:
            stored = json.loads(read_cache_file(file) or b"{}")
            self.findings = {key: _findings_from(value) for key, value in stored.items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self.findings = {}

    def key(self, page, cover: bool) -> str:
        if self.file is None:
            return ""
        digest = self.seed.copy()
        digest.update(b"cover" if cover else b"inside")
        for name in ("/MediaBox", "/TrimBox", "/BleedBox", "/Group"):
            digest.update(name.encode() + self._digest(page.obj.get(name)))
        digest.update(self._digest(page.obj.get("/Contents")))
        digest.update(self._digest(page.obj.get("/Resources")))
        return digest.hexdigest()

    def keep(self, key: str, found: _PageFindings, rgb_managed: bool) -> None:
        if key:
            self.used[key] = (found, rgb_managed)

    def save(self) -> None:
        if self.file is None:
            return
        stored = {key: _findings_to(*value) for key, value in self.used.items()}
        with contextlib.suppress(OSError):
            write_atomically(self.file, json.dumps(stored).encode())

    def _digest(self, value) -> bytes:
        """Of a PDF object and all it refers to; each indirect object digested once."""
        import pikepdf

        if value is None:
            return b"-"
        objgen = value.objgen if isinstance(value, pikepdf.Object) and value.is_indirect else None
        if objgen is not None:
            if objgen in self.digests:
                return self.digests[objgen]
            self.digests[objgen] = b"cycle"  # a form drawing itself: named, not followed
        digest = hashlib.sha256()
        if isinstance(value, pikepdf.Stream):
            digest.update(b"stream" + value.read_raw_bytes())
            value = pikepdf.Dictionary(value.stream_dict)
        if isinstance(value, pikepdf.Dictionary):
            for name in sorted(value.keys()):
                if name not in ("/Parent", "/P", "/StructParent", "/StructParents", "/Length"):
                    digest.update(name.encode() + self._digest(value[name]))
        elif isinstance(value, pikepdf.Array):
            for item in value:
                digest.update(b"," + self._digest(item))
        else:
            digest.update(repr(value).encode() if not isinstance(value, bytes) else value)
        result = digest.digest()
        if objgen is not None:
            self.digests[objgen] = result
        return result


def _findings_to(found: _PageFindings, rgb_managed: bool) -> dict:
    return {
        "colours": dict(found.colours),
        "transparency": sorted(found.transparency),
        "hairlines": found.hairlines,
        "near_trim": found.near_trim,
        "low_dpi": found.low_dpi,
        "ink": found.ink,
        "rgb_managed": rgb_managed,
    }


def _findings_from(stored: dict) -> tuple[_PageFindings, bool]:
    found = _PageFindings(
        Counter(stored["colours"]),
        set(stored["transparency"]),
        [float(width) for width in stored["hairlines"]],
        [(float(distance), str(text)) for distance, text in stored["near_trim"]],
        [(str(name), int(w), int(h), float(dpi)) for name, w, h, dpi in stored["low_dpi"]],
        [(float(ink), str(what)) for ink, what in stored["ink"]],
    )
    return found, bool(stored["rgb_managed"])


class _PageScanner:
    """Follows a page's drawing: matrices, colours, line widths, text positions."""

    def __init__(self, page, trim, bleed, ink_meter: _InkMeter | None, fonts: dict) -> None:
        self.page = page
        self.trim = trim
        self.bleed = bleed
        self.ink_meter = ink_meter
        self.found = _PageFindings()
        self.rgb_managed = True
        self.visited: set[tuple[int, int]] = set()
        self.fonts = fonts

    def run(self) -> _PageFindings:
        import pikepdf

        resources = self.page.obj.get("/Resources", pikepdf.Dictionary())
        if self.page.obj.get("/Group", {}).get("/S") == "/Transparency":
            self.found.transparency.add("a transparency group")
        self._scan(pikepdf.parse_content_stream(self.page), resources, _State())
        return self.found

    def _scan(self, instructions, resources, state: _State) -> None:

        stack: list[_State] = []
        path: list[tuple[float, float, float, float]] = []  # rectangles of the path
        points: list[tuple[float, float]] = []  # every point of the path, on the page
        text_matrix = line_matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        leading = 0.0
        for operands, operator in instructions:
            op = str(operator)
            values = operands
            if op in ("m", "l", "c", "v", "y"):  # the most frequent: first
                points.append(_apply(state.matrix, float(values[-2]), float(values[-1])))
            elif op == "q":
                stack.append(_copy(state))
            elif op == "Q":
                if stack:
                    state = stack.pop()
            elif op == "cm":
                state.matrix = _multiply(tuple(float(v) for v in values), state.matrix)
            elif op == "w":
                state.line_width = float(values[0])
            elif op in ("rg", "RG", "k", "K", "g", "G"):
                space = {"rg": "RGB", "k": "CMYK", "g": "Gray"}[op.lower()]
                colour = (space, tuple(float(v) for v in values))
                if op.islower():
                    state.fill = colour
                else:
                    state.stroke = colour
            elif op in ("cs", "CS"):
                space = self._space_name(values[0], resources)
                if op == "cs":
                    state.fill = (space, ())
                else:
                    state.stroke = (space, ())
            elif op in ("sc", "scn", "SC", "SCN"):
                numbers = tuple(float(v) for v in values if isinstance(v, int | Decimal))
                if op.islower():
                    state.fill = (state.fill[0], numbers)
                else:
                    state.stroke = (state.stroke[0], numbers)
            elif op == "re":
                x, y, width, height = (float(v) for v in values)
                path.append((x, y, width, height))
                corners = ((x, y), (x + width, y + height))
                points += [_apply(state.matrix, *corner) for corner in corners]
            elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*"):
                if not self._outside_bleed(points):  # printer's marks in the slug
                    if op[0] in "fFBb":
                        self._filled(state, path, resources)
                    if op[0] in "SsBb":
                        self._stroked(state, resources)
                path, points = [], []
            elif op == "n":
                path, points = [], []
            elif op == "gs":
                self._graphics_state(values[0], resources)
            elif op == "BT":
                text_matrix = line_matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            elif op == "Tf":
                fonts = resources.get("/Font", {})
                state.font = fonts.get(str(values[0])) if values else None
                state.font_size = float(values[1])
            elif op == "Tm":
                text_matrix = line_matrix = tuple(float(v) for v in values)
            elif op in ("Td", "TD"):
                tx, ty = float(values[0]), float(values[1])
                if op == "TD":
                    leading = -ty
                line_matrix = text_matrix = _multiply((1, 0, 0, 1, tx, ty), line_matrix)
            elif op == "Tc":
                state.character_spacing = float(values[0])
            elif op == "Tw":
                state.word_spacing = float(values[0])
            elif op == '"':
                state.word_spacing, state.character_spacing = (float(v) for v in values[:2])
            elif op == "Tz":
                state.horizontal_scaling = float(values[0])
            elif op == "TL":
                leading = float(values[0])
            elif op == "T*":
                line_matrix = text_matrix = _multiply((1, 0, 0, 1, 0, -leading), line_matrix)
            elif op in ("Tj", "TJ", "'", '"'):
                if op in ("'", '"'):
                    line_matrix = text_matrix = _multiply((1, 0, 0, 1, 0, -leading), line_matrix)
                shown = values[-1]
                width = self._text(state, text_matrix, shown, resources)
                text_matrix = _multiply((1, 0, 0, 1, width, 0), text_matrix)
            elif op == "Do":
                self._draw_xobject(values[0], resources, state)
            elif op == "sh":
                self._count("Shading", resources)
            elif op == "BI":
                self.found.colours["inline image"] += 1

    # -- painting

    def _count(self, space: str, resources) -> None:
        self.found.colours[space] += 1
        if space == "RGB" and not self._has_default_rgb(resources):
            self.rgb_managed = False

    def _stroked(self, state: _State, resources) -> None:
        self._count(state.stroke[0], resources)
        width = state.line_width * _scale(state.matrix)
        if width < MIN_LINE_PT - 1e-6:
            self.found.hairlines.append(width)
        self._ink(state.stroke, "a line")

    def _filled(self, state: _State, path, resources) -> None:
        self._count(state.fill[0], resources)
        self._ink(state.fill, "a fill")
        scale = _scale(state.matrix)
        band = _band_width(path)
        if band is not None and band * scale < MIN_LINE_PT - 1e-6:
            self.found.hairlines.append(band * scale)

    def _outside_bleed(self, points) -> bool:
        if not points or self.bleed is None:
            return False
        x0, y0, x1, y1 = self.bleed
        return (
            max(x for x, _ in points) < x0
            or min(x for x, _ in points) > x1
            or max(y for _, y in points) < y0
            or min(y for _, y in points) > y1
        )

    def _ink(self, colour, what: str) -> None:
        if self.ink_meter is None:
            return
        ink = self.ink_meter.of_colour(*colour)
        if ink is not None:
            self.found.ink.append((ink, f"{what} in {_colour_text(colour)}"))

    def _graphics_state(self, name, resources) -> None:
        state = resources.get("/ExtGState", {}).get(str(name))
        if state is None:
            return
        for key in ("/ca", "/CA"):
            if key in state and float(state[key]) < 1:
                self.found.transparency.add(f"opacity {float(state[key]):g}")
        if "/SMask" in state and state.SMask != "/None":
            self.found.transparency.add("a soft mask")
        if "/BM" in state and str(state.BM) not in ("/Normal", "/Compatible"):
            self.found.transparency.add(f"blend mode {str(state.BM)[1:]}")

    def _draw_xobject(self, name, resources, state: _State) -> None:
        import pikepdf

        xobject = resources.get("/XObject", {}).get(str(name))
        if not isinstance(xobject, pikepdf.Stream):
            return
        if xobject.get("/Subtype") == "/Form":
            if xobject.objgen in self.visited:
                return  # drawn again: already seen (and a form may not draw itself)
            if len(self.visited) >= MAX_FORM_DEPTH:  # the forms being drawn, one in another
                raise BookletError(
                    f"page {self.page.index + 1}: forms drawn within forms more than "
                    f"{MAX_FORM_DEPTH} deep; not a PDF preflight can follow"
                )
            self.visited.add(xobject.objgen)
            inner = _copy(state)
            if "/Matrix" in xobject:
                matrix = tuple(float(v) for v in xobject.Matrix)
                inner.matrix = _multiply(matrix, state.matrix)
            if "/Group" in xobject and xobject.Group.get("/S") == "/Transparency":
                self.found.transparency.add("a transparency group")
            self._scan(
                pikepdf.parse_content_stream(xobject), xobject.get("/Resources", resources), inner
            )
            self.visited.discard(xobject.objgen)
            return
        if xobject.get("/Subtype") != "/Image":
            return
        space = self._space_name(xobject.get("/ColorSpace", pikepdf.Name.DeviceGray), resources)
        if xobject.get("/ImageMask"):
            space = state.fill[0]
        self._count(space, resources)
        if "/SMask" in xobject:
            self.found.transparency.add(f"image {str(name)[1:]} with a soft mask")
        width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
        a, b, c, d, _, _ = state.matrix
        printed_width, printed_height = math.hypot(a, b) / 72, math.hypot(c, d) / 72  # inches
        if printed_width > 0 and printed_height > 0 and not xobject.get("/ImageMask"):
            dpi = min(width / printed_width, height / printed_height)
            if dpi < MIN_DPI - 0.5:
                self.found.low_dpi.append((str(name)[1:], width, height, dpi))
        if self.ink_meter is not None:
            ink = self.ink_meter.of_image(xobject)
            if ink is not None:
                self.found.ink.append((ink, f"image {str(name)[1:]}"))

    # -- text

    def _text(self, state: _State, text_matrix, shown, resources) -> float:
        """Checks the shown text against the trim; returns its advance in text space."""
        import pikepdf

        size = state.font_size
        widths = _FontWidths.of(state.font, self.fonts)
        items = list(shown) if isinstance(shown, pikepdf.Array) else [shown]
        glyph_units = characters = spaces = 0.0  # thousandths of the font size
        adjustment = 0.0
        for item in items:
            if isinstance(item, pikepdf.String):
                width, count, space_count = widths.measure(bytes(item))
                glyph_units += width
                characters += count
                spaces += space_count
            else:
                adjustment += float(item)
        advance = (glyph_units - adjustment) / 1000 * size + characters * state.character_spacing
        advance += spaces * state.word_spacing
        advance *= state.horizontal_scaling / 100
        if not characters or self.trim is None:
            return advance
        self._count(state.fill[0], resources)
        self._ink(state.fill, "text")
        matrix = _multiply(text_matrix, state.matrix)
        corners = [_apply(matrix, x, y) for x in (0, advance) for y in (-0.2 * size, 0.75 * size)]
        left = min(x for x, _ in corners)
        right = max(x for x, _ in corners)
        bottom = min(y for _, y in corners)
        top = max(y for _, y in corners)
        x0, y0, x1, y1 = self.trim
        if right < x0 or left > x1 or top < y0 or bottom > y1:
            return advance  # outside the page: the slug (a printer's notes)
        distance = min(left - x0, x1 - right, bottom - y0, y1 - top) / MM
        if distance < TEXT_FROM_TRIM_MM - 0.05:
            self.found.near_trim.append((distance, _text_of(state.font, items, widths)))
        return advance

    # -- resources

    def _space_name(self, value, resources) -> str:
        import pikepdf

        if isinstance(value, pikepdf.Name):
            name = str(value)
            if name in ("/DeviceRGB", "/RGB"):
                return "RGB"
            if name in ("/DeviceCMYK", "/CMYK"):
                return "CMYK"
            if name in ("/DeviceGray", "/G"):
                return "Gray"
            if name == "/Pattern":
                return "Pattern"
            found = resources.get("/ColorSpace", {}).get(name)
            return self._space_name(found, resources) if found is not None else name[1:]
        if isinstance(value, pikepdf.Array) and len(value):
            family = str(value[0])
            if family == "/ICCBased":
                components = int(value[1].get("/N", 0))
                return {1: "Gray (ICC)", 3: "RGB (ICC)", 4: "CMYK (ICC)"}.get(components, "ICC")
            if family == "/Indexed":
                return self._space_name(value[1], resources)
            if family in ("/Separation", "/DeviceN"):
                return "Spot"
            return family[1:]
        return "other"

    @staticmethod
    def _has_default_rgb(resources) -> bool:
        spaces = resources.get("/ColorSpace") if resources is not None else None
        return spaces is not None and "/DefaultRGB" in spaces


def _copy(state: _State) -> _State:
    return dataclasses.replace(state)  # q saves the state; its values are immutable


def _band_width(path) -> float | None:
    """How thick a filled shape is that is a line: a thin rectangle, or the band between
    two rectangles filled even-odd (how WeasyPrint draws a border)."""
    if len(path) == 1:
        _, _, width, height = path[0]
        thickness, length = sorted((abs(width), abs(height)))
        return thickness if length > 2 else None
    if len(path) == 2:
        (xa, ya, wa, ha), (xb, yb, wb, hb) = path
        sides = [
            abs(xa - xb),
            abs(ya - yb),
            abs((xa + wa) - (xb + wb)),
            abs((ya + ha) - (yb + hb)),
        ]
        # Edges within two thousandths of a unit are one edge: they are rounded to a
        # thousandth (compact.py), and one edge written twice may round either way.
        drawn = [side for side in sides if side > 2e-3]
        return min(drawn) if drawn else None
    return None


def _colour_text(colour) -> str:
    space, values = colour
    if space == "CMYK" and len(values) == 4:
        return " ".join(f"{ink}{round(v * 100)}" for ink, v in zip("CMYK", values, strict=True))
    return f"{space} {' '.join(f'{v:g}' for v in values)}"


class _FontWidths:
    """Glyph widths of a PDF font, to measure a line of text: a CID font's /W, its codes
    two bytes (Identity-H) or one (text_codes.py's encoding: each code its CID), or a
    simple font's /Widths, one byte a code."""

    def __init__(self, font) -> None:
        import pikepdf

        self.two_bytes = False
        self.widths: dict[int, float] = {}
        self.default = 500.0
        self.text: dict[bytes, str] = {}
        self.measured: dict[bytes, tuple[float, int, int]] = {}
        if font is None:
            return
        if font.get("/Subtype") == "/Type0":
            encoding = font.get("/Encoding")
            self.two_bytes = not (
                isinstance(encoding, pikepdf.Stream)
                and encoding.get("/CMapName") == pikepdf.Name("/" + text_codes.CMAP_NAME)
            )
            descendant = font.DescendantFonts[0]
            self.default = float(descendant.get("/DW", 1000))
            self.widths = cid_widths(descendant.get("/W", []))
        elif "/Widths" in font:
            first = int(font.get("/FirstChar", 0))
            self.widths = {first + i: float(w) for i, w in enumerate(font.Widths)}
        if "/ToUnicode" in font:
            for code, text in to_unicode_entries(font.ToUnicode.read_bytes()).items():
                with contextlib.suppress(UnicodeDecodeError):
                    self.text[code] = text.decode("utf-16-be")

    @classmethod
    def of(cls, font, known: dict) -> _FontWidths:
        """The widths of `font`, read once per file (`known`: this file's, by object)."""
        key = font.objgen if font is not None and font.is_indirect else (0, id(font))
        if key not in known:
            known[key] = cls(font)
        return known[key]

    def codes(self, data: bytes) -> list[bytes]:
        """The string's codes, each as its bytes."""
        size = 2 if self.two_bytes else 1
        return [data[i : i + size] for i in range(0, len(data) - size + 1, size)]

    def width(self, code: bytes) -> float:
        return self.widths.get(int.from_bytes(code, "big"), self.default)

    def measure(self, data: bytes) -> tuple[float, int, int]:
        """The width of a shown string, in thousandths of the font size, its codes and its
        one-byte codes 32 (word spacing applies to them), remembered: a booklet shows the
        same few hundred strings again and again."""
        known = self.measured.get(data)
        if known is None:
            codes = self.codes(data)
            known = self.measured[data] = (
                sum(self.width(code) for code in codes),
                len(codes),
                codes.count(b" "),
            )
        return known


def _text_of(font, items, widths: _FontWidths) -> str:
    import pikepdf

    text = ""
    for item in items:
        if isinstance(item, pikepdf.String):
            # Without a ToUnicode map, a simple font's codes are close to Latin-1.
            text += "".join(
                widths.text.get(code, "?" if widths.two_bytes else code.decode("latin-1"))
                for code in widths.codes(bytes(item))
            )
    return text[:40]


class _InkMeter:
    """Total ink, in per cent, of a colour or of an image's darkest pixel. RGB and grey
    are converted with the file's output profile (without one, they are not measured)."""

    def __init__(self, profile: bytes | None) -> None:
        self.transform = None
        if profile:
            from PIL import ImageCms

            try:
                self.transform = ImageCms.buildTransform(
                    ImageCms.createProfile("sRGB"),
                    ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                    "RGB",
                    "CMYK",
                    renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                    flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
                )
            except ImageCms.PyCMSError:
                self.transform = None

    def of_colour(self, space: str, values: tuple[float, ...]) -> float | None:
        if space.startswith("CMYK") and len(values) == 4:
            return sum(values) * 100
        if space.startswith("Gray") and len(values) == 1:
            return (1 - values[0]) * 100
        if space.startswith("RGB") and len(values) == 3 and self.transform is not None:
            from PIL import Image, ImageCms

            pixel = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in values))
            return sum(ImageCms.applyTransform(pixel, self.transform).getpixel((0, 0))) / 2.55
        return None

    def of_image(self, image) -> float | None:
        import pikepdf
        from PIL import ImageCms

        try:
            picture = pikepdf.PdfImage(image).as_pil_image()
        except Exception:  # an image pikepdf cannot decode: not measured, not a failure
            return None
        picture.thumbnail((256, 256))
        if picture.mode == "CMYK":
            cmyk = picture
        elif picture.mode in ("RGB", "L") and self.transform is not None:
            cmyk = ImageCms.applyTransform(picture.convert("RGB"), self.transform)
        else:
            return None
        return max(sum(pixel) for pixel in cmyk.getdata()) / 2.55
