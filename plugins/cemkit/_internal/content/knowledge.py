"""The knowledge base: every piece of content, fully checked and cross-linked, plus its indexes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cemkit._internal.content.models import (
    CaseStudy,
    LocalizedText,
    Playbook,
    ReferenceFile,
    ReferenceItem,
    Role,
    Step,
    Term,
)


@dataclass(frozen=True)
class RoleTask:
    """A role's part in one step of a playbook."""

    playbook: Playbook
    step: Step
    part: str
    does_index: int
    """Index of the assignment in `step.roles`."""


@dataclass(frozen=True)
class Backlink:
    """A page that mentions something: `kind` is case, stage, role or term."""

    kind: str
    id: str


@dataclass
class Indexes:
    """Lookups built by the linker; lists keep the order readers see."""

    cases_by_stage: Mapping[str, list[str]] = field(default_factory=dict)
    cases_by_industry: Mapping[str, list[str]] = field(default_factory=dict)
    cases_by_interface_type: Mapping[str, list[str]] = field(default_factory=dict)
    cases_by_journey_stage: Mapping[str, list[str]] = field(default_factory=dict)
    cases_by_country: Mapping[str, list[str]] = field(default_factory=dict)
    cases_by_role: Mapping[str, list[str]] = field(default_factory=dict)
    role_tasks: Mapping[str, list[RoleTask]] = field(default_factory=dict)
    term_backlinks: Mapping[str, list[Backlink]] = field(default_factory=dict)
    related_cases: Mapping[str, list[str]] = field(default_factory=dict)
    """Related cases in both directions: a case lists those it names and those that name it."""


@dataclass
class KnowledgeBase:
    """All content of a project after loading and linking; only built when the content is valid."""

    cases: Mapping[str, CaseStudy]
    """Published cases (drafts excluded), sorted by id."""
    playbooks: Mapping[str, Playbook]
    """Playbooks in their `order`."""
    roles: Mapping[str, Role]
    terms: Mapping[str, Term]
    references: Mapping[str, ReferenceFile]
    """Reference lists by kind (journey-stages, interface-types, ...)."""
    source_files: Mapping[tuple[str, str], str]
    """(kind, id) -> path of the YAML file it comes from, relative to the project root."""
    indexes: Indexes

    def reference_items(self, kind: str) -> list[ReferenceItem]:
        """The items of a reference list, or an empty list when the project has none."""
        reference = self.references.get(kind)
        return list(reference.items) if reference else []

    def reference_item(self, kind: str, item_id: str) -> ReferenceItem:
        """One item of a reference list (the linker guarantees it exists)."""
        return next(item for item in self.reference_items(kind) if item.id == item_id)

    def collection(self, kind: str) -> Mapping[str, Any]:
        """The published items of a kind that has pages: case, stage, role or term."""
        collections: dict[str, Mapping[str, Any]] = {
            "case": self.cases,
            "stage": self.playbooks,
            "role": self.roles,
            "term": self.terms,
        }
        return collections[kind]

    @property
    def stages(self) -> list[Playbook]:
        """The stage playbooks, in order."""
        return [p for p in self.playbooks.values() if p.type == "stage"]


def display_name(kind: str, item: Any) -> LocalizedText:
    """The name an item of `KnowledgeBase.collection(kind)` is shown under."""
    names = {"case": "title", "stage": "title", "role": "name", "term": "term"}
    value = getattr(item, names[kind])
    assert isinstance(value, LocalizedText)
    return value
