"""Citations: a rich text cites its file's own sources with `[^source-id]`, shown as a numbered link to the list."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from sitecheck import site_output

CASE = "cases/corner-bakery.yaml"
TODAY = ["--today", "2026-06-01"]


def edit(project: Path, path: str, old: str, new: str) -> None:
    target = project / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")


def test_a_citation_is_a_numbered_link_to_the_source_in_both_languages(mini: Path) -> None:
    edit(mini, CASE, "  - {id: own,", "  - {id: first, author: A, title: B, publisher: C, year: 2001}\n  - {id: own,")
    for lang, phrase in (("en", "our own notes."), ("ko", "우리 기록에서 왔습니다.")):
        output = site_output(mini, language=lang)
        assert output is not None
        page = output.pages["cases/corner-bakery/index.md"]
        assert f'{phrase}<a href="#source-own" rel="noopener noreferrer">[2]</a>' in page  # `own` is the 2nd source
        assert '<li id="source-own">' in page
        heading = "## How we know {#how-we-know}" if lang == "en" else "## 근거와 해석 {#how-we-know}"
        assert heading in page
        assert page.index(heading) < page.index("{#sources}")


def test_a_playbook_summary_cites_its_sources_from_the_stage_list_too(mini: Path) -> None:
    playbook = (mini / "playbooks" / "analyse.yaml").read_text(encoding="utf-8")
    line = next(line for line in playbook.splitlines() if line.startswith("summary:"))
    edit(mini, "playbooks/analyse.yaml", line, 'summary: "Look before you leap.[^own]"')
    output = site_output(mini)
    assert output is not None
    assert '<a href="#source-own" rel="noopener noreferrer">[1]</a>' in output.pages["stages/analyse/index.md"]
    assert '<a href="analyse/#source-own" rel="noopener noreferrer">[1]</a>' in output.pages["stages/index.md"]


@pytest.mark.parametrize(
    ("path", "change", "expected"),
    [
        (
            CASE,
            ("from our own notes.[^own]", "from our own notes.[^hearsay]"),
            "cases/corner-bakery.yaml:25:55: citation [^hearsay] names no entry of this file's `sources` (own)",
        ),
        (
            "playbooks/glossary.yaml",
            ("    definition: A place to pay.", "    definition: A place to pay.[^own]"),
            "playbooks/glossary.yaml:",
        ),
    ],
    ids=["unknown-source", "file-without-sources"],
)
def test_a_citation_of_no_source_is_an_error_at_its_place(
    mini: Path, capsys: pytest.CaptureFixture[str], path: str, change: tuple[str, str], expected: str
) -> None:
    edit(mini, path, *change)
    code, out, _ = run_cli(["--root", str(mini), "validate", *TODAY], capsys)
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith(expected) and "[unknown-ref]" in line], out


def test_a_cited_figure_or_a_sourced_outcome_needs_nothing_more(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(mini, CASE, "ko: 아침 식사용 빵.}}", 'ko: "아침 식사용 빵. 손님의 40%가 아침에 옵니다.[^own]"}}')
    edit(mini, CASE, "en: Queues got shorter.,", "en: Queues got 30% shorter.,")
    assert run_cli(["--root", str(mini), "validate", "--strict", *TODAY], capsys)[:2] == (0, "")
