from __future__ import annotations

import json
from pathlib import Path

import pytest

from cemkit._internal.content.schema import SCHEMAS, schema_for, stale_schemas

from conftest import REPO, run_cli


def test_committed_schemas_match_the_models() -> None:
    """The JSON Schemas under schemas/ are exactly what the models export (run `cemkit schema --write schemas`)."""
    assert stale_schemas(REPO / "schemas") == []


def test_drift_is_detected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cemkit schema --check` fails when a committed schema differs from the models."""
    assert run_cli(["schema", "--write", str(tmp_path)], capsys)[0] == 0
    assert run_cli(["schema", "--check", str(tmp_path)], capsys)[0] == 0
    path = tmp_path / "case.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"period"', '"era"'), encoding="utf-8")
    code, _, err = run_cli(["schema", "--check", str(tmp_path)], capsys)
    assert code == 1
    assert "case.schema.json: out of date" in err


def test_case_schema_describes_localised_and_markdown_text() -> None:
    """Editors' tools see that text is a string or {en, ko}, and which fields take Markdown."""
    schema = schema_for("case")
    title = schema["properties"]["title"]
    assert {"type": "string", "minLength": 1} in title["anyOf"]
    assert schema["properties"]["summary"]["x-cem-format"] == "markdown"
    assert schema["additionalProperties"] is False
    assert "company" in schema["required"]


def test_every_content_file_names_its_schema() -> None:
    """Each content file starts with the yaml-language-server modeline pointing at an existing schema."""
    names = {f"{name}.schema.json" for name in SCHEMAS}
    for path in sorted([*REPO.glob("cases/*.yaml"), *REPO.glob("playbooks/*.yaml")]):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../schemas/"), path
        assert first.rsplit("/", 1)[1] in names, path


def test_schema_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`cemkit schema case` prints valid JSON."""
    code, out, _ = run_cli(["schema", "case"], capsys)
    assert code == 0
    assert json.loads(out)["title"] == "CaseStudy"
