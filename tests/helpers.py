"""Helpers that read a booklet PDF honestly: text, positions, links and their targets."""

from __future__ import annotations

import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdf
import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content"
DATA = Path(__file__).resolve().parent / "data"

# The synthetic conferences of the benchmarks serve the tests of large booklets too.
sys.path.insert(0, str(ROOT / "benchmarks"))
from conference_generator import ROOMS, WORDS, generate  # noqa: E402

__all__ = ["ROOMS", "WORDS", "generate"]  # re-exported for the tests


def copy_content(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def write_content(folder: Path, conference: dict, speakers: list, programme: list) -> Path:
    """A content folder from plain data, for tests that need a conference of their own."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in [
        ("conference.yaml", conference),
        ("speakers.yaml", speakers),
        ("programme.yaml", programme),
    ]:
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return folder


# --- reading text back out of a PDF ------------------------------------------------


def page_text(page: pypdf.PageObject) -> str:
    """The page's text as one line: hyphenation at line ends undone, spaces folded."""
    # pypdf 7 reads some of WeasyPrint's two-byte font encodings as UTF-16, a NUL before
    # every letter (poppler and pdfium read the same page right).
    text = page.extract_text().replace("\x00", "")
    text = re.sub(r"[\u2010\u00ad-]\n", "", text)  # WeasyPrint's hyphen + line break
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class TextRun:
    x: float
    y: float
    text: str


def text_runs(page: pypdf.PageObject) -> list[TextRun]:
    runs: list[TextRun] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append(TextRun(x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


def text_in_reading_order(page: pypdf.PageObject) -> str:
    """The page's text runs from top to bottom, left to right, whatever order they were
    painted in (positioned boxes are painted after the flow)."""
    runs = sorted(text_runs(page), key=lambda run: (-round(run.y), run.x))
    return " ".join(run.text for run in runs)


@dataclass
class Reference:
    """One clickable page reference: where it is, what number it prints, where it goes."""

    page_number: int  # the page the reference is printed on
    line: int  # its height on the page, in points: two entries may link the same talk
    destination: str  # the anchor it links to
    printed: int  # the page number printed inside the link
    target_page_number: int  # the page the link really goes to


def destination_pages(reader: pypdf.PdfReader) -> dict[str, int]:
    return {
        name: reader.get_destination_page_number(destination) + 1
        for name, destination in reader.named_destinations.items()
    }


def page_references(reader: pypdf.PdfReader, page_index: int) -> list[Reference]:
    """Every link on the page that prints a page number inside its rectangle, once.

    The number is read from the glyphs inside the link's rectangle (pdfium), not from
    pypdf's text runs, which may hold "22, 23," as one run across three links.
    WeasyPrint writes one link annotation per box of a link (the line, the number), so
    the same reference can be found several times; it is counted once."""
    import pypdfium2

    targets = destination_pages(reader)
    page = reader.pages[page_index]
    document = _pdfium_document(reader, pypdfium2)
    text = document[page_index].get_textpage()
    # One link is one annotation per line it covers, in order: a link is the run of
    # annotations to one destination, and its page number is at the end of its last line.
    links: list[tuple[str, list[float]]] = []
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        destination = annotation.get("/Dest")
        if annotation.get("/Subtype") != "/Link" or destination is None:
            continue
        rect = [float(v) for v in annotation["/Rect"]]
        if links and links[-1][0] == str(destination) and _same_link(links[-1][1], rect):
            links[-1] = (str(destination), rect)
        else:
            links.append((str(destination), rect))
    references = []
    for destination, rect in links:
        left, right = sorted((rect[0], rect[2]))
        bottom, top = sorted((rect[1], rect[3]))
        bounded = text.get_text_bounded(left, bottom, right, top)
        words = bounded.replace(",", " ").replace("–", " ").split()  # "20–22": two links
        if not words or not words[-1].isdigit():
            continue
        reference = Reference(
            page_index + 1, round(top), destination, int(words[-1]), targets[destination]
        )
        if reference not in references:
            references.append(reference)
    text.close()
    return references


def _same_link(previous: list[float], rect: list[float]) -> bool:
    """The next line of the same link starts at or below where the previous one did."""
    return min(rect[1], rect[3]) <= max(previous[1], previous[3]) + 0.5


_pdfium_documents: dict[int, object] = {}


def _pdfium_document(reader: pypdf.PdfReader, pypdfium2):
    if id(reader) not in _pdfium_documents:
        reader.stream.seek(0)
        _pdfium_documents[id(reader)] = pypdfium2.PdfDocument(reader.stream.read())
    return _pdfium_documents[id(reader)]


def words_on_page(page: pypdf.PageObject) -> str:
    """The page's text without any spaces, read by pdfium: for comparing titles whatever
    the ligatures (pypdf reads "ﬀ" as garbage in some encodings) and letter-spacing."""
    import pypdfium2

    textpage = _pdfium_document(page.pdf, pypdfium2)[page.page_number].get_textpage()
    text = textpage.get_text_range()
    textpage.close()
    return re.sub(r"[\s\u2010\u00ad-]+", "", text)


def find_pages(reader: pypdf.PdfReader, needle: str) -> list[int]:
    """1-based numbers of the pages whose text contains `needle`."""
    return [
        number for number, page in enumerate(reader.pages, start=1) if needle in page_text(page)
    ]


def section_page(reader: pypdf.PdfReader, heading: str) -> int:
    """The page a bookmark (outline item) with this title points to."""
    for item in _flatten(reader.outline):
        if item.title == heading:
            return reader.get_destination_page_number(item) + 1
    raise AssertionError(f"no bookmark {heading!r}")


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def bookmarks(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    return [
        (item.title, reader.get_destination_page_number(item) + 1)
        for item in _flatten(reader.outline)
    ]


def overlapping_lines(pdf_path: Path) -> list[tuple[int, str, str]]:
    """Pairs of text lines whose ink overlaps, per page: text printed over text."""
    import pypdfium2

    found = []
    document = pypdfium2.PdfDocument(pdf_path)
    for number, page in enumerate(document, start=1):
        text = page.get_textpage()
        letters: dict[int, list] = {}
        for index in range(text.count_chars()):
            loose_top = round(text.get_charbox(index, loose=True)[3])
            left, bottom, right, top = text.get_charbox(index)
            if right - left <= 0 or top - bottom <= 0:
                continue
            if unicodedata.category(text.get_text_range(index, 1) or " ") == "So":
                continue  # ♥ ✔: a fallback font's symbol, taller than the line (warned of)
            letters.setdefault(loose_top, []).append(
                (left, bottom, right, top, text.get_text_range(index, 1))
            )
        # A line is the letters at one height, cut where a gap wider than a word space
        # parts them: side by side columns (a programme grid) are lines of their own.
        boxes = []
        for row in letters.values():
            row.sort()
            for left, bottom, right, top, letter in row:
                box = boxes[-1] if boxes and boxes[-1][5] is row else None
                if box is None or left - box[2] > 3:
                    boxes.append([left, bottom, right, top, "", row])
                    box = boxes[-1]
                box[0], box[1] = min(box[0], left), min(box[1], bottom)
                box[2], box[3] = max(box[2], right), max(box[3], top)
                box[4] += letter
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                width = min(a[2], b[2]) - max(a[0], b[0])
                height = min(a[3], b[3]) - max(a[1], b[1])
                if width > 1 and height > 1:
                    found.append((number, a[4], b[4]))
        text.close()
    document.close()
    return found


def tag_tree(pdf_path: Path) -> dict[str, int]:
    """How many structure elements of each kind the PDF's tag tree holds, after checking
    that the tree is whole: every element's page is a page of this PDF, every page's
    marked content has its entry in the parent tree, every link its own."""
    import collections

    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        assert pdf.Root.MarkInfo.Marked, "not marked as tagged"
        root = pdf.Root.StructTreeRoot
        pages = {page.objgen for page in pdf.pages}
        numbers = list(_number_tree(root.ParentTree))
        parents = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
        assert len(parents) * 2 == len(numbers), "a parent tree key is used twice"
        kinds: collections.Counter[str] = collections.Counter()
        stack = [root.K[0]]
        while stack:
            element = stack.pop()
            if not isinstance(element, pikepdf.Dictionary):
                continue  # a marked-content id on the element's page
            if "/Pg" in element:
                assert element.Pg.objgen in pages, "an element points at a page not here"
            if "/S" in element:
                kinds[str(element.S)] += 1
            children = element.get("/K")
            if children is not None:
                is_list = isinstance(children, pikepdf.Array)
                stack.extend(children if is_list else [children])
        for number, page in enumerate(pdf.pages, start=1):
            marked = {
                int(operands[1].MCID)
                for operands, operator in pikepdf.parse_content_stream(page)
                if str(operator) == "BDC"
                and isinstance(operands[1], pikepdf.Dictionary)
                and "/MCID" in operands[1]
            }
            if marked:
                entry = parents[int(page.obj.StructParents)]
                assert len(entry) == len(marked), f"page {number}: marked content unmapped"
            for form in page.obj.get("/Resources", {}).get("/XObject", {}).values():
                if "/StructParents" in form:  # a form's own marked content (a copy's name)
                    entry = parents[int(form.StructParents)]
                    ids = {
                        int(operands[1].MCID)
                        for operands, operator in pikepdf.parse_content_stream(form)
                        if str(operator) == "BDC" and "/MCID" in operands[1]
                    }
                    assert len(entry) == len(ids), f"page {number}: a form's content unmapped"
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    assert int(annotation.StructParent) in parents, f"page {number}: a link"
    return dict(kinds)


def _number_tree(node):
    """A number tree's keys and values, in order, from its leaves (PDF 7.9.7)."""
    yield from node.get("/Nums", [])
    for kid in node.get("/Kids", []):
        if "/Limits" in kid:
            low, high = int(kid.Limits[0]), int(kid.Limits[1])
            keys = [int(key) for key in list(_number_tree(kid))[::2]]
            assert all(low <= key <= high for key in keys), "a key outside its kid's limits"
        yield from _number_tree(kid)


def marked_texts(path: Path, page_index: int) -> dict[int, str]:
    """PDFium's reading of a page's marked content: MCID -> the text drawn inside it,
    forms drawn inside it included (a structure element's text, as a screen reader gets)."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    document = pypdfium2.PdfDocument(str(path))
    found: dict[int, str] = {}
    try:
        page = document[page_index]
        text_page = page.get_textpage()

        def text_of(obj) -> str:
            if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT:
                size = raw.FPDFTextObj_GetText(obj, text_page.raw, None, 0)
                buffer = (ctypes.c_ushort * (size // 2))()
                raw.FPDFTextObj_GetText(obj, text_page.raw, buffer, size)
                return bytes(buffer)[: size - 2].decode("utf-16-le")
            if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM:
                count = raw.FPDFFormObj_CountObjects(obj)
                return "".join(text_of(raw.FPDFFormObj_GetObject(obj, i)) for i in range(count))
            return ""

        for index in range(raw.FPDFPage_CountObjects(page.raw)):
            obj = raw.FPDFPage_GetObject(page.raw, index)
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj)
            if mcid >= 0:
                found[mcid] = found.get(mcid, "") + text_of(obj)
    finally:
        document.close()
    return found


def text_and_origins(data: bytes) -> list:
    """PDFium's text of each page, and each character's origin and font size."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    document = pypdfium2.PdfDocument(data)
    pages = []
    try:
        for page in document:
            text = page.get_textpage()
            origins = []
            for index in range(text.count_chars()):
                x, y = ctypes.c_double(), ctypes.c_double()
                raw.FPDFText_GetCharOrigin(text.raw, index, x, y)
                origins.append((x.value, y.value, raw.FPDFText_GetFontSize(text.raw, index)))
            pages.append((text.get_text_range(), origins))
    finally:
        document.close()
    return pages
