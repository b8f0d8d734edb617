"""The content model: what a case study, a stage playbook and the reference lists may contain.

The models are the single source of truth: the loader validates YAML against them and the JSON
Schema that editors' tools use (`cemkit schema`) is exported from them. They do no I/O. Their
field types (ids, localised and rich text, dates) are in `cemkit._internal.content.fields`.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import Field, StrictBool

from cemkit._internal.content.fields import (
    LANGUAGES,
    MAX_PLAIN_CHARS,
    Id,
    IsoDate,
    LocalizedText,
    NonEmptyStr,
    Ref,
    RichLocalizedText,
    RichText,
    StrictModel,
    Text,
    iter_texts,
)

__all__ = [
    "LANGUAGES",
    "MAX_PLAIN_CHARS",
    "LocalizedText",
    "RichLocalizedText",
    "iter_texts",
]
Part = Literal["responsible", "accountable", "consulted", "informed"]


class Source(StrictModel):
    """A publication a reader can check."""

    id: Id
    author: NonEmptyStr = Field(description="Author(s) or publishing organisation.")
    title: NonEmptyStr = Field(description="Title as published, in its own language.")
    publisher: NonEmptyStr | None = Field(default=None, description="Publisher, journal or website.")
    year: int = Field(ge=1800, le=2100, description="Year of publication.")
    locator: NonEmptyStr | None = Field(default=None, description="Chapter, page or section, e.g. 'ch. 3, pp. 45-52'.")
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = Field(default=None, description="Where to read it.")
    note: Text | None = Field(default=None, description="What this source supports, or doubts about it.")


class Figure(StrictModel):
    """An image from the project, shown with its alternative text."""

    src: NonEmptyStr = Field(description="Path of the image inside the project, relative to the YAML file.")
    alt: Text = Field(description="What the image shows, for readers who cannot see it.")
    caption: Text | None = None
    credit: NonEmptyStr | None = Field(default=None, description="Who made the image and under which licence.")


class StageNote(StrictModel):
    """What a case teaches about one stage."""

    stage: Ref = Field(description="The `id` of a playbook.")
    lesson: RichText


class LayerNote(StrictModel):
    """What a case shows about one layer of the customer's experiential world."""

    layer: Ref = Field(description="The `id` of an experience layer.")
    note: RichText


class Touchpoint(StrictModel):
    """A place where customer and company meet."""

    id: Id
    name: Text
    journey_stage: Ref = Field(description="The `id` of a journey stage.")
    interface_type: Ref = Field(description="The `id` of an interface type.")
    note: Text | None = None


class Platform(StrictModel):
    """The experiential platform, as far as the sources describe it."""

    positioning: Text | None = None
    value_promise: Text | None = Field(default=None, description="The experiential value promise (EVP).")
    implementation_theme: Text | None = None


class Outcome(StrictModel):
    """A result of the case, attributed to the source that reports it."""

    text: Text
    source: Ref | None = Field(default=None, description="The `id` of an entry in this case's `sources`.")


class WorksheetExample(StrictModel):
    """A stage worksheet filled in from the case."""

    stage: Ref
    values: dict[Ref, Text] = Field(description="Worksheet field `id` -> the value taken from the case.")


class CaseStudy(StrictModel):
    """A case study: what a company did and what it teaches about CEM."""

    kind: Literal["case"]
    id: Id
    title: Text = Field(description="What the case is about, in a few words.")
    company: Text = Field(description="The company or organisation.")
    industry: Ref = Field(description="The `id` of an industry.")
    country: Text = Field(description="Where it happened.")
    period: Text = Field(
        description="When the case happened, e.g. '1999-2003', or {en: early 2000s, ko: 2000년대 초} for words."
    )
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
    how_we_know: RichText | None = Field(
        default=None,
        description="Which parts of the case come from its sources (cite them with `[^source-id]`) and which are this "
        "project's own reading; shown on every case page.",
    )
    sources: list[Source] = Field(min_length=1, description="Publications a reader can check; at least one.")
    reviewed: IsoDate = Field(description="When an editor last checked the case against its sources.")
    draft: StrictBool = Field(default=False, description="Drafts are validated but not published.")


class RoleAssignment(StrictModel):
    """A role's part in a step."""

    role: Ref = Field(description="The `id` of a role.")
    part: Part = Field(description="responsible, accountable, consulted or informed.")
    does: Text = Field(description="What this role does in the step.")


class ChecklistItem(StrictModel):
    """One observable action a trainee can tick."""

    id: Id
    text: Text


class Step(StrictModel):
    """One step of a playbook."""

    id: Id
    title: Text = Field(description="What to do, as an instruction.")
    how: RichText = Field(description="What to do and how.")
    methods: list[Text] = Field(default=[], description="Techniques to use in the step.")
    time: Text | None = Field(default=None, description="A typical duration, e.g. '2-4 weeks'.")
    roles: list[RoleAssignment] = Field(min_length=1, description="Who takes part, and how.")
    checklist: list[ChecklistItem] = Field(min_length=1, description="Observable actions a trainee ticks.")


class KeyQuestion(StrictModel):
    """A question the team must be able to answer."""

    id: Id
    text: Text
    hint: Text | None = None


class Deliverable(StrictModel):
    """Something the stage produces."""

    id: Id
    name: Text
    description: Text | None = None


class Measure(StrictModel):
    """A way to tell whether the stage works."""

    id: Id
    name: Text
    description: Text


class WorksheetField(StrictModel):
    """One field of a stage worksheet."""

    id: Id
    label: Text
    prompt: Text = Field(description="The question the team answers in this field.")
    example: Text = Field(description="A short example answer.")


class Worksheet(StrictModel):
    """The template a team fills in for a stage."""

    title: Text
    fields: list[WorksheetField] = Field(min_length=1)


class Playbook(StrictModel):
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


class Role(StrictModel):
    """An organisational role with tasks across the stages."""

    id: Id
    name: Text
    description: RichText


class Synonyms(StrictModel):
    """Other words readers use for a term, per language."""

    en: list[NonEmptyStr] = []
    ko: list[NonEmptyStr] = []


class Term(StrictModel):
    """A glossary term."""

    id: Id
    term: Text
    abbreviation: NonEmptyStr | None = None
    synonyms: Synonyms | None = None
    definition: RichText
    see_also: list[Ref] = Field(default=[], description="`id`s of related terms.")


class ReferenceItem(StrictModel):
    """An entry of a reference list (a journey stage, an interface type, an industry ...)."""

    id: Id
    name: Text
    description: RichText | None = None


class RolesFile(StrictModel):
    """The organisational roles."""

    kind: Literal["roles"]
    roles: list[Role] = Field(min_length=1)


class GlossaryFile(StrictModel):
    """The glossary."""

    kind: Literal["glossary"]
    terms: list[Term] = Field(min_length=1)


ReferenceKind = Literal["journey-stages", "interface-types", "experience-layers", "information-kinds", "industries"]


class ReferenceFile(StrictModel):
    """An ordered reference list; the order is the order shown to readers."""

    kind: ReferenceKind
    title: Text
    items: list[ReferenceItem] = Field(min_length=1)
    sources: list[Source] = []


ContentFile: TypeAlias = Annotated[
    CaseStudy | Playbook | RolesFile | GlossaryFile | ReferenceFile,
    Field(discriminator="kind"),
]
"""Any content file, told apart by its `kind`."""
