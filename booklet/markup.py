"""Text from outside, made the booklet's own.

Conference systems export abstracts as plain text, as Markdown, or as HTML (frab, Pentabarf
and pretalx all do some of each). `imported_markdown` turns any of them into the booklet's
Markdown (CommonMark, raw HTML off: see html.markdown): HTML becomes paragraphs, lists,
emphasis and links, what a browser would not show as text is dropped, and the text of the
HTML stays text (Markdown's characters escaped). `clean_text` normalises control and
separator characters in any printed text. `abstract_and_description` prints an abstract
and a description once each when one repeats the other.
"""

from __future__ import annotations

import html
import re
import textwrap
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

# --- control and separator characters ---------------------------------------------------

# Line and paragraph separators become the breaks they mean; other controls (C0 but tab and
# line feed, DEL, C1) are dropped: a font has no glyph for them, so they print as boxes.
# A lone surrogate cannot be written to the HTML at all. NBSP and the zero-width joiners
# and spaces are kept: they do what the author meant (and emoji sequences need ZWJ).
_BREAKS = {"\r\n": "\n", "\r": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n\n"}
_UNWANTED = re.compile("\r\n?|[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """`text` with line ends made \\n, separators made breaks and controls dropped."""
    if not _UNWANTED.search(text):  # the common case, and cheap: printed values are many
        return text
    return _UNWANTED.sub(_replacement, text)


def _replacement(match: re.Match) -> str:
    found = match.group()
    if "\ud800" <= found <= "\udfff":
        return "\ufffd"
    return _BREAKS.get(found, "")


# --- HTML or not ------------------------------------------------------------------------

_DROPPED = {
    "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
    "canvas", "audio", "video", "img", "picture", "head", "title", "meta", "link", "base",
    "input", "button", "select", "textarea", "map", "area", "source", "track", "frame",
    "frameset", "applet", "param",
}  # fmt: skip
_BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "address",
    "figure", "figcaption", "details", "summary", "center", "form", "fieldset", "legend",
    "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "blockquote", "body",
}  # fmt: skip
_EMPHASIS = {"em", "i", "cite", "dfn", "var"}
_STRONG = {"strong", "b"}
_CODE = {"code", "kbd", "samp", "tt"}
_INLINE = {
    "a", "span", "u", "s", "strike", "del", "ins", "sub", "sup", "abbr", "acronym", "small",
    "big", "font", "mark", "q", "time", "br", "wbr", "label", "bdi", "bdo", "nobr",
}  # fmt: skip
_KNOWN = sorted(_DROPPED | _BLOCKS | _EMPHASIS | _STRONG | _CODE | _INLINE - {"body"}, key=len)
_STRUCTURE = sorted(_BLOCKS - {"body"} | {"br", "img", "script", "style", "iframe"}, key=len)
# HTML: an end tag that HTML knows ("</li>"), or a tag that only HTML would write ("<br>",
# "<p>"). Not "a < b", "<3" or "<your name>", nor "use <b> for bold" (no "</b>").
_HTML = re.compile(
    r"</(?:" + "|".join(reversed(_KNOWN)) + r")\s*>"
    r"|<(?:" + "|".join(reversed(_STRUCTURE)) + r")(?=[\s/>])",
    re.IGNORECASE,
)


def is_html(text: str) -> bool:
    """Whether `text` is HTML rather than plain text or Markdown (see _HTML)."""
    return _HTML.search(text) is not None


# An entity reference ("&amp;", "&#39;", "&#x27;") with its semicolon: exports that
# escape their text twice write them into plain titles and names (frab's JSON of 30C3).
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.IGNORECASE)


def unescaped(text: str) -> str:
    """Plain text with its entity references as the characters they name ("Security &amp;
    Safety" as "Security & Safety"); a name HTML does not know stays as it is written."""
    return _ENTITY.sub(lambda reference: html.unescape(reference.group()), text)


def imported_markdown(text: str | None) -> str:
    """A field of an export as the booklet's Markdown: HTML converted, anything else kept
    as it was written (plain text is Markdown already); characters normalised, line ends
    \\n, trailing spaces dropped (so YAML can keep it as a block), at most one blank line.

    HTML escaped once more ("&lt;p&gt;") is HTML; in plain text an entity reference
    ("&quot;") is the character it names. Lines after the first indented alike
    (an XML export's pretty printing) lose that indent: Markdown would print them as code.
    A text of punctuation and spaces alone ('""', "-", "...") is no text."""
    text = clean_text(text or "")
    if not is_html(text) and is_html(unescaped_text := html.unescape(text)):
        text = clean_text(unescaped_text)
    if is_html(text):
        # Quotes around the markup are the exporter's (30C3's JSON: '"<p>…</p>"'), not
        # the author's: they would stand as paragraphs of their own.
        text = html_to_markdown(re.sub(r'^\s*"(\s*<.*>\s*)"\s*$', r"\1", text, flags=re.S))
    else:  # entity references as characters: the YAML reads as the booklet prints it
        first, newline, rest = textwrap.dedent(unescaped(text)).partition("\n")
        text = first + newline + textwrap.dedent(rest)
    lines = [line.rstrip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text if says_something(html.unescape(text)) else ""


def says_something(text: str) -> bool:
    """Whether a text holds more than punctuation and spaces: a placeholder ('-', '""',
    '?') is not a name nor an abstract. An emoji says something."""
    return any(unicodedata.category(c)[0] not in "PZC" for c in text)


# --- HTML -> Markdown -------------------------------------------------------------------

# Past this depth, what is inside is kept as text only: the writer below recurses once
# for each level (the tree is at most MAX_NESTING deep).
MAX_DEPTH = 40
_BREAK = "\x00"  # a <br> until the paragraph is written; clean_text removed every NUL
_PARAGRAPH = "\x01"  # a paragraph break inside running text (<br><br>, a blank line)
_WEB = ("http://", "https://", "mailto:")
# A web address written without its scheme ("privacyinternational.org/campaigns"), as
# schedule exports and organisers often do: a host of two or more labels, the last of
# letters, then nothing, or a path, query or fragment.
# Not "report.pdf": a name whose last part is a file's type is a file, not a host.
_BARE_HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?!(?:pdf|txt|html?|md|png|jpe?g|gif|svg|docx?|xlsx?|pptx?|odt|zip|csv|json|xml|ya?ml"
    r"|py|js|css)(?:$|[/?#:]))[a-z]{2,}(?::\d+)?(?=$|[/?#])",
    re.I,
)
_BARE_MAIL = re.compile(r"[^@\s/:]+@(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.I)


def with_scheme(address: str) -> str:
    """A link's address as a browser or mail program would take it: 'example.org' is
    https://example.org, 'info@example.org' is mailto:info@example.org; anything else is
    left as it is (and refused if it is not the web or mail)."""
    address = address.strip()
    if _BARE_MAIL.match(address):
        return "mailto:" + address
    return "https://" + address if _BARE_HOST.match(address) else address


def html_to_markdown(text: str) -> str:
    """HTML as Markdown: paragraphs, headings, lists, quotes, code, emphasis, links (to the
    web or mail) and line breaks; tables as a line per row. Scripts, styles, images,
    frames and forms are dropped, with their text."""
    return "\n\n".join(_blocks(parse_html(text), 0))


def parse_html(text: str) -> Element:
    """HTML (a fragment) as a tree of elements under a <body>, the way a browser reads
    it where it matters here: end tags that HTML may leave out (p, li, dt, dd, tr, td)
    implied, stray end tags ignored, what `_DROPPED` holds left out with its text.
    Python's own parser reads the tags; what it reads in time quadratic in the length
    of the text (comments and '<' that begin no tag) is dealt with before."""
    builder = _TreeBuilder()
    builder.feed(_tags_only(clean_text(text)))
    builder.close()
    return builder.body


def _tags_only(text: str) -> str:
    """Comments dropped (one left open runs to the end, as in HTML), and every '<' that
    begins no complete tag made text ('a < b', '<3'), as is '<![CDATA['."""
    kept, position = [], 0
    while (start := text.find("<!--", position)) >= 0:
        kept.append(text[position:start])
        end = text.find("-->", start + 4)
        position = len(text) if end < 0 else end + 3
    kept.append(text[position:])
    return _NO_TAG.sub("&lt;", "".join(kept))


# '<' not followed by a tag's name (or '/', '!', '?') and a '>' before any other '<'.
_NO_TAG = re.compile(r"<(?![a-zA-Z/!?][^<>]*>)|<!\[")
_VOID = {"br", "wbr", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed",
         "param", "source", "track", "keygen"}  # fmt: skip
# An element of this kind ends the one of that kind that is open (<li> after <li>...), when
# it is found before one of the containers.
_IMPLIED_ENDS = {
    "li": ({"li"}, {"ul", "ol"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
}
# A block in a paragraph ends the paragraph.
_ENDS_PARAGRAPH = _BLOCKS - {"body", "li", "dt", "dd", "tr", "summary", "legend", "caption"}
# How far up an end tag or an implied end looks for its element: far enough for any HTML
# a person writes, and a bound, so a parse stays linear in the length of the text.
_REACH = 32
# Deeper elements are not made: their text goes to the deepest one.
MAX_NESTING = 200


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.body = Element("body")
        self.open: list[Element] = [self.body]
        self.skipped: list[str] = []  # the dropped elements we are inside of

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipped:
            if tag == self.skipped[-1] and tag not in _VOID:
                self.skipped.append(tag)  # <svg> in <svg>: its end is not the outer one's
            return
        if tag in _DROPPED:
            if tag not in _VOID:
                self.skipped.append(tag)
            return
        if tag in _ENDS_PARAGRAPH:
            self._close("p", stop=_BLOCKS - {"p"})
        if tag in _IMPLIED_ENDS:
            ended, containers = _IMPLIED_ENDS[tag]
            for name in ended:
                self._close(name, stop=containers)
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].append(element)
        if tag not in _VOID and len(self.open) < MAX_NESTING:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if self.skipped:
            if tag == self.skipped[-1]:
                self.skipped.pop()
            return
        if tag == "br":  # </br> is a line break in HTML
            self.handle_starttag("br", [])
        else:
            self._close(tag)

    def _close(self, tag: str, stop: set[str] = frozenset()) -> None:
        """Close the open element `tag`, and those inside it, if it is open within reach
        and no element of `stop` is nearer."""
        for depth in range(len(self.open) - 1, max(0, len(self.open) - 1 - _REACH), -1):
            name = self.open[depth].tag
            if name == tag:
                del self.open[depth:]
                return
            if name in stop:
                return

    def handle_data(self, data: str) -> None:
        if self.skipped:
            return
        parent = self.open[-1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def _blocks(element: Element, depth: int) -> list[str]:
    """The Markdown blocks of an element's content."""
    blocks: list[str] = []
    running: list[str] = []  # inline Markdown not yet in a block

    def flush() -> None:
        blocks.extend(_paragraphs("".join(running)))
        running.clear()

    running.append(_text(element.text))
    for child in element:
        tag = _tag(child)
        if tag in _DROPPED:
            pass
        elif tag in _BLOCKS and depth < MAX_DEPTH:
            flush()
            blocks.extend(_block(child, tag, depth + 1))
        else:
            running.append(_inline(child, tag, depth + 1))
        running.append(_text(child.tail))
    flush()
    return blocks


def _block(element: Element, tag: str, depth: int) -> list[str]:
    if tag == "hr":
        return []
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        title = " ".join(_paragraphs(_inline_content(element, depth)))
        # Headings of an abstract are small: one level for all (the stylesheet sizes them).
        return [f"### {title}"] if title else []
    if tag in ("ul", "ol"):
        return _list(element, tag, depth)
    if tag == "pre":
        code = "".join(element.itertext()).strip("\n")
        fence = "~" * max(3, _longest_run(code, "~") + 1)
        return [f"{fence}\n{code}\n{fence}"] if code.strip() else []
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(element, depth))
        return [_prefixed(inner, "> ", ">")] if inner else []
    if tag == "tr":
        cells = [" ".join(_paragraphs(_inline_content(cell, depth))) for cell in element]
        row = " · ".join(cell for cell in cells if cell)
        return [row] if row else []
    return _blocks(element, depth)


def _list(element: Element, tag: str, depth: int) -> list[str]:
    number = _start(element) if tag == "ol" else 0
    items = []
    for child in element:
        if _tag(child) in _DROPPED:
            continue
        blocks = _blocks(child, depth) if _tag(child) == "li" else _blocks_of_one(child, depth)
        if not blocks:
            continue
        marker = f"{number}. " if tag == "ol" else "- "
        number += 1
        # A list inside an item follows its text on the next line: the list stays tight.
        body = blocks[0]
        for block in blocks[1:]:
            body += ("\n" if _LIST_MARKER.match(block) else "\n\n") + block
        items.append(marker + _prefixed(body, " " * len(marker), "")[len(marker) :])
    # Loose (a blank line between items) only when some item has several blocks.
    loose = any("\n\n" in item for item in items)
    return ["\n\n".join(items) if loose else "\n".join(items)] if items else []


# A list that may follow a paragraph's line directly (CommonMark: an ordered one only
# when it starts at 1).
_LIST_MARKER = re.compile(r"(?:-|1\.) ")


def _blocks_of_one(element: Element, depth: int) -> list[str]:
    """Whatever stands in a list where an <li> should: its text, as an item."""
    wrapper = Element("li")
    wrapper.append(element)
    return _blocks(wrapper, depth)


def _prefixed(text: str, prefix: str, blank: str) -> str:
    """Each line of `text` after `prefix` (a blank line after `blank`)."""
    return "\n".join(prefix + line if line else blank for line in text.split("\n"))


def _start(element: Element) -> int:
    start = element.get("start", "1").strip()
    return int(start) if start.isdigit() and len(start) < 9 else 1


def _inline(element: Element, tag: str, depth: int) -> str:
    if tag in _DROPPED:
        return ""
    if tag == "br":
        return _BREAK
    if depth >= MAX_DEPTH:
        return _escape(_collapse("".join(element.itertext())))
    if tag in _CODE:
        return _code("".join(element.itertext()))
    content = _inline_content(element, depth)
    if tag in _EMPHASIS:
        return _wrap(content, "*")
    if tag in _STRONG:
        return _wrap(content, "**")
    if tag == "q":
        return f"“{content}”"
    if tag == "a":
        return _link(content, element.get("href", ""))
    if tag in _BLOCKS:  # a block inside running text: its own line
        return f"{_PARAGRAPH}{content}{_PARAGRAPH}"
    return content


def _inline_content(element: Element, depth: int) -> str:
    parts = [_text(element.text)]
    for child in element:
        parts.append(_inline(child, _tag(child), depth + 1))
        parts.append(_text(child.tail))
    return "".join(parts)


def _wrap(content: str, mark: str) -> str:
    """Emphasis around the words, the spaces outside (CommonMark wants `*word*`, not
    `* word *`); across a line break, each line on its own."""
    if _PARAGRAPH in content or _BREAK in content:
        return "".join(
            _wrap(piece, mark) if piece not in (_PARAGRAPH, _BREAK) else piece
            for piece in re.split(f"([{_PARAGRAPH}{_BREAK}])", content)
        )
    stripped = content.strip()
    if not stripped:
        return content
    before = content[: len(content) - len(content.lstrip())]
    after = content[len(content.rstrip()) :]
    return f"{before}{mark}{stripped}{mark}{after}"


def _link(content: str, href: str) -> str:
    """A link to the web or to mail keeps its address; any other is its text only."""
    address = with_scheme(href)
    if not address.lower().startswith(_WEB) or not content.strip():
        if content.strip() or not address.lower().startswith(_WEB):
            return content
        return _escape(address)  # a link around an image: its address is what is left
    # An address in a Markdown link: what would end or break it is percent-encoded.
    for character, code in (("\\", "%5C"), (" ", "%20"), ("(", "%28"), (")", "%29")):
        address = address.replace(character, code)
    address = re.sub(r"[\s<>]", "", address)
    before = content[: len(content) - len(content.lstrip())]
    after = content[len(content.rstrip()) :]
    label = content.strip().replace(_PARAGRAPH, " ").replace(_BREAK, " ")
    return f"{before}[{label}]({address}){after}"


def _code(text: str) -> str:
    text = _collapse(text).strip()
    if not text:
        return ""
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _longest_run(text: str, character: str) -> int:
    runs = re.findall(f"{re.escape(character)}+", text)
    return max((len(run) for run in runs), default=0)


def _tag(element: Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""  # comments have a function as tag


def _text(text: str | None) -> str:
    """Text of the HTML as Markdown text: blank lines (paragraphs in HTML written as
    Markdown, as frab allows) kept, other white space folded, Markdown's characters
    escaped."""
    if not text:
        return ""
    pieces = re.split(r"\n[ \t\r\f]*\n\s*", text)
    return _PARAGRAPH.join(_escape(_collapse(piece)) for piece in pieces)


def _collapse(text: str) -> str:
    # Not \s: a no-break space is meant.
    return re.sub(r"[ \t\n\r\f]+", " ", text)


# Characters that make Markdown anywhere in a line; '&' only where it starts a reference.
_SPECIAL = re.compile(r"([\\`*_\[\]<>])|&(?=#?\w+;)")


def _escape(text: str) -> str:
    return _SPECIAL.sub(lambda m: "\\" + (m.group(1) or "&"), text)


# What makes a block of a line's beginning: a heading, a quote, a list, a rule, a fence.
_LINE_START = re.compile(r"^(?:([#>+=~-])|(\d{1,9})([.)]))")


def _paragraphs(running: str) -> Iterator[str]:
    """Running inline Markdown as paragraphs: paragraph marks split it, two or more line
    breaks in a row end a paragraph, one is a hard line break."""
    for paragraph in running.split(_PARAGRAPH):
        lines: list[str] = []
        for line in paragraph.split(_BREAK):
            line = line.strip()  # no-break spaces too: "<p>&nbsp;</p>" is no paragraph
            if line:
                lines.append(_LINE_START.sub(_escape_line_start, line))
            elif lines:  # a blank line: the paragraph so far is one
                yield "\\\n".join(lines)
                lines = []
        if lines:
            yield "\\\n".join(lines)


def _escape_line_start(match: re.Match) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)  # "2014. That" is not a list


# --- abstract and description -----------------------------------------------------------


# Each paragraph of a description is looked for in the abstract: past this many characters
# of words (a dozen pages), an abstract is not searched so, lest a hostile export take hours.
MAX_COMPARED = 50_000


def abstract_and_description(abstract: str | None, description: str | None) -> str:
    """An event's abstract and description (each plain text, Markdown or HTML) as the
    booklet's Markdown, nothing printed twice: a description that begins with the
    abstract, equals it or holds it is printed alone; an abstract that holds the
    description alone; otherwise the description's paragraphs that the abstract already
    has go. Texts are compared by their words (no markup, punctuation or case)."""
    first, second = imported_markdown(abstract), imported_markdown(description)
    if not first or not second:
        return first or second
    first_words, second_words = _words(first), _words(second)
    # Words only, so an abstract cut short ("The vulnerab…") still begins the description.
    if first_words == second_words:
        return first
    if second_words.startswith(first_words) or _within(first_words, second_words):
        return second
    if _within(second_words, first_words):
        return first
    if len(first_words) > MAX_COMPARED:
        return f"{first}\n\n{second}"
    rest = [_without_repeated_sentences(p, first_words) for p in _split_paragraphs(second)]
    return "\n\n".join([first, *(p for p in rest if p)])


# The end of a sentence: its mark, closing quotes or brackets, then white space.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]*]*\s+")


def _without_repeated_sentences(paragraph: str, seen: str) -> str:
    """A paragraph of the description without the sentences that the abstract (its
    words: `seen`) already has: any it begins with, and any of four words or more
    further on; "" when the abstract has it all."""
    if _within(_words(paragraph), seen):
        return ""
    kept, start, leading = [], 0, True
    ends = [match.end() for match in _SENTENCE_END.finditer(paragraph)] + [len(paragraph)]
    for end in ends:
        sentence, words = paragraph[start:end], _words(paragraph[start:end])
        repeated = _within(words, seen) and (leading or words.count(" ") >= 3)
        if not repeated:
            kept.append(sentence)
            leading = False
        start = end
    return "".join(kept).strip()


def _within(part: str, whole: str) -> bool:
    """Whether the words `part` stand in `whole` (whole words; two at least, as one word
    of an abstract in a description is no repetition)."""
    return " " in part and f" {part} " in f" {whole} "


def _split_paragraphs(markdown: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", markdown) if p.strip()]


def _words(markdown: str) -> str:
    """What a reader would compare: the words, without Markdown, punctuation or case."""
    text = re.sub(r"\]\([^)\s]*\)", "]", markdown)  # a link's address
    text = html.unescape(text)
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


# --- characters no font draws -----------------------------------------------------------


def needs_glyph(character: str) -> bool:
    """Whether a character is drawn, and so needs a font that has it: not white space,
    not a control (clean_text drops it), not a format character (joiners, zero-width
    space, direction marks: invisible) nor a variation selector."""
    if character.isspace() or clean_text(character) != character:
        return False
    code = ord(character)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return False
    return unicodedata.category(character) != "Cf"


def missing_glyphs_message(characters: list[str], shown: int = 5) -> str:
    """The warning for characters that no font of the booklet draws, each named."""
    listed = characters[:shown]
    codes = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in listed)
    names = ", ".join(unicodedata.name(c, f"U+{ord(c):04X}") for c in listed)
    more = f" and {len(characters) - shown} more" if len(characters) > shown else ""
    return (
        f"{codes}{more} not in the booklet's fonts ({names}): printed as a box, "
        "or in a font of the machine that builds the PDF if it has one"
    )
