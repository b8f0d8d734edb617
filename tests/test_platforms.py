"""The same site on the maintained successors: ProperDocs runs the plugin; Zensical builds the export."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cemkit._internal.cli import main

from conftest import FIXTURES, REPO
from sitecheck import BIN, broken_links, expected_pages, run_mkdocs

pytestmark = pytest.mark.slow

GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')


def built_pages(site: Path) -> dict[str, str]:
    """Every HTML page of a site, with the generator stamp removed."""
    return {
        str(path.relative_to(site)): GENERATOR.sub("", path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }


def test_properdocs_builds_the_same_site(shipped_site: Path, tmp_path: Path) -> None:
    """`properdocs build --strict` gives the same pages as `mkdocs build --strict`, byte for byte but the generator tag."""
    site = tmp_path / "properdocs"
    result = run_mkdocs("build", "--strict", "-f", "mkdocs.yml", "-d", str(site), cwd=REPO, tool="properdocs")
    assert result.returncode == 0, result.stderr
    results = {"mkdocs": built_pages(shipped_site), "properdocs": built_pages(site)}
    assert set(results["properdocs"]) == set(results["mkdocs"])
    different = [page for page in results["mkdocs"] if results["mkdocs"][page] != results["properdocs"][page]]
    assert different == []


def test_properdocs_reports_content_errors_like_mkdocs(mini: Path) -> None:
    """A bad case fails the ProperDocs build with the same `path:line:col: message` lines."""
    shutil.copyfile(FIXTURES / "bad" / "unknown-reference.yaml", mini / "cases" / "unknown-reference.yaml")
    lines = {}
    for tool in ("mkdocs", "properdocs"):
        result = run_mkdocs("build", "-f", "mkdocs.yml", cwd=mini, tool=tool)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines[tool] = re.findall(r"cemkit: (cases/\S+: .*)", result.stderr)
    assert lines["mkdocs"] == [
        "cases/unknown-reference.yaml:5:11: unknown industry 'bakeries' (known: bakery) [unknown-ref]",
        "cases/unknown-reference.yaml:10:12: unknown playbook 'analyze' (known: analyse) [unknown-ref]",
    ]
    assert lines["properdocs"] == lines["mkdocs"]


def test_properdocs_counts_plugin_warnings_in_strict_mode(mini: Path) -> None:
    """The plugin's warnings fail `properdocs build --strict` as they fail MkDocs."""
    case = mini / "cases" / "corner-bakery.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("ko: 고객 관찰은 효과가 있습니다.", "ko: null"), encoding="utf-8"
    )
    relaxed = run_mkdocs("build", "-f", "mkdocs.yml", cwd=mini, tool="properdocs")
    strict = run_mkdocs("build", "--strict", "-f", "mkdocs.yml", cwd=mini, tool="properdocs")
    assert relaxed.returncode == 0, relaxed.stderr
    assert strict.returncode == 1
    assert "cases/corner-bakery.yaml:11:13: warning: text has no ko version" in strict.stderr


def test_plugin_loads_with_properdocs_alone() -> None:
    """Under ProperDocs' import redirection the adapter uses ProperDocs' classes, never MkDocs' own."""
    code = (
        "import properdocs.replacement, sys\n"
        "import cemkit._internal.adapters.mkdocs as p\n"
        "assert p.BasePlugin.__module__.startswith('properdocs'), p.BasePlugin.__module__\n"
        "assert sys.modules['mkdocs'] is sys.modules['properdocs']\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr


def test_zensical_builds_the_export(tmp_path: Path) -> None:
    """Zensical builds what `cemkit export` writes: every page is there and every internal link resolves."""
    out = tmp_path / "export"
    assert main(["--root", str(REPO), "export", str(out)]) == 0
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for config_file in ("mkdocs.yml", "mkdocs.ko.yml"):
        result = subprocess.run(
            [str(BIN / "zensical"), "build", "-f", config_file],
            cwd=out,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    site = out / "site"
    for url in expected_pages(REPO):
        assert (site / url / "index.html").is_file(), url
    assert (site / "assets" / "cemkit" / "cases.json").is_file()
    assert broken_links(site) == []
    westin = (site / "cases" / "westin" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../glossary/#term-' in westin
