"""Turn a knowledge base into Markdown pages and JSON data, one language at a time.

Templates (`templates/*.md.j2`) never emit raw values: every `{{ ... }}` goes through
`_finalize`, which localises `LocalizedText` and escapes plain text for Markdown, so only
`Markup` produced by this module (sanitised rich text, links built from ids) passes unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from cemkit._internal.build.cache import BuildCache
from cemkit._internal.content.diagnostics import Diagnostic
from cemkit._internal.site.fieldref import field_reference
from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.site.labels import LABELS
from cemkit._internal.content.models import LANGUAGES, CaseStudy, LocalizedText, Playbook, Term
from cemkit._internal.content.richtext import CrossRef, escape_html, escape_markdown, escape_table_cell, render_markdown
from cemkit._internal.site.urls import anchor, file_link, html_link, md_link, media_path, page_src, page_url
from cemkit._internal.site.worksheets import download_name, download_path, worksheet_files

_RICH_OPEN = '<div class="cem-rich">'
_RICH_CLOSE = "</div>"
FIELD_REFERENCE = "contributing/fields/index.md"
"""Source path of the generated field reference."""
SEARCH_BOOSTS = {
    "glossary.md.j2": 3.0,
    "cases_index.md.j2": 2.0,
    "stages_index.md.j2": 2.0,
    "roles_index.md.j2": 2.0,
    "worksheets_index.md.j2": 2.0,
}
"""Search weight of pages other than 1: a term's definition and the section indexes answer most short queries."""
DATA_FILE = "assets/cemkit/cases.json"
"""Site path of the JSON data file with every published case."""


@dataclass
class SiteOutput:
    """Everything the renderer produces: Markdown pages and other files, by site path."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    edit_paths: dict[str, str] = field(default_factory=dict)
    """Page path -> the YAML file it is generated from (project-relative)."""


def render_site(
    knowledge: KnowledgeBase,
    *,
    lang: str = LANGUAGES[0],
    directory_urls: bool = True,
    cache: BuildCache | None = None,
    pages: bool = True,
) -> SiteOutput:
    """Render every page of the site of one language, plus its JSON data file and worksheet downloads.

    Each language is a site of its own, built from the same knowledge base. With a `cache` from the
    previous build of the same language, pages whose inputs are unchanged are not rendered again
    (without one, nothing is kept: a single build renders every page once).
    Without `pages`, only the other files are made (the pages are left to `PageRenderer.page_jobs`).
    """
    output = SiteOutput()
    if cache is not None:
        _refresh(cache, knowledge)
    renderer = PageRenderer(knowledge, lang=lang, directory_urls=directory_urls, cache=cache)
    if pages:
        output.pages.update(renderer.render_all())
    output.edit_paths.update(renderer.edit_paths())
    output.files.update(worksheet_files(list(knowledge.playbooks.values()), lang))
    output.files[DATA_FILE] = render_case_data(knowledge, lang=lang, directory_urls=directory_urls)
    return output


def _refresh(cache: BuildCache, knowledge: KnowledgeBase) -> None:
    """Forget cached renders when anything a case page shows from other files has changed."""
    parts = [
        cache.model_hash(model)
        for group in (knowledge.playbooks, knowledge.roles, knowledge.terms)
        for model in group.values()
    ]
    parts += [cache.model_hash(reference) for reference in knowledge.references.values()]
    parts += [
        f"{case.id}:{cache.model_hash(case.title)}:{cache.model_hash(case.company)}"
        for case in knowledge.cases.values()
    ]
    signature = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    if signature != cache.signature:
        cache.rich.clear()
        cache.pages.clear()
        cache.signature = signature
    alive = {id(case) for case in knowledge.cases.values()}
    alive |= {id(case.title) for case in knowledge.cases.values()} | {
        id(case.company) for case in knowledge.cases.values()
    }
    for group in (knowledge.playbooks, knowledge.roles, knowledge.terms, knowledge.references):
        alive |= {id(model) for model in group.values()}
    cache.forget_unused_models(alive)


def _library_summary(knowledge: KnowledgeBase, cache: BuildCache) -> str:
    """A hash of everything pages other than a case's own show about the cases.

    Together with the cache's signature (names and titles), it changes whenever an index, stage, role,
    glossary or worksheet page could change; editing the body of a case leaves it alone.
    """
    parts = [repr(sorted((name, sorted(value.items())) for name, value in _plain_indexes(knowledge)))]
    for case in knowledge.cases.values():
        example = cache.model_hash(case.worksheet_example) if case.worksheet_example else ""
        parts.append(f"{case.id}|{case.period}|{cache.model_hash(case.country)}|{example}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _plain_indexes(knowledge: KnowledgeBase) -> list[tuple[str, dict[str, list[str]]]]:
    indexes = knowledge.indexes
    backlinks = {term: [f"{link.kind}:{link.id}" for link in links] for term, links in indexes.term_backlinks.items()}
    return [
        ("stage", indexes.cases_by_stage),
        ("industry", indexes.cases_by_industry),
        ("interface", indexes.cases_by_interface_type),
        ("journey", indexes.cases_by_journey_stage),
        ("country", indexes.cases_by_country),
        ("role", indexes.cases_by_role),
        ("related", indexes.related_cases),
        ("terms", backlinks),
    ]


def render_error_page(errors: list[Diagnostic], *, lang: str) -> str:
    """A page listing content errors, shown by `mkdocs serve` in place of pages that cannot be built."""
    env = _environment(lang)
    title = LABELS[lang]["content_errors"]
    text = env.get_template("errors.md.j2").render(errors=[str(error) for error in errors], t=LABELS[lang])
    return front_matter(title, None) + _tidy(text)


def front_matter(title: str | None, boost: float | None) -> str:
    """The YAML front matter of a generated page: its title for `<title>`, and its search weight.

    Themes print `page.meta.title` into `<title>` as it is, whereas a title taken from the page's
    heading goes through `striptags`, which turns escaped text back into markup. So every page gets a
    `title`, escaped for HTML here (a JSON string is a valid YAML double-quoted scalar).
    """
    lines = []
    if title:
        lines.append(f"title: {json.dumps(escape_html(title), ensure_ascii=False)}")
    if boost:
        lines.append(f"search:\n  boost: {boost}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" if lines else ""


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
                "period": case.period,
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


class PageRenderer:
    """Renders the pages of one language."""

    def __init__(
        self, knowledge: KnowledgeBase, *, lang: str, directory_urls: bool = True, cache: BuildCache | None = None
    ) -> None:
        self.knowledge = knowledge
        self.cache = cache
        """Renders kept between builds (`mkdocs serve`), or `None`."""
        self.lang = lang
        self.directory_urls = directory_urls
        self.labels = LABELS[lang]

    @property
    def env(self) -> Environment:
        """The Jinja environment of this language (made on first use, then shared)."""
        return _environment(self.lang)

    def render_all(self) -> dict[str, str]:
        """Every page of this language, by source path."""
        return {src: render() for src, render in self.page_jobs()}

    def page_jobs(self) -> list[tuple[str, Callable[[], str]]]:
        """Every page of this language as (source path, how to render it), in site order."""
        kb = self.knowledge
        jobs: list[tuple[str, Callable[[], str]]] = []

        def aggregate(src: str, template: str, **context: Any) -> None:
            jobs.append((src, partial(self._aggregate_page, src, template, **context)))

        for kind, items in (("case", kb.cases), ("stage", kb.playbooks), ("role", kb.roles)):
            aggregate(page_src(kind, None), f"{kind}s_index.md.j2")
            for item_id, item in items.items():
                src = page_src(kind, item_id)
                if kind == "case":
                    jobs.append((src, partial(self._case_page, src, item)))
                else:
                    aggregate(src, f"{kind}.md.j2", item=item)
        aggregate(page_src("term", None), "glossary.md.j2")
        aggregate(page_src("worksheet", None), "worksheets_index.md.j2")
        for playbook in kb.playbooks.values():
            if playbook.worksheet is not None:
                aggregate(page_src("worksheet", playbook.id), "worksheet.md.j2", item=playbook)
        jobs.append((FIELD_REFERENCE, self._field_reference_page))
        return jobs

    def _field_reference_page(self) -> str:
        return self._aggregate_page(FIELD_REFERENCE, "fields.md.j2", sections=field_reference())

    @cached_property
    def library_summary(self) -> str:
        """The hash that decides whether aggregate pages can be reused (see `_library_summary`)."""
        assert self.cache is not None
        return _library_summary(self.knowledge, self.cache)

    def _aggregate_page(self, src: str, template: str, **context: Any) -> str:
        """A page built from many files (an index, a stage, a role ...), reused while the library summary holds."""
        if self.cache is None:
            return self.render(template, src, **context)
        fingerprint = f"{self.library_summary}|{self.directory_urls}"
        cached = self.cache.pages.get(src)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        page = self.render(template, src, **context)
        self.cache.pages[src] = (fingerprint, page)
        return page

    def _case_page(self, src: str, case: object) -> str:
        """A case page, reused from the cache when the case and its related cases are unchanged."""
        assert isinstance(case, CaseStudy)
        if self.cache is None:
            return self.render("case.md.j2", src, item=case)
        related = ",".join(self.knowledge.indexes.related_cases.get(case.id, []))
        fingerprint = f"{self.cache.model_hash(case)}|{related}|{self.directory_urls}"
        cached = self.cache.pages.get(src)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        page = self.render("case.md.j2", src, item=case)
        self.cache.pages[src] = (fingerprint, page)
        return page

    def edit_paths(self) -> dict[str, str]:
        """Page source path -> YAML file to edit, for the pages that have one."""
        paths = {}
        for (kind, item_id), yaml_path in self.knowledge.source_files.items():
            if kind in ("case", "stage", "role"):
                paths[page_src(kind, item_id)] = yaml_path
            if kind == "stage" and self.knowledge.playbooks.get(item_id, None) is not None:
                paths[page_src("worksheet", item_id)] = yaml_path
        return paths

    def render(self, template: str, src: str, **context: Any) -> str:
        """Render one template as the page at `src`."""
        helpers = PageHelpers(self, src)
        text = _tidy(self.env.get_template(template).render(kb=self.knowledge, p=helpers, t=self.labels, **context))
        return front_matter(helpers.page_title, SEARCH_BOOSTS.get(template)) + text


class PageHelpers:
    """What templates call to link, localise and render rich text, relative to the current page."""

    def __init__(self, renderer: PageRenderer, src: str) -> None:
        self._renderer = renderer
        self._kb = renderer.knowledge
        self.lang = renderer.lang
        self.src = src
        self.page_title: str | None = None
        """The page's title as plain text, set by `heading`."""

    def heading(self, value: LocalizedText | str) -> Markup:
        """The page's title as its Markdown heading; also remembered for the page's `<title>`."""
        self.page_title = value if isinstance(value, str) else value.get(self.lang)
        return Markup(f"# {escape_markdown(self.page_title)}")

    def text(self, value: LocalizedText | None) -> str:
        """The plain string of a localised text in this page's language."""
        return value.get(self.lang) if value is not None else ""

    def rich(self, value: LocalizedText | None) -> Markup:
        """Sanitised HTML of a rich text field, as a block."""
        if value is None:
            return Markup("")
        text = value.get(self.lang)
        cache = self._renderer.cache
        key = (text, self.src, self._renderer.directory_urls)
        html = cache.rich.get(key) if cache is not None else None
        if html is None:
            html = render_markdown(text, self._resolve)
            if cache is not None:
                cache.rich[key] = html
        return Markup(f"{_RICH_OPEN}\n{html}\n{_RICH_CLOSE}")

    def cell(self, value: LocalizedText | str | None) -> Markup:
        """Plain text escaped for a Markdown table cell."""
        if value is None:
            return Markup("")
        text = value if isinstance(value, str) else value.get(self.lang)
        return Markup(escape_table_cell(text))

    def markup(self, text: str) -> Markup:
        """Markdown written by cemkit itself (never content), passed through unescaped."""
        return Markup(text)

    def html(self, value: LocalizedText | str | None) -> Markup:
        """Plain text escaped for use inside raw HTML."""
        if value is None:
            return Markup("")
        text = value if isinstance(value, str) else value.get(self.lang)
        return Markup(escape_html(text))

    def title(self, kind: str, item_id: str) -> str:
        """Display name of a case, stage, role or glossary term."""
        kb = self._kb
        if kind == "case":
            return self.text(kb.cases[item_id].title)
        if kind == "stage":
            playbook = kb.playbooks[item_id]
            return self.text(playbook.title)
        if kind == "role":
            return self.text(kb.roles[item_id].name)
        if kind == "worksheet":
            worksheet = kb.playbooks[item_id].worksheet
            return self.text(worksheet.title) if worksheet else ""
        return self.text(kb.terms[item_id].term)

    def name(self, kind: str, item_id: str) -> str:
        """Display name of an item of a reference list (industries, journey stages ...)."""
        return self.text(self._kb.reference_item(kind, item_id).name)

    def url(self, kind: str, item_id: str | None = None, fragment: str = "") -> str:
        """Relative Markdown link target to a page (checked by MkDocs)."""
        target = page_src(kind, item_id)
        return md_link(self.src, target, fragment or (anchor(kind, item_id) if item_id else ""))

    def link(self, kind: str, item_id: str, label: str | None = None) -> Markup:
        """A Markdown link to a page, showing its title."""
        shown = label if label is not None else self.title(kind, item_id)
        return Markup(f"[{escape_markdown(shown)}]({self.url(kind, item_id)})")

    def download(self, playbook: Playbook, suffix: str) -> str:
        """Site path of a worksheet download in this page's language."""
        return download_path(playbook, self.lang, suffix)

    def page_href(self, kind: str, item_id: str) -> Markup:
        """URL of a generated page relative to this built page, escaped for an HTML attribute."""
        target = page_src(kind, item_id)
        return Markup(escape_html(html_link(self.src, target, directory_urls=self._renderer.directory_urls)))

    def figure_url(self, case: CaseStudy, src: str) -> str:
        """URL of one of a case's images relative to this page."""
        return self.asset(media_path(self._kb.source_files[("case", case.id)], src))

    def data_url(self) -> str:
        """URL of the case data file relative to this page, for scripts."""
        return self.asset(DATA_FILE)

    def root_url(self) -> str:
        """URL of the site root relative to this page, for scripts."""
        return self.asset(".")

    def download_name(self, playbook: Playbook, suffix: str) -> str:
        """The file name a worksheet download is saved under."""
        return download_name(playbook, self.lang, suffix)

    def asset(self, path: str) -> str:
        """URL of a site file relative to this built page, for raw HTML."""
        return file_link(self.src, path, directory_urls=self._renderer.directory_urls)

    def worksheet_examples(self, stage_id: str) -> list[CaseStudy]:
        """Cases with a worksheet example for the stage, by title."""
        with_examples = [
            c.id for c in self._kb.cases.values() if c.worksheet_example and c.worksheet_example.stage == stage_id
        ]
        return self.sorted_cases(with_examples)

    def matrix_cell(self, role_id: str, playbook: Playbook) -> Markup:
        """The steps of `playbook` a role takes part in, as 'R 1, C 3' links to each step."""
        links = []
        for number, step in enumerate(playbook.steps, start=1):
            for assignment in step.roles:
                if assignment.role == role_id:
                    letter = self._renderer.labels[f"part_letter_{assignment.part}"]
                    links.append(f"[{letter} {number}]({self.url('stage', playbook.id, f'step-{step.id}')})")
        return Markup(", ".join(links))

    def label(self, key: str) -> str:
        """An interface word in this page's language."""
        return self._renderer.labels[key]

    def other_languages(self) -> list[str]:
        """Languages other than this page's."""
        return [lang for lang in LANGUAGES if lang != self.lang]

    def _resolve(self, ref: CrossRef) -> tuple[str, str]:
        published: dict[str, Mapping[str, object]] = {
            "case": self._kb.cases,
            "stage": self._kb.playbooks,
            "role": self._kb.roles,
            "term": self._kb.terms,
        }
        if ref.target not in published[ref.kind]:
            return "", ref.target
        target = page_src(ref.kind, ref.target)
        url = html_link(self.src, target, anchor(ref.kind, ref.target), directory_urls=self._renderer.directory_urls)
        label = self.title(ref.kind, ref.target)
        if ref.kind == "term" and self.lang == "en" and label[:1].isupper() and label[1:2].islower():
            label = label[0].lower() + label[1:]  # a term inside a sentence: "every touchpoint", not "every Touchpoint"
        return url, label

    def sorted_terms(self) -> list[Term]:
        """Glossary terms sorted by their name in this language."""
        return sorted(self._kb.terms.values(), key=lambda term: (self.text(term.term).casefold(), term.id))

    def sorted_cases(self, ids: list[str] | None = None) -> list[CaseStudy]:
        """Cases (all, or those in `ids`) sorted by their title in this language."""
        chosen = [self._kb.cases[i] for i in (ids if ids is not None else self._kb.cases) if i in self._kb.cases]
        return sorted(chosen, key=lambda case: self.text(case.title).casefold())


@cache
def _environment(lang: str) -> Environment:
    def finalize(value: object) -> object:
        if isinstance(value, Markup):
            return value
        if isinstance(value, LocalizedText):
            return escape_markdown(value.get(lang))
        if value is None:
            return ""
        if isinstance(value, bool | int | float):
            return str(value)
        if isinstance(value, str):
            return escape_markdown(value)
        message = f"template printed a {type(value).__name__}; convert it to text first"
        raise TypeError(message)

    return Environment(
        loader=PackageLoader("cemkit", "templates"),
        undefined=StrictUndefined,
        finalize=finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        comment_start_string="{##",
        comment_end_string="##}",
    )


def _tidy(text: str) -> str:
    """Drop repeated blank lines left by template logic, except inside rendered rich text."""
    tidy: list[str] = []
    in_rich = False
    for raw in text.splitlines():
        line = raw
        if raw.startswith(_RICH_OPEN):
            in_rich = True
        elif raw == _RICH_CLOSE:
            in_rich = False
        elif not in_rich:
            line = raw.rstrip()
            if not line and tidy and not tidy[-1]:
                continue
        tidy.append(line)
    return "\n".join(tidy).strip() + "\n"
