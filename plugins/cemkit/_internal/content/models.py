"""The content model: what a case study, a stage playbook and the reference lists may contain.

The models are the single source of truth: the loader validates YAML against them and the JSON
Schema that editors' tools use (`cemkit schema`) is exported from them. They do no I/O.

Text that readers see is localised: either a plain string, shown in every language, or a
mapping `{en: ..., ko: ...}`. Fields typed `RichText` hold restricted Markdown (no raw HTML);
all other text is plain and is escaped when rendered.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Literal, TypeAlias

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, model_validator
from pydantic_core import PydanticCustomError

from cemkit._internal.content.richtext import check_markdown

LANGUAGES: tuple[str, ...] = ("en", "ko")
"""Languages the site is written in, the first being the default."""

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        min_length=1,
        max_length=64,
        description="Stable identifier: lower-case letters, digits and single hyphens. Never reuse or rename one.",
    ),
]
Ref = Annotated[str, Field(pattern=ID_PATTERN, max_length=64, description="The `id` of another item.")]
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Hangul fillers and the blank Braille pattern: letters by category that show nothing."""


def _check_visible(value: str) -> str:
    if not any(
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _BLANK_LETTERS for char in value
    ):
        raise PydanticCustomError(
            "text_invisible",
            "text must show something: this one has only spaces, zero-width or other invisible characters",
        )
    return value


MAX_PLAIN_CHARS = 2000
"""Longest plain (non-Markdown) text: titles, names, sentences. Longer text belongs in a Markdown field.

The site generator escapes plain text for Markdown, and MkDocs' Markdown parser takes time quadratic in
the number of escapes in one run of text; the bound keeps a build linear in the size of the content.
"""

VisibleStr = Annotated[str, Field(min_length=1), AfterValidator(_check_visible)]
"""Text that shows something (Markdown fields, whose rendering takes linear time at any length)."""
NonEmptyStr = Annotated[str, Field(min_length=1, max_length=MAX_PLAIN_CHARS), AfterValidator(_check_visible)]
"""Plain text that shows something, at most `MAX_PLAIN_CHARS` long."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True, str_strip_whitespace=True)


class LocalizedText(_Model):
    """Text given per language; at least one language is required."""

    en: NonEmptyStr | None = Field(default=None, description="English.")
    ko: NonEmptyStr | None = Field(default=None, description="Korean (합니다체).")

    @model_validator(mode="after")
    def _at_least_one(self) -> LocalizedText:
        if self.en is None and self.ko is None:
            msg = "give the text in at least one language (en or ko)"
            raise ValueError(msg)
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language when it is missing."""
        value = self.en if lang == "en" else self.ko
        return value or self.en or self.ko or ""

    def missing_languages(self) -> list[str]:
        """Languages this text is not given in."""
        return [lang for lang in LANGUAGES if getattr(self, lang) is None]


class RichLocalizedText(LocalizedText):
    """Localised Markdown text (restricted: no raw HTML, no images, safe links only)."""

    en: VisibleStr | None = Field(default=None, description="English.")
    ko: VisibleStr | None = Field(default=None, description="Korean (합니다체).")


def _to_localized(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise PydanticCustomError("text_empty", "text must not be empty")
        return {"en": text, "ko": text}
    if isinstance(value, dict):
        return value
    raise PydanticCustomError("text_type", "expected text, or a mapping {en: ..., ko: ...}")


def _check_rich(value: RichLocalizedText) -> RichLocalizedText:
    for lang in LANGUAGES:
        text = getattr(value, lang)
        if text is None:
            continue
        try:
            check_markdown(text)
        except PydanticCustomError as exc:
            context = dict(exc.context or {})
            context["lang"] = lang
            raise PydanticCustomError(exc.type, exc.message_template, context) from None
    return value


_TEXT_INPUT = Annotated[str, Field(min_length=1)] | LocalizedText

Text: TypeAlias = Annotated[
    LocalizedText,
    BeforeValidator(_to_localized, json_schema_input_type=_TEXT_INPUT),
    Field(description="Plain text: a string for every language, or {en: ..., ko: ...}."),
]
RichText: TypeAlias = Annotated[
    RichLocalizedText,
    BeforeValidator(_to_localized, json_schema_input_type=_TEXT_INPUT),
    AfterValidator(_check_rich),
    Field(
        description=(
            "Markdown text (no raw HTML): a string or {en: ..., ko: ...}. "
            "Link a glossary term with [[term-id]] or [[term-id|shown text]]."
        ),
        json_schema_extra={"x-cem-format": "markdown"},
    ),
]


def _check_date(value: str) -> str:
    if not _DATE_PATTERN.fullmatch(value):
        msg = "write the date as YYYY-MM-DD, in quotes"
        raise ValueError(msg)
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        msg = f"not a real date: {exc}"
        raise ValueError(msg) from exc
    return value


IsoDate = Annotated[
    str, AfterValidator(_check_date), Field(description="A date as 'YYYY-MM-DD'.", json_schema_extra={"format": "date"})
]
Part = Literal["responsible", "accountable", "consulted", "informed"]


class Source(_Model):
    """A publication a reader can check."""

    id: Id
    author: NonEmptyStr = Field(description="Author(s) or publishing organisation.")
    title: NonEmptyStr = Field(description="Title as published, in its own language.")
    publisher: NonEmptyStr | None = Field(default=None, description="Publisher, journal or website.")
    year: int = Field(ge=1800, le=2100, description="Year of publication.")
    locator: NonEmptyStr | None = Field(default=None, description="Chapter, page or section, e.g. 'ch. 3, pp. 45-52'.")
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = Field(default=None, description="Where to read it.")
    note: Text | None = Field(default=None, description="What this source supports, or doubts about it.")


class Figure(_Model):
    """An image from the project, shown with its alternative text."""

    src: NonEmptyStr = Field(description="Path of the image inside the project, relative to the YAML file.")
    alt: Text = Field(description="What the image shows, for readers who cannot see it.")
    caption: Text | None = None
    credit: NonEmptyStr | None = Field(default=None, description="Who made the image and under which licence.")


class StageNote(_Model):
    """What a case teaches about one stage."""

    stage: Ref = Field(description="The `id` of a playbook.")
    lesson: RichText


class LayerNote(_Model):
    """What a case shows about one layer of the customer's experiential world."""

    layer: Ref = Field(description="The `id` of an experience layer.")
    note: RichText


class Touchpoint(_Model):
    """A place where customer and company meet."""

    id: Id
    name: Text
    journey_stage: Ref = Field(description="The `id` of a journey stage.")
    interface_type: Ref = Field(description="The `id` of an interface type.")
    note: Text | None = None


class Platform(_Model):
    """The experiential platform, as far as the sources describe it."""

    positioning: Text | None = None
    value_promise: Text | None = Field(default=None, description="The experiential value promise (EVP).")
    implementation_theme: Text | None = None


class Outcome(_Model):
    """A result of the case, attributed to the source that reports it."""

    text: Text
    source: Ref | None = Field(default=None, description="The `id` of an entry in this case's `sources`.")


class WorksheetExample(_Model):
    """A stage worksheet filled in from the case."""

    stage: Ref
    values: dict[Ref, Text] = Field(description="Worksheet field `id` -> the value taken from the case.")


class CaseStudy(_Model):
    """A case study: what a company did and what it teaches about CEM."""

    kind: Literal["case"]
    id: Id
    title: Text = Field(description="What the case is about, in a few words.")
    company: Text = Field(description="The company or organisation.")
    industry: Ref = Field(description="The `id` of an industry.")
    country: Text = Field(description="Where it happened.")
    period: NonEmptyStr = Field(description="When the case happened, e.g. '1999-2003' or 'early 2000s'.")
    summary: RichText = Field(description="What the company did and why it matters for CEM, in a paragraph or two.")
    stages: list[StageNote] = Field(default=[], description="What the case teaches at each stage it illustrates.")
    layers: list[LayerNote] = Field(
        default=[], description="What the case shows about the four layers of the experiential world."
    )
    touchpoints: list[Touchpoint] = Field(default=[], description="Where customer and company meet, along the journey.")
    platform: Platform | None = Field(
        default=None, description="The experiential platform, where the sources describe it."
    )
    brand_experience: RichText | None = Field(
        default=None, description="Notes on the product, look and feel, and communications."
    )
    customer_interface: RichText | None = Field(default=None, description="Notes on how customer and company exchange.")
    outcomes: list[Outcome] = Field(default=[], description="Results, each attributed to a source.")
    lessons: list[RichText] = Field(min_length=1, description="What a practitioner can apply; at least one.")
    roles: list[Ref] = Field(default=[], description="`id`s of the roles involved.")
    related: list[Ref] = Field(default=[], description="`id`s of related cases.")
    figures: list[Figure] = Field(default=[], description="Images stored in the project, each with alt text.")
    worksheet_example: WorksheetExample | None = Field(
        default=None, description="A stage worksheet filled in from the case."
    )
    sources: list[Source] = Field(min_length=1, description="Publications a reader can check; at least one.")
    reviewed: IsoDate = Field(description="When an editor last checked the case against its sources.")
    draft: StrictBool = Field(default=False, description="Drafts are validated but not published.")


class RoleAssignment(_Model):
    """A role's part in a step."""

    role: Ref = Field(description="The `id` of a role.")
    part: Part = Field(description="responsible, accountable, consulted or informed.")
    does: Text = Field(description="What this role does in the step.")


class ChecklistItem(_Model):
    """One observable action a trainee can tick."""

    id: Id
    text: Text


class Step(_Model):
    """One step of a playbook."""

    id: Id
    title: Text = Field(description="What to do, as an instruction.")
    how: RichText = Field(description="What to do and how.")
    methods: list[Text] = Field(default=[], description="Techniques to use in the step.")
    time: Text | None = Field(default=None, description="A typical duration, e.g. '2-4 weeks'.")
    roles: list[RoleAssignment] = Field(min_length=1, description="Who takes part, and how.")
    checklist: list[ChecklistItem] = Field(min_length=1, description="Observable actions a trainee ticks.")


class KeyQuestion(_Model):
    """A question the team must be able to answer."""

    id: Id
    text: Text
    hint: Text | None = None


class Deliverable(_Model):
    """Something the stage produces."""

    id: Id
    name: Text
    description: Text | None = None


class Measure(_Model):
    """A way to tell whether the stage works."""

    id: Id
    name: Text
    description: Text


class WorksheetField(_Model):
    """One field of a stage worksheet."""

    id: Id
    label: Text
    prompt: Text = Field(description="The question the team answers in this field.")
    example: Text = Field(description="A short example answer.")


class Worksheet(_Model):
    """The template a team fills in for a stage."""

    title: Text
    fields: list[WorksheetField] = Field(min_length=1)


class Playbook(_Model):
    """How to carry out one CEM stage or cross-cutting topic."""

    kind: Literal["playbook"]
    id: Id
    order: int = Field(ge=1, le=99, description="Position in the sequence of stages and topics.")
    type: Literal["stage", "cross-cutting"] = Field(description="One of the five stages, or a topic across them.")
    title: Text = Field(description="The stage's name as a task, e.g. 'Analyse the experiential world'.")
    short_title: Text | None = Field(default=None, description="A shorter name for tight spaces.")
    summary: RichText = Field(description="The stage in a paragraph.")
    purpose: RichText = Field(description="Why the stage matters.")
    when_to_use: RichText = Field(description="The situations that call for it.")
    inputs: list[Text] = Field(min_length=1, description="What the team needs before starting.")
    deliverables: list[Deliverable] = Field(min_length=1, description="What the stage produces.")
    done_when: list[Text] = Field(min_length=1, description="Observable signs that the stage is complete.")
    steps: list[Step] = Field(min_length=1, description="The steps, in order.")
    key_questions: list[KeyQuestion] = Field(default=[], description="Questions the team must be able to answer.")
    pitfalls: list[RichText] = Field(default=[], description="Common mistakes and how to avoid them.")
    measures: list[Measure] = Field(default=[], description="How to tell whether the stage works.")
    worksheet: Worksheet | None = Field(default=None, description="The template a team fills in.")
    sources: list[Source] = Field(min_length=1, description="Publications the playbook rests on.")


class Role(_Model):
    """An organisational role with tasks across the stages."""

    id: Id
    name: Text
    description: RichText


class Synonyms(_Model):
    """Other words readers use for a term, per language."""

    en: list[NonEmptyStr] = []
    ko: list[NonEmptyStr] = []


class Term(_Model):
    """A glossary term."""

    id: Id
    term: Text
    abbreviation: NonEmptyStr | None = None
    synonyms: Synonyms | None = None
    definition: RichText
    see_also: list[Ref] = Field(default=[], description="`id`s of related terms.")


class ReferenceItem(_Model):
    """An entry of a reference list (a journey stage, an interface type, an industry ...)."""

    id: Id
    name: Text
    description: RichText | None = None


class RolesFile(_Model):
    """The organisational roles."""

    kind: Literal["roles"]
    roles: list[Role] = Field(min_length=1)


class GlossaryFile(_Model):
    """The glossary."""

    kind: Literal["glossary"]
    terms: list[Term] = Field(min_length=1)


ReferenceKind = Literal["journey-stages", "interface-types", "experience-layers", "information-kinds", "industries"]


class ReferenceFile(_Model):
    """An ordered reference list; the order is the order shown to readers."""

    kind: ReferenceKind
    title: Text
    items: list[ReferenceItem] = Field(min_length=1)
    sources: list[Source] = []


def iter_texts(value: object, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], LocalizedText]]:
    """Every localised text inside a model, with its location (keys and indexes) from the model's root."""
    if isinstance(value, LocalizedText):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from iter_texts(getattr(value, name), (*loc, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from iter_texts(item, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_texts(item, (*loc, key))


ContentFile: TypeAlias = Annotated[
    CaseStudy | Playbook | RolesFile | GlossaryFile | ReferenceFile,
    Field(discriminator="kind"),
]
"""Any content file, told apart by its `kind`."""
