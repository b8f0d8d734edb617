"""Claims a fact check found wrong or doubtful (issue #18) stay corrected, in both languages.

Each test names a claim: the wrong wording must not come back, and the corrected wording must stay.
Texts are compared with their line breaks folded, as a reader sees them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


def flat(path: str) -> str:
    """The file's text with every run of white space folded into one space."""
    return " ".join((REPO / path).read_text(encoding="utf-8").split())


def data(path: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((REPO / path).read_text(encoding="utf-8"))


def test_knight_study_covered_brooklyn_not_manhattan() -> None:
    text = flat("cases/carnegie-hall.yaml")
    assert "did not cover New York" not in text
    assert "Carnegie Hall or New York" not in text
    assert "the only New York one among them was the Brooklyn Philharmonic, not a Manhattan orchestra" in text
    assert "브루클린" in text


def test_nike_park_tv_is_computer_mediated_and_two_interface_types_are_linked() -> None:
    case = data("cases/nike-park.yaml")
    tv = [t for t in case["touchpoints"] if "TV" in t["name"]["en"] or "television" in t["name"]["en"].lower()]
    assert tv
    assert {t["interface_type"] for t in tv} == {"computer-mediated"}
    interface = " ".join(case["customer_interface"]["en"].split())
    assert "all three" not in interface
    assert "remote" not in interface.replace("remote personal", "")  # named only as the type not used
    assert "computer-mediated" in interface


BAIN = "80% of the companies believed they delivered a superior experience, but only 8% of their customers agreed"


@pytest.mark.parametrize(
    "path",
    [
        "playbooks/analyse-experiential-world.yaml",
        "playbooks/organising-for-cem.yaml",
        "playbooks/glossary.yaml",
        "docs/what-is-cem.md",
    ],
)
def test_bain_gap_is_worded_one_way(path: str) -> None:
    text = flat(path)
    assert "only 8% of their customers agreed" in text
    assert "by their customers' account" not in text
    assert "8%에" in text or path.endswith(".md")


def test_bain_gap_cites_the_primary_source() -> None:
    for path in ("playbooks/analyse-experiential-world.yaml", "playbooks/organising-for-cem.yaml"):
        sources = {source["id"]: source for source in data(path)["sources"]}
        assert sources["bain-2005"]["title"].startswith("Closing the delivery gap")
        assert sources["bain-2005"]["year"] == 2005
    assert BAIN in flat("docs/what-is-cem.md")
    assert "Closing the delivery gap" in flat("docs/ko/what-is-cem.md")


def test_the_treo_is_named_with_its_makers_first() -> None:
    title = data("cases/verizon-treo.yaml")["title"]
    assert title["en"].startswith("The Treo (Handspring/palmOne, sold by Verizon)")
    assert title["ko"].startswith("트레오(핸드스프링·팜원 제조, 버라이존 판매)")
    for path in ("playbooks/continuous-innovation.yaml", "playbooks/organising-for-cem.yaml"):
        text = flat(path)
        assert "made by Palm" not in text
        assert "the Treo was in fact made by Handspring, later palmOne" in text
        assert "핸드스프링" in text
    for path in ("docs/what-is-cem.md", "docs/crosswalk.md"):
        assert "Verizon and Treo" not in flat(path)
        assert "Treo (Handspring/palmOne, sold by Verizon) case" in flat(path)


@pytest.mark.parametrize("folder", ["cases", "playbooks"])
def test_no_source_has_a_placeholder_author_or_title(folder: str) -> None:
    for path in sorted((REPO / folder).glob("*.yaml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8")).get("sources", []):
            for field in ("author", "title"):
                assert "not recorded" not in str(source[field]), f"{path.name}: {source['id']}"


def test_unconfirmed_figures_are_attributed_or_gone() -> None:
    westin = flat("cases/westin.yaml")
    assert "900 coils" not in westin and "900개" not in westin
    assert "30,000" in westin and "Chicago Tribune" in westin
    jetblue = flat("cases/jetblue.yaml")
    assert "41 A320" not in jetblue and "A320 41" not in jetblue
    nike = flat("cases/nike-park.yaml")
    assert "These are the company's figures; we found no independent account that confirms them." in nike
    mini = flat("cases/mini.yaml")
    assert "ended in October 2000" in mini
    assert "due to end in September" not in mini


def test_meyer_has_one_korean_spelling() -> None:
    for folder in ("cases", "playbooks", "docs"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix in (".yaml", ".md"):
                assert "마이어" not in path.read_text(encoding="utf-8"), path
