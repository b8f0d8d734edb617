"""Content lint: each problem is a warning at its line; `--strict` (cemkit and MkDocs) turns it into a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from sitecheck import run_mkdocs

CASE = "cases/corner-bakery.yaml"
TODAY = ["--today", "2026-06-01"]
"""The fixture was reviewed on 2026-01-01: counting from a fixed day keeps these tests true in any year."""

EDITS: dict[str, tuple[str, str, str, str]] = {
    # name: (file, old text, new text, expected warning)
    "missing-language": (
        CASE,
        "lesson: {en: Watching customers pays., ko: 고객 관찰은 효과가 있습니다.}",
        "lesson: {en: Watching customers pays.}",
        "cases/corner-bakery.yaml:11:13: warning: text has no ko version",
    ),
    "review-overdue": (
        CASE,
        'reviewed: "2026-01-01"',
        'reviewed: "2019-01-01"',
        "cases/corner-bakery.yaml:28:11: warning: case last reviewed",
    ),
    "no-stage": (
        CASE,
        "stages:\n  - stage: analyse\n    lesson: {en: Watching customers pays., ko: 고객 관찰은 효과가 있습니다.}\n",
        "stages: []\n",
        "cases/corner-bakery.yaml:9:9: warning: case illustrates no stage",
    ),
    "unsourced-outcome": (
        CASE,
        "  - {text: {en: Queues got shorter., ko: 줄이 짧아졌습니다.}, source: own}",
        "  - {text: {en: Queues got shorter., ko: 줄이 짧아졌습니다.}}",
        "cases/corner-bakery.yaml:18:5: warning: outcome names no source",
    ),
    "uncited-figure": (
        CASE,
        "ko: 아침 식사용 빵.}}",
        "ko: 아침 식사용 빵. 손님의 40%가 아침에 옵니다.}}",
        "cases/corner-bakery.yaml:13:79: warning: figure '40%가 아침에 옵니다.' has no source where it stands",
    ),
    "uncited-count-of-people": (
        CASE,
        "note: {en: Bread for breakfast.,",
        "note: {en: Bread for 1.2 million commuters a year. Bread for breakfast.,",
        "cases/corner-bakery.yaml:13:49: warning: figure '1.2 million commuters a year.' has no source",
    ),
    "source-placeholder": (
        CASE,
        "title: A test source,",
        "title: A blog post (title not recorded),",
        "cases/corner-bakery.yaml:27:43: warning: source 'own': its title is a placeholder",
    ),
    "no-how-we-know": (
        CASE,
        "how_we_know: {en:",
        "# how_we_know: {en:",
        "cases/corner-bakery.yaml:26:1: warning: case has no `how_we_know`",
    ),
    "unused-term": (
        "playbooks/glossary.yaml",
        "    definition: A place to pay.",
        "    definition: A place to pay.\n  - id: queue\n    term: {en: Queue, ko: 줄}\n    definition: People waiting.",
        "playbooks/glossary.yaml:11:9: warning: glossary term 'queue' is never used",
    ),
}


def apply(project: Path, name: str) -> str:
    path, old, new, warning = EDITS[name]
    target = project / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")
    return warning


def test_the_fixture_project_is_clean(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without edits there is nothing to warn about, even with --strict."""
    assert run_cli(["--root", str(mini), "validate", "--strict", *TODAY], capsys)[:2] == (0, "")


@pytest.mark.parametrize("name", sorted(EDITS))
def test_lint_warning_fails_only_strict(name: str, mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The warning names the line; plain validation passes, --strict fails."""
    warning = apply(mini, name)
    code, out, _ = run_cli(["--root", str(mini), "validate", *TODAY], capsys)
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith(warning)], out
    code, out, _ = run_cli(["--root", str(mini), "validate", "--strict", *TODAY], capsys)
    assert code == 1


def test_review_age_is_configurable(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A longer allowed review age silences the overdue warning."""
    apply(mini, "review-overdue")
    assert run_cli(["--root", str(mini), "validate", "--strict", *TODAY], capsys)[0] == 1
    assert run_cli(["--root", str(mini), "validate", "--strict", "--max-review-age", "100000", *TODAY], capsys)[0] == 0


@pytest.mark.slow
def test_lint_warnings_fail_strict_mkdocs_builds(mini: Path) -> None:
    """Every lint warning reaches MkDocs' log, so `mkdocs build --strict` fails on them."""
    warnings = [apply(mini, name) for name in ("unsourced-outcome", "unused-term")]
    relaxed = run_mkdocs("build", cwd=mini)
    assert relaxed.returncode == 0, relaxed.stderr
    for warning in warnings:
        assert warning in relaxed.stderr
    assert run_mkdocs("build", "--strict", cwd=mini).returncode == 1
