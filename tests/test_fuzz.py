"""Fuzz test (issue 15): generated case files with hostile text in every field kind, built and opened in Chromium.

A seeded generator writes one case per (field, payload) draw, in both languages, half of them with YAML
escapes instead of raw characters. Validate must either refuse a file with `path:line:col: message` lines
inside that file, or accept it; the accepted cases are built with MkDocs into both languages' sites and
every case page and index is opened in Chromium: no script may run (every payload calls `alert` or sets
`window.pwned`), no console error may appear, and titles and company names are shown exactly as written.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page

from cemkit import load_project

from browsing import serve, watch_errors
from sitecheck import run_mkdocs

pytestmark = pytest.mark.slow

SEED = 15
CASES = 48

PAYLOADS = [
    "</title><script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "</style><img src=x onerror=alert(3)>",
    "</textarea><svg onload=alert(4)>",
    '"><img src=x onerror=alert(5)>',
    "'><svg/onload=alert(6)>",
    "' onmouseover='alert(7)' x='",
    '" autofocus onfocus="alert(8)',
    "javascript:alert(9)",
    "java&#x09;script:alert(10)",
    "&#106;avascript:alert(11)",
    "[x](java\tscript:alert(12))",
    "[x]( javascript:alert(13) )",
    "[x](JaVaScRiPt:alert(14))",
    "[x](&#106;avascript:alert(15))",
    "<javascript:alert(16)>",
    "[x][r]\n\n[r]: javascript:alert(17)",
    "> [x][q]\n>\n> [q]: data:text/html,<script>alert(18)</script>",
    '[x](https://example.org/"onmouseover="alert(19))',
    "<https://example.org/?q=<script>alert(20)</script>>",
    "`<script>alert(21)</script>`",
    "**</title><script>window.pwned=22</script>**",
    "[[touchpoint|</title><script>alert(23)</script>]]",
    '{: onclick="alert(24)" }',
    "{#x .y onmouseover=alert(25)}",
    "<!-- <script>alert(26)</script> -->",
    "]]><script>alert(27)</script>",
    "{{ 7*7 }}{% raw %}${alert(28)}",
    "%3Cscript%3Ealert(29)%3C/script%3E",
    "&lt;script&gt;alert(30)&lt;/script&gt;",
    '=HYPERLINK("https://example.org","x")',
    "@SUM(1+1)",
    "\u200b\u200b",
    "\u200f\u202e",
    "\u2066x\u2069",
    "\u3164",
    "[" * 60,
    "*" * 60,
    "_" * 60,
    "`" * 60,
    "|a|b|\n|-|-|\n|<b>|x|",
    "# heading\n- item\n1. item\n\n    code",
    "\\",
    "\"'",
]
"""Hostile strings: markup, closing tags, attribute breakouts, URL schemes, bidi and zero-width, long runs."""

FIELDS: list[tuple[str | int, ...]] = [
    ("title", "en"),
    ("title", "ko"),
    ("company",),
    ("country", "ko"),
    ("period",),
    ("summary", "en"),
    ("stages", 0, "lesson", "ko"),
    ("layers", 0, "note", "en"),
    ("touchpoints", 1, "name", "en"),
    ("outcomes", 0, "text", "ko"),
    ("lessons", 0, "en"),
    ("worksheet_example", "values", "customer", "en"),
    ("sources", 0, "author"),
    ("sources", 0, "title"),
    ("sources", 0, "url"),
    ("brand_experience", "en"),
]
"""Every kind of field a case has: plain and localised text, Markdown, names in tables, sources, URLs."""

SHOWN_AS_WRITTEN = {("title", "en"), ("company",)}
"""Fields whose accepted text must appear on the English case page exactly as written (spaces collapsed)."""

PROBLEM_LINE = re.compile(r"^(cases/fuzz-\d+\.yaml):(\d+):(\d+): (warning: )?.+ \[[a-z-]+\]$")


def hostile(rng: random.Random) -> str:
    """One to three payloads, with ordinary words around them."""
    parts = [rng.choice(PAYLOADS) for _ in range(rng.randint(1, 3))]
    return " ".join(["Case", *parts, "end"])


def put(document: dict[str, Any], path: tuple[str | int, ...], value: str) -> None:
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def generate(mini: Path) -> dict[str, tuple[tuple[str | int, ...], str]]:
    """Write the fuzz cases into the project; return each file's hostile field and value."""
    rng = random.Random(SEED)
    base = yaml.safe_load((mini / "cases" / "corner-bakery.yaml").read_text(encoding="utf-8"))
    base["brand_experience"] = {"en": "Calm.", "ko": "차분함."}
    written = {}
    for index in range(CASES):
        document = yaml.safe_load(yaml.safe_dump(base))
        document["id"] = f"fuzz-{index}"
        field, value = FIELDS[index % len(FIELDS)], hostile(rng)
        put(document, field, value)
        text = yaml.safe_dump(document, allow_unicode=index % 2 == 0, sort_keys=False, width=10**6)
        path = f"cases/fuzz-{index}.yaml"
        (mini / path).write_text(text, encoding="utf-8")
        written[path] = (field, value)
    return written


def check_refusals(mini: Path) -> set[str]:
    """Validate; every problem is a well-formed line inside a fuzz file. Return the refused files."""
    result = load_project(mini)
    refused = set()
    for problem in result.diagnostics:
        line = str(problem)
        match = PROBLEM_LINE.match(line)
        assert match, line
        lines = (mini / match.group(1)).read_text(encoding="utf-8").split("\n")
        row, col = int(match.group(2)), int(match.group(3))
        assert 1 <= row <= len(lines) and 1 <= col <= len(lines[row - 1]) + 1, line
        if not match.group(4):
            refused.add(match.group(1))
    return refused


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.add_init_script(
        "window.__hits = []; for (const name of ['alert', 'confirm', 'prompt']) "
        "{ window[name] = (value) => { window.__hits.push(String(value)); }; }"
    )
    yield page
    context.close()


def test_hostile_cases_are_refused_or_shown_as_written(mini: Path, page: Page) -> None:
    """Generated hostile cases: refused with exact positions, or built and shown as text with no script running."""
    written = generate(mini)
    refused = check_refusals(mini)
    for path in refused:
        (mini / path).unlink()
    accepted = sorted(set(written) - refused)
    assert len(refused) >= 10 and len(accepted) >= 10, (len(refused), len(accepted))
    assert load_project(mini).errors == []

    result = run_mkdocs("build", "--strict", cwd=mini)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    errors = watch_errors(page)
    with serve(mini / "site") as base:
        urls = [f"{base}{lang}cases/" for lang in ("", "ko/")]
        urls += [f"{base}{lang}{sub}" for lang in ("", "ko/") for sub in ("stages/analyse/", "worksheets/analyse/")]
        urls += [f"{base}{lang}cases/{Path(path).stem}/" for path in accepted for lang in ("", "ko/")]
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            for link in page.locator("article a[href]").all()[:6]:
                link.hover()
                link.focus()
            assert page.evaluate("window.__hits") == [], url
            assert page.evaluate("window.pwned") is None, url
            assert errors == [], (url, errors)
        for path in accepted:
            field, value = written[path]
            if field in SHOWN_AS_WRITTEN:
                page.goto(f"{base}cases/{Path(path).stem}/")
                shown = " ".join(page.locator("article").inner_text().split())
                assert " ".join(value.split()) in shown, (path, value)
