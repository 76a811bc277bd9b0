"""How a speaker's name is read for the index: which part is the family name, what sorts
it, and which speakers of an import are one person.

The booklet's languages (da, de, en) agree on personal names, so the reading does not
depend on the language; collation.py then orders the keys in the language's alphabet.

- A personal name is indexed under its family name: "Pritlove, Tim". Double-barrelled
  names stay whole ("Domscheit-Berg, Anke").
- Particles: a lower-case particle (van, von, de, de la, van der, zu, af, …) follows the
  given names and does not sort, as German, Danish and Dutch indexes and the Chicago
  Manual do it: "Beethoven, Ludwig van" under B. A capitalised one is part of the family
  name and sorts: "Van Buren, Martin" under V, "La Fontaine, Jean de" under L.
- A family name in capitals is the family name wherever it stands, as French and
  conference badges write it: "Romain LE DISEZ" and "DISEZ Romain" are printed
  "LE DISEZ, Romain" and "DISEZ, Romain".
- Parenthesised and quoted parts ("(EDRi)", "'Garak'"), a suffix (Jr., III) and what
  follows a slash or a spaced dash ("Martin Haase/maha") are never the family name; they
  are printed after the given names.
- Sorted and printed as written, never inverted: one word ("tante", "GeKo"), handles
  (a digit, @ or _ in a word: "@dns2utf8", "Akat1 Majorana"), groups of people
  ("Lucia und Ben"), organisations (a word like Lounge, Club, Center, Lab: "THM Lounge",
  "Chaos Computer Club"), a name that ends in an initial ("Felix D."), a name that is
  only particles and one word ("von Neumann").
- "Beethoven, Ludwig van", written with a comma, is already inverted and kept so.
- Academic and honorific titles before the name (Dr., Prof. Dr., Dr.-Ing., Sir) are not
  given names: they do not sort and are printed after the given names and a comma, as
  Chicago (16.41) and DIN 5007-2 place them: "Dr. Rüdiger Hanig" is "Hanig, Rüdiger, Dr.".
- Which words are a compound family name only the content can tell: by default
  "Richard Marggraf Turley" is "Turley, Richard Marggraf" and "Ralf Mueller von der
  Haegen" is "Haegen, Ralf Mueller von der" (the default cannot tell Mueller from a
  given name: "Johann Wolfgang von Goethe"); `family_name: Marggraf Turley` or
  `family_name: Mueller von der Haegen` files them under M, as their own sources do.

The content overrides the reading with `family_name` (the part of the name that is the
family name; the whole name to keep it uninverted) and `sort_as` (the text it sorts by).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Particles of family names, lower case; a capitalised one is part of the family name.
PARTICLES = _words(
    """
    van von vom zu zum zur der den de del della delle dei degli di da dal dalla das dos do
    du des la le les ten ter te af av op
    """
)
# Words that make a name a group of people, not one person.
CONNECTORS = frozenset({"&", "+", "and", "und", "og", "och", "et", "und/oder"})
# Words that make a name an organisation's or a team's (compared in lower case).
ORGANISATION_WORDS = _words(
    """
    academy akademie agency alliance assembly association bureau center centre chor choir
    club collective college commission committee community company consortium corp council
    crew department ensemble e.v. e.v federation forum foundation gesellschaft gmbh group
    hackerspace inc inc. initiative institut institute kollektiv lab labs laboratory league
    llc lounge ltd ltd. ministry network netzwerk office operation orchestra organisation
    organization orga project projekt radio school society stage stiftung team union
    universität universitet university verein village volunteers
    """
)
# Words after a name that are not its family name.
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Titles before a name ("Dr.", "Prof. Dr.", "Dr.-Ing.", "Dipl.-Inf."): not given names.
# A word that may be a given name ("Ing", "Mag") is a title only with its full stop.
_TITLE = re.compile(
    r"(?:(?:prof\.?|dr\.?|(?:dipl|mag|ing|inf|hon|rer|nat|med|phil|habil)\.)-?)+"
    r"|sir|dame|mr\.?|mrs\.?|ms\.?",
    re.IGNORECASE,
)

# A parenthesised or bracketed part, a quoted nickname, or a plain word.
_TOKEN = re.compile(r"\([^)]*\)|\[[^\]]*\]|\"[^\"]*\"|'[^']*'|“[^”]*”|‘[^’]*’|„[^“”]*[“”]|\S+")
_ASIDE_OPENERS = tuple("([\"'“‘„")
# What follows it is not the person's name: "Tatiana Bazzichelli / Disruption Network Lab",
# "Martin Haase/maha", "Andrea Behrendt - read & delete".
_SEPARATOR = re.compile(r"\s*[/|]\s*|\s+[-–—]\s+")


@dataclass(frozen=True)
class ReadName:
    """A name as the index prints and sorts it: `family`, then `rest` after a comma.
    When `inverted` is false, `family` is the whole name as written and `rest` is empty."""

    family: str
    rest: str
    inverted: bool
    why: str  # "person", or why it is printed as written: "one word", "handle", …


def read_name(name: str, family_name: str | None = None) -> ReadName:
    """The index's reading of `name`; `family_name`, when the content gives it, says which
    part of the name is the family name (the whole name: not inverted)."""
    name = " ".join(name.split())
    titles, untitled = _split_titles(name)
    # A family name given with its title ("Dr. Hanig", or the whole name) reads the name whole.
    if not titles or (family_name is not None and not family_name_in_name(family_name, untitled)):
        return _read_untitled(name, family_name)
    reading = _read_untitled(untitled, family_name)
    if reading.inverted:  # "Hanig, Rüdiger, Dr."
        given, tail = _split_tail(reading.rest)
        rest = _join([f"{given}," if given else "", titles, tail])
        return ReadName(reading.family, rest, True, reading.why)
    if reading.why == "one word":  # "Dr. Hanig": "Hanig, Dr."
        return ReadName(untitled, titles, True, "person")
    return ReadName(name, "", False, reading.why)


def _split_titles(name: str) -> tuple[str, str]:
    """'Prof. Dr. Anna Schmidt' -> ('Prof. Dr.', 'Anna Schmidt'); in a name that is only
    titles ('Dr. Dr.') none is taken for one."""
    words = name.split(" ")
    count = 0
    while count < len(words) and _TITLE.fullmatch(words[count]):
        count += 1
    if count == len(words):
        return "", name
    return " ".join(words[:count]), " ".join(words[count:])


def _read_untitled(name: str, family_name: str | None) -> ReadName:
    if family_name is not None:
        return _with_family_name(name, " ".join(family_name.split()))
    core_text, tail = _split_tail(name)
    tokens = _TOKEN.findall(core_text)
    core = [i for i, token in enumerate(tokens) if not _is_aside(token)]
    words = [tokens[i] for i in core]

    why = _why_as_written(words)
    if why:
        return ReadName(name, "", False, why)
    span = _family_span(words)
    if span is None:
        return ReadName(name, "", False, "particles and one word")
    first, last = core[span[0]], core[span[1] - 1]
    family = " ".join(tokens[first : last + 1]).removesuffix(",")
    rest = [token for i, token in enumerate(tokens) if not first <= i <= last]
    return ReadName(family, _join([" ".join(rest), tail]), True, "person")


def _split_tail(name: str) -> tuple[str, str]:
    """'Tatiana Bazzichelli / Disruption Network Lab' -> the person, and the rest as
    printed after the given names: '/ Disruption Network Lab'."""
    match = _SEPARATOR.search(name)
    if not match:
        return name, ""
    return name[: match.start()], name[match.start() :].strip()


def _is_aside(token: str) -> bool:
    return token.startswith(_ASIDE_OPENERS) or token.lower() in SUFFIXES


def _why_as_written(words: list[str]) -> str:
    lowered = [word.lower() for word in words]
    if len(words) <= 1:
        return "one word"
    if any(re.search(r"[\d@_#]", word) for word in words):
        return "handle"
    if any(word in CONNECTORS for word in lowered) or " ".join(words).count(",") > 1:
        return "group"
    if any(word.strip(",") in ORGANISATION_WORDS for word in lowered):
        return "organisation"
    if re.fullmatch(r"\w\.?", words[-1]):
        return "ends in an initial"
    # "Contributed from submitted abstracts": a capitalised word, then a last one in lower
    # case that is no particle, is words about the item, not a person's name.
    if words[0][:1].isupper() and words[-1][:1].islower() and lowered[-1] not in PARTICLES:
        return "phrase"
    return ""


def _is_capitals(word: str) -> bool:
    """A word in capitals ('LE', 'DISEZ'), not an initial ('C.H.') or a letter."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and word.isupper() and "." not in word


def _family_span(words: list[str]) -> tuple[int, int] | None:
    """[start, end) of the family name among the words, or None when none can be told."""
    commas = [i for i, word in enumerate(words[:-1]) if "," in word]  # not "King, Jr."
    if commas:  # "Beethoven, Ludwig van": inverted already (two commas: a group)
        return (0, commas[0] + 1) if words[commas[0]].endswith(",") else None
    capitals = [_is_capitals(word) for word in words]
    if any(capitals) and not all(capitals):
        if capitals[-1]:  # Romain LE DISEZ
            start = len(words)
            while capitals[start - 1]:
                start -= 1
            return start, len(words)
        if capitals[0]:  # DISEZ Romain
            end = 0
            while capitals[end]:
                end += 1
            return 0, end
    # The last word, with the capitalised particles before it (Van Buren, La Fontaine);
    # lower-case ones stay with the given names (Ludwig van Beethoven).
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES and not words[start - 1].islower():
        start -= 1
    if all(word in PARTICLES for word in words[:start]):
        return None  # "von Neumann": no given name ("Van Morrison" has one)
    return start, len(words)


def _with_family_name(name: str, family_name: str) -> ReadName:
    if family_name.casefold() == name.casefold():
        return ReadName(name, "", False, "family_name is the whole name")
    match = re.search(rf"(?<!\S){re.escape(family_name)}(?!\S)", name, re.IGNORECASE)
    if match is None:  # the model refuses this; read_name alone still answers
        return ReadName(family_name, name, True, "person")
    rest = (name[: match.start()] + " " + name[match.end() :]).replace(" ,", ",")
    return ReadName(family_name, " ".join(rest.strip(" ,").split()), True, "person")


def family_name_in_name(family_name: str, name: str) -> bool:
    """Whether `family_name` is whole words of `name` (case aside): what it must be."""
    family_name, name = " ".join(family_name.split()), " ".join(name.split())
    pattern = rf"(?<!\S){re.escape(family_name)}(?!\S)"
    return re.search(pattern, name, re.IGNORECASE) is not None


def _join(parts: Iterable[str]) -> str:
    return " ".join(part for part in parts if part)


# --- one person under two ids ------------------------------------------------------------


def normalised_name(name: str) -> str:
    """A name with case, accents and spacing left out: 'Chloé  Berthélémy' -> 'chloe
    berthelemy'. Letters with no accent to strip (ø, ß) stay as they are."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass
class MergePlan:
    """Which speaker ids are another's (`merged[duplicate] = kept`), and one line per
    merge or per near-merge left alone, for the importer's report."""

    merged: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def kept_speakers(self, speakers: Sequence[dict]) -> list[dict]:
        """The speakers without the duplicates; a kept one takes the keys it lacks (role,
        affiliation, bio, photo) from its duplicates. The given mappings are not changed."""
        by_id = {speaker["id"]: dict(speaker) for speaker in speakers}
        for duplicate, kept in self.merged.items():
            for key, value in by_id[duplicate].items():
                by_id[kept].setdefault(key, value)
        return [by_id[s["id"]] for s in speakers if s["id"] not in self.merged]

    def speaker_ids(self, ids: Iterable[str]) -> list[str]:
        """A programme item's speaker ids, each duplicate replaced and each person once."""
        return list(dict.fromkeys(self.merged.get(sid, sid) for sid in ids))

    def apply(
        self, speakers: Sequence[dict], programme: Sequence[dict]
    ) -> tuple[list[dict], list[dict]]:
        """New speakers and programme items, merged."""
        items = [
            {**item, "speakers": self.speaker_ids(item["speakers"])} if "speakers" in item else item
            for item in programme
        ]
        return self.kept_speakers(speakers), items


def plan_merges(speakers: Iterable[Mapping]) -> MergePlan:
    """Speakers (mappings with 'id', 'name' and maybe 'affiliation') that are one person:
    the same name but for case, accents and spacing. The first of them is kept. Two with
    different affiliations are two people who share a name, and are left apart."""
    plan = MergePlan()
    first_of: dict[str, Mapping] = {}
    for speaker in speakers:
        key = normalised_name(str(speaker["name"]))
        first = first_of.setdefault(key, speaker)
        if first is speaker:
            continue
        one, other = first.get("affiliation"), speaker.get("affiliation")
        if one and other and normalised_name(str(one)) != normalised_name(str(other)):
            plan.messages.append(
                f"speakers '{first['id']}' and '{speaker['id']}' are both named "
                f"'{_short(first['name'])}' but with different affiliations; kept apart"
            )
            continue
        plan.merged[str(speaker["id"])] = str(first["id"])
        spellings = dict.fromkeys([_short(first["name"]), _short(speaker["name"])])
        shown = ", ".join(f"'{spelling}'" for spelling in spellings)
        plan.messages.append(
            f"speakers '{first['id']}' and '{speaker['id']}' are one person ({shown}): "
            f"merged as '{first['id']}'"
        )
    return plan


def _short(text: object, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
