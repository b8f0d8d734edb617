"""Turn a knowledge base into Markdown pages and JSON data, one language at a time.

Templates (`templates/*.md.j2`) never emit raw values: every `{{ ... }}` goes through
`_finalize`, which localises `LocalizedText` and escapes plain text for Markdown, so only
`Markup` produced by this module (sanitised rich text, links built from ids) passes unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from cemkit._internal.content.diagnostics import Diagnostic
from cemkit._internal.content.knowledge import KnowledgeBase, display_name
from cemkit._internal.content.models import LANGUAGES, CaseStudy, LocalizedText, Playbook, Term
from cemkit._internal.content.richtext import (
    CITATION,
    CrossRef,
    escape_html,
    escape_markdown,
    escape_table_cell,
    render_markdown,
)
from cemkit._internal.site.casedata import DATA_FILE
from cemkit._internal.site.fieldref import field_reference
from cemkit._internal.site.labels import LABELS
from cemkit._internal.site.urls import anchor, file_link, html_link, md_link, media_path, page_src
from cemkit._internal.site.worksheets import download_name, download_path

_RICH_OPEN = '<div class="cem-rich">'
_RICH_CLOSE = "</div>"
FIELD_REFERENCE = "contributing/fields/index.md"
"""Source path of the generated field reference."""


def render_error_page(errors: list[Diagnostic], *, lang: str) -> str:
    """A page listing content errors, shown by `mkdocs serve` in place of pages that cannot be built."""
    env = _environment(lang)
    title = LABELS[lang]["content_errors"]
    text = env.get_template("errors.md.j2").render(errors=[str(error) for error in errors], t=LABELS[lang])
    return front_matter(title) + _tidy(text)


def front_matter(title: str | None) -> str:
    """The YAML front matter of a generated page: its title for `<title>`.

    Themes print `page.meta.title` into `<title>` as it is, whereas a title taken from the page's
    heading goes through `striptags`, which turns escaped text back into markup. So every page gets a
    `title`, escaped for HTML here (a JSON string is a valid YAML double-quoted scalar).
    """
    lines = []
    if title:
        lines.append(f"title: {json.dumps(escape_html(title), ensure_ascii=False)}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" if lines else ""


@dataclass(frozen=True)
class PagePlan:
    """One generated page: where it goes, its template, and the item it shows (if any)."""

    src: str
    template: str
    kind: str | None = None
    """The kind of the item shown (case, stage, role ...), looked up by `item_id` when the page renders."""
    item_id: str | None = None


def plan_pages(knowledge: KnowledgeBase) -> list[PagePlan]:
    """Every generated page of a site, in site order (the same for every language)."""
    plans: list[PagePlan] = []
    for kind in ("case", "stage", "role"):
        plans.append(PagePlan(page_src(kind, None), f"{kind}s_index.md.j2"))
        plans += [PagePlan(page_src(kind, item), f"{kind}.md.j2", kind, item) for item in knowledge.collection(kind)]
    plans.append(PagePlan(page_src("term", None), "glossary.md.j2"))
    plans.append(PagePlan(page_src("worksheet", None), "worksheets_index.md.j2"))
    plans += [
        PagePlan(page_src("worksheet", playbook.id), "worksheet.md.j2", "stage", playbook.id)
        for playbook in knowledge.playbooks.values()
        if playbook.worksheet is not None
    ]
    plans.append(PagePlan(FIELD_REFERENCE, "fields.md.j2"))
    return plans


def edit_paths(knowledge: KnowledgeBase) -> dict[str, str]:
    """Page source path -> the YAML file to edit, for the pages generated from one file."""
    paths = {}
    for (kind, item_id), yaml_path in knowledge.source_files.items():
        if kind in ("case", "stage", "role"):
            paths[page_src(kind, item_id)] = yaml_path
        if kind == "stage" and item_id in knowledge.playbooks:
            paths[page_src("worksheet", item_id)] = yaml_path
    return paths


class PageRenderer:
    """Renders the pages of one language."""

    def __init__(self, knowledge: KnowledgeBase, *, lang: str, directory_urls: bool = True) -> None:
        self.knowledge = knowledge
        self.lang = lang
        self.directory_urls = directory_urls
        self.labels = LABELS[lang]

    @property
    def env(self) -> Environment:
        """The Jinja environment of this language (made on first use, then shared)."""
        return _environment(self.lang)

    def render_page(self, plan: PagePlan) -> str:
        """The Markdown of one planned page."""
        context: dict[str, Any] = {}
        if plan.kind is not None and plan.item_id is not None:
            context["item"] = self.knowledge.collection(plan.kind)[plan.item_id]
        if plan.src == FIELD_REFERENCE:
            context["sections"] = field_reference()
        return self.render(plan.template, plan.src, **context)

    def render(self, template: str, src: str, **context: Any) -> str:
        """Render one template as the page at `src`."""
        helpers = PageHelpers(self, src, citing=context.get("item"))
        text = _tidy(self.env.get_template(template).render(kb=self.knowledge, p=helpers, t=self.labels, **context))
        return front_matter(helpers.page_title) + text


class PageHelpers:
    """What templates call to link, localise and render rich text, relative to the current page."""

    def __init__(self, renderer: PageRenderer, src: str, *, citing: object = None) -> None:
        self._renderer = renderer
        self._citing = citing if isinstance(citing, CaseStudy | Playbook) else None
        """The page's own case or playbook, whose sources its rich text cites by default."""
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

    def rich(self, value: LocalizedText | None, cites: CaseStudy | Playbook | None = None) -> Markup:
        """Sanitised HTML of a rich text field, as a block.

        Its citations name the sources of `cites`: by default, of the page's own case or playbook.
        """
        if value is None:
            return Markup("")
        owner = cites or self._citing
        html = render_markdown(value.get(self.lang), lambda ref: self._resolve(ref, owner))
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
        """Display name of a case, stage, role, glossary term or worksheet."""
        if kind == "worksheet":
            worksheet = self._kb.playbooks[item_id].worksheet
            return self.text(worksheet.title) if worksheet else ""
        return self.text(display_name(kind, self._kb.collection(kind)[item_id]))

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
                    # a no-break space: the letter and its step number never part at a line end
                    links.append(f"[{letter}\u00a0{number}]({self.url('stage', playbook.id, f'step-{step.id}')})")
        return Markup(", ".join(links))

    def label(self, key: str) -> str:
        """An interface word in this page's language."""
        return self._renderer.labels[key]

    def other_languages(self) -> list[str]:
        """Languages other than this page's."""
        return [lang for lang in LANGUAGES if lang != self.lang]

    def _resolve(self, ref: CrossRef, owner: CaseStudy | Playbook | None) -> tuple[str, str]:
        if ref.kind == CITATION:
            return self._cite(ref.target, owner)
        if ref.target not in self._kb.collection(ref.kind):
            return "", ref.target
        target = page_src(ref.kind, ref.target)
        url = html_link(self.src, target, anchor(ref.kind, ref.target), directory_urls=self._renderer.directory_urls)
        label = self.title(ref.kind, ref.target)
        if ref.kind == "term" and self.lang == "en" and label[:1].isupper() and label[1:2].islower():
            label = label[0].lower() + label[1:]  # a term inside a sentence: "every touchpoint", not "every Touchpoint"
        return url, label

    def _cite(self, source_id: str, owner: CaseStudy | Playbook | None) -> tuple[str, str]:
        """A citation's link to the source list of its case or playbook, shown as the source's number."""
        ids = [source.id for source in owner.sources] if owner is not None else []
        if owner is None or source_id not in ids:
            return "", source_id
        fragment, number = f"source-{source_id}", f"[{ids.index(source_id) + 1}]"
        if owner is self._citing:
            return f"#{fragment}", number
        kind = "case" if isinstance(owner, CaseStudy) else "stage"
        url = html_link(self.src, page_src(kind, owner.id), fragment, directory_urls=self._renderer.directory_urls)
        return url, number

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
