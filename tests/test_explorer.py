"""The case explorer in Chromium: combined filters, state in the URL, 1,000 cases, and no JavaScript."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from browsing import watch_errors
from conftest import REPO
from sitecheck import site_output

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    errors = watch_errors(page)
    yield page
    assert errors == []
    context.close()


def titles(page: Page) -> list[str]:
    return page.locator(".cem-results a").all_inner_texts()


def test_filters_combine_and_live_in_the_url(page: Page, shipped_site_url: str) -> None:
    """A stage filter from the URL applies on load; adding an industry narrows it; a reload keeps both."""
    page.goto(shipped_site_url + "cases/?stage=design-brand-experience")
    expect(page.locator(".cem-explorer")).to_be_visible()
    stage_three = titles(page)
    assert any(title.startswith("Prada") for title in stage_three)
    assert any(title.startswith("Target") for title in stage_three)
    assert not any(title.startswith("Amazon") for title in stage_three)
    page.select_option("select[name=industry]", "financial-services")
    assert [title.split(":")[0] for title in titles(page)] == ["Citigroup"]
    assert "stage=design-brand-experience" in page.url and "industry=financial-services" in page.url
    page.reload()
    expect(page.locator(".cem-count")).to_have_text("1 of 19 cases")
    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator(".cem-count")).to_have_text("19 of 19 cases")
    assert "?" not in page.url


def test_results_link_to_the_case_in_the_page_language(page: Page, shipped_site_url: str) -> None:
    """On the Korean page the labels and the results are Korean, and links open the Korean case."""
    page.goto(shipped_site_url + "ko/cases/?country=United%20Kingdom")
    expect(page.locator(".cem-explorer")).to_be_visible()
    expect(page.locator(".cem-count")).to_contain_text("사례 19개 중")
    page.locator(".cem-results a").first.click()
    assert "/ko/cases/" in page.url


def test_an_impossible_combination_says_so(page: Page, shipped_site_url: str) -> None:
    """Filters that match nothing give a clear message and an empty list."""
    page.goto(shipped_site_url + "cases/?industry=airline&stage=design-brand-experience")
    expect(page.locator(".cem-count")).to_have_text("No case matches these filters.")
    assert titles(page) == []


def test_explorer_handles_a_thousand_cases(page: Page, shipped_site_url: str, tmp_path: Path) -> None:
    """With 1,000 cases in the data file the filters still work and count them all."""
    output = site_output(REPO)
    assert output is not None
    data = json.loads(output.files["assets/cemkit/cases.json"])
    base = data["cases"]
    data["cases"] = [dict(copy.deepcopy(base[i % len(base)]), id=f"case-{i}") for i in range(1000)]
    body = json.dumps(data)

    def serve_big(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=body)

    page.route("**/assets/cemkit/cases.json", serve_big)
    page.goto(shipped_site_url + "cases/")
    expect(page.locator(".cem-count")).to_have_text("1,000 of 1,000 cases".replace(",", ""))
    page.select_option("select[name=stage]", "continuous-innovation")
    expected = sum(1 for case in data["cases"] if "continuous-innovation" in case["stages"])
    expect(page.locator(".cem-count")).to_have_text(f"{expected} of 1000 cases")
    assert page.locator(".cem-results li").count() == expected


def test_without_javascript_the_grouped_lists_remain(browser: Browser, shipped_site_url: str) -> None:
    """With JavaScript off the explorer stays hidden and the grouped lists carry every case."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(shipped_site_url + "cases/")
    assert not page.locator(".cem-explorer").is_visible()
    assert page.locator("#by-stage").is_visible()
    assert page.locator("table a[href*='westin']").count() >= 1
    context.close()
