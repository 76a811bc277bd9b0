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
Text positions (Tm) are rounded to a thousandth of a point.

Tags. WeasyPrint wraps every line of text in a structure element of its own, a /Span
with no attribute inside its paragraph: two thirds of the elements of a tagged booklet,
and a sixth more are <div>s and anonymous blocks, which mean nothing either. Their
parent (a paragraph, a heading, a list body...) holds what they held instead, the
line's marked content as WeasyPrint already does for links, and the parent tree points
at it: the same text in the same reading order under the same meaningful element.

Applied as WeasyPrint's `finisher` to what pdf.render_pdf writes and to each part of a
large booklet (parts.py): every edition, in one document or in parts, alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

# A TJ array as WeasyPrint writes it: hex strings and numbers only. Anything else is left
# as it is.
_TJ_ARRAY = re.compile(rb"\[((?:<[0-9a-fA-F]*>|[-+]?[0-9.]+(?:e[-+]?[0-9]+)?)*)\] TJ")
_TJ_ITEM = re.compile(rb"<([0-9a-fA-F]*)>|([-+]?[0-9.]+(?:e[-+]?[0-9]+)?)")
_TM = re.compile(rb"(\S+) (\S+) (\S+) (\S+) (\S+) (\S+) Tm")


def compact_finisher(then: Callable | None = None) -> Callable:
    """A WeasyPrint finisher that compacts text and tags, then calls `then`."""

    def finisher(document, pdf) -> None:
        import pydyf

        for pdf_object in pdf.objects:
            if isinstance(pdf_object, pydyf.Stream):
                pdf_object.stream = [compact_operation(item) for item in pdf_object.stream]
        wrappers_into_their_parents(pdf)
        if then is not None:
            then(document, pdf)

    return finisher


def compact_operation(item):
    """One operation of a content stream, compacted if it is a TJ or a Tm."""
    if not isinstance(item, bytes):
        return item
    try:
        if item.endswith(b"] TJ"):
            match = _TJ_ARRAY.fullmatch(item)
            return compact_tj(match[1]) if match else item
        if item.endswith(b" Tm"):
            match = _TM.fullmatch(item)
            if match:
                values = [float(value) for value in match.groups()]
                if all(math.isfinite(value) for value in values):
                    return b" ".join(_number(round(value, 3)) for value in values) + b" Tm"
    except (ValueError, OverflowError):  # not numbers as WeasyPrint writes them: as it is
        pass
    return item


def compact_tj(array: bytes) -> bytes:
    """The inside of a TJ array -> the whole operation: the same glyphs, and the same
    offsets, whole, each rounded so that their sum stays within half of the exact one;
    offsets of 0 left out, and strings that then meet joined. (Offsets are not summed:
    text extraction reads a large one as a space, letter-spaced capitals as words.)"""
    items: list[bytes | int] = []  # hex glyph strings (without <>) and offsets
    exact = 0.0  # the sum of the offsets read so far
    written = 0  # the sum of those written
    for match in _TJ_ITEM.finditer(array):
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


def _number(value: float) -> bytes:
    if value == int(value):
        return str(int(value)).encode()
    return f"{value:.3f}".rstrip("0").encode()


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


def _object_number(reference: bytes) -> int:
    """The object number of a pydyf reference (b"12 0 R")."""
    return int(reference.split()[0])
