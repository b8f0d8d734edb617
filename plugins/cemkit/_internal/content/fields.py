"""The field types of the content model: ids, visible plain text, localised and rich text, dates.

Text that readers see is localised: either a plain string, shown in every language, or a mapping
`{en: ..., ko: ...}`. Fields typed `RichText` hold restricted Markdown (no raw HTML); all other
text is plain, at most `MAX_PLAIN_CHARS` long, and is escaped when rendered.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, TypeAlias

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
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


class StrictModel(BaseModel):
    """A content model: unknown keys refused, values frozen, surrounding spaces stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True, str_strip_whitespace=True)


class LocalizedText(StrictModel):
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
