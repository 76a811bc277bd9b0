"""The operators of WeasyPrint's content streams in fewer bytes, drawing the same.

WeasyPrint writes each line of text as a text object of its own, in a marked-content
sequence of its own: `/Span <</MCID 7>> BDC BT 1 0 0 -1 71.811 92.815 Tm /F1 12.7 Tf
[...] TJ ET EMC`, with an absolute position whose digits differ on every line, so that
deflate cannot shrink them. And it draws a box with rounded corners as a path of
absolute coordinates of six decimals. In a 500-talk booklet these were half of the
compressed page content (the text itself is the other half). Here:

- marked content: lines of one structure element that follow one another in the stream
  (with at most changes of state between them) and in the element's children become
  one marked-content sequence (one MCID), and the tag tree and parent tree say so
  (compact.py passes what each MCID belongs to);
- text: a text object that only ends for the next to begin (with at most states
  between) is carried on; so are those of lines in marked-content sequences of their
  own, the text object put around each sequence rather than in it; a line's position
  is then a move (Td) from the line before, the same bytes for every line of a
  paragraph; an empty text object is left out; glyph ids are written as literal
  strings, two bytes a glyph instead of four hexadecimal digits;
- states: a font, a colour or a graphics state dictionary set again as it already is
  (since the last q, or inherited through it) is left out;
- paths: a filled or stroked path of many points is drawn translated to its first
  point (q 1 0 0 1 x y cm ... Q), so that every box of one size is drawn by the same
  bytes.

Positions are computed from the numbers as written, so the page draws the same points,
but for the last bits of a viewer's double arithmetic (PDFium then shades a pixel of
the 45-talk test booklet one level of 255 otherwise; poppler draws every page of 500
talks the same). A justified space's two offsets, joined into one, would have saved
2 % more, but moved a glyph at a line's end a whole pixel in PDFium, which rounds
glyph origins to pixels: not done.
"""

from __future__ import annotations

import re

# What this module does, each on its own (benchmarks/email_size.py turns them off one
# at a time to measure each).
LEVERS = frozenset({"marked content", "text objects", "states", "literal strings", "paths"})

_MCID = re.compile(rb"<</MCID (\d+)>>")
# A TJ array as WeasyPrint writes it: hex strings and numbers only (compact.py,
# text_codes.py). Anything else is left as it is.
TJ_ARRAY = re.compile(rb"\[((?:<[0-9a-fA-F]*>|[-+]?[0-9.]+(?:e[-+]?[0-9]+)?)*)\] TJ")
TJ_ITEM = re.compile(rb"<([0-9a-fA-F]*)>|([-+]?[0-9.]+(?:e[-+]?[0-9]+)?)")
_NUMBER = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
_TM = re.compile(rb" ".join([b"(" + _NUMBER + b")"] * 6) + rb" Tm")
_HEX_STRING = re.compile(rb"<([0-9a-fA-F]*)>")
# Path construction: each operator with its count of numbers.
_PATH_OPERATORS = {b"m": 2, b"l": 2, b"c": 6, b"v": 4, b"y": 4, b"re": 4, b"h": 0}
# Painting operators that leave nothing behind but the paint (a clip, W, would outlive
# the q ... Q that the translation needs).
_PAINT = {b"f", b"f*", b"F", b"S", b"s", b"B", b"B*", b"b", b"b*"}
# A path of fewer points than this is not worth the q/cm/Q it would take.
_MIN_PATH_POINTS = 6


def merge_marked_content(
    items: list[bytes], element_of: list, adjacent: set[tuple[int, int]]
) -> tuple[list[bytes], list[int], dict[int, int]] | None:
    """Consecutive marked-content sequences of one element made one: `EMC /Tag <<MCID
    m>> BDC` left out where MCID m follows n, the MCID open, in the stream (with at most
    changes of graphics state between them, which draw nothing) and in the element's
    children (`adjacent`, pairs of MCIDs), and both are the same element's.

    Returns the items, the old MCID of each new one (in order: the MCIDs are renumbered
    from 0) and old -> new for every old MCID; None when the stream's MCIDs are not
    0..n-1 once each (some drawn elsewhere, in a form): then it is left as it is."""
    output: list[bytes] = []
    kept: list[int] = []  # old MCID of each new one
    new_of: dict[int, int] = {}
    open_: list[tuple[int, int] | None] = []  # (new MCID, last old MCID) of open sequences
    index, count = 0, len(items)
    while index < count:
        item = items[index]
        if item == b"EMC" and open_ and open_[-1] is not None:
            between = index + 1
            while between < count and items[between].rpartition(b" ")[2] in _STATE:
                between += 1
            following = _MCID.fullmatch(items[between + 1]) if between + 2 < count else None
            if following and items[between + 2] == b"BDC" and items[between].startswith(b"/"):
                new, last = open_[-1]
                old = int(following[1])
                if (
                    old not in new_of
                    and old < len(element_of)
                    and element_of[old] == element_of[last]
                    and (last, old) in adjacent
                ):
                    new_of[old] = new
                    open_[-1] = (new, old)
                    output += items[index + 1 : between]
                    index = between + 3
                    continue
        if item == b"BDC":
            match = _MCID.fullmatch(output[-1]) if output else None
            if match:
                old = int(match[1])
                if old in new_of:
                    return None  # marked twice
                new_of[old] = len(kept)
                kept.append(old)
                output[-1] = b"<</MCID %d>>" % new_of[old]
                open_.append((new_of[old], old))
            else:
                open_.append(None)
        elif item == b"BMC":
            open_.append(None)
        elif item == b"EMC" and open_:
            open_.pop()
        output.append(item)
        index += 1
    if sorted(new_of) != list(range(len(element_of))):
        return None
    return output, kept, new_of


def compact_drawing(items: list[bytes], levers: frozenset = LEVERS) -> list[bytes]:
    """Text objects carried on, line positions as moves, fonts, colours and graphics
    states not set again as they are, glyphs as literal strings, long paths translated
    to their first point (see the module's docstring). Anything not as WeasyPrint
    writes it is left as it is."""
    output: list[bytes] = []
    # Text objects go on only where none clips: a clip by text is made at its ET.
    carried_on = "text objects" in levers and not _clips_by_text(items)
    if carried_on:
        items = _text_objects_around_marked_content(items)
    in_text = False
    line: list[float] | None = None  # the text line matrix as written, when known
    ended = None  # the line matrix of the text object that ended last
    # What is in force, when known (set in this stream): the Tf, the fill and the
    # stroke colours, the last graphics state dictionary; each saved by q.
    state: dict[str, bytes] = {}
    saved: list[dict[str, bytes]] = []
    index, count = 0, len(items)
    while index < count:
        item = items[index]
        operator = item.rpartition(b" ")[2]
        if item == b"q":
            saved.append(dict(state))
        elif item == b"Q":
            state = saved.pop() if saved else {}
        elif (kind := _STATE_KIND.get(operator)) is not None:
            if "states" in levers and state.get(kind) == item:
                index += 1  # set as it already is
                continue
            state[kind] = item
            if operator == b"gs":
                state.pop("font", None)  # a graphics state dictionary may set a font
        if "text objects" in levers:
            following = items[index + 1] if index + 1 < count else b""
            if item == b"BT" and following == b"ET":
                index += 2  # an empty text object
                continue
            if item == b"BT":
                ended_at = _ended_before(output) if carried_on else None
                if ended_at is not None and _positioned_next(items, index + 1):
                    del output[ended_at]  # the text object goes on: the line sets its matrix
                    in_text, line = True, ended
                    index += 1
                    continue
                in_text, line = True, None
            elif item == b"ET":
                in_text, line, ended = False, None, line
            elif operator == b"Tm" and (match := _TM.fullmatch(item)):
                matrix = [float(value) for value in match.groups()]
                move = _move(line, matrix) if in_text else None
                line = matrix
                if move is not None:
                    output.append(move)
                    index += 1
                    continue
            elif operator in (b"Td", b"TD", b"T*", b"'", b'"'):
                line = None
        if "literal strings" in levers and operator in (b"TJ", b"Tj"):
            item = _HEX_STRING.sub(_literal, item)
        if "paths" in levers and not in_text and operator in (b"m", b"re"):
            end = _path_end(items, index)
            if end is not None:
                output += _translated(items[index:end]) + [items[end], b"Q"]
                index = end + 1
                continue
        output.append(item)
        index += 1
    return output


def _clips_by_text(items: list[bytes]) -> bool:
    """Does the stream clip by text (a rendering mode of 4 to 7, the clip made at ET)?"""
    return any(
        item.endswith(b" Tr") and item[:-3].strip() not in (b"0", b"1", b"2", b"3")
        for item in items
    )


def _text_objects_around_marked_content(items: list[bytes]) -> list[bytes]:
    """`/Span <<...>> BDC 0 0 0 rg BT ... ET EMC` made `BT /Span <<...>> BDC 0 0 0 rg
    ... EMC ET`: a line's text object around its marked content rather than in it, so that
    the text objects of lines in sequences of their own can go on as one (a marked-content
    sequence may lie in a text object, never across its ends). A sequence of several text
    objects is one when each after the first sets its own matrix (Tm), as a new text
    object would. Only states that a text object may hold (colours, graphics state
    dictionaries, text state) may stand between them."""
    output: list[bytes] = []
    index, count = 0, len(items)
    while index < count:
        item = items[index]
        opener = {b"BDC": 2, b"BMC": 1}.get(item)
        if opener is not None and len(output) >= opener:
            inside = _text_inside(items, index + 1)
            if inside is not None:
                body, end = inside
                output.insert(len(output) - opener, b"BT")
                output += [item, *body, b"EMC", b"ET"]
                index = end + 1
                continue
        output.append(item)
        index += 1
    return output


def _text_inside(items: list[bytes], start: int) -> tuple[list[bytes], int] | None:
    """What a marked-content sequence that begins at `start` holds without its text
    objects' BT and ET, and the index of its EMC; None unless it holds only text objects
    (each after the first setting its matrix) and states that a text object may hold."""
    body: list[bytes] = []
    index, count = start, len(items)
    objects = 0
    while index < count:
        item = items[index]
        if item == b"EMC":
            return (body, index) if objects else None
        if item == b"BT":
            if objects and not _positioned_next(items, index + 1):
                return None
            end = _text_object_end(items, index)
            if end is None:
                return None
            body += items[index + 1 : end]
            objects += 1
            index = end + 1
            continue
        if item.rpartition(b" ")[2] not in _TEXT_OBJECT_STATE:
            return None
        body.append(item)
        index += 1
    return None


def _text_object_end(items: list[bytes], start: int) -> int | None:
    """The index of the ET of the text object that begins at `start`, when it holds no
    other and its marked content is balanced; None otherwise."""
    depth = 0
    for index in range(start + 1, len(items)):
        item = items[index]
        if item == b"ET":
            return index if depth == 0 else None
        if item == b"BT":
            return None
        depth += {b"BDC": 1, b"BMC": 1, b"EMC": -1}.get(item, 0)
        if depth < 0:
            return None
    return None


def _ended_before(output: list[bytes]) -> int | None:
    """The index of an ET that ends the output but for states a text object may hold."""
    for index in range(len(output) - 1, -1, -1):
        if output[index] == b"ET":
            return index
        if output[index].rpartition(b" ")[2] not in _TEXT_OBJECT_STATE:
            return None
    return None


def _positioned_next(items: list[bytes], start: int) -> bool:
    """Does the text object that begins before `start` set its line's matrix (Tm) before
    it shows anything, past marked-content starts and states?"""
    for item in items[start:]:
        operator = item.rpartition(b" ")[2]
        if operator == b"Tm":
            return True
        if not (
            operator in _TEXT_OBJECT_STATE
            or item in (b"BDC", b"BMC")
            or item.startswith(b"<<")  # a marked-content sequence's properties
            or (item.startswith(b"/") and b" " not in item)  # its tag
        ):
            return False
    return False


# Operators that set the graphics state and draw nothing, and what each sets (the
# others of _STATE are tracked by none).
_STATE_KIND = {
    b"Tf": "font",
    b"rg": "fill", b"g": "fill", b"k": "fill", b"cs": "fill", b"sc": "fill", b"scn": "fill",
    b"RG": "stroke", b"G": "stroke", b"K": "stroke", b"CS": "stroke", b"SC": "stroke",
    b"SCN": "stroke",
    b"gs": "gs",
}  # fmt: skip
_STATE = {b"q", b"Q", b"cm", b"w", b"J", b"j", b"M", b"d", b"ri", b"i", *_STATE_KIND}
# States a text object may hold (not q, Q or cm); and the text state.
_TEXT_OBJECT_STATE = (_STATE - {b"q", b"Q", b"cm"}) | {b"Tc", b"Tw", b"Tz", b"TL", b"Ts", b"Tr"}


def _move(line: list[float] | None, matrix: list[float]) -> bytes | None:
    """`tx ty Td` for a line matrix that differs from the last only in its place, when
    the matrix is a plain one (1 or -1 on its diagonal)."""
    if line is None or line[:4] != matrix[:4]:
        return None
    a, b, c, d = matrix[:4]
    if b or c or abs(a) != 1 or abs(d) != 1:
        return None
    # Td moves by (tx·a, ty·d) in user space. When both ends are numbers of at most
    # three decimals (compact.py rounds Tm so on a page at its own scale), the difference
    # is exact at three; other positions stay where they are written.
    if any(round(value, 3) != value for value in (*line[4:], *matrix[4:])):
        return None
    tx = round((matrix[4] - line[4]) / a, 3)
    ty = round((matrix[5] - line[5]) / d, 3)
    return written_number(tx, 3) + b" " + written_number(ty, 3) + b" Td"


def _literal(match: re.Match) -> bytes:
    """A hexadecimal string as a literal one: two bytes a glyph, not four digits (one, in
    codes of one byte: text_codes.py). A carriage return is escaped (a reader takes a bare
    one for a line feed), and so is a line feed: a stream's lines are its operations
    (pdfx.py finds colours line by line). A string of an odd number of digits
    (WeasyPrint's bitmap fonts, past code 255) stays as it is."""
    if len(match[1]) % 2:
        return match[0]
    data = bytes.fromhex(match[1].decode())
    data = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + data.replace(b"\r", b"\\r").replace(b"\n", b"\\n") + b")"


def _path_end(items: list[bytes], start: int) -> int | None:
    """The index of the painting operator of the path that begins at `start`, when the
    path is only numbers and path operators, ends in a paint (not a clip) and has points
    enough to be worth translating."""
    points = 0
    for index in range(start, len(items)):
        operands, _, operator = items[index].rpartition(b" ")
        if operator in _PAINT and not operands:
            return index if points >= _MIN_PATH_POINTS else None
        numbers = _PATH_OPERATORS.get(operator)
        if numbers is None or len(operands.split()) != numbers:
            return None
        points += numbers // 2
    return None


def _translated(path: list[bytes]) -> list[bytes]:
    """The path drawn from its first point: `q 1 0 0 1 x y cm` and every point less it."""
    first = path[0].split()
    x, y = float(first[0]), float(first[1])
    output = [b"q", b"1 0 0 1 " + first[0] + b" " + first[1] + b" cm"]
    for item in path:
        operands, _, operator = item.rpartition(b" ")
        values = [float(value) for value in operands.split()]
        if operator == b"re":  # x y width height: only the corner moves
            values[:2] = [values[0] - x, values[1] - y]
        else:
            values = [value - (x if i % 2 == 0 else y) for i, value in enumerate(values)]
        # The numbers as written have six decimals at most (pydyf): so has a difference.
        output.append(b" ".join([*(written_number(value, 6) for value in values), operator]))
    return output


def written_number(value: float, decimals: int) -> bytes:
    """A number as a content stream is written here: rounded to `decimals`, without
    trailing zeros, a whole number without a point."""
    value = round(value, decimals)
    if value == int(value):
        return b"%d" % int(value)
    return f"{value:.{decimals}f}".rstrip("0").encode()
