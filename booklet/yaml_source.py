"""Read YAML into plain data that remembers where every value was written.

PyYAML speaks YAML 1.1, where `10:00` is the integer 600, `no` is False and
`2025-05-14` is a date; even YAML 1.2 reads the Danish `9.45` as a number. Organisers
mean what they typed, so every scalar stays the string as written (only an empty value
or `null` is nothing), and the model decides what a value means: pydantic turns "12"
into 12 where a number is wanted, and leaves "9.45" a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problem, display_path

Location = tuple[int, int]  # 1-based line and column
FieldPath = tuple[str | int, ...]

# An alias can point at a mapping full of aliases: a few lines can expand to billions
# of nodes ("billion laughs"). Real content has a few thousand.
MAX_NODES = 200_000
MAX_DEPTH = 50


class _TextLoader(yaml.SafeLoader):
    """SafeLoader whose plain scalars are strings, or null."""


_TextLoader.yaml_implicit_resolvers = {}
_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)

_SCALAR_TYPES = {
    "tag:yaml.org,2002:null": lambda text: None,
    "tag:yaml.org,2002:str": str,
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass
class SourceFile:
    """One YAML file as data, with the position of every value and every mapping key."""

    path: Path
    data: object = None
    values: dict[FieldPath, Location] = field(default_factory=dict)
    keys: dict[FieldPath, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
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


def read_yaml(path: Path) -> SourceFile:
    """Parse one file; problems are collected on the result, never raised."""
    source = SourceFile(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        source.problems.append(
            Problem(source.name, 0, 0, "", f"is not UTF-8 text ({error.reason})")
        )
        return source
    except OSError as error:  # a folder of that name, no permission to read, …
        source.problems.append(Problem(source.name, 0, 0, "", f"cannot be read ({error.strerror})"))
        return source
    try:
        node = yaml.compose(text, Loader=_TextLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = error.problem or error.context or "invalid YAML"
        source.problems.append(Problem(source.name, line, column, "", f"YAML syntax: {what}"))
        return source
    except yaml.YAMLError as error:
        source.problems.append(Problem(source.name, 0, 0, "", f"YAML syntax: {error}"))
        return source
    except RecursionError:  # PyYAML composes nested blocks recursively
        source.problems.append(
            Problem(source.name, 0, 0, "", f"nested deeper than {MAX_DEPTH} levels")
        )
        return source
    if node is None:
        return source
    builder = _Builder(source)
    try:
        source.data = builder.build(node, ())
    except _TooLarge as error:
        source.data = None
        source.problems.append(Problem(source.name, *error.location, "", str(error)))
    return source


class _TooLarge(Exception):
    def __init__(self, message: str, location: Location):
        super().__init__(message)
        self.location = location


class _Builder:
    """Turns composed YAML nodes into dicts, lists and scalars, recording positions."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.node_count = 0

    def build(self, node: yaml.Node, path: FieldPath) -> object:
        self.node_count += 1
        where = (node.start_mark.line + 1, node.start_mark.column + 1)
        if self.node_count > MAX_NODES:
            raise _TooLarge(
                f"too many values (over {MAX_NODES:,}); aliases that expand without end?", where
            )
        if len(path) > MAX_DEPTH:
            raise _TooLarge(f"nested deeper than {MAX_DEPTH} levels", where)
        self.source.values[path] = where
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            self.source.problems.append(
                self.source.problem(path, dotted(path), f"unsupported YAML tag {node.tag}")
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        convert = _SCALAR_TYPES.get(node.tag)
        if convert is None:
            self.source.problems.append(
                self.source.problem(path, dotted(path), f"unsupported YAML tag {node.tag}")
            )
            return node.value
        return convert(node.value)

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict:
        # YAML merge keys (`<<:`) are not supported: `<<` is read as an ordinary key, which
        # the model then reports as unknown. Anchors and aliases do work.
        result: dict = {}
        for key_node, value_node in node.value:
            key_where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                self.source.problems.append(
                    Problem(self.source.name, *key_where, dotted(path), "a key must be plain text")
                )
                continue
            key = key_node.value
            child = (*path, key)
            if key in result:
                first_line = self.source.keys[child][0]
                self.source.problems.append(
                    Problem(
                        self.source.name,
                        *key_where,
                        dotted(child),
                        f"written twice (first on line {first_line}); keep one",
                    )
                )
                continue
            self.source.keys[child] = key_where
            result[key] = self.build(value_node, child)
        return result


def dotted(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
