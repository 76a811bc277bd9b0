"""PDFs in fewer bytes, with the same pages and the same tags: what WeasyPrint writes,
compacted while it writes it.

Text. WeasyPrint shows text with TJ arrays of glyph ids and offsets, and writes an offset after
every glyph, 0 where there is none (`<0054>0<0046>0...`), and the width of each
justified space as a float of 17 digits (`<>-122.53261372397841<0001>`). The digits
differ on every line, so compression cannot shrink them: in a 500-talk booklet they were
a quarter of the compressed page content. Here each array becomes the same glyphs with
only the offsets that move one, rounded to whole thousandths of an em, the rounding
carried on so that no glyph stands more than half a thousandth of an em from where
WeasyPrint put it (0.005 pt at 10 pt: a thousandth of the width of a hair line).
Text positions (Tm) are rounded to a thousandth of a point on the page: with more
decimals under a scale that magnifies (an SVG's text in a small viewBox), not at all in
a form, whose scale is not known.

Tags. WeasyPrint wraps every line of text in a structure element of its own, a /Span
with no attribute inside its paragraph: two thirds of the elements of a tagged booklet,
and a sixth more are <div>s and anonymous blocks, which mean nothing either. Their
parent (a paragraph, a heading, a list body...) holds what they held instead, the
line's marked content as WeasyPrint already does for links, and the parent tree points
at it: the same text in the same reading order under the same meaningful element.

Page content (page_content.py): lines of one element in one marked-content sequence,
text objects carried on with moves between lines, glyphs as literal strings, long paths
drawn from their first point.

Numbers. A path's points to a thousandth of a point on the page (as text positions),
colours to three decimals (an eighth of a level of 255: a colour of 8 bits stays the
same), a link's area to a hundredth of a point: WeasyPrint writes six decimals.

Text in codes of one byte where a font allows, justified spaces by word spacing
(text_codes.py): the fonts are given their codes before the streams are compacted, and
compact_operations writes their text in them.

Elements: a link's object reference (OBJR) written inside its Link element, not as an
object of its own (a sixth of the objects of a booklet); an element's page (/Pg) left
out where nothing needs it (it holds no marked content).

Applied as WeasyPrint's `finisher` to what pdf.render_pdf writes and to each part of a
large booklet (parts.py): every edition, in one document or in parts, alike. A joined
booklet then has its pages' content streams made one each (one_stream_per_page).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from . import page_content, text_codes
from .page_content import TJ_ARRAY, TJ_ITEM, written_number
from .pdf_resources import content_streams

# Every lever of this module and page_content.py (benchmarks/email_size.py turns them
# off one at a time to measure each).
LEVERS = page_content.LEVERS | {"lean elements", "one stream a page", "one-byte text", "numbers"}
# Positions that compact_operation rounds to a thousandth of a point on the page.
_POSITIONS = {b"Tm", b"m", b"l", b"c", b"v", b"y", b"re"}


def compact_finisher(then: Callable | None = None) -> Callable:
    """A WeasyPrint finisher that compacts text and tags, then calls `then`."""

    def finisher(document, pdf) -> None:
        import pydyf

        pages_drawn_by = {
            _object_number(page["Contents"])
            for page in pdf.objects
            if isinstance(page, pydyf.Dictionary) and page.get("Type") == "/Page"
        }
        codes = text_codes.encode_fonts(pdf) if "one-byte text" in LEVERS else {}
        for number, pdf_object in enumerate(pdf.objects):
            if isinstance(pdf_object, pydyf.Stream):
                pdf_object.stream = compact_operations(
                    pdf_object.stream, scale_known=number in pages_drawn_by, codes=codes
                )
        wrappers_into_their_parents(pdf)
        compact_pages(pdf, LEVERS)
        if "numbers" in LEVERS:
            link_areas_rounded(pdf)
        if "lean elements" in LEVERS:
            lean_elements(pdf)
        if then is not None:
            then(document, pdf)

    return finisher


def compact_operations(items: list, scale_known: bool, codes: dict | None = None) -> list:
    """A content stream's operations compacted. A text position, and a path's point, is
    rounded to a thousandth of a point on the page, so with more decimals where the scale
    in force magnifies (an SVG's text in a viewBox a tenth of a unit wide is drawn under a
    scale of thousands). A page's stream starts at the page's own scale; any other stream
    (a form) is drawn at a scale it does not know: its positions are kept as they are.
    Text in a font of `codes` (text_codes.encode_fonts) is written in its codes, with
    word spacing for its justified spaces, set back to 0 before a form and at the end."""
    scale, saved, compacted = 1.0, [], []
    font, size, spacing = None, 0.0, 0.0  # the Tf and Tw in force
    line = b""  # the last Tm as written, less its x
    for index, item in enumerate(items):
        if not isinstance(item, bytes):
            compacted.append(item)
            continue
        operator = item.rpartition(b" ")[2]
        if item == b"q":
            saved.append((scale, font, size, spacing))
        elif item == b"Q":
            scale, font, size, spacing = saved.pop() if saved else (1.0, None, 0.0, 0.0)
        elif operator == b"cm":
            scale *= _scale_of(item)
        elif operator == b"Tf" and codes:
            font, size = _font_and_size(item)
        elif operator == b"TJ" and codes and font in codes and item.startswith(b"["):
            spaced = not _line_goes_on(items, index + 1, line)
            operations, spacing = text_codes.encoded_tj(
                item[1:-4], codes[font], size, spacing, spaced
            )
            compacted += operations
            continue
        elif operator == b"Do" and spacing:
            compacted.append(b"0 Tw")  # a form inherits the word spacing
            spacing = 0.0
        if operator == b"Tm":
            line = _without_x(item)
        decimals = _decimals_at(scale) if scale_known and operator in _POSITIONS else None
        compacted.append(compact_operation(item, decimals))
    if spacing:
        compacted.append(b"0 Tw")
    return compacted


def _line_goes_on(items: list, start: int, line: bytes) -> bool:
    """Is the text that follows a TJ set on its line (the next Tm the same but for x)?
    pypdf, which measures text without word spacing, would read a gap before it as a
    space ("Karl Thomsen ,"): such a TJ keeps its spaces' offsets."""
    for item in items[start:]:
        if isinstance(item, bytes) and item.endswith(b" Tm"):
            return bool(line) and _without_x(item) == line
    return False


def _without_x(tm: bytes) -> bytes:
    """A Tm as written, less where along its line it begins: the line it sets."""
    a, b, c, d, _, y, _ = (tm.split() + [b""] * 7)[:7]
    return b" ".join((a, b, c, d, y))


def _font_and_size(item: bytes) -> tuple[bytes | None, float]:
    """`/F1 12 Tf` -> (b"/F1", 12.0); (None, 0) where it cannot be read."""
    name, _, rest = item.partition(b" ")
    try:
        size = float(rest[:-3])
    except ValueError:
        return None, 0.0
    return (name, size) if math.isfinite(size) else (None, 0.0)


def _decimals_at(scale: float) -> int | None:
    """Decimals that keep a position to a thousandth of a point under `scale`; None
    where no rounding is safe (a scale of nothing, or none that can be read)."""
    if not 0 < scale < math.inf:
        return None
    return 3 + max(0, math.ceil(math.log10(scale)))


def _scale_of(item: bytes) -> float:
    """How much a `cm` magnifies lengths at most (inf where it cannot be read)."""
    try:
        a, b, c, d = (float(value) for value in item.split()[:4])
    except ValueError:
        return math.inf
    largest = max(math.hypot(a, b), math.hypot(c, d))
    return largest if math.isfinite(largest) else math.inf


def compact_operation(item, decimals: int | None = 3):
    """One operation of a content stream, compacted if it is a TJ, or a Tm or a path's
    point when `decimals` says to how many decimals its position may be rounded, or a
    colour (to 3 decimals, 1/8 of a level of 255: a colour of 8 bits stays the same)."""
    if not isinstance(item, bytes):
        return item
    try:
        if item.endswith(b"] TJ"):
            match = TJ_ARRAY.fullmatch(item)
            return compact_tj(match[1]) if match else item
        operands, _, operator = item.rpartition(b" ")
        numbers = _NUMBERS.get(operator)
        if operator in _COLOURS and "numbers" in LEVERS:
            decimals = 3
        elif operator != b"Tm" and "numbers" not in LEVERS:
            return item
        if numbers is not None and decimals is not None and decimals < 10:
            values = [float(value) for value in operands.split()]
            if len(values) == numbers and all(math.isfinite(value) for value in values):
                if operator == b"re":  # its edges rounded, not its corner and its size:
                    x, y, width, height = values  # edges that meet keep meeting
                    values = [round(x, decimals), round(y, decimals)]
                    values += [round(x + width, decimals) - values[0]]
                    values += [round(y + height, decimals) - values[1]]
                return b" ".join([*(written_number(v, decimals) for v in values), operator])
    except (ValueError, OverflowError):  # not numbers as WeasyPrint writes them: as it is
        pass
    return item


# Operators whose operands are numbers only, and how many: positions (a Tm, a path's
# points), rounded as the scale allows, and colours of one, three or four components.
_NUMBERS = {
    b"Tm": 6, b"m": 2, b"l": 2, b"c": 6, b"v": 4, b"y": 4, b"re": 4,
    b"g": 1, b"G": 1, b"rg": 3, b"RG": 3, b"k": 4, b"K": 4,
}  # fmt: skip
_COLOURS = {b"g", b"G", b"rg", b"RG", b"k", b"K"}


def compact_tj(array: bytes) -> bytes:
    """The inside of a TJ array -> the whole operation: the same glyphs, and the same
    offsets, whole, each rounded so that their sum stays within half of the exact one;
    offsets of 0 left out, and strings that then meet joined. (Offsets are not summed:
    text extraction reads a large one as a space, letter-spaced capitals as words.)"""
    items: list[bytes | int] = []  # hex glyph strings (without <>) and offsets
    exact = 0.0  # the sum of the offsets read so far
    written = 0  # the sum of those written
    for match in TJ_ITEM.finditer(array):
        glyphs, number = match.groups()
        if number is not None:
            exact += float(number)
            step = round(exact) - written
            if step:
                items.append(step)
                written += step
        elif items and isinstance(items[-1], bytes):
            items[-1] += glyphs
        else:
            items.append(glyphs)
    last = len(items) - 1
    parts = [
        str(item).encode() if isinstance(item, int) else b"<" + item + b">"
        for index, item in enumerate(items)
        if item != b"" or 0 < index < last  # an empty string between offsets: kept
    ]
    return b"[" + b"".join(parts) + b"] TJ"


# Elements that say nothing of their content: a line of text (WeasyPrint's own /Span),
# an inline <span>, a <div>, an anonymous block. Without attributes (no language, no
# alternative text), their content reads the same as a part of their parent.
_WRAPPERS = {"/Span", "/Div", "/NonStruct"}
_PLAIN_KEYS = {"Type", "S", "K", "Pg", "P"}


def wrappers_into_their_parents(pdf) -> None:
    """Each element that only wraps (_WRAPPERS) replaced in its parent by what it holds,
    and the parent tree pointed at the parent (pydyf objects, before WeasyPrint writes
    them). Each list of children is rebuilt once: a page's Document holds thousands."""
    import pydyf

    if "StructTreeRoot" not in pdf.catalog:
        return
    objects = pdf.objects
    moved_to: dict[bytes, bytes] = {}  # a folded element's reference -> its parent's
    held: dict[bytes, list] = {}  # a folded element's reference -> what it held
    children_of: dict[int, set] = {}  # an element's own children, as WeasyPrint made them

    def unfolded(kids) -> list:
        return [item for kid in kids for item in held.get(kid, [kid])]

    # Children come after their parents: from the last, what a wrapper holds is final
    # (its own wrappers unfolded) before it is folded into its parent.
    elements = [
        element
        for element in objects
        if isinstance(element, pydyf.Dictionary) and element.get("Type") == "/StructElem"
    ]
    for element in reversed(elements):
        if not (element.get("S") in _WRAPPERS and element.keys() <= _PLAIN_KEYS and "P" in element):
            continue
        number = _object_number(element["P"])
        parent = objects[number]
        if number not in children_of:
            siblings = parent.get("K")
            children_of[number] = set(siblings) if isinstance(siblings, list) else set()
        if parent.get("Type") != "/StructElem" or element.reference not in children_of[number]:
            continue  # not as WeasyPrint builds its tree: left as it is
        kids = unfolded(element.get("K", []))
        if any(isinstance(kid, int) for kid in kids) and parent.get("Pg") != element.get("Pg"):
            continue  # a marked content id names a content of its element's own page
        held[element.reference] = kids
        moved_to[element.reference] = element["P"]
    if not moved_to:
        return
    for element in elements:
        if element.reference in held:
            element.clear()  # referred to by nothing now: written as <<>>
            continue
        kids = element.get("K")
        if isinstance(kids, list) and any(kid in held for kid in kids if isinstance(kid, bytes)):
            element["K"] = pydyf.Array(unfolded(kids))
            for kid in element["K"]:
                child = objects[_object_number(kid)] if isinstance(kid, bytes) else None
                if child is not None and child.get("Type") == "/StructElem":
                    child["P"] = element.reference

    def final(reference):
        while reference in moved_to:
            reference = moved_to[reference]
        return reference

    root = objects[_object_number(pdf.catalog["StructTreeRoot"])]
    numbers = objects[_object_number(root["ParentTree"])]["Nums"]
    for index in range(1, len(numbers), 2):
        if isinstance(numbers[index], list):  # a page's: marked content id -> element
            numbers[index] = pydyf.Array(final(reference) for reference in numbers[index])
        else:  # an annotation's element
            numbers[index] = final(numbers[index])


def compact_pages(pdf, levers: frozenset = LEVERS) -> None:
    """Every content stream WeasyPrint drew compacted (page_content.py); on a tagged
    page, its lines' marked content merged, and the parent tree and the elements'
    children renumbered to match."""
    import pydyf
    from weasyprint.pdf.stream import Stream as DrawnStream  # not fonts, images, ICC

    objects = pdf.objects
    numbers: list = []
    position_of: dict[int, int] = {}  # a page's StructParents -> its entry in `numbers`
    elements_on: dict[bytes, list] = {}  # a page -> its elements that hold marked content
    if "StructTreeRoot" in pdf.catalog and "marked content" in levers:
        root = objects[_object_number(pdf.catalog["StructTreeRoot"])]
        numbers = objects[_object_number(root["ParentTree"])]["Nums"]
        position_of = {
            numbers[index]: index + 1
            for index in range(0, len(numbers), 2)
            if isinstance(numbers[index + 1], list)
        }
        for element in objects:
            if (
                isinstance(element, pydyf.Dictionary)
                and element.get("Type") == "/StructElem"
                and any(isinstance(kid, int) for kid in element.get("K", ()))
            ):
                elements_on.setdefault(element.get("Pg"), []).append(element)
    pages = {}
    for page in objects:
        if isinstance(page, pydyf.Dictionary) and page.get("Type") == "/Page":
            pages[_object_number(page["Contents"])] = page
    for number, stream in enumerate(objects):
        if not isinstance(stream, DrawnStream):
            continue
        items = [pydyf._to_bytes(item) for item in stream.stream]
        page = pages.get(number)
        position = position_of.get(page.get("StructParents")) if page is not None else None
        if position is not None:
            elements = elements_on.get(page.reference, [])
            merged = page_content.merge_marked_content(
                items, numbers[position], _adjacent_kids(elements)
            )
            if merged is not None:
                items, kept, new_of = merged
                numbers[position] = pydyf.Array(numbers[position][old] for old in kept)
                for element in elements:
                    element["K"] = _renumbered(element["K"], new_of)
        stream.stream = page_content.compact_drawing(items, levers)


def _adjacent_kids(elements: list) -> set[tuple[int, int]]:
    """(MCID, MCID) for each two that follow one another among an element's children."""
    return {
        (first, second)
        for element in elements
        for first, second in zip(element["K"], element["K"][1:], strict=False)
        if isinstance(first, int) and isinstance(second, int)
    }


def _renumbered(kids: list, new_of: dict[int, int]):
    """An element's children with their MCIDs renumbered, merged ones once."""
    import pydyf

    renumbered: list = []
    for kid in kids:
        if isinstance(kid, int):
            kid = new_of[kid]
            if renumbered and renumbered[-1] == kid:
                continue  # merged into the one before
        renumbered.append(kid)
    return pydyf.Array(renumbered)


def link_areas_rounded(pdf) -> None:
    """A link's area (/Rect, six decimals as WeasyPrint writes it) to a hundredth of a
    point, a three-hundredth of a millimetre: 2,000 links of a 500-talk booklet, 4 kB."""
    import pydyf

    for link in pdf.objects:
        if isinstance(link, pydyf.Dictionary) and link.get("Subtype") == "/Link":
            area = link.get("Rect")
            if isinstance(area, list) and all(isinstance(v, int | float) for v in area):
                link["Rect"] = pydyf.Array(round(value, 2) for value in area)


def lean_elements(pdf) -> None:
    """A link's object reference (OBJR) inside its element, not an object of its own;
    an element's /Pg only where something needs it: its marked content (MCIDs name
    content of the element's page), or a link's reference of the same page."""
    import pydyf

    objects = pdf.objects
    for element in objects:
        if not (isinstance(element, pydyf.Dictionary) and element.get("Type") == "/StructElem"):
            continue
        kids = element.get("K")
        if not isinstance(kids, list):
            continue
        needs_page = any(isinstance(kid, int) for kid in kids)
        lean = pydyf.Array()
        for kid in kids:
            target = objects[_object_number(kid)] if isinstance(kid, bytes) else None
            if isinstance(target, pydyf.Dictionary) and target.get("Type") == "/OBJR":
                reference = pydyf.Dictionary(target)
                target.clear()  # referred to by nothing now: written as <<>>
                if reference.get("Pg") == element.get("Pg"):
                    del reference["Pg"]  # the element's own
                    needs_page = True
                kid = reference
            lean.append(kid)
        element["K"] = lean
        if not needs_page:
            element.pop("Pg", None)


def one_stream_per_page(document) -> None:
    """Each page of an open pikepdf document drawn by one content stream, with the forms
    that only it draws (a joined booklet's running heads and page numbers) drawn in it.

    Joining the parts adds a stream before and after each page's own, and draws its
    running head and number as a form of its own: a stream's dictionary and a form's
    (with its resources) are written outside the object streams, uncompressed, and a
    small stream compresses poorly on its own (500 talks: 800 streams and 336 forms,
    about 200 kB)."""

    import pikepdf

    if "one stream a page" not in LEVERS:
        return
    pages = [page for page in document.pages if content_streams(page.obj)]
    datas = [[stream.read_bytes() for stream in content_streams(page.obj)] for page in pages]
    # How often each form is drawn, over-counted rather than under: a "/Name Do" inside
    # a string counts too. A name written with # escapes is not matched: nothing inlined.
    drawn: dict[tuple[int, int], int] = {}
    for page, data in zip(pages, datas, strict=True):
        xobjects = _resource(page.obj, "/XObject")
        for match in re.finditer(rb"/([^\s/<>\[\]()%{}]+)\s+Do\b", b"\n".join(data)):
            if b"#" in match[1]:
                return _join_streams(document, pages, datas, set())
            xobject = xobjects.get("/" + match[1].decode("latin-1")) if xobjects else None
            if isinstance(xobject, pikepdf.Stream):
                drawn[xobject.objgen] = drawn.get(xobject.objgen, 0) + 1
                for inner in (_resource(xobject, "/XObject") or {}).values():
                    drawn[inner.objgen] = 2  # drawn by a form: left as it is
    changed = set()
    for number, (page, data) in enumerate(zip(pages, datas, strict=True)):
        for index, stream in enumerate(content_streams(page.obj)):
            if len(data[index]) <= _SMALL_STREAM:  # a parsed stream: each Do is one
                inlined = _forms_inlined(page.obj, stream, data[index], drawn)
                if inlined is not data[index]:
                    data[index] = inlined
                    changed.add(number)
    _join_streams(document, pages, datas, changed)


# A content stream this short is the joiner's (or a nearly empty page): parsed in full.
_SMALL_STREAM = 2000
# A form with only these keys draws as its content would, clipped to its box.
_PLAIN_FORM_KEYS = {
    "/Type",
    "/Subtype",
    "/BBox",
    "/Matrix",
    "/Resources",
    "/Length",
    "/Filter",
    "/FormType",
}


def _resource(holder, kind: str):
    resources = holder.get("/Resources")
    return resources.get(kind) if resources is not None else None


def _forms_inlined(page, stream, data: bytes, drawn: dict) -> bytes:
    """The stream with each form that it alone draws (`drawn` once) drawn in it: q, the
    form's matrix, its box as a clip, its content, Q; the form's resources added to
    the page's, unless a name there means something else (then the form stays)."""
    import pikepdf

    instructions = list(pikepdf.parse_content_stream(stream))
    pieces, done = [], 0
    for index, (operands, operator) in enumerate(instructions):
        if str(operator) != "Do" or len(operands) != 1:
            continue
        name = operands[0]
        xobjects = _resource(page, "/XObject")
        form = xobjects.get(name) if xobjects is not None else None
        inline = _inline_form(page, form, drawn)
        if inline is None:
            continue
        pieces += [pikepdf.unparse_content_stream(instructions[done:index]), inline]
        done = index + 1
        del xobjects[str(name)]
    if not pieces:
        return data
    pieces.append(pikepdf.unparse_content_stream(instructions[done:]))
    return b"\n".join(pieces)


def _inline_form(page, form, drawn: dict) -> bytes | None:
    import pikepdf

    if not isinstance(form, pikepdf.Stream) or drawn.get(form.objgen) != 1:
        return None
    if form.get("/Subtype") != "/Form" or not set(form.keys()) <= _PLAIN_FORM_KEYS:
        return None
    content = form.read_bytes()
    if len(content) > _SMALL_STREAM * 10 or not _balanced(form):
        return None
    additions = []
    page_resources = page.get("/Resources")
    for kind, named in (form.get("/Resources") or {}).items():
        if kind == "/ProcSet":
            continue
        if page_resources is None or not isinstance(named, pikepdf.Dictionary):
            return None
        present = page_resources.get(kind)
        for name, value in named.items():
            if present is not None and name in present:
                if not _same(present[name], value):
                    return None  # a name the page uses for something else
            else:
                additions.append((kind, name, value))
    for kind, name, value in additions:
        if kind not in page_resources:
            page_resources[kind] = pikepdf.Dictionary()
        page_resources[kind][name] = value
    matrix = [float(value) for value in form.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    x0, y0, x1, y1 = (float(value) for value in form.BBox)
    drawing = [b"q"]
    if matrix != [1, 0, 0, 1, 0, 0]:
        drawing.append(b" ".join(written_number(value, 3) for value in matrix) + b" cm")
    box = (x0, y0, x1 - x0, y1 - y0)
    box_numbers = b" ".join(written_number(round(value, 6), 3) for value in box)
    drawing += [box_numbers + b" re W n", content, b"Q"]
    return b"\n".join(drawing)


def _balanced(form) -> bool:
    """Does the form's content restore every state it saves (q ... Q), and no more?"""
    import pikepdf

    depth = 0
    for _, operator in pikepdf.parse_content_stream(form):
        depth += {"q": 1, "Q": -1}.get(str(operator), 0)
        if depth < 0:
            return False
    return depth == 0


def _same(first, second) -> bool:
    """One object, or two direct ones written alike."""
    indirect = [getattr(value, "is_indirect", False) for value in (first, second)]
    if any(indirect):
        return all(indirect) and first.objgen == second.objgen
    if hasattr(first, "unparse") and hasattr(second, "unparse"):
        return first.unparse(resolved=True) == second.unparse(resolved=True)
    return first == second


def _join_streams(document, pages: list, datas: list[list[bytes]], changed: set[int]) -> None:
    """Each page's streams, read as one (each ending as if by white space), written
    as one stream (pages of one stream already, unchanged, left as they are)."""
    import zlib

    import pikepdf

    for number, (page, data) in enumerate(zip(pages, datas, strict=True)):
        if len(data) == 1 and number not in changed:
            continue
        stream = pikepdf.Stream(document, b"")
        stream.write(zlib.compress(b"\n".join(data), 9), filter=pikepdf.Name.FlateDecode)
        page.obj.Contents = stream


def _object_number(reference: bytes) -> int:
    """The object number of a pydyf reference (b"12 0 R")."""
    return int(reference.split()[0])
