"""Saddle-stitch imposition: a booklet PDF laid out two pages to a side, ready to print
double-sided, fold in the middle and staple, for printers without imposition software.

A5 pages go on A4 landscape sheets, A4 pages on A3 landscape sheets. Each page is cut at
its TrimBox (else CropBox, else MediaBox), so the bleed and crop marks of the print
edition are left off and the trimmed pages meet exactly at the fold, centred on the sheet.
Pages are placed as Form XObjects: the result stays vector, nothing is rasterised.

Order, for n pages (padded with blank pages at the end to a multiple of 4), sheet k
counted from 0:

    front: left = page n-2k,  right = page 2k+1
    back:  left = page 2k+2,  right = page n-2k-1

The output is sheet 1 front, sheet 1 back, sheet 2 front, ...: print it double-sided with
the printer set to flip on the SHORT edge (the usual setting for landscape sheets), so
that the back of a sheet is turned over sideways, page 2 behind page 1. Keep the sheets
in the order they are printed, sheet 1 outermost, fold the stack in half and staple it on
the fold: it reads 1, 2, 3, ...
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pikepdf

from .errors import BookletError, display_path
from .files import open_pdf, write_atomically

MM = 72 / 25.4  # PDF points per millimetre
# Landscape sheets, width × height in points.
SHEETS = {"A4": (297 * MM, 210 * MM), "A3": (420 * MM, 297 * MM)}
# The sheet each page size is printed on by default: the page, portrait, and its sheet.
SHEET_FOR_PAGE = {"A5": ((148 * MM, 210 * MM), "A4"), "A4": ((210 * MM, 297 * MM), "A3")}
# Page sizes within this many points of A5 or A4 count as A5 or A4 (PDFs round them).
SIZE_TOLERANCE = 2.0
# Pages differing by more than this are of different sizes.
SAME_SIZE_TOLERANCE = 1.0
# What a PDF page can measure each way, in points (ISO 32000-1, annex C): a box outside
# this is a broken or hostile file, not a booklet.
SMALLEST_PAGE, LARGEST_PAGE = 3.0, 14_400.0
# Far above any booklet (a saddle-stitched one has at most some hundred pages); a small
# file whose page tree names one page a million times would make gigabytes of sheets.
MAX_PAGES = 10_000


@dataclass
class Imposed:
    target: Path
    sheet: str  # "A4", "A3", or the size of a sheet made to measure, e.g. "1000 × 700 pt"
    sheets: int  # sheets of paper; the PDF has two pages (sides) per sheet
    pages: int  # booklet pages, including blank pages added at the end
    notes: list[str] = field(default_factory=list)


def default_target(source: Path) -> Path:
    return source.with_name(f"{source.stem}-imposed.pdf")


def spread_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) booklet page numbers, from 1, of each side of each sheet, in print
    order: sheet 1 front, sheet 1 back, sheet 2 front, ... `pages` is a multiple of 4."""
    sides = []
    for k in range(pages // 4):
        sides.append((pages - 2 * k, 2 * k + 1))  # front
        sides.append((2 * k + 2, pages - 2 * k - 1))  # back
    return sides


def impose(source: Path, target: Path, sheet: str | None = None) -> Imposed:
    """Write the saddle-stitch imposition of the booklet PDF `source` to `target`.

    `sheet` forces "A4" or "A3" sheets; by default they follow the page size. Raises
    BookletError for a file that cannot be imposed; an existing `target` is then unchanged.
    """
    source, target = Path(source), Path(target)
    name = display_path(source)
    forced_sheet = _sheet_name(sheet) if sheet is not None else None
    pdf, repairs = _open_pdf(source)
    with pdf:
        try:
            return _impose(pdf, name, target, forced_sheet, repairs)
        except pikepdf.PdfError as error:
            raise BookletError(f"{name}: cannot read this PDF, it is damaged ({error})") from None


def _impose(
    pdf: pikepdf.Pdf, name: str, target: Path, forced_sheet: str | None, repairs: list[str]
) -> Imposed:
    notes = []
    checked = [
        _checked_page(page, f"{name}: page {number}") for number, page in enumerate(pdf.pages, 1)
    ]
    width, height = _page_size(checked, name)
    sheet_name, (sheet_width, sheet_height) = _choose_sheet(width, height, forced_sheet, notes)

    real_pages = len(pdf.pages)
    pages = -(-real_pages // 4) * 4  # rounded up to a multiple of 4
    if pages > real_pages:
        blanks = pages - real_pages
        notes.append(
            f"{name} has {real_pages} pages, not a multiple of 4: added "
            f"{blanks} blank page{'s' if blanks > 1 else ''} at the end"
        )
    if any(page.trim_is_inside_media for page in checked):
        notes.append("pages are cut at their trim box: bleed and crop marks are left off")

    # The page as it would be printed, scaled down only if the sheet is too small for it
    # (not for the rounding of a page size: WeasyPrint's A5 is a hair taller than A4 is wide).
    scale = min(1.0, sheet_width / 2 / width, sheet_height / height)
    if scale > 1 - 1 / 1000:
        scale = 1.0
    if scale < 1:
        notes.append(f"pages scaled to {scale:.0%} to fit {sheet_name} sheets")
    elif width < sheet_width / 2 - SIZE_TOLERANCE or height < sheet_height - SIZE_TOLERANCE:
        notes.append(
            f"pages are smaller than half a {sheet_name} sheet: printed at full size at the "
            "fold, centred, to be trimmed after folding"
        )
    placed_width, placed_height = width * scale, height * scale
    spine = sheet_width / 2
    bottom = (sheet_height - placed_height) / 2
    halves = {
        "/L": pikepdf.Rectangle(spine - placed_width, bottom, spine, bottom + placed_height),
        "/R": pikepdf.Rectangle(spine, bottom, spine + placed_width, bottom + placed_height),
    }

    output = pikepdf.new()
    forms = [output.copy_foreign(page.as_form_xobject()) for page in pdf.pages]
    for left, right in spread_order(pages):
        side = output.add_blank_page(page_size=(sheet_width, sheet_height))
        xobjects = pikepdf.Dictionary()
        content = b""
        for form_name, number in (("/L", left), ("/R", right)):
            if number > real_pages:
                continue  # a blank page: nothing to draw
            form = forms[number - 1]
            xobjects[form_name] = form
            content += _placed(side, form, pikepdf.Name(form_name), halves[form_name])
        side.obj.Resources = pikepdf.Dictionary(XObject=xobjects)
        side.obj.Contents = output.make_stream(content)

    # qpdf reads what it can of a damaged file, and may leave pages out: say so.
    repairs = [_without_stream(warning) for warning in repairs + pdf.get_warnings()]
    if repairs:
        warned = f"{len(repairs)} warnings, the last" if len(repairs) > 1 else "the warning"
        notes.insert(
            0,
            f"{name} is damaged: read as far as qpdf could repair it ({warned}: "
            f"{repairs[-1]}); check the imposed pages",
        )
    buffer = io.BytesIO()
    output.save(buffer, deterministic_id=True)  # the same booklet gives the same bytes
    write_atomically(target, buffer.getvalue())
    return Imposed(target, sheet_name, pages // 4, pages, notes)


def _open_pdf(source: Path) -> tuple[pikepdf.Pdf, list[str]]:
    """The PDF, open, and what qpdf had to repair to read it."""
    name = display_path(source)
    pdf = open_pdf(source)
    try:
        # Readable without a password but locked by its owner: not ours to take apart.
        if pdf.is_encrypted:
            raise BookletError(f"{name}: the PDF is encrypted; save it without a password")
        if not pdf.pages:
            raise BookletError(f"{name}: the PDF has no pages")
        if len(pdf.pages) > MAX_PAGES:
            raise BookletError(
                f"{name}: {len(pdf.pages):,} pages; booklet imposes at most {MAX_PAGES:,}"
            )
        repairs = _refuse_guessed_media_boxes(pdf, name)
    except pikepdf.PdfError as error:  # a broken page tree
        pdf.close()
        raise BookletError(f"{name}: cannot read this PDF, it is damaged ({error})") from None
    except BookletError:
        pdf.close()
        raise
    return pdf, repairs


def _refuse_guessed_media_boxes(pdf: pikepdf.Pdf, name: str) -> list[str]:
    """qpdf gives a page without a usable MediaBox the size of US Letter, and says so in a
    warning; imposed at a size the file never had, it would be a wrong booklet. Returns
    qpdf's other warnings."""
    warnings = pdf.get_warnings()
    for warning in warnings:
        if "MediaBox is undefined" not in warning:
            continue
        found = re.search(r"object (\d+) (\d+)", warning)
        numbers = [
            number
            for number, page in enumerate(pdf.pages, start=1)
            if found and page.obj.objgen == (int(found[1]), int(found[2]))
        ]
        where = f"{name}: page {numbers[0]}" if numbers else name
        raise BookletError(
            f"{where}: no MediaBox, or one that is not four numbers [left bottom right top]; "
            "a PDF page must say its size"
        )
    return warnings


def _without_stream(warning: str) -> str:
    """qpdf's warning without the name of the stream read from ("stream <_io.BytesIO
    object at 0x7f...>, "), which says nothing to the user."""
    return re.sub(r"^stream <[^<>]{0,200}>[,:]? ?", "", warning)[:300]


@dataclass
class CheckedPage:
    width: float  # of the trimmed page as printed: turned and in points
    height: float
    trim_is_inside_media: bool


def _checked_page(page: pikepdf.Page, where: str) -> CheckedPage:
    """The page's size, after making sure that its boxes, turn and unit are what a PDF may
    hold; the boxes are written back with their corners in order, as qpdf expects them.
    `where` names the page in messages: "booklet.pdf: page 3"."""
    turn = page.obj.get("/Rotate", 0)
    if not _is_number(turn) or turn % 90 != 0:
        raise BookletError(f"{where}: /Rotate must be a multiple of 90 degrees")
    page.obj.Rotate = int(turn) % 360
    unit = page.obj.get("/UserUnit", 1)
    if not _is_number(unit) or unit <= 0:
        raise BookletError(f"{where}: /UserUnit must be a number above 0")
    media = _box(page, "/MediaBox", where)
    # The page is cut at its TrimBox, else its CropBox, else its MediaBox.
    trim_key = next((key for key in ("/TrimBox", "/CropBox") if key in page.obj), "/MediaBox")
    trim = _box(page, trim_key, where)
    for key, (x0, y0, x1, y1) in (("/MediaBox", media), (trim_key, trim)):
        size = ((x1 - x0) * float(unit), (y1 - y0) * float(unit))
        if not all(SMALLEST_PAGE <= length <= LARGEST_PAGE for length in size):
            raise BookletError(
                f"{where}: the {key[1:]} is {_size_text(size)}; a PDF page measures "
                f"{SMALLEST_PAGE:.0f} to {LARGEST_PAGE:,.0f} pt each way"
            )
    width, height = (trim[2] - trim[0]) * float(unit), (trim[3] - trim[1]) * float(unit)
    inside = trim[2] - trim[0] < media[2] - media[0] or trim[3] - trim[1] < media[3] - media[1]
    # A page turned a quarter is printed with width and height swapped.
    if page.obj.Rotate % 180 == 90:
        width, height = height, width
    return CheckedPage(width, height, inside)


def _box(page: pikepdf.Page, key: str, where: str) -> tuple[float, float, float, float]:
    """The page's box `key` (pikepdf puts inherited ones on the page when it opens the
    file) as (left, bottom, right, top)."""
    value = page.obj.get(key)
    if value is None:
        raise BookletError(f"{where}: no {key[1:]}; a PDF page must say its size")
    numbers = list(value) if isinstance(value, pikepdf.Array) else []
    if len(numbers) != 4 or not all(_is_number(number) for number in numbers):
        raise BookletError(f"{where}: the {key[1:]} must be four numbers, [left bottom right top]")
    x0, y0, x1, y1 = (float(number) for number in numbers)
    # Any two opposite corners make a rectangle (ISO 32000-1, 7.9.5): put them in order.
    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    page.obj[key] = pikepdf.Array(box)
    return box


def _is_number(value: object) -> bool:
    """A finite PDF number as pikepdf gives it: an int or a Decimal, not a boolean."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer of a hundred digits
        return False


def _page_size(pages: list[CheckedPage], name: str) -> tuple[float, float]:
    """Width and height of the trimmed pages as printed; all pages must share them."""
    sizes = [(page.width, page.height) for page in pages]
    first = sizes[0]
    for number, size in enumerate(sizes, start=1):
        if not _close(size, first, SAME_SIZE_TOLERANCE):
            raise BookletError(
                f"{name}: page {number} is {_size_text(size)} but page 1 is "
                f"{_size_text(first)}; all pages of a booklet must be the same size"
            )
    return first


def _choose_sheet(
    width: float, height: float, forced_sheet: str | None, notes: list[str]
) -> tuple[str, tuple[float, float]]:
    if forced_sheet:
        return forced_sheet, SHEETS[forced_sheet]
    for page_name, (page_size, sheet_name) in SHEET_FOR_PAGE.items():
        if _close((width, height), page_size, SIZE_TOLERANCE):
            notes.append(f"{page_name} pages on {sheet_name} landscape sheets")
            return sheet_name, SHEETS[sheet_name]
    sheet_size = (2 * width, height)
    notes.append(
        f"pages are {_size_text((width, height))}, neither A5 nor A4: sheets made to "
        f"measure, two pages wide, {_size_text(sheet_size)}"
    )
    return _size_text(sheet_size), sheet_size


def _sheet_name(sheet: str) -> str:
    name = sheet.strip().upper()
    if name not in SHEETS:
        raise BookletError(f"no sheet size '{sheet}'; choose from {', '.join(SHEETS)}")
    return name


def _placed(
    side: pikepdf.Page, form: pikepdf.Object, name: pikepdf.Name, half: pikepdf.Rectangle
) -> bytes:
    """Content that draws the page `form` into `half` of the sheet, clipped to it."""
    # The form's BBox is the trim box and clips already; the explicit clip makes sure no
    # bleed reaches the neighbouring page in a viewer or RIP that ignores the BBox.
    clip = f"q {half.llx:.4f} {half.lly:.4f} {half.width:.4f} {half.height:.4f} re W n\n"
    placement = side.calc_form_xobject_placement(
        form, name, half, allow_shrink=True, allow_expand=False
    )
    return clip.encode() + placement + b"Q\n"


def _close(size: tuple[float, float], other: tuple[float, float], tolerance: float) -> bool:
    return abs(size[0] - other[0]) <= tolerance and abs(size[1] - other[1]) <= tolerance


def _size_text(size: tuple[float, float]) -> str:
    return f"{size[0]:.0f} × {size[1]:.0f} pt"
