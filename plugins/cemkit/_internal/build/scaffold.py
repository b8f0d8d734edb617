"""New content files from templates: a case with comments, TODOs and the schema modeline."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from cemkit._internal.build.project import load_project
from cemkit._internal.content.diagnostics import CemkitError
from cemkit._internal.content.fields import ID_PATTERN
from cemkit._internal.content.knowledge import KnowledgeBase

TODO_MARK = "TODO"
"""Placeholder word; the loader refuses values that start with it until they are filled."""


def new_case(root: Path, slug: str, *, today: dt.date | None = None) -> Path:
    """Write `cases/<slug>.yaml` under `root` and return its path; never overwrites a file."""
    if not re.fullmatch(ID_PATTERN, slug):
        msg = f"'{slug}' is not a valid id: use lower-case letters, digits and single hyphens, e.g. 'carnegie-hall'"
        raise CemkitError(msg)
    path = root / "cases" / f"{slug}.yaml"
    if path.exists():
        msg = f"{path} already exists; choose another id or edit that file"
        raise CemkitError(msg)
    knowledge = load_project(root).knowledge
    text = render_case_scaffold(slug, knowledge, today=today or dt.date.today())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def render_case_scaffold(slug: str, knowledge: KnowledgeBase | None, *, today: dt.date) -> str:
    """The text of a new case file, listing the ids the project knows in comments."""
    env = Environment(
        loader=PackageLoader("cemkit", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )

    def ids(kind: str) -> str:
        if knowledge is None:
            return "(the project's content has errors: run `cemkit validate`)"
        if kind == "stage":
            found = list(knowledge.playbooks)
        elif kind == "role":
            found = list(knowledge.roles)
        elif kind == "case":
            found = list(knowledge.cases)
        else:
            found = [item.id for item in knowledge.reference_items(kind)]
        return ", ".join(found) or "(none yet)"

    return env.get_template("case.yaml.j2").render(slug=slug, today=today.isoformat(), ids=ids, todo=TODO_MARK)
