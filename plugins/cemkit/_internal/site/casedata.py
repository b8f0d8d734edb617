"""The JSON file the case explorer reads: every published case with its facets, in every language."""

from __future__ import annotations

import json
from typing import Any

from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.content.models import LANGUAGES, LocalizedText
from cemkit._internal.site.urls import page_src, page_url

DATA_FILE = "assets/cemkit/cases.json"
"""Site path of the JSON data file with every published case."""


def render_case_data(knowledge: KnowledgeBase, *, lang: str, directory_urls: bool) -> bytes:
    """The JSON file the case explorer of the `lang` site reads (names in every language, URLs of this site)."""

    def localized(text: LocalizedText) -> dict[str, str]:
        return {language: text.get(language) for language in LANGUAGES}

    def reference(kind: str, item_id: str) -> dict[str, Any]:
        return {"id": item_id, "name": localized(knowledge.reference_item(kind, item_id).name)}

    cases = []
    for case in knowledge.cases.values():
        cases.append(
            {
                "id": case.id,
                "title": localized(case.title),
                "company": localized(case.company),
                "industry": reference("industries", case.industry),
                "country": localized(case.country),
                "country_id": case.country.get(LANGUAGES[0]),
                "period": case.period.get(lang),
                "stages": [note.stage for note in case.stages],
                "interface_types": sorted({t.interface_type for t in case.touchpoints}),
                "journey_stages": sorted({t.journey_stage for t in case.touchpoints}),
                "roles": list(case.roles),
                "url": page_url(page_src("case", case.id), directory_urls=directory_urls),
            }
        )

    def facet(kind: str) -> list[dict[str, Any]]:
        return [reference(kind, item.id) for item in knowledge.reference_items(kind)]

    countries = {case.country.get(LANGUAGES[0]): localized(case.country) for case in knowledge.cases.values()}
    facets = {
        "stage": [{"id": p.id, "name": localized(p.short_title or p.title)} for p in knowledge.playbooks.values()],
        "industry": facet("industries"),
        "interface": facet("interface-types"),
        "journey": facet("journey-stages"),
        "country": [{"id": key, "name": countries[key]} for key in sorted(countries)],
    }
    payload = {"version": 1, "languages": [lang], "facets": facets, "cases": cases}
    return (json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
