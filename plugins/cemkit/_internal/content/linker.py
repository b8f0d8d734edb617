"""Resolve every reference between content files and build the knowledge base's indexes.

An unknown reference is reported at the line that makes it; ids must be unique across files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cemkit._internal.content.diagnostics import MAX_REPORTS_PER_TEXT, Diagnostic
from cemkit._internal.content.knowledge import Backlink, Indexes, KnowledgeBase, RoleTask
from cemkit._internal.content.loader import ContentDocument
from cemkit._internal.content.models import (
    CaseStudy,
    GlossaryFile,
    LocalizedText,
    Playbook,
    ReferenceFile,
    RichLocalizedText,
    Role,
    RolesFile,
    Term,
)
from cemkit._internal.content.richtext import CITATION, find_refs
from cemkit._internal.content.yamlsource import ScalarNode, locate

Loc = tuple[str | int, ...]


def _named_after(document: ContentDocument, item_id: str) -> bool:
    """Whether the file of `document` is named after `item_id`, as the scaffold names new files."""
    stem = document.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem == item_id


_REF_NOUNS = {
    "term": "glossary term",
    "case": "case",
    "stage": "playbook",
    "role": "role",
    "industries": "industry",
    "journey-stages": "journey stage",
    "interface-types": "interface type",
    "experience-layers": "experience layer",
    "information-kinds": "kind of experience information",
}


@dataclass
class _Registry:
    """Every id defined, with where it was first defined."""

    where: dict[tuple[str, str], tuple[ContentDocument, Loc]] = field(default_factory=dict)

    def add(self, kind: str, item_id: str, document: ContentDocument, loc: Loc, problems: list[Diagnostic]) -> bool:
        """Register an id; a duplicate is reported on the file that takes the id, and `False` returned.

        A file named after the id (`cases/<id>.yaml`) keeps it and the other file is blamed; when that
        does not decide (ids in one file, or neither or both files named after it), both are reported.
        """
        key = (kind, item_id)
        if key not in self.where:
            self.where[key] = (document, loc)
            return True
        first_doc, first_loc = self.where[key]
        first_owns, new_owns = (_named_after(doc, item_id) for doc in (first_doc, document))
        blamed = [(first_doc, first_loc, document, loc), (document, loc, first_doc, first_loc)]
        if first_doc is document:
            blamed = blamed[1:]
        elif first_owns != new_owns:
            blamed = [blamed[0 if new_owns else 1]]
        for doc, doc_loc, other, other_loc in blamed:
            line, _ = other.position(other_loc)
            where = f"line {line}" if other is doc else f"{other.path}:{line}"
            message = f"duplicate {kind} id '{item_id}' (also defined in {where}); choose another id"
            problems.append(doc.diagnostic(doc_loc, "duplicate-id", message))
        return False

    def ids(self, kind: str) -> list[str]:
        return [item_id for (k, item_id) in self.where if k == kind]


class RefLinker:
    """Checks references between documents and builds a `KnowledgeBase`."""

    def __init__(self, documents: Sequence[ContentDocument], *, known: Iterable[tuple[str, str]] = ()) -> None:
        self.documents = list(documents)
        self._known_elsewhere = set(known)
        self.problems: list[Diagnostic] = []
        self._registry = _Registry()
        self._cases: dict[str, tuple[CaseStudy, ContentDocument]] = {}
        self._playbooks: dict[str, tuple[Playbook, ContentDocument]] = {}
        self._roles: dict[str, Role] = {}
        self._terms: dict[str, Term] = {}
        self._references: dict[str, ReferenceFile] = {}
        self._sources: dict[tuple[str, str], str] = {}
        self._backlinks: dict[str, list[Backlink]] = defaultdict(list)

    def link(self) -> KnowledgeBase | None:
        """Check every reference; return the knowledge base, or `None` if there were errors."""
        for document in self.documents:
            self._register(document)
        for document in self.documents:
            self._check_document(document)
        if self.problems:
            return None
        return self._build()

    def _register(self, document: ContentDocument) -> None:
        model = document.model
        add = self._registry.add
        if isinstance(model, CaseStudy) and add("case", model.id, document, ("id",), self.problems):
            self._cases[model.id] = (model, document)
            self._sources[("case", model.id)] = document.path
        elif isinstance(model, Playbook) and add("stage", model.id, document, ("id",), self.problems):
            self._playbooks[model.id] = (model, document)
            self._sources[("stage", model.id)] = document.path
        elif isinstance(model, RolesFile):
            for index, role in enumerate(model.roles):
                if add("role", role.id, document, ("roles", index, "id"), self.problems):
                    self._roles[role.id] = role
                    self._sources[("role", role.id)] = document.path
        elif isinstance(model, GlossaryFile):
            for index, term in enumerate(model.terms):
                if add("term", term.id, document, ("terms", index, "id"), self.problems):
                    self._terms[term.id] = term
                    self._sources[("term", term.id)] = document.path
        elif isinstance(model, ReferenceFile) and add("reference-list", model.kind, document, ("kind",), self.problems):
            self._references[model.kind] = model
            for index, item in enumerate(model.items):
                add(model.kind, item.id, document, ("items", index, "id"), self.problems)

    def _check_document(self, document: ContentDocument) -> None:
        model = document.model
        if isinstance(model, CaseStudy):
            self._check_case(model, document)
        elif isinstance(model, Playbook):
            self._check_playbook(model, document)
        elif isinstance(model, GlossaryFile):
            for index, term in enumerate(model.terms):
                self._check_refs(
                    document, [(("terms", index, "see_also", n), "term", ref) for n, ref in enumerate(term.see_also)]
                )
        for loc, text in document.texts:
            if isinstance(text, RichLocalizedText):
                self._check_text_refs(document, loc, text)

    def _check_case(self, case: CaseStudy, document: ContentDocument) -> None:
        refs: list[tuple[Loc, str, str]] = [(("industry",), "industries", case.industry)]
        refs += [(("stages", i, "stage"), "stage", note.stage) for i, note in enumerate(case.stages)]
        refs += [(("layers", i, "layer"), "experience-layers", note.layer) for i, note in enumerate(case.layers)]
        for i, touchpoint in enumerate(case.touchpoints):
            refs.append((("touchpoints", i, "journey_stage"), "journey-stages", touchpoint.journey_stage))
            refs.append((("touchpoints", i, "interface_type"), "interface-types", touchpoint.interface_type))
        refs += [(("roles", i), "role", role) for i, role in enumerate(case.roles)]
        refs += [(("related", i), "case", other) for i, other in enumerate(case.related)]
        self._check_refs(document, refs)
        self._check_unique(
            document, "touchpoint", [(("touchpoints", i, "id"), t.id) for i, t in enumerate(case.touchpoints)]
        )
        self._check_unique(document, "source", [(("sources", i, "id"), s.id) for i, s in enumerate(case.sources)])
        self._check_unique(
            document, "stage note", [(("stages", i, "stage"), n.stage) for i, n in enumerate(case.stages)]
        )
        source_ids = {source.id for source in case.sources}
        for i, outcome in enumerate(case.outcomes):
            if outcome.source is not None and outcome.source not in source_ids:
                known = ", ".join(sorted(source_ids))
                message = f"outcome cites unknown source '{outcome.source}' (this case's sources: {known})"
                self.problems.append(document.diagnostic(("outcomes", i, "source"), "unknown-ref", message))
        for i, other in enumerate(case.related):
            if other == case.id:
                self.problems.append(
                    document.diagnostic(("related", i), "self-ref", "a case cannot be related to itself")
                )
        self._check_worksheet_example(case, document)

    def _check_worksheet_example(self, case: CaseStudy, document: ContentDocument) -> None:
        example = case.worksheet_example
        if example is None:
            return
        self._check_refs(document, [(("worksheet_example", "stage"), "stage", example.stage)])
        found = self._playbooks.get(example.stage)
        if found is None:
            return
        worksheet = found[0].worksheet
        field_ids = [f.id for f in worksheet.fields] if worksheet else []
        for key in example.values:
            if key not in field_ids:
                listed = ", ".join(field_ids) or "none: that playbook has no worksheet"
                message = f"unknown worksheet field '{key}' (fields of '{example.stage}': {listed})"
                loc: Loc = ("worksheet_example", "values", key)
                line, col = document.position(loc, key=True)
                self.problems.append(Diagnostic(document.path, line, col, "unknown-ref", message))

    def _check_playbook(self, playbook: Playbook, document: ContentDocument) -> None:
        refs: list[tuple[Loc, str, str]] = []
        items: list[tuple[Loc, str]] = []
        for s, step in enumerate(playbook.steps):
            refs += [(("steps", s, "roles", r, "role"), "role", a.role) for r, a in enumerate(step.roles)]
            items += [(("steps", s, "checklist", c, "id"), item.id) for c, item in enumerate(step.checklist)]
        self._check_refs(document, refs)
        self._check_unique(document, "step", [(("steps", i, "id"), step.id) for i, step in enumerate(playbook.steps)])
        self._check_unique(document, "checklist item", items)
        groups: dict[str, Iterable[tuple[Loc, str]]] = {
            "key question": ((("key_questions", i, "id"), q.id) for i, q in enumerate(playbook.key_questions)),
            "deliverable": ((("deliverables", i, "id"), d.id) for i, d in enumerate(playbook.deliverables)),
            "measure": ((("measures", i, "id"), m.id) for i, m in enumerate(playbook.measures)),
            "source": ((("sources", i, "id"), s.id) for i, s in enumerate(playbook.sources)),
        }
        if playbook.worksheet:
            groups["worksheet field"] = (
                (("worksheet", "fields", i, "id"), f.id) for i, f in enumerate(playbook.worksheet.fields)
            )
        for noun, pairs in groups.items():
            self._check_unique(document, noun, list(pairs))

    def _check_refs(self, document: ContentDocument, refs: Iterable[tuple[Loc, str, str]]) -> None:
        for loc, kind, target in refs:
            if not self._exists(kind, target):
                self.problems.append(document.diagnostic(loc, "unknown-ref", self._unknown_message(kind, target)))

    def _check_text_refs(self, document: ContentDocument, loc: Loc, text: LocalizedText) -> None:
        model = document.model
        own = (
            ("case", model.id)
            if isinstance(model, CaseStudy)
            else ("stage", model.id)
            if isinstance(model, Playbook)
            else None
        )
        citable = [source.id for source in getattr(model, "sources", [])]
        seen_in_both = {lang: getattr(text, lang) for lang in ("en", "ko")}
        for lang, value in seen_in_both.items():
            if value is None or (lang == "ko" and value == text.en):
                continue
            reported = 0
            for ref in find_refs(value):
                message = None
                if ref.kind == CITATION and ref.target not in citable:
                    message = _unknown_citation(ref.target, citable)
                elif ref.kind != CITATION and not self._exists(ref.kind, ref.target):
                    message = self._unknown_message(ref.kind, ref.target)
                if message is not None and reported < MAX_REPORTS_PER_TEXT:
                    reported += 1
                    node = locate(document.tree, (*loc, lang))
                    line, col = node.position_at(ref.offset) if isinstance(node, ScalarNode) else (node.line, node.col)
                    self.problems.append(Diagnostic(document.path, line, col, "unknown-ref", message))
                elif message is None and ref.kind == "term" and own is not None:
                    self._backlinks[ref.target].append(Backlink(*own))

    def _exists(self, kind: str, target: str) -> bool:
        return (kind, target) in self._registry.where or (kind, target) in self._known_elsewhere

    def _unknown_message(self, kind: str, target: str) -> str:
        noun = _REF_NOUNS.get(kind, kind)
        known = sorted(self._registry.ids(kind))
        listed = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
        hint = f" (known: {listed})" if known else f" (no {noun} is defined yet)"
        return f"unknown {noun} '{target}'{hint}"

    def _check_unique(self, document: ContentDocument, noun: str, pairs: list[tuple[Loc, str]]) -> None:
        first: dict[str, Loc] = {}
        for loc, value in pairs:
            if value in first:
                line, _ = document.position(first[value])
                message = f"duplicate {noun} '{value}' (first at line {line}); ids must be unique in a file"
                self.problems.append(document.diagnostic(loc, "duplicate-id", message))
            else:
                first[value] = loc

    def _build(self) -> KnowledgeBase:
        cases = {cid: case for cid, (case, _) in sorted(self._cases.items()) if not case.draft}
        playbooks = {p.id: p for p, _ in sorted(self._playbooks.values(), key=lambda pair: (pair[0].order, pair[0].id))}
        return KnowledgeBase(
            cases=cases,
            playbooks=playbooks,
            roles=self._roles,
            terms=self._terms,
            references=self._references,
            source_files=self._sources,
            indexes=self._indexes(cases, playbooks),
        )

    def _indexes(self, cases: dict[str, CaseStudy], playbooks: dict[str, Playbook]) -> Indexes:
        indexes = Indexes()
        by: dict[str, dict[str, dict[str, None]]] = {}  # index name -> key -> values (an ordered set)

        def add(name: str, key: str, value: str) -> None:
            by.setdefault(name, {}).setdefault(key, {})[value] = None

        for case in cases.values():
            add("cases_by_industry", case.industry, case.id)
            add("cases_by_country", case.country.get("en"), case.id)
            for note in case.stages:
                add("cases_by_stage", note.stage, case.id)
            for touchpoint in case.touchpoints:
                add("cases_by_interface_type", touchpoint.interface_type, case.id)
                add("cases_by_journey_stage", touchpoint.journey_stage, case.id)
            for role in case.roles:
                add("cases_by_role", role, case.id)
            for other in case.related:
                if other in cases:
                    add("related_cases", case.id, other)
                    add("related_cases", other, case.id)
        for name, keys in by.items():
            setattr(indexes, name, {key: list(values) for key, values in keys.items()})
        role_tasks: dict[str, list[RoleTask]] = {}
        for playbook in playbooks.values():
            for step in playbook.steps:
                for index, assignment in enumerate(step.roles):
                    task = RoleTask(playbook, step, assignment.part, index)
                    role_tasks.setdefault(assignment.role, []).append(task)
        indexes.role_tasks = role_tasks
        published = {("case", cid) for cid in cases} | {("stage", pid) for pid in playbooks}
        indexes.term_backlinks = {
            term: list(dict.fromkeys(link for link in links if (link.kind, link.id) in published))
            for term, links in self._backlinks.items()
        }
        return indexes


def link_documents(
    documents: Sequence[ContentDocument], *, known: Iterable[tuple[str, str]] = ()
) -> tuple[KnowledgeBase | None, list[Diagnostic]]:
    """Link `documents`; return the knowledge base (or `None`) and the problems found.

    `known` lists (kind, id) pairs defined by files that failed validation: references to them are not errors.
    """
    linker = RefLinker(documents, known=known)
    knowledge = linker.link()
    return knowledge, linker.problems


def _unknown_citation(target: str, citable: list[str]) -> str:
    if not citable:
        return f"citation [^{target}]: this file has no `sources` to cite"
    return f"citation [^{target}] names no entry of this file's `sources` ({', '.join(citable)})"
