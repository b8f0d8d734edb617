"""What a page read from the knowledge base, so that a cached page is reused only when all of it is unchanged.

A page is rendered from a `recording_view` of the knowledge base: every lookup (`kb.cases["x"]`,
`"x" in kb.terms`, `kb.source_files[("case", "x")]`, `kb.indexes.related_cases.get("x")`) and every
walk over a whole collection is written to its `ReadLog`. The page's cache key is then the digest of
exactly what it read, so a page cannot miss a change it depends on: there is no hand-written list of
dependencies to forget an entry in (the path an image URL is computed from is a read like any other).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import ItemsView as ItemsViewBase
from collections.abc import Iterator, KeysView, Mapping, ValuesView
from typing import Any, TypeVar

from pydantic import BaseModel

from cemkit._internal.content.knowledge import Indexes, KnowledgeBase

Key = TypeVar("Key")
Value = TypeVar("Value")

EVERYTHING = "*"
"""The key recorded when a whole collection is walked."""

Read = tuple[str, str]
"""(collection, key as JSON): one thing a page read."""


class ReadLog:
    """The reads of one page."""

    def __init__(self) -> None:
        self._raw: set[tuple[str, object]] = set()

    def add(self, collection: str, key: object) -> None:
        """Record that `key` of `collection` was read (or `EVERYTHING`)."""
        self._raw.add((collection, key))

    @property
    def reads(self) -> list[Read]:
        """Every read, sorted, with keys as JSON."""
        return sorted({(name, key if key == EVERYTHING else json.dumps(key)) for name, key in self._raw})


class RecordingMapping(Mapping[Key, Value]):
    """A read-only mapping that records each key looked up, and any walk over all of it."""

    def __init__(self, name: str, data: Mapping[Key, Value], log: ReadLog) -> None:
        self._name, self._data, self._log = name, data, log

    def __getitem__(self, key: Key) -> Value:
        self._log.add(self._name, key)
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        self._log.add(self._name, key)
        return key in self._data

    def get(self, key: Key, default: Any = None) -> Any:
        """The value of `key`, or `default`; the lookup is recorded either way."""
        self._log.add(self._name, key)
        return self._data.get(key, default)

    def __iter__(self) -> Iterator[Key]:
        self._log.add(self._name, EVERYTHING)
        return iter(self._data)

    def __len__(self) -> int:
        self._log.add(self._name, EVERYTHING)
        return len(self._data)

    def keys(self) -> KeysView[Key]:
        """Every key (a walk over everything)."""
        self._log.add(self._name, EVERYTHING)
        return self._data.keys()

    def values(self) -> ValuesView[Value]:
        """Every value (a walk over everything)."""
        self._log.add(self._name, EVERYTHING)
        return self._data.values()

    def items(self) -> ItemsViewBase[Key, Value]:
        """Every item (a walk over everything)."""
        self._log.add(self._name, EVERYTHING)
        return self._data.items()


def collections_of(knowledge: KnowledgeBase) -> dict[str, Mapping[Any, Any]]:
    """Every mapping of the knowledge base by name (its indexes as `indexes.<name>`)."""
    found: dict[str, Mapping[Any, Any]] = {}
    for item in dataclasses.fields(knowledge):
        value = getattr(knowledge, item.name)
        if isinstance(value, Mapping):
            found[item.name] = value
    for item in dataclasses.fields(knowledge.indexes):
        found[f"indexes.{item.name}"] = getattr(knowledge.indexes, item.name)
    return found


def recording_view(knowledge: KnowledgeBase, log: ReadLog) -> KnowledgeBase:
    """The same knowledge base, with every read written to `log`."""
    wrapped = {name: RecordingMapping(name, data, log) for name, data in collections_of(knowledge).items()}
    indexes = Indexes(**{item.name: wrapped[f"indexes.{item.name}"] for item in dataclasses.fields(Indexes)})
    top = {item.name: wrapped[item.name] for item in dataclasses.fields(knowledge) if item.name in wrapped}
    return dataclasses.replace(knowledge, indexes=indexes, **top)


class Digests:
    """Digests of what can be read from one knowledge base, each computed once."""

    def __init__(self, knowledge: KnowledgeBase, memo: dict[int, tuple[object, str]] | None = None) -> None:
        self._collections = collections_of(knowledge)
        self._known: dict[Read, str] = {}
        self._earlier = memo or {}
        self.memo: dict[int, tuple[object, str]] = {}
        """Digests of the objects digested here, by identity: pass it to the next `Digests` (unchanged
        files give the very same model objects under `mkdocs serve`)."""

    def of(self, read: Read) -> str:
        """The digest of what `read` returns today (a missing key has a digest too)."""
        known = self._known.get(read)
        if known is None:
            collection, key = read
            data = self._collections.get(collection, {})
            if key == EVERYTHING:
                value: object = [[item_key, self.of((collection, json.dumps(item_key)))] for item_key in data]
                known = digest(value)
            else:
                known = self._object_digest(data.get(_key(json.loads(key)), _MISSING))
            self._known[read] = known
        return known

    def _object_digest(self, value: object) -> str:
        earlier = self._earlier.get(id(value)) or self.memo.get(id(value))
        if earlier is not None and earlier[0] is value:
            self.memo[id(value)] = earlier
            return earlier[1]
        found = digest(value)
        if isinstance(value, BaseModel):
            self.memo[id(value)] = (value, found)
        return found

    def combined(self, reads: Iterator[Read] | list[Read], salt: str) -> str:
        """One digest for a set of reads and a `salt` (what else the page depends on)."""
        lines = [salt, *(f"{collection}\x1f{key}\x1f{self.of((collection, key))}" for collection, key in sorted(reads))]
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


_MISSING = {"\x00missing": True}


def _key(value: object) -> object:
    """A key read back from JSON: lists were tuples (e.g. `("case", "westin")` in `source_files`)."""
    return tuple(_key(item) for item in value) if isinstance(value, list) else value


def digest(value: object) -> str:
    """A SHA-256 of a value's content: models, dataclasses, mappings, sequences and plain values."""
    return hashlib.sha256(json.dumps(_plain(value), sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return [[_plain(key), _plain(item)] for key, item in value.items()]
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return value
