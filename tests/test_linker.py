from __future__ import annotations

from pathlib import Path

from cemkit import load_project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_indexes_of_the_mini_project(mini: Path) -> None:
    """Cases are indexed by stage, industry, interface type, journey stage and role; roles get their tasks."""
    result = load_project(mini)
    assert result.diagnostics == []
    kb = result.knowledge
    assert kb is not None
    assert kb.indexes.cases_by_stage == {"analyse": ["corner-bakery"]}
    assert kb.indexes.cases_by_industry == {"bakery": ["corner-bakery"]}
    assert kb.indexes.cases_by_interface_type == {"face-to-face": ["corner-bakery"]}
    assert kb.indexes.cases_by_journey_stage == {"pre-purchase": ["corner-bakery"], "purchase": ["corner-bakery"]}
    assert kb.indexes.cases_by_role == {"owner": ["corner-bakery"]}
    tasks = kb.indexes.role_tasks
    assert [(t.playbook.id, t.step.id, t.part) for t in tasks["baker"]] == [("analyse", "watch", "responsible")]
    assert [(t.playbook.id, t.step.id, t.part) for t in tasks["owner"]] == [("analyse", "watch", "accountable")]


def test_glossary_backlinks_come_from_rich_text(mini: Path) -> None:
    """A [[term]] in a case or playbook makes the term page link back to it."""
    kb = load_project(mini).knowledge
    assert kb is not None
    assert [(b.kind, b.id) for b in kb.indexes.term_backlinks["touchpoint"]] == [("case", "corner-bakery")]
    assert [(b.kind, b.id) for b in kb.indexes.term_backlinks["counter"]] == [("stage", "analyse")]


def test_unknown_term_in_rich_text_is_reported_at_its_column(mini: Path) -> None:
    """An unknown [[term]] inside a block of text is reported at the brackets."""
    edit(mini / "cases" / "corner-bakery.yaml", "see [[touchpoint]]", "see [[touchpoints]]")
    result = load_project(mini)
    assert [str(d) for d in result.diagnostics] == [
        "cases/corner-bakery.yaml:8:60: unknown glossary term 'touchpoints' (known: counter, touchpoint) [unknown-ref]"
    ]


def test_step_role_and_related_case_references(mini: Path) -> None:
    """Unknown roles in steps and unknown related cases are reported where they are written."""
    edit(mini / "playbooks" / "analyse.yaml", "{role: baker,", "{role: bakers,")
    edit(mini / "cases" / "corner-bakery.yaml", "roles: [owner]", "roles: [owner]\nrelated: [corner-bakery, nowhere]")
    messages = [str(d) for d in load_project(mini).diagnostics]
    assert messages == [
        "cases/corner-bakery.yaml:22:11: a case cannot be related to itself [self-ref]",
        "cases/corner-bakery.yaml:22:26: unknown case 'nowhere' (known: corner-bakery) [unknown-ref]",
        "playbooks/analyse.yaml:20:16: unknown role 'bakers' (known: baker, owner) [unknown-ref]",
    ]


def test_outcome_must_cite_a_source_of_the_case(mini: Path) -> None:
    """An outcome naming a source the case does not list is an error at that outcome."""
    edit(mini / "cases" / "corner-bakery.yaml", "source: own}", "source: hearsay}")
    messages = [str(d) for d in load_project(mini).diagnostics]
    assert messages == [
        "cases/corner-bakery.yaml:18:63: outcome cites unknown source 'hearsay' (this case's sources: own) [unknown-ref]"
    ]


def test_worksheet_example_fields_must_exist(mini: Path) -> None:
    """A worksheet example may only fill fields the stage's worksheet defines."""
    edit(mini / "cases" / "corner-bakery.yaml", "values: {customer:", "values: {customers:")
    messages = [str(d) for d in load_project(mini).diagnostics]
    assert messages == [
        "cases/corner-bakery.yaml:24:12: unknown worksheet field 'customers' (fields of 'analyse': customer) [unknown-ref]"
    ]


def test_duplicate_ids_within_a_playbook(mini: Path) -> None:
    """Checklist item ids must be unique in a playbook, since saved progress is keyed by them."""
    edit(
        mini / "playbooks" / "analyse.yaml",
        "      - {id: watch-morning, text: {en: Watch the morning rush, ko: 아침 시간대를 관찰합니다}}",
        "      - {id: watch-morning, text: {en: Watch the morning rush, ko: 아침 시간대를 관찰합니다}}\n"
        "      - {id: watch-morning, text: {en: Again, ko: 다시}}",
    )
    messages = [str(d) for d in load_project(mini).diagnostics]
    assert messages == [
        "playbooks/analyse.yaml:23:14: duplicate checklist item 'watch-morning' (first at line 22); "
        "ids must be unique in a file [duplicate-id]"
    ]


def test_drafts_are_checked_but_not_published(mini: Path) -> None:
    """A draft case is validated and linked, but left out of the knowledge base's published cases."""
    edit(mini / "cases" / "corner-bakery.yaml", 'reviewed: "2026-01-01"', 'reviewed: "2026-01-01"\ndraft: true')
    result = load_project(mini)
    assert result.diagnostics == []
    assert result.knowledge is not None
    assert result.knowledge.cases == {}
