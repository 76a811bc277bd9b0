"""The README's content reference, written from the content's JSON Schema (booklet.schema),
so that it cannot drift from what `booklet check` accepts.

    python tools/content_reference.py          # rewrite the section in README.md
    python tools/content_reference.py --check  # exit 1 if README.md is not current
"""

from __future__ import annotations

import sys
from pathlib import Path

from booklet.schema import json_schema

README = Path(__file__).resolve().parents[1] / "README.md"
START = "<!-- content reference: written by tools/content_reference.py -->"
END = "<!-- end of content reference -->"
FILES = {
    "conference": "`conference.yaml`: one mapping.",
    "speakers": "`speakers.yaml`: a list; each speaker:",
    "programme": "`programme.yaml`: a list, the order of the day; each item:",
}


def _type(field: dict) -> str:
    if "$ref" in field:
        return "mapping, below"
    options = [option for option in field.get("anyOf", [field]) if option.get("type") != "null"]
    words = []
    for option in options:
        if "$ref" in option:  # an optional mapping (contact:)
            words.append("mapping, below")
        elif "enum" in option:
            words.append(" or ".join(f"`{value}`" for value in option["enum"]))
        elif option.get("type") == "array":
            items = option["items"]
            words.append("list, below" if "$ref" in items else f"list of {_type(items)}")
        elif option.get("format") == "date":
            words.append("date")
        else:
            words.append({"string": "text", "boolean": "yes/no"}.get(option.get("type"), "?"))
    return " or ".join(words)


def _rows(properties: dict, required: list, definitions: dict, prefix: str = "") -> list[str]:
    rows = []
    for key, field in properties.items():
        default = field.get("default")
        if key in required:
            need = "required"
        elif default in (None, [], {}) or "$ref" in field:
            need = ""
        else:
            need = f"`{str(default).lower() if isinstance(default, bool) else default}`"
        description = field.get("description", "").replace("|", "\\|")
        rows.append(f"| `{prefix}{key}` | {_type(field)} | {need} | {description} |")
        optional = [option["$ref"] for option in field.get("anyOf", []) if "$ref" in option]
        nested = (
            field.get("$ref") or field.get("items", {}).get("$ref") or next(iter(optional), None)
        )
        if nested:
            inner = definitions[nested.rsplit("/", 1)[-1]]
            marker = "[]." if "items" in field else "."
            rows += _rows(
                inner["properties"],
                inner.get("required", []),
                definitions,
                f"{prefix}{key}{marker}",  # the whole path: pages[].images[].file
            )
    return rows


def reference() -> str:
    lines = [START, ""]
    for part, heading in FILES.items():
        schema = json_schema(part)
        definitions = schema.get("$defs", {})
        fields = schema if part == "conference" else definitions[schema["items"]["$ref"][8:]]
        lines += [heading, "", "| key | value | default | meaning |", "|---|---|---|---|"]
        lines += _rows(fields["properties"], fields.get("required", []), definitions)
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def main(check: bool) -> int:
    text = README.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    updated = before + reference() + after
    if check:
        if updated != text:
            print("README.md's content reference is out of date: python tools/content_reference.py")
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
