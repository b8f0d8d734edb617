"""The shipped content is complete: every case the sources name, the seven playbooks, roles and glossary."""

from __future__ import annotations

import re

import pytest

from cemkit import load_project
from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.content.models import LANGUAGES, CaseStudy, LocalizedText, iter_texts

from conftest import REPO

REQUIRED_CASES = (
    "carnegie-hall", "westin", "nike-park", "amazon",
    "bp-connect", "avis", "jamba-juice", "cingular-wireless", "jetblue", "citigroup", "prada", "target",
    "hilton", "pret-a-manger", "apple", "sony", "mini", "verizon-treo", "virgin",
)  # fmt: skip
FLAGSHIPS = ("carnegie-hall", "westin", "nike-park", "amazon")
STAGES = (
    "analyse-experiential-world",
    "build-experiential-platform",
    "design-brand-experience",
    "structure-customer-interface",
    "continuous-innovation",
)
CROSS_CUTTING = ("integration", "organising-for-cem")
ROLES = (
    "cem-lead", "leadership", "marketing", "service-operations", "product-development",
    "management-support", "frontline", "hr",
)  # fmt: skip
_WORD = re.compile(r"[\w'’-]+")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    result = load_project(REPO)
    assert [str(d) for d in result.diagnostics] == []
    assert result.knowledge is not None
    return result.knowledge


def words(case: CaseStudy, lang: str) -> int:
    """Words a reader of `lang` reads on the case page, sources excluded."""
    texts = [text for loc, text in iter_texts(case) if loc[0] != "sources"]
    return sum(len(_WORD.findall(text.get(lang))) for text in texts)


def both_languages(model: object) -> list[str]:
    """Locations of texts that lack a language."""
    return [".".join(map(str, loc)) for loc, text in iter_texts(model) if text.missing_languages()]


@pytest.mark.parametrize("case_id", REQUIRED_CASES)
def test_required_case_is_complete(kb: KnowledgeBase, case_id: str) -> None:
    """Each required case exists and is complete: both languages, a source, every outcome sourced, a lesson."""
    assert case_id in kb.cases, f"missing case {case_id}"
    case = kb.cases[case_id]
    assert both_languages(case) == []
    assert case.sources
    assert all(outcome.source for outcome in case.outcomes)
    assert case.stages
    assert case.lessons
    assert case.touchpoints
    for lang in LANGUAGES:
        assert words(case, lang) >= 250, (lang, words(case, lang))


@pytest.mark.parametrize("case_id", FLAGSHIPS)
def test_flagship_case_has_full_depth(kb: KnowledgeBase, case_id: str) -> None:
    """Flagships: 600+ words per language, touchpoints across the journey, 3+ stages, a worked worksheet."""
    case = kb.cases[case_id]
    for lang in LANGUAGES:
        assert words(case, lang) >= 600, (lang, words(case, lang))
    assert len({touchpoint.journey_stage for touchpoint in case.touchpoints}) >= 3
    assert len(case.stages) >= 3
    assert case.worksheet_example is not None
    worksheet = kb.playbooks[case.worksheet_example.stage].worksheet
    assert worksheet is not None
    assert set(case.worksheet_example.values) == {field.id for field in worksheet.fields}


def test_seven_playbooks_in_order(kb: KnowledgeBase) -> None:
    """The five stages in order, then integration and organising."""
    assert list(kb.playbooks) == [*STAGES, *CROSS_CUTTING]
    assert [p.type for p in kb.playbooks.values()] == ["stage"] * 5 + ["cross-cutting"] * 2


@pytest.mark.parametrize("playbook_id", [*STAGES, *CROSS_CUTTING])
def test_playbook_is_practical(kb: KnowledgeBase, playbook_id: str) -> None:
    """Each playbook: both languages, 5+ steps, each with a role and a checklist, questions, pitfalls, measures, worksheet."""
    playbook = kb.playbooks[playbook_id]
    assert both_languages(playbook) == []
    assert len(playbook.steps) >= 5
    assert all(step.roles and step.checklist for step in playbook.steps)
    assert playbook.key_questions
    assert playbook.pitfalls
    assert playbook.measures
    assert playbook.worksheet is not None
    assert len(playbook.worksheet.fields) >= 4
    assert all(field.example for field in playbook.worksheet.fields)


def test_roles_span_at_least_three_stages(kb: KnowledgeBase) -> None:
    """Every role exists and has tasks in at least three playbooks."""
    assert set(ROLES) <= set(kb.roles)
    for role in ROLES:
        playbooks = {task.playbook.id for task in kb.indexes.role_tasks.get(role, [])}
        assert len(playbooks) >= 3, (role, sorted(playbooks))


def test_glossary_has_thirty_terms_in_both_languages(kb: KnowledgeBase) -> None:
    """At least 30 terms, each with a definition in English and Korean."""
    assert len(kb.terms) >= 30
    for term in kb.terms.values():
        assert both_languages(term) == [], term.id


def test_reference_lists(kb: KnowledgeBase) -> None:
    """The journey stages, the three interface types, the four layers and the three kinds of information."""
    ids = {kind: [item.id for item in kb.reference_items(kind)] for kind in kb.references}
    assert ids["journey-stages"] == [
        "prior-experience",
        "pre-purchase",
        "purchase",
        "post-purchase",
        "future-experience",
    ]
    assert ids["interface-types"] == ["face-to-face", "remote-personal", "computer-mediated"]
    assert len(ids["experience-layers"]) == 4
    assert ids["information-kinds"] == ["past", "present", "potential"]


def test_localized_text_helpers() -> None:
    """A text given in one language falls back to it for the other."""
    text = LocalizedText(en="Only English")
    assert text.get("ko") == "Only English"
    assert text.missing_languages() == ["ko"]


def test_every_localised_text_has_both_languages() -> None:
    """Language parity across every content file: each localised field has English and Korean."""
    result = load_project(REPO)
    assert [d for d in result.diagnostics if d.code == "missing-language"] == []
    assert result.knowledge is not None
    for model in [*result.knowledge.roles.values(), *result.knowledge.references.values()]:
        assert both_languages(model) == []
