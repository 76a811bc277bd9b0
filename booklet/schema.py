"""JSON Schema of each content file, from the model, for editors that complete and check
keys as the organiser types (a `# yaml-language-server: $schema=…` line at the top)."""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from .model import Conference, Content, ProgrammeItem, Speaker

PARTS = {
    "conference": Conference,
    "speakers": list[Speaker],
    "programme": list[ProgrammeItem],
}


def json_schema(part: str | None = None) -> dict:
    """The schema of one content file (`conference`, `speakers`, `programme`), or of all."""
    schema = TypeAdapter(PARTS[part] if part else Content).json_schema()
    title = f"booklet {part}.yaml" if part else "booklet content"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}


def schema_text(part: str | None = None) -> str:
    return json.dumps(json_schema(part), indent=2, ensure_ascii=False) + "\n"
