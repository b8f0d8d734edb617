"""The field reference for editors, derived from the JSON Schema so it can never drift from the models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cemkit._internal.content.fields import ID_PATTERN
from cemkit._internal.content.schema import schema_for

FILE_KINDS: dict[str, str] = {
    "CaseStudy": "cases/<id>.yaml",
    "Playbook": "playbooks/<id>.yaml",
    "RolesFile": "playbooks/roles.yaml",
    "GlossaryFile": "playbooks/glossary.yaml",
    "ReferenceFile": "playbooks/<list>.yaml",
}
"""Models that are whole files, with where such a file lives."""


@dataclass(frozen=True)
class FieldRow:
    """One field of a model."""

    name: str
    kind: str
    """The field's type in words; may hold Markdown links to other sections."""
    required: bool
    description: str


@dataclass(frozen=True)
class Section:
    """The fields of one model."""

    name: str
    anchor: str
    description: str
    location: str | None
    rows: list[FieldRow]


def field_reference() -> list[Section]:
    """One section per model: the file kinds first, then the parts they are made of."""
    schema = schema_for("content")
    definitions: dict[str, Any] = schema["$defs"]
    names = [name for name in FILE_KINDS if name in definitions]
    names += sorted(name for name in definitions if name not in FILE_KINDS)
    return [_section(name, definitions[name]) for name in names]


def anchor_for(name: str) -> str:
    """Anchor of a model's section."""
    return "fields-" + "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _section(name: str, definition: dict[str, Any]) -> Section:
    required = set(definition.get("required", []))
    rows = [
        FieldRow(field, _kind(spec), field in required, str(spec.get("description", "")))
        for field, spec in definition.get("properties", {}).items()
    ]
    return Section(name, anchor_for(name), str(definition.get("description", "")), FILE_KINDS.get(name), rows)


def _kind(spec: dict[str, Any]) -> str:  # noqa: PLR0911 - one return per JSON Schema shape reads best
    if spec.get("x-cem-format") == "markdown":
        return "Markdown text, or `{en: ..., ko: ...}`"  # in code: a bare `{...}` would be read as attributes
    if "$ref" in spec:
        target = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{target}](#{anchor_for(target)})"
    options = [option for option in spec.get("anyOf", []) if option.get("type") != "null"]
    if options:
        kinds = [_kind(option) for option in options]
        if kinds == ["text", f"[LocalizedText](#{anchor_for('LocalizedText')})"]:
            return "text, or `{en: ..., ko: ...}`"
        return " or ".join(kinds)
    if "const" in spec:
        return f"`{spec['const']}`"
    if "enum" in spec:
        return "one of " + ", ".join(f"`{value}`" for value in spec["enum"])
    kind = spec.get("type")
    if kind == "array":
        return f"list of {_kind(spec.get('items', {}))}"
    if kind == "object":
        return f"mapping of id to {_kind(spec.get('additionalProperties', {}))}"
    if kind == "integer":
        low, high = spec.get("minimum"), spec.get("maximum")
        return f"whole number {low}-{high}" if low is not None and high is not None else "whole number"
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "string" and spec.get("pattern") == ID_PATTERN:
        return "id"
    if kind == "string" and "YYYY-MM-DD" in str(spec.get("description", "")):
        return "date `'YYYY-MM-DD'`"
    return "text" if kind == "string" else str(kind or "any")
