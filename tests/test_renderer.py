from __future__ import annotations

import json
from pathlib import Path

from cemkit._internal.content.richtext import check_markdown, escape_markdown, render_markdown, sanitize_html

from sitecheck import site_output


def no_refs(ref: object) -> tuple[str, str]:
    return "", "x"


def test_every_page_in_both_languages(mini: Path) -> None:
    """One page per case, stage and role, plus the indexes, at the same paths in the English and Korean sites."""
    result, korean = site_output(mini), site_output(mini, language="ko")
    assert result is not None and korean is not None
    expected = {
        "cases/index.md", "cases/corner-bakery/index.md", "stages/index.md", "stages/analyse/index.md",
        "roles/index.md", "roles/baker/index.md", "roles/owner/index.md", "glossary/index.md",
        "contributing/fields/index.md", "worksheets/index.md", "worksheets/analyse/index.md",
    }  # fmt: skip
    assert set(result.pages) == expected
    assert set(korean.pages) == expected
    assert "# 모퉁이 제과점" in korean.pages["cases/corner-bakery/index.md"]
    assert "# Corner Bakery" in result.pages["cases/corner-bakery/index.md"]


def test_plain_text_is_escaped(mini: Path) -> None:
    """A title with HTML and Markdown syntax is shown as text, never as markup."""
    result = site_output(mini)
    assert result is not None
    page = result.pages["cases/corner-bakery/index.md"]
    assert page.startswith(
        '---\ntitle: "Corner Bakery &lt;script&gt;alert(1)&lt;/script&gt;"\n---\n\n'
        "# Corner Bakery &lt;script&gt;alert\\(1\\)&lt;/script&gt;\n"
    )
    assert "<script>" not in page
    assert "| Till \\| counter |" in page


def test_escape_markdown_neutralises_syntax() -> None:
    """Emphasis, links, attribute lists and block starts in plain text stay literal."""
    assert escape_markdown("*a* [b](c) {: onclick=x}") == "\\*a\\* \\[b\\]\\(c\\) \\{: onclick=x\\}"
    assert escape_markdown("# not a heading") == "\\# not a heading"
    assert escape_markdown("1. not a list") == "1\\. not a list"
    assert escape_markdown("two\nlines") == "two lines"


def test_rich_text_is_sanitised() -> None:
    """Even if raw HTML slipped past validation, the sanitiser strips scripts, handlers and unsafe links."""
    html = render_markdown('Hi <script>alert(1)</script> <a href="javascript:x" onclick="y">z</a>', no_refs)
    assert html.strip() == '<p>Hi  <a rel="noopener noreferrer">z</a></p>'
    cleaned = sanitize_html('<p onclick="x">a <a href="javascript:alert(1)">b</a> <img src=x onerror=y></p>')
    assert cleaned == '<p>a <a rel="noopener noreferrer">b</a> </p>'


def test_rich_markdown_renders_lists_links_and_refs() -> None:
    """Markdown features editors need still work, and cross-references become links."""
    html = render_markdown(
        "**Bold** and [[touchpoint]]:\n\n- one\n- [two](https://example.org)", lambda _: ("../g/#t", "Touchpoint")
    )
    assert "<strong>Bold</strong>" in html
    assert '<a href="../g/#t" rel="noopener noreferrer">Touchpoint</a>' in html
    assert '<li><a href="https://example.org" rel="noopener noreferrer">two</a></li>' in html


def test_links_inside_rich_text_follow_url_style(mini: Path) -> None:
    """Links rendered into HTML point at the built pages, with or without directory URLs."""
    with_dirs = site_output(mini)
    without = site_output(mini, directory_urls=False)
    assert with_dirs is not None and without is not None
    assert 'href="../../glossary/#term-touchpoint"' in with_dirs.pages["cases/corner-bakery/index.md"]
    assert 'href="../../glossary/index.html#term-touchpoint"' in without.pages["cases/corner-bakery/index.md"]


def test_case_data_file(mini: Path) -> None:
    """Each site's JSON data file lists every published case with its names in both languages and its URL there."""
    output = site_output(mini, language="ko")
    assert output is not None
    data = json.loads(output.files["assets/cemkit/cases.json"])
    assert data["languages"] == ["ko"]
    (case,) = data["cases"]
    assert case["id"] == "corner-bakery"
    assert case["industry"] == {"id": "bakery", "name": {"en": "Bakery", "ko": "제과점"}}
    assert case["stages"] == ["analyse"]
    assert case["interface_types"] == ["face-to-face"]
    assert case["journey_stages"] == ["pre-purchase", "purchase"]
    assert case["url"] == "cases/corner-bakery/"


def test_role_page_lists_tasks_linking_to_steps(mini: Path) -> None:
    """A role's page groups its tasks by stage, each linking to the step's anchor."""
    output = site_output(mini)
    assert output is not None
    page = output.pages["roles/baker/index.md"]
    assert (
        "#### [Watch customers](../../stages/analyse/index.md#step-watch) {#step-analyse-watch}\n\n*responsible:* Watches"
        in page
    )
    assert 'data-key="analyse/watch-morning"' in page


def test_rendering_is_deterministic(mini: Path, tmp_path: Path) -> None:
    """Two renders of the same content, each with a store of its own, give identical pages and data."""
    first = site_output(mini, cache_dir=tmp_path / "first")
    second = site_output(mini, cache_dir=tmp_path / "second")
    assert first is not None and second is not None
    assert first.pages == second.pages
    assert first.files == second.files


def test_term_link_reads_naturally_inside_english_sentences(mini: Path) -> None:
    """A bare [[term]] shows the term in lower case in English prose; the glossary keeps its capital."""
    output = site_output(mini)
    assert output is not None
    assert (
        'href="../../glossary/#term-touchpoint" rel="noopener noreferrer">touchpoint</a>'
        in output.pages["cases/corner-bakery/index.md"]
    )
    assert "## Touchpoint {#term-touchpoint}" in output.pages["glossary/index.md"]


def test_cross_reference_followed_by_parentheses_is_not_a_link() -> None:
    """`[[evp]](EVP)` is a cross-reference followed by text in brackets, not a Markdown link to 'EVP'."""
    check_markdown("The [[evp]](EVP) and [[brand-experience]](제품, 보고 느끼기) read naturally.")
    html = render_markdown("The [[evp]](EVP) promise.", lambda _: ("../g/#evp", "EVP"))
    assert html == '<p>The <a href="../g/#evp" rel="noopener noreferrer">EVP</a>(EVP) promise.</p>'
