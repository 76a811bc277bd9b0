"""Alphabetical order as a reader of the booklet's language expects it.

Python sorts by code point, which puts 'Ødegaard' before 'Andersen' or after 'Zahle'
by accident. Danish and Norwegian put æ, ø, å after z (and 'aa' counts as å);
Swedish å, ä, ö; German files ä, ö, ü with a, o, u. Other letters lose their accents.
"""

from __future__ import annotations

import unicodedata

_BASE = "abcdefghijklmnopqrstuvwxyz"

# Per language: extra letters after z, and letters that sort as another one.
_RULES: dict[str, tuple[str, dict[str, str]]] = {
    "da": ("æøå", {"ä": "æ", "ö": "ø", "ü": "y", "ǿ": "ø"}),
    "nb": ("æøå", {"ä": "æ", "ö": "ø", "ü": "y"}),
    "nn": ("æøå", {"ä": "æ", "ö": "ø", "ü": "y"}),
    "sv": ("åäö", {"æ": "ä", "ø": "ö", "ü": "y"}),
    "fi": ("åäö", {"æ": "ä", "ø": "ö", "ü": "y"}),
}
# Letters with no accent to strip, as spelt in languages that lack them.
_SPELT_OUT = {"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "þ": "th", "ð": "d"}


def sort_key(text: str, language: str) -> tuple[tuple[int, ...], str]:
    """A key that orders words in the alphabet of `language`; ties broken by the text."""
    extra_letters, equivalents = _RULES.get(language, ("", {}))
    alphabet = _BASE + extra_letters
    lowered = text.casefold()
    if language in ("da", "nb", "nn"):
        # Danish/Norwegian: a double a at the start of a word is the old spelling of å.
        lowered = " ".join(
            "å" + word[2:] if word.startswith("aa") else word for word in lowered.split(" ")
        )
    primary: list[int] = []
    for character in lowered:
        character = equivalents.get(character, character)
        if character not in alphabet:
            # Strip accents: é -> e, ñ -> n; keep the letter if it has no base form.
            decomposed = unicodedata.normalize("NFKD", character)
            character = "".join(c for c in decomposed if not unicodedata.combining(c))
            character = _SPELT_OUT.get(character, character)
        for letter in character:
            if letter in alphabet:
                primary.append(alphabet.index(letter) + 1)
            elif letter.isdecimal():
                primary.append(-10 + int(letter))
            elif letter.isalpha():
                primary.append(len(alphabet) + ord(letter))
            # spaces, hyphens and punctuation do not count in the order
    return tuple(primary), lowered
