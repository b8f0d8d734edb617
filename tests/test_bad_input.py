"""Every kind of bad content gives `path:line:col: message`, exit code 1 and no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cemkit._internal.content.yamlsource import MAX_FILE_BYTES

from conftest import FIXTURES, run_cli
from sitecheck import site_output

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(24)
"""The start of a PNG file: enough for the figure check, which reads the signature."""

EXPECTED: dict[str, list[str]] = {
    "alias-bomb": ["1:4 yaml-anchor"],
    "anchor-alias": ["6:10 yaml-anchor", "17:16 yaml-alias"],
    "bidi-override": ["4:15 forbidden-character"],
    "control-character": ["4:14 forbidden-character"],
    "data-link": ["8:22 rich-text"],
    "duplicate-id": ["2:5 duplicate-id"],
    "duplicate-key": ["17:1 duplicate-key"],
    "event-attribute": ["13:11 rich-text"],
    "image-absolute": ["18:10 image-path"],
    "image-backslash": ["18:10 image-path"],
    "image-no-alt": ["18:5 missing"],
    "image-parent-dir": ["18:10 image-path"],
    "image-url": ["18:10 image-path"],
    "invalid-utf8": ["4:15 encoding"],
    "javascript-link": ["8:24 rich-text"],
    "malformed": ["4:8 yaml-syntax"],
    "merge-key": ["10:5 yaml-merge-key"],
    "missing-field": ["1:1 missing"],
    "multi-document": ["17:1 multiple-documents"],
    "non-string-key": ["17:1 non-text-key"],
    "not-a-mapping": ["1:1 not-a-mapping"],
    "python-tag": ["7:9 yaml-tag"],
    "raw-html": ["8:17 rich-text"],
    "script-tag": ["12:5 rich-text"],
    "several-violations": ["4:10 text-type", "16:11 value-error", "17:1 extra-forbidden"],
    "tab-indent": ["11:1 yaml-tab"],
    "too-deep": ["17:39 too-deep"],
    "unknown-field": ["17:1 extra-forbidden"],
    "unknown-reference": ["5:11 unknown-ref", "10:12 unknown-ref"],
    "wrong-type": ["15:64 int-parsing"],
    "yaml11-boolean": ["17:8 bool-type"],
}


def add_figure(mini: Path, alt: str) -> None:
    """Give the fixture case a figure `images/photo.png` with the given alt text (YAML)."""
    case = mini / "cases" / "corner-bakery.yaml"
    figure = f'figures:\n  - src: "images/photo.png"\n    alt: {alt}\n'
    case.write_text(case.read_text(encoding="utf-8") + figure, encoding="utf-8")


def validate_one(project: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code, out, err = run_cli(["--root", str(project), "validate", str(path)], capsys)
    return code, out.splitlines(), out + err


def test_every_fixture_has_an_expectation() -> None:
    """No fixture file is left untested."""
    assert {p.stem for p in (FIXTURES / "bad").glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_fixture_is_reported_at_its_line(name: str, mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The problem is reported once per fault, at the right place, with exit code 1."""
    target = mini / "cases" / f"{name}.yaml"
    shutil.copyfile(FIXTURES / "bad" / f"{name}.yaml", target)
    code, lines, everything = validate_one(mini, target, capsys)
    assert code == 1
    assert "Traceback" not in everything
    if name == "alias-bomb":
        lines = lines[:1]
    found = [f"{line.split(':')[1]}:{line.split(':')[2]} {line.rsplit('[', 1)[1].rstrip(']')}" for line in lines]
    assert found == EXPECTED[name]
    assert all(line.startswith(f"cases/{name}.yaml:") for line in lines)


def test_bad_files_are_all_reported_in_one_run(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Validating the whole project reports every broken file at once, sorted by file and line."""
    for name in ("duplicate-key", "raw-html", "unknown-field"):
        shutil.copyfile(FIXTURES / "bad" / f"{name}.yaml", mini / "cases" / f"{name}.yaml")
    code, out, err = run_cli(["--root", str(mini), "validate"], capsys)
    assert code == 1
    lines = out.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == [
        "cases/duplicate-key.yaml",
        "cases/raw-html.yaml",
        "cases/unknown-field.yaml",
    ]
    assert "3 error(s) in 3 file(s)" in err


def test_oversized_file(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A content file over 256 KB is refused."""
    target = mini / "cases" / "huge.yaml"
    target.write_text("kind: case\nsummary: " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    code, lines, _ = validate_one(mini, target, capsys)
    assert code == 1
    assert lines == ["cases/huge.yaml:1:1: file is larger than 256 KB; split it or shorten it [file-too-large]"]


def test_symlinked_content_file_is_refused(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A content file that is a symbolic link (maybe to a file outside the checkout) is not published."""
    outside = tmp_path / "outside.yaml"
    shutil.copyfile(mini / "cases" / "corner-bakery.yaml", outside)
    (mini / "cases" / "linked.yaml").symlink_to(outside)
    code, out, _ = run_cli(["--root", str(mini), "validate"], capsys)
    assert code == 1
    assert "cases/linked.yaml:1:1: symbolic links are not published" in out


def test_symlinked_image_is_refused(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An image that is a symbolic link is refused at its `src`."""
    (mini / "cases" / "images").mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG_BYTES)
    (mini / "cases" / "images" / "photo.png").symlink_to(secret)
    add_figure(mini, "A photo")
    code, out, _ = run_cli(["--root", str(mini), "validate"], capsys)
    assert code == 1
    assert "symbolic link" in out
    assert out.startswith("cases/corner-bakery.yaml:")


def test_real_image_with_alt_text_is_published(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A project image with alt text validates, is published with the site and shown with its (escaped) alt text."""
    (mini / "cases" / "images").mkdir()
    (mini / "cases" / "images" / "photo.png").write_bytes(PNG_BYTES)
    add_figure(mini, '"The <counter> & queue"')
    code, out, _ = run_cli(["--root", str(mini), "validate"], capsys)
    assert (code, out) == (0, "")
    output = site_output(mini)
    assert output is not None
    assert output.files["assets/cemkit/media/cases/images/photo.png"] == PNG_BYTES
    page = output.pages["cases/corner-bakery/index.md"]
    assert '<img src="../../assets/cemkit/media/cases/images/photo.png" alt="The &lt;counter&gt; &amp; queue"' in page


def test_github_annotations(mini: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside GitHub Actions each problem is also printed as an ::error annotation on its line."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    shutil.copyfile(FIXTURES / "bad" / "raw-html.yaml", mini / "cases" / "raw-html.yaml")
    code, out, _ = run_cli(["--root", str(mini), "validate"], capsys)
    assert code == 1
    assert "::error file=cases/raw-html.yaml,line=8,col=17::cases/raw-html.yaml:8:17: raw HTML" in out


def test_validate_finds_the_project_from_a_subfolder(
    mini: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run inside cases/, `cemkit validate` checks the whole project and names files from its root."""
    shutil.copyfile(FIXTURES / "bad" / "raw-html.yaml", mini / "cases" / "raw-html.yaml")
    monkeypatch.chdir(mini / "cases")
    code, out, _ = run_cli(["validate"], capsys)
    assert code == 1
    assert out.startswith("cases/raw-html.yaml:8:17: raw HTML")


def test_validate_without_content_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty folder is not silently 'OK'."""
    code, _, err = run_cli(["--root", str(tmp_path), "validate"], capsys)
    assert code == 2
    assert "no content found" in err


def test_validating_one_file_by_relative_path(
    mini: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Naming a project file by a relative path does not load it twice (no false duplicate ids)."""
    monkeypatch.chdir(mini)
    for name in ("cases/corner-bakery.yaml", "./cases/corner-bakery.yaml", "playbooks/../cases/corner-bakery.yaml"):
        code, out, err = run_cli(["validate", name], capsys)
        assert (code, out) == (0, ""), err
