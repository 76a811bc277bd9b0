"""Read YAML into plain data that remembers where every value was written.

PyYAML speaks YAML 1.1, where `10:00` is the integer 600, `no` is False and
`2025-05-14` is a date; even YAML 1.2 reads the Danish `9.45` as a number. Organisers
mean what they typed, so every scalar stays the string as written (only an empty value
or `null` is nothing), and the model decides what a value means: pydantic turns "12"
into 12 where a number is wanted, and leaves "9.45" a time.

The data is built straight from the parser's events, counted as they come: a file with
too many values or nested too deep stops at the first value over the limit, before the
rest of it is even parsed (a 20 MB file once parsed for minutes before it was counted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.reader import ReaderError

from .errors import Problem, display_path
from .files import UnsafeFileError, read_regular_file

try:  # libyaml scans and parses in C, several times faster than PyYAML's Python
    from yaml.cyaml import CParser as _EventParser
except ImportError:  # a PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _EventParser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


Location = tuple[int, int]  # 1-based line and column
FieldPath = tuple[str | int, ...]

# An alias can point at a mapping full of aliases: a few lines can expand to billions
# of values ("billion laughs"). Real content has a few thousand: the generator's
# programme of 3,000 talks with abstracts has 67,000 (keys counted), in 4.4 MB.
MAX_NODES = 200_000
MAX_DEPTH = 50
MAX_TEXT = 100_000  # characters in one value: fifteen pages of abstract
# A content file larger than this is not read at all: twice the largest programme one
# can imagine (above), and it is read and counted in about a second.
MAX_FILE_BYTES = 10 * 1024 * 1024

_NULL = re.compile(r"(?:~|null|Null|NULL|)")
_STR = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass
class SourceFile:
    """One YAML file as data, with the position of every value and every mapping key."""

    path: Path
    data: object = None
    values: dict[FieldPath, Location] = field(default_factory=dict)
    keys: dict[FieldPath, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def name(self) -> str:  # once: every problem in the file is named with it
        return display_path(self.path)

    def location_of(self, path: FieldPath, *, key: bool = False) -> Location:
        """Where `path` was written; falls back to its nearest written parent."""
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (0, 0))

    def problem(self, path: FieldPath, field_name: str, message: str, **kwargs) -> Problem:
        line, column = self.location_of(path, key=kwargs.pop("key", False))
        return Problem(self.name, line, column, field_name, message, **kwargs)


def read_yaml(path: Path, inside: list[Path] | None = None) -> SourceFile:
    """Parse one file; problems are collected on the result, never raised.

    The file must be, links resolved, a regular file inside the folders `inside` (by
    default its own folder) of at most MAX_FILE_BYTES: a link to a file elsewhere is not
    read, so no message can show what that file holds."""
    source = SourceFile(path)

    def problem(message: str, location: Location = (0, 0)) -> SourceFile:
        source.data = None
        source.problems.append(Problem(source.name, *location, "", message))
        return source

    try:
        raw = read_regular_file(path, inside or [path.parent], MAX_FILE_BYTES, "content file")
        text = raw.decode("utf-8")
    except UnsafeFileError as error:  # its reason, said of this file
        reason = str(error).removeprefix(f"{source.name}: ").removesuffix("; not read")
        if reason.startswith("cannot read the content file "):  # (No such file ...)
            return problem(reason.replace("cannot read the content file", "cannot be read"))
        if "outside" in reason:
            return problem("is a link to a file outside the content folder; not read")
        return problem(f"cannot be read: {reason}")
    except UnicodeDecodeError as error:
        return problem(f"is not UTF-8 text ({error.reason})")
    try:
        source.data = _DataBuilder(source, text).document()
    except _Refused as error:
        return problem(str(error), error.location)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _location(mark) if mark else (0, 0)
        what = error.problem or error.context or "invalid YAML"
        if "maximum nesting depth" in what:  # libyaml's own limit, met while looking ahead
            return problem(f"nested deeper than {MAX_DEPTH} levels", where)
        return problem(f"YAML syntax: {what}", where)
    except ReaderError as error:  # a control character such as NUL; at a byte offset
        line = text.count("\n", 0, max(text.find(chr(error.character)), 0)) + 1
        return problem(f"YAML syntax: U+{error.character:04X} is not allowed in YAML", (line, 0))
    except yaml.YAMLError as error:
        return problem(f"YAML syntax: {error}")
    return source


class _Refused(Exception):
    def __init__(self, message: str, location: Location):
        super().__init__(message)
        self.location = location


class _DataBuilder:
    """Dicts, lists and strings from the parser's events, with the position of each.

    Every value counts towards MAX_NODES as it arrives, an alias as all that it stands
    for, so the work done before a refusal is bounded by the limit, not by the file."""

    def __init__(self, source: SourceFile, text: str):
        self.source = source
        self.events = _EventParser(text)
        self.node_count = 0
        self.deepest = 0  # the deepest level reached so far (the document's value: 0)
        # anchor -> (its value, how many values it holds, how many levels below it);
        # None while it is being read, when an alias to it would be a value inside itself.
        self.anchors: dict[str, tuple[object, int, int] | None] = {}

    def document(self) -> object:
        self.events.get_event()  # the start of the stream
        if self.events.check_event(StreamEndEvent):
            return None  # nothing but comments
        self.events.get_event()  # the start of the document
        data = self.value((), 0)
        self.events.get_event()  # its end
        if not self.events.check_event(StreamEndEvent):
            where = _location(self.events.peek_event().start_mark)
            raise _Refused("YAML syntax: a second document (after '---'); keep one", where)
        return data

    def value(self, path: FieldPath | None, level: int) -> object:
        """The next value; at `path`, or (None) one that is read only to be skipped."""
        event = self.events.get_event()
        where = _location(event.start_mark)
        if isinstance(event, AliasEvent):
            return self._alias(event, path, level, where)
        self._count(1, level, where)
        if path is not None:
            self.source.values[path] = where
        anchor = event.anchor
        if anchor is not None:
            self.anchors[anchor] = None
            count_before, outer_deepest, self.deepest = self.node_count, self.deepest, level
        if isinstance(event, ScalarEvent):
            data = self._scalar(event, path)
        else:
            if event.tag not in _COLLECTION_TAGS:
                self._problem(path, where, f"unsupported YAML tag {event.tag}")
            if isinstance(event, SequenceStartEvent):
                data = self._sequence(path, level)
            else:
                data = self._mapping(path, level)
        if anchor is not None:
            self.anchors[anchor] = (data, self.node_count - count_before, self.deepest - level)
            self.deepest = max(outer_deepest, self.deepest)
        return data

    def _alias(
        self, event: AliasEvent, path: FieldPath | None, level: int, where: Location
    ) -> object:
        name = event.anchor
        if name not in self.anchors:
            raise _Refused(f"YAML syntax: *{name} has no &{name} before it", where)
        anchored = self.anchors[name]
        if anchored is None:
            raise _Refused(f"*{name} is inside &{name}: a value that contains itself", where)
        data, nodes, below = anchored
        self._count(nodes, level + below, where)
        if path is not None:
            self.source.values[path] = where
        # The same object again: nothing is copied, and the count above is what the
        # checks that walk it will do.
        return data

    def _scalar(self, event: ScalarEvent, path: FieldPath | None) -> str | None:
        if len(event.value) > MAX_TEXT:
            # A word of megabytes takes a gigabyte to lay out; a real abstract is a page.
            self._problem(
                path,
                _location(event.start_mark),
                f"{len(event.value):,} characters; a text may have at most {MAX_TEXT:,}",
            )
            return ""
        if event.tag in (None, "!"):
            plain = event.implicit[0]
            return None if plain and _NULL.fullmatch(event.value) else event.value
        if event.tag == _NULL_TAG:
            return None
        if event.tag != _STR:
            self._problem(path, _location(event.start_mark), f"unsupported YAML tag {event.tag}")
        return event.value

    def _sequence(self, path: FieldPath | None, level: int) -> list:
        data: list = []
        while not self.events.check_event(SequenceEndEvent):
            data.append(self.value(None if path is None else (*path, len(data)), level + 1))
        self.events.get_event()
        return data

    def _mapping(self, path: FieldPath | None, level: int) -> dict:
        # YAML merge keys (`<<:`) are not supported: `<<` is read as an ordinary key, which
        # the model then reports as unknown. Anchors and aliases do work.
        data: dict = {}
        while not self.events.check_event(MappingEndEvent):
            key_event = self.events.peek_event()
            key_where = _location(key_event.start_mark)
            key = self.value(None, level + 1)
            if isinstance(key_event, ScalarEvent):
                key = key_event.value  # as written: `~:` is the key '~'
            if isinstance(key_event, CollectionStartEvent) or not isinstance(key, str):
                self._problem(path, key_where, "a key must be plain text")
                self.value(None, level + 1)
                continue
            child = None if path is None else (*path, key)
            if key in data:
                if child is not None:
                    first_line = self.source.keys[child][0]
                    self._problem(
                        child, key_where, f"written twice (first on line {first_line}); keep one"
                    )
                self.value(None, level + 1)
                continue
            if child is not None:
                self.source.keys[child] = key_where
            data[key] = self.value(child, level + 1)
        self.events.get_event()
        return data

    def _count(self, nodes: int, level: int, where: Location) -> None:
        self.node_count += nodes
        self.deepest = max(self.deepest, level)
        if self.node_count > MAX_NODES:
            raise _Refused(
                f"too many values (over {MAX_NODES:,}); aliases that expand without end?", where
            )
        if level > MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels", where)

    def _problem(self, path: FieldPath | None, where: Location, message: str) -> None:
        """A problem in a value that is kept; one that is skipped has been reported."""
        if path is not None:
            self.source.problems.append(Problem(self.source.name, *where, dotted(path), message))


def _location(mark: yaml.Mark) -> Location:
    return mark.line + 1, mark.column + 1


def dotted(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
