"""JSON Schemas exported from the content models, for editors' tools and the field reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from cemkit._internal.content.models import CaseStudy, ContentFile, GlossaryFile, Playbook, ReferenceFile, RolesFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS: dict[str, Any] = {
    "case": CaseStudy,
    "playbook": Playbook,
    "roles": RolesFile,
    "glossary": GlossaryFile,
    "reference": ReferenceFile,
    "content": ContentFile,
}
"""Schema name -> the model (or union) it is exported from; files are `<name>.schema.json`."""


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema of one kind of content file."""
    target = SCHEMAS[name]
    if isinstance(target, type) and issubclass(target, BaseModel):
        schema = target.model_json_schema()
    else:
        schema = TypeAdapter(target).json_schema()
    return {"$schema": SCHEMA_DIALECT, "$id": f"{name}.schema.json", **schema}


def schema_text(name: str) -> str:
    """The schema as the committed file holds it."""
    return json.dumps(schema_for(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder`; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(folder: Path) -> list[str]:
    """Names of the schemas whose file in `folder` is missing or differs from the models."""
    stale = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        if not path.is_file() or path.read_text(encoding="utf-8") != schema_text(name):
            stale.append(name)
    return stale
