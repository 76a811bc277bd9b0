"""One content, three PDFs: what differs between the print shop, the inbox and the screen.

- screen: the everyday booklet (`<slug>.pdf`): tagged for screen readers (PDF/UA-1, with
  language and title), clickable, no bleed or marks.
- print (`<slug>-print.pdf`): PDF/X-4 for a CMYK press (pdfx.py), 3 mm bleed that the
  covers' colour runs into, crop marks outside it, TrimBox and BleedBox, images as
  given, one font subset per face, and the page count made a multiple of 4 (a
  saddle-stitched booklet is folded sheets of 4 pages) by notes pages before the back
  cover (notes.py), which stays the last page, on the left.
- email (`<slug>-email.pdf`): as screen, with images downsampled for screens and a size
  budget that the build enforces.

Every edition carries page labels, so that a viewer's page box shows the booklet's own
numbers ("Omslag", 2, 3, ...), the same in all three.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import BookletError
from .subsets import one_subset_per_face

if TYPE_CHECKING:  # pdfx loads when a print edition is finished
    from .pdfx import OutputProfile

BLEED_PT = 3 * 72 / 25.4  # 3 mm, the print shops' usual bleed
SLUG_PT = 10 * 72 / 25.4  # room outside the bleed for the crop marks
MARK_PT = 5 * 72 / 25.4  # length of a crop mark
DEFAULT_EMAIL_BUDGET = 1_000_000  # bytes: what most mail servers pass without complaint
# What a page left blank draws: nothing, said in a comment. An empty content stream is
# written by qpdf as 0 bytes of Flate data, which Ghostscript cannot read.
BLANK_PAGE_CONTENT = b"% left blank\n"


@dataclass(frozen=True)
class Edition:
    name: str
    suffix: str  # of the file name: "" for screen
    stylesheet: str | None  # extra CSS from the styles folder, after booklet.css
    write_options: dict = field(default_factory=dict)  # for WeasyPrint's write_pdf
    for_print: bool = False


EDITIONS = {
    "screen": Edition("screen", "", None, {"pdf_variant": "pdf/ua-1"}),
    "print": Edition("print", "-print", "print.css", for_print=True),
    "email": Edition(
        "email",
        "-email",
        None,
        {"pdf_variant": "pdf/ua-1", "optimize_images": True, "dpi": 150, "jpeg_quality": 80},
    ),
}


# WeasyPrint's options that act on images alone, as they load.
IMAGE_OPTIONS = frozenset({"optimize_images", "dpi", "jpeg_quality"})
# A raster image in a PDF: an XObject stream's dictionary, never inside an object stream.
_IMAGE_XOBJECT = re.compile(rb"/Subtype\s*/Image\b")


def same_layout(first: Edition, second: Edition) -> bool:
    """Would the two editions lay out the same document, but for what their image
    options do to images? (email and screen: yes; print: a page of its own size.)"""

    def without_images(edition: Edition) -> dict:
        return {k: v for k, v in edition.write_options.items() if k not in IMAGE_OPTIONS}

    return (
        first.stylesheet == second.stylesheet
        and first.for_print == second.for_print
        and without_images(first) == without_images(second)
    )


def has_images(pdf: bytes) -> bool:
    """Does the PDF draw a raster image? Without one, image options change no byte. (A
    text that merely reads like an image's dictionary says yes: the safe answer.)"""
    return _IMAGE_XOBJECT.search(pdf) is not None


@dataclass(frozen=True)
class Finishing:
    """The edition's last touches on the PDF WeasyPrint writes: page labels always,
    and for print the notes pages to whole sheets, the crop marks, one font subset per
    face and PDF/X-4."""

    edition: Edition
    cover_label: str
    back_cover_label: str
    document_id: str = ""  # from the content: the same in every build of it
    # Lays out N notes pages numbered from page P (notes.py); blank pages without it.
    notes_pages: Callable[[int, int], bytes] | None = None
    output_profile: OutputProfile | None = None  # print: the default one without it

    def apply(self, document) -> None:
        """On an open pikepdf.Pdf: the joined parts of a large booklet, or print."""
        if self.edition.for_print:
            _fill_to_whole_sheets(document, self.notes_pages)
            _add_crop_marks(document)
        one_subset_per_face(document)  # joined parts, notes pages: one document each
        if self.edition.for_print:
            from .pdfx import OutputProfile, make_pdfx

            make_pdfx(document, self.output_profile or OutputProfile.default(), self.document_id)
        _label_pages(document, self.cover_label, self.back_cover_label)

    @property
    def needs_pikepdf(self) -> bool:
        return self.edition.for_print

    @property
    def save_options(self) -> dict:
        """For pikepdf's save: PDF/X-4 is PDF 1.6."""
        if not self.edition.for_print:
            return {}
        from .pdfx import PDF_VERSION

        return {"force_version": PDF_VERSION}

    def weasyprint_finisher(self):
        """Page labels set while WeasyPrint writes the PDF, for editions that need no
        more: a booklet of one document then goes through no second PDF library."""
        import pydyf

        def finisher(document, pdf) -> None:
            nums = pydyf.Array()
            count = len(document.pages)
            for start, label in _page_labels(count, self.cover_label, self.back_cover_label):
                if "prefix" in label:
                    nums += [start, pydyf.Dictionary({"P": pydyf.String(label["prefix"])})]
                else:
                    nums += [start, pydyf.Dictionary({"S": "/D", "St": label["first"]})]
            pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})

        return finisher


def finish(pdf: bytes, finishing: Finishing) -> tuple[bytes, int]:
    """The finishing done on a PDF already written; and its page count."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        finishing.apply(document)
        output = io.BytesIO()
        with strongest_compression():
            document.save(output, deterministic_id=True, **finishing.save_options)
        return output.getvalue(), len(document.pages)


@contextlib.contextmanager
def strongest_compression() -> Iterator[None]:
    """pikepdf compresses at deflate's level 9 while a PDF is saved (the object streams
    of the 500-talk email edition: 5 kB less, 0.03 s more), then at its default again:
    the setting is the whole process's, and cannot be read back."""
    import pikepdf

    pikepdf.settings.set_flate_compression_level(9)
    try:
        yield
    finally:
        pikepdf.settings.set_flate_compression_level(-1)


def _page_labels(count: int, cover_label: str, back_cover_label: str) -> list[tuple[int, dict]]:
    """Page labels: the cover by name, then the booklet's page numbers from 2, the back
    cover by name. (First page index, label.)"""
    labels = [(0, {"prefix": cover_label})]
    if count > 2:
        labels.append((1, {"first": 2}))
    if count > 1:
        labels.append((count - 1, {"prefix": back_cover_label}))
    return labels


def _fill_to_whole_sheets(document, notes_pages: Callable[[int, int], bytes] | None) -> None:
    """Notes pages before the back cover until the count is a multiple of 4: the back
    cover then stands last, on a left-hand page, the outside of the folded booklet."""
    import pikepdf

    missing = -len(document.pages) % 4
    if not missing:
        return
    first = len(document.pages)  # the back cover's number: the notes take its place
    if notes_pages is None:
        _insert_blank_pages(document, missing)
        return
    start = document.make_indirect(pikepdf.Dictionary()).objgen[0]
    with pikepdf.open(io.BytesIO(notes_pages(missing, first))) as notes:
        if len(notes.pages) != missing:
            raise BookletError(
                f"the notes pages take {len(notes.pages)} pages, not {missing}: does the "
                "theme's CSS make .notes-page taller than a page?"
            )
        for offset, page in enumerate(notes.pages):
            document.pages.insert(first - 1 + offset, page)
        own_copied_streams(document, start)


def _insert_blank_pages(document, count: int) -> None:
    import pikepdf

    back_cover = document.pages[-1].obj
    for _ in range(count):
        blank = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            Resources=pikepdf.Dictionary(),
            Contents=pikepdf.Stream(document, BLANK_PAGE_CONTENT),
        )
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in back_cover:
                blank[box] = back_cover[box]
        document.pages.insert(len(document.pages) - 1, pikepdf.Page(document.make_indirect(blank)))


def own_copied_streams(document, start: int) -> None:
    """qpdf reads a copied stream's data from the PDF it came from when the document is
    saved: give the streams copied since object `start` their own data (as compressed
    as they were), so that the source can be closed now."""
    import pikepdf

    end = document.make_indirect(pikepdf.Dictionary()).objgen[0]
    for number in range(start, end):
        stream = document.get_object(number, 0)
        if isinstance(stream, pikepdf.Stream):
            stream.write(
                stream.read_raw_bytes(),
                filter=stream.get("/Filter"),
                decode_parms=stream.get("/DecodeParms"),
                type_check=False,
            )


def _add_crop_marks(document) -> None:
    """Crop marks at the trim lines, in the slug outside the bleed, where the guillotine
    cuts them off. WeasyPrint's own marks would lie inside the 3 mm bleed."""
    import pikepdf

    for page in document.pages:
        if "/TrimBox" in page.obj:
            left, bottom, right, top = (float(v) for v in page.obj.TrimBox)
        else:  # a blank page the joining of parts added: its MediaBox includes the bleed
            media = [float(v) for v in page.obj.MediaBox]
            left, bottom = media[0] + BLEED_PT, media[1] + BLEED_PT
            right, top = media[2] - BLEED_PT, media[3] - BLEED_PT
            page.obj.TrimBox = pikepdf.Array([left, bottom, right, top])
        bleed = [left - BLEED_PT, bottom - BLEED_PT, right + BLEED_PT, top + BLEED_PT]
        page.obj.BleedBox = pikepdf.Array(bleed)
        page.obj.MediaBox = pikepdf.Array(
            [bleed[0] - SLUG_PT, bleed[1] - SLUG_PT, bleed[2] + SLUG_PT, bleed[3] + SLUG_PT]
        )
        lines = []
        start, end = BLEED_PT + 1, BLEED_PT + 1 + MARK_PT  # from just outside the bleed
        for x in (left, right):
            for y, direction in ((bottom, -1), (top, 1)):
                lines.append((x, y + direction * start, x, y + direction * end))
        for y in (bottom, top):
            for x, direction in ((left, -1), (right, 1)):
                lines.append((x + direction * start, y, x + direction * end, y))
        # Registration colour: the marks print on every plate.
        drawing = ["q 0.25 w 1 1 1 1 k 1 1 1 1 K"]
        drawing += [f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S" for x1, y1, x2, y2 in lines]
        drawing.append("Q")
        page.contents_add(pikepdf.Stream(document, "\n".join(drawing).encode()), prepend=False)


def _label_pages(document, cover_label: str, back_cover_label: str) -> None:
    import pikepdf

    nums: list = []
    for start, label in _page_labels(len(document.pages), cover_label, back_cover_label):
        if "prefix" in label:
            nums += [start, pikepdf.Dictionary(P=label["prefix"])]
        else:
            nums += [start, pikepdf.Dictionary(S=pikepdf.Name.D, St=label["first"])]
    document.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def check_budget(pdf: bytes, budget: int, edition: Edition) -> None:
    """Refuse a PDF over the size budget, saying what makes it large."""
    if len(pdf) <= budget:
        return
    import pikepdf

    images: list[tuple[int, int]] = []  # (bytes, first page)
    fonts = 0
    seen: set[tuple[int, int]] = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            for image in page.images.values():
                if image.objgen not in seen:
                    seen.add(image.objgen)
                    images.append((len(image.read_raw_bytes()), number))
        for obj in document.objects:
            is_font = isinstance(obj, pikepdf.Stream) and "/Length1" in obj  # TrueType
            if is_font and obj.objgen not in seen:
                seen.add(obj.objgen)
                fonts += len(obj.read_raw_bytes())
        pages = len(document.pages)
    images.sort(reverse=True)
    largest = ", ".join(f"{size // 1024} KB on page {page}" for size, page in images[:3])
    image_total = sum(size for size, _ in images)
    # The advice fits what makes it large: photos can shrink; the text of a big
    # conference cannot, and then only a larger budget (or a link to the PDF) will do.
    needed = f"{math.ceil(len(pdf) / 100_000) / 10:g}MB"
    if image_total > len(pdf) / 3:
        advice = f"Use smaller photos, or raise the budget with --max-size {needed}"
    else:
        advice = (
            f"Its {pages} pages of text are most of it: raise the budget with --max-size "
            f"{needed} (most mail servers take 10 MB), or mail a link to the screen edition"
        )
    raise BookletError(
        f"the {edition.name} edition is {_size(len(pdf))}, over its budget of "
        f"{_size(budget)}: images {_size(image_total)}"
        + (f" (largest: {largest})" if images else "")
        + f", fonts {_size(fonts)}, text and drawing {_size(len(pdf) - image_total - fonts)}. "
        + advice
    )


def _size(count: int) -> str:
    return f"{count / 1_000_000:.2f} MB" if count >= 100_000 else f"{count // 1000} KB"


def parse_size(text: str) -> int:
    """'1MB', '750 KB', '2.5M' -> bytes (decimal units, as mail servers count)."""
    cleaned = text.strip().upper().replace(" ", "").removesuffix("B")
    factor = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(cleaned[-1:], 1)
    number = cleaned[:-1] if factor != 1 else cleaned
    try:
        value = float(number)
    except ValueError:
        raise BookletError(f"--max-size: '{text}' is not a size such as 1MB or 800KB") from None
    if value <= 0:
        raise BookletError(f"--max-size: '{text}' must be more than nothing")
    return int(value * factor)
