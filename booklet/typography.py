"""The typesetting of prose (abstracts, bios, the welcome) between Markdown and HTML.

Rules on markdown-it's tokens and renderer, so that they see words, not markup:

- a paragraph's last two words are never hyphenated (no paragraph ends in a fragment
  such as "tion."), and a short last word is bound to the word before it (never alone on
  the last line);
- a paragraph that is all emphasis (an imported subtitle) is marked, so that the
  stylesheet does not indent the paragraph after it, as after a heading;
- a link prints its address after its text, unless the text is the address; addresses,
  there and in running text, may break after each '/' and are never hyphenated, so a long
  one does not stretch a justified line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

# A last word this short (letters, not counting punctuation) goes with the word before it;
# so does any last word when the two are this long together: the last line is never one
# word alone, and two words of this length never stretch the line before them much.
SHORT_WORD = 5
BOUND_LENGTH = 18
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)


def finish_paragraphs(tokens: list[Token]) -> None:
    """Paragraph ends and subtitles (see the module's doc), in place."""
    for index, token in enumerate(tokens):
        if token.type != "inline" or index == 0 or tokens[index - 1].type != "paragraph_open":
            continue
        children = token.children or []
        if len(children) >= 3 and children[0].type == "em_open" and _closes_at_end(children):
            tokens[index - 1].attrSet("class", "lead")
        if children and children[-1].type == "text":
            children[-1:] = _last_words_kept(children[-1])


def _closes_at_end(children: list[Token]) -> bool:
    """Whether the emphasis opened by the first child closes with the last."""
    depth = 0
    for position, child in enumerate(children):
        depth += {"em_open": 1, "em_close": -1}.get(child.type, 0)
        if depth == 0:
            return position == len(children) - 1
    return False


def _last_words_kept(text: Token) -> list[Token]:
    """The text token that ends a paragraph with its last two words in a span that is
    not hyphenated (the last line is never a fragment, nor begins with one), bound by a
    no-break space when they are short enough to share a line without stretching it.

    The space before the span is inside it: WeasyPrint, meeting a text that ends in a
    space and then an inline box that does not fit, broke the line at the first word
    after a hyphenated one ("includ- / ing / their use in …")."""
    # String methods, not a regular expression: this runs on text of any length.
    content = text.content.rstrip()
    last_start = content.rfind(" ") + 1
    last = content[last_start:]
    if not last:
        return [text]
    before = content[:last_start].rstrip(" ")
    start, kept = last_start, last
    if before:
        start = before.rfind(" ") + 1
        short = len(re.sub(r"\W", "", last.split("\u00a0")[-1])) <= SHORT_WORD
        together = len(before[start:]) + len(last) <= BOUND_LENGTH
        kept = before[start:] + ("\u00a0" if short or together else " ") + last
    pieces = []
    if start:
        head = content[:start]
        pieces.append(_text(head.rstrip(" ")))
        kept = head[len(head.rstrip(" ")) :] + kept
    pieces += [_html('<span class="last-words">'), _text(kept), _html("</span>")]
    return pieces


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _html(content: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = content  # booklet's own markup, not the content's: raw HTML stays off
    return token


def print_addresses(markdown: MarkdownIt) -> None:
    """Make `markdown` print link addresses and break web addresses (module's doc)."""
    markdown.add_render_rule("text", _render_text)
    markdown.add_render_rule("link_open", _render_link_open)
    markdown.add_render_rule("link_close", _render_link_close)


# A link to what a booklet cannot link to (a file, a script) is given this address by
# html.py, so that it prints as its text alone instead of as "[text](file.txt)".
NO_LINK = "#no-link"


def _render_link_open(self, tokens: list[Token], index: int, options, env) -> str:
    if tokens[index].attrGet("href") == NO_LINK:
        return ""
    return self.renderToken(tokens, index, options, env)


def _render_text(self, tokens: list[Token], index: int, options, env) -> str:
    content = tokens[index].content
    html, done = [], 0
    for match in _WEB_ADDRESS.finditer(content):
        # Punctuation that ends a sentence is not part of the address before it.
        address = match.group().rstrip(".,;:!?'\"’”)]")
        end = match.start() + len(address)
        html += [escapeHtml(content[done : match.start()]), breakable_address(address)]
        done = end
    html.append(escapeHtml(content[done:]))
    return "".join(html)


def _render_link_close(self, tokens: list[Token], index: int, options, env) -> str:
    opening = index - 1
    while opening > 0 and tokens[opening].type != "link_open":
        opening -= 1
    href = str(tokens[opening].attrGet("href") or "")
    if href == NO_LINK:
        return ""
    text = "".join(
        token.content for token in tokens[opening + 1 : index] if token.type != "html_inline"
    )
    printed = printed_address(href)
    if not printed or _plain(printed) == _plain(text):
        return "</a>"
    return f'</a> <span class="link-address">({breakable_address(printed)})</span>'


def printed_address(href: str) -> str | None:
    """How a link's address is printed: a web address as it is, a mail address without
    'mailto:', a link within the booklet not at all."""
    if href.lower().startswith("mailto:"):
        return href[len("mailto:") :]
    if href.lower().startswith(("http://", "https://")):
        return href
    return None


def _plain(address: str) -> str:
    """An address as a reader compares it: no scheme, 'www.' or final '/', any case."""
    address = re.sub(r"^(?:https?://|mailto:)?(?:www\.)?", "", address.strip(), flags=re.I)
    return address.rstrip("/").casefold()


def breakable_address(address: str) -> str:
    """A web address as HTML that may break where the Chicago Manual of Style breaks
    one: around each '/', and in its path before '.', '_', '-', '~', '%', '?', '#', '&'
    and '='; never hyphenated (a hyphen would read as part of it)."""
    scheme, separator, rest = address.partition("://") if "://" in address else ("", "", address)
    host, slash, path = rest.partition("/")
    pieces = host.split("/") + re.split(r"(?<=/)|(?<=.)(?=[._~%?#&=-])", slash + path)
    body = "<wbr>".join(escapeHtml(piece) for piece in pieces if piece)
    return f'<span class="url">{escapeHtml(scheme + separator)}{body}</span>'
