"""Real MkDocs builds: the shipped site, a fresh project using the plugin, and the export."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from cemkit import load_project
from cemkit._internal.cli import main

from conftest import FIXTURES, REPO, copy_of_repository, site_files
from sitecheck import broken_links, expected_pages, indexed, run_mkdocs

pytestmark = pytest.mark.slow


def test_shipped_site_has_every_page_and_no_broken_link(shipped_site: Path) -> None:
    """Every case, stage and role page exists in both languages, and every internal link resolves."""
    for url in expected_pages(REPO):
        assert (shipped_site / url / "index.html").is_file(), url
    assert broken_links(shipped_site) == []


def test_edit_link_opens_the_yaml_source(shipped_site: Path) -> None:
    """'Edit this page' on a generated page points at the YAML file it comes from."""
    kb = load_project(REPO).knowledge
    assert kb is not None
    case_id = next(iter(kb.cases))
    html = (shipped_site / "cases" / case_id / "index.html").read_text(encoding="utf-8")
    assert f'href="https://github.com/cemkit/cem-playbooks/edit/main/cases/{case_id}.yaml"' in html


def test_reference_section_is_built_from_docstrings(shipped_site: Path) -> None:
    """The developer reference shows the package's docstrings."""
    html = (shipped_site / "reference" / "content" / "index.html").read_text(encoding="utf-8")
    assert "load_document" in html
    assert "Read one file; return its document if it is valid, and its problems." in html


def test_plugin_in_a_fresh_project(mini: Path) -> None:
    """A separate MkDocs project with its own cases/ and playbooks/ builds with the plugin."""
    result = run_mkdocs("build", "--strict", cwd=mini)
    assert result.returncode == 0, result.stderr
    site = mini / "site"
    for url in expected_pages(mini):
        assert (site / url / "index.html").is_file(), url
    assert broken_links(site) == []
    data = (site / "assets" / "cemkit" / "cases.json").read_text(encoding="utf-8")
    assert '"corner-bakery"' in data


def test_bad_content_fails_the_build_with_every_error(mini: Path) -> None:
    """A broken case stops `mkdocs build` with one line per problem and no traceback."""
    for name in ("raw-html", "unknown-reference"):
        shutil.copyfile(FIXTURES / "bad" / f"{name}.yaml", mini / "cases" / f"{name}.yaml")
    result = run_mkdocs("build", cwd=mini)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = re.findall(r"ERROR\s+-\s+cemkit: (\S+:\d+:\d+):", result.stderr)
    assert errors == [
        "cases/raw-html.yaml:8:17",
        "cases/unknown-reference.yaml:5:11",
        "cases/unknown-reference.yaml:10:12",
    ]


def test_export_builds_with_plain_mkdocs(tmp_path: Path) -> None:
    """`cemkit export DIR` writes a project that MkDocs builds with --strict and without our plugin."""
    out = tmp_path / "export"
    assert main(["--root", str(REPO), "export", str(out)]) == 0
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "cem" not in re.findall(r"^\s*-\s*(\w+)", config, flags=re.MULTILINE)
    assert yaml.safe_load(config)["plugins"] == [{"search": {"enabled": False}}]  # the search is `cemkit index`'s
    for config_file in (out / "mkdocs.yml", out / "mkdocs.ko.yml"):
        result = run_mkdocs("build", "--strict", "-f", str(config_file), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    site = out / "site"
    assert 'lang="ko"' in (site / "ko" / "index.html").read_text(encoding="utf-8")
    for url in expected_pages(REPO):
        assert (site / url / "index.html").is_file(), url
    assert (site / "assets" / "cemkit" / "cases.json").is_file()


def test_export_refuses_a_folder_it_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exporting into a folder with other files changes nothing and says why."""
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["--root", str(REPO), "export", str(out)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_warnings_fail_only_strict_builds(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A text missing its Korean version warns at its line; `--strict` turns the warning into a failure."""
    case = mini / "cases" / "corner-bakery.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace(
            "lesson: {en: Watching customers pays., ko: 고객 관찰은 효과가 있습니다.}",
            "lesson: {en: Watching customers pays.}",
        ),
        encoding="utf-8",
    )
    warning = "cases/corner-bakery.yaml:11:13: warning: text has no ko version"
    relaxed = run_mkdocs("build", cwd=mini)
    assert relaxed.returncode == 0, relaxed.stderr
    assert warning in relaxed.stderr
    strict = run_mkdocs("build", "--strict", cwd=mini)
    assert strict.returncode == 1
    assert warning in strict.stderr
    assert main(["--root", str(mini), "validate"]) == 0
    assert main(["--root", str(mini), "validate", "--strict"]) == 1
    assert warning in capsys.readouterr().out


def test_broken_link_or_anchor_fails_strict(mini: Path) -> None:
    """A hand-written page linking to a missing page or anchor fails `--strict`."""
    (mini / "docs" / "index.md").write_text(
        "# Mini\n\n[a](cases/index.md#no-such-anchor) [b](cases/no-such-case.md)\n", encoding="utf-8"
    )
    result = run_mkdocs("build", "--strict", cwd=mini)
    assert result.returncode == 1
    assert "does not contain an anchor '#no-such-anchor'" in result.stderr
    assert "'cases/no-such-case.md', but the target is not found" in result.stderr


def test_same_commit_builds_byte_identical_sites(shipped_site: Path, tmp_path: Path) -> None:
    """A cold build in another process, with another hash seed, gives the shared build's files byte for byte.

    The shared build reads the repository's store of generated files, which may be warm; this one starts
    from an empty store, so the test also shows that cached pages are the pages a fresh render gives.
    """
    project = copy_of_repository(tmp_path / "project")
    result = run_mkdocs("build", "--strict", "-d", str(tmp_path / "site"), cwd=project, env={"PYTHONHASHSEED": "1"})
    assert result.returncode == 0, result.stderr
    first, second = site_files(shipped_site), site_files(tmp_path / "site")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_linkcheck_command_finds_a_broken_anchor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cemkit linkcheck SITE` reports a link to a missing anchor or page and exits 1."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text('<a href="a/#here">ok</a> <a href="a/#gone">x</a> <a href="b/">y</a>', "utf-8")
    (site / "a" / "index.html").write_text('<h2 id="here">Here</h2> <a href="../">up</a>', "utf-8")
    assert main(["linkcheck", str(site)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["index.html -> a/#gone (no such anchor)", "index.html -> b/ (no such page)"]


def test_bad_translation_settings_fail_with_a_clear_message(mini: Path) -> None:
    """A translation in an unknown language or with a missing config file stops the build, without a traceback."""
    config = mini / "mkdocs.yml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("translations: {ko: mkdocs.ko.yml}", "translations: {fr: mkdocs.fr.yml}"), "utf-8")
    unknown = run_mkdocs("build", cwd=mini)
    assert unknown.returncode == 1
    assert "translations: 'fr' is not another language of the site (ko)" in unknown.stderr
    config.write_text(good.replace("mkdocs.ko.yml", "missing.yml"), "utf-8")
    missing = run_mkdocs("build", cwd=mini)
    assert missing.returncode == 1
    assert "missing.yml" in missing.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr


def test_korean_site_has_its_own_theme_strings_and_search(mini: Path) -> None:
    """One build writes the English site and, under ko/, the Korean one with Korean theme strings."""
    result = run_mkdocs("build", "--strict", cwd=mini)
    assert result.returncode == 0, result.stderr
    korean = (mini / "site" / "ko" / "cases" / "corner-bakery" / "index.html").read_text(encoding="utf-8")
    english = (mini / "site" / "cases" / "corner-bakery" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in korean and "md-nav" in korean
    assert '<html lang="en"' in english
    korean_search = (mini / "site" / "ko" / "assets" / "cemkit" / "search.js").read_text(encoding="utf-8")
    assert '"search_open": "\\uac80\\uc0c9"' in korean_search  # the search box's words are Korean (검색)
    assert (mini / "site" / "ko" / "pagefind" / "pagefind.js").is_file()
    assert "/cases/corner-bakery/" in indexed(mini / "site" / "ko")
    assert "/cases/corner-bakery/" in indexed(mini / "site")
    assert not list((mini / "site").rglob("search_index.json"))
    assert not (mini / "site" / "ko" / "ko").exists()  # docs/ko is not also built into the English site


def test_export_refuses_a_missing_translation(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A translation whose settings file is missing stops the export with its name, and nothing is written."""
    config = mini / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("mkdocs.ko.yml", "missing.yml"), "utf-8")
    out = tmp_path / "export"
    assert main(["--root", str(mini), "export", str(out)]) == 1
    assert "translations: ko:" in capsys.readouterr().err
    assert not out.exists()


def test_field_reference_shows_every_type_as_text(shipped_site: Path) -> None:
    """`{en: ..., ko: ...}` in a table cell is shown, not read as HTML attributes (`<td en_ ko>`)."""
    for page in ("contributing/fields/index.html", "ko/contributing/fields/index.html"):
        html = (shipped_site / page).read_text(encoding="utf-8")
        assert "<td en" not in html
        assert "text, or <code>{en: ..., ko: ...}</code>" in html


def test_korean_case_pages_show_the_period_in_korean(shipped_site: Path) -> None:
    """A period written in words is localised like any other text (it was English on the Korean pages)."""
    english = ("exact dates not recorded", "early 2000s", "founding to the reports used here")
    for page in ("ko/cases/index.html", "ko/cases/hilton/index.html", "ko/cases/avis/index.html"):
        html = (shipped_site / page).read_text(encoding="utf-8")
        assert not [phrase for phrase in english if phrase in html], page
    assert "2003년 이전" in (shipped_site / "ko/cases/hilton/index.html").read_text(encoding="utf-8")
    assert "early 2000s" in (shipped_site / "cases/avis/index.html").read_text(encoding="utf-8")
