from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import copy_of_repository, run_cli
from sitecheck import indexed, run_mkdocs

FILLED = {
    '  en: "TODO: the case\'s title in English"': '  en: "Morning Bakery"',
    '  ko: "TODO: 사례 제목"': '  ko: "아침 제과점"',
    'company: "TODO: company name"': "company: Morning Bakery Ltd",
    "industry: todo-industry-id": "industry: {industry}",
    '  en: "TODO: country"': "  en: Nowhere",
    '  ko: "TODO: 국가"': "  ko: 어디에도 없음",
    'period: "TODO: when it happened, e.g. 1999-2003"': 'period: "2021"',
    "    TODO: what the company did and why it matters for CEM, in two or three sentences.": "    A second fictional bakery.",
    "    TODO: 기업이 무엇을 했고 CEM에서 왜 중요한지 두세 문장으로 적습니다.": "    두 번째 가상 제과점입니다.",
    "  - stage: todo-stage-id": "  - stage: {stage}",
    '      en: "TODO: what this case teaches about the stage."': "      en: Early bakers watch their customers.",
    '      ko: "TODO: 이 단계에 대해 사례가 주는 교훈."': "      ko: 이른 아침의 제빵사는 고객을 관찰합니다.",
    '  - en: "TODO: a lesson a practitioner can apply."': "  - en: Open when your customers need you.",
    '    ko: "TODO: 실무자가 적용할 수 있는 교훈."': "    ko: 고객이 필요로 할 때 문을 엽니다.",
    '  en: "TODO: the facts come from [^todo-source-id]; the stage and layer notes are our reading."': (
        '  en: "The facts come from [^own]; the notes are our reading."'
    ),
    '  ko: "TODO: 사실은 [^todo-source-id]에서 왔고, 단계와 층위 해설은 이 프로젝트의 해석입니다."': (
        '  ko: "사실은 [^own]에서 왔고, 해설은 이 프로젝트의 해석입니다."'
    ),
    "  - id: todo-source-id": "  - id: own",
    '    author: "TODO: author or organisation"': "    author: Test Author",
    '    title: "TODO: title as published"': "    title: A test source",
    "    year: TODO": "    year: 2021",
}


def fill(text: str, *, industry: str, stage: str) -> str:
    """The scaffold with every TODO replaced, as an editor would."""
    for old, new in FILLED.items():
        assert old in text, old
        text = text.replace(old, new.format(industry=industry, stage=stage))
    return text


@pytest.mark.slow
def test_new_case_scaffold_validates_once_filled(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cemkit new case` writes a commented scaffold that fails until its TODOs are filled, then builds."""
    code, _, err = run_cli(["--root", str(mini), "new", "case", "morning-bakery"], capsys)
    assert code == 0, err
    path = mini / "cases" / "morning-bakery.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/case.schema.json\n")
    assert "# One of: bakery" in text
    assert "Stage ids: analyse" in text

    code, out, _ = run_cli(["--root", str(mini), "validate", str(path)], capsys)
    assert code == 1
    assert "fill in this TODO placeholder" in out

    path.write_text(fill(text, industry="bakery", stage="analyse"), encoding="utf-8")
    code, out, _ = run_cli(["--root", str(mini), "validate", str(path)], capsys)
    assert (code, out) == (0, "")

    result = run_mkdocs("build", "--strict", cwd=mini)
    assert result.returncode == 0, result.stderr
    index = (mini / "site" / "cases" / "index.html").read_text(encoding="utf-8")
    assert 'href="morning-bakery/"' in index
    stage = (mini / "site" / "stages" / "analyse" / "index.html").read_text(encoding="utf-8")
    assert "Morning Bakery" in stage


def test_new_case_never_overwrites(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Asking for an id that already has a file changes nothing."""
    path = mini / "cases" / "corner-bakery.yaml"
    before = path.read_bytes()
    code, _, err = run_cli(["--root", str(mini), "new", "case", "corner-bakery"], capsys)
    assert code == 1
    assert "already exists" in err
    assert path.read_bytes() == before


def test_new_case_rejects_a_bad_id(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An id with capitals or spaces is refused with the rule it breaks."""
    code, _, err = run_cli(["--root", str(mini), "new", "case", "Corner Bakery"], capsys)
    assert code == 1
    assert "not a valid id" in err


@pytest.mark.slow
def test_editor_adds_a_case_to_the_real_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An editor's whole round trip on a copy of this project: scaffold, fill, validate, build, find it everywhere."""
    project = copy_of_repository(tmp_path / "project")
    assert run_cli(["--root", str(project), "new", "case", "morning-bakery"], capsys)[0] == 0
    path = project / "cases" / "morning-bakery.yaml"
    path.write_text(
        fill(path.read_text(encoding="utf-8"), industry="food-and-beverage", stage="analyse-experiential-world"),
        encoding="utf-8",
    )
    code, out, err = run_cli(["--root", str(project), "validate", "--strict", str(path)], capsys)
    assert (code, out) == (0, ""), err

    result = run_mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert (site / "cases" / "morning-bakery" / "index.html").is_file()
    assert 'href="morning-bakery/"' in (site / "cases" / "index.html").read_text(encoding="utf-8")
    stage = (site / "stages" / "analyse-experiential-world" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../cases/morning-bakery/"' in stage
    data = json.loads((site / "assets" / "cemkit" / "cases.json").read_text(encoding="utf-8"))
    (entry,) = [case for case in data["cases"] if case["id"] == "morning-bakery"]
    assert entry["title"] == {"en": "Morning Bakery", "ko": "아침 제과점"}
    assert entry["stages"] == ["analyse-experiential-world"]
    record = indexed(site)["/cases/morning-bakery/"]
    assert record["meta"]["title"] == "Morning Bakery"  # type: ignore[index]
