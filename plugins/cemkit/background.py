"""Render the generated pages in a forked process while MkDocs builds, so both use a core of their own.

The worker renders every page of each language in site order and writes each to a staging folder
(complete files only: each is renamed into place). For the Korean site it then splits the Korean
words of every page into nouns for the search index, so the builder never loads Kiwi's model. The
builder waits only for a page it reads before the worker has written it, which rendering (about
3 ms a page) ahead of MkDocs (about 10 ms a page) makes rare.

If the worker cannot start, stops early or makes no progress for `STALL_SECONDS`, what it did not
deliver is done in the builder: time is lost, never output.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cemkit._internal.build.workers import can_fork, usable_cores
from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.site.pages import PageRenderer
from cemkit._internal.site.search_data import KoreanAnalyzer, korean_words, proper_names

ANALYSED = ".korean-analysis.json"
"""The file of a site's analysed Korean words, written after its pages."""
STALL_SECONDS = 300.0
"""How long the builder waits for a file the worker is still expected to write."""


@dataclass(frozen=True)
class SitePlan:
    """One language's site to render."""

    lang: str
    directory_urls: bool = True
    handwritten: tuple[Path, ...] = ()
    """The site's own Markdown pages, whose Korean words the analysis includes."""

    @property
    def analyses_korean(self) -> bool:
        """Whether the site's search index gets Korean morphemes."""
        return self.lang == "ko"


@dataclass
class BackgroundRenderer:
    """Pages of several languages rendered by a forked worker into `staging/<lang>/<page>`."""

    knowledge: KnowledgeBase
    plans: list[SitePlan]
    staging: Path
    _jobs: dict[str, dict[str, Callable[[], str]]] = field(default_factory=dict)
    _pid: int | None = None

    def __post_init__(self) -> None:
        for plan in self.plans:
            renderer = PageRenderer(self.knowledge, lang=plan.lang, directory_urls=plan.directory_urls)
            self._jobs[plan.lang] = dict(renderer.page_jobs())

    @staticmethod
    def available() -> bool:
        """Whether a worker process would run on a core of its own here."""
        return usable_cores() >= 2 and can_fork()

    def sources(self, lang: str) -> list[str]:
        """The pages of the `lang` site, in site order."""
        return list(self._jobs[lang])

    def path(self, lang: str, src: str) -> Path:
        """Where the page `src` of the `lang` site is (or will be) written."""
        return self.staging / lang / src

    def start(self) -> bool:
        """Start the worker; `False` if it could not be started (every page is then rendered on request)."""
        if not self.available():
            return False
        try:
            pid = os.fork()
        except OSError:
            return False
        if pid == 0:  # pragma: no cover - runs in the worker, which leaves through os._exit
            status = 0
            try:
                self._work()
            except BaseException:  # the builder does what the worker did not deliver
                status = 1
            os._exit(status)
        self._pid = pid
        return True

    def page(self, lang: str, src: str) -> Path:
        """The written page, once the worker has delivered it (rendered here if the worker cannot)."""
        target = self.path(lang, src)
        if not self._wait(target):
            self._write(lang, src, self._jobs[lang][src]())
        return target

    def expansions(self, lang: str) -> dict[str, tuple[str, ...]]:
        """Korean word -> the nouns inside it, for every Korean word of the `lang` site."""
        target = self.path(lang, ANALYSED)
        if not self._wait(target):
            plan = next(plan for plan in self.plans if plan.lang == lang)
            pages = (self.page(lang, src).read_text(encoding="utf-8") for src in self.sources(lang))
            _write_analysis(target, korean_expansions(self.knowledge, pages, plan.handwritten))
        data = json.loads(target.read_text(encoding="utf-8"))
        return {word: tuple(nouns) for word, nouns in data.items()}

    def close(self) -> None:
        """Stop the worker if it is still running, and collect it."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            os.waitpid(self._pid, 0)
            self._pid = None

    def _wait(self, target: Path) -> bool:
        """Wait until the worker has written `target`; `False` if it stopped (or stalled) without writing it."""
        deadline = time.monotonic() + STALL_SECONDS
        delay = 0.001
        while not target.exists():
            if not self._running() or time.monotonic() > deadline:
                self.close()
                return target.exists()
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return True

    def _running(self) -> bool:
        if self._pid is None:
            return False
        pid, _ = os.waitpid(self._pid, os.WNOHANG)
        if pid == 0:
            return True
        self._pid = None  # it has ended and is collected
        return False

    def _work(self) -> None:
        """What the worker does: every page of every plan, then each Korean site's analysis."""
        gc.disable()  # a short-lived process: reference counting frees what it drops
        for plan in self.plans:
            words: set[str] = set()
            for src, render in self._jobs[plan.lang].items():
                text = render()
                self._write(plan.lang, src, text)
                if plan.analyses_korean:
                    words |= korean_words([text])
            if plan.analyses_korean:
                words |= korean_words(_read(plan.handwritten))
                _write_analysis(self.path(plan.lang, ANALYSED), _analyse(self.knowledge, words))

    def _write(self, lang: str, src: str, text: str) -> None:
        target = self.path(lang, src)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)


def korean_expansions(
    knowledge: KnowledgeBase, pages: Iterable[str], handwritten: Iterable[Path] = ()
) -> dict[str, tuple[str, ...]]:
    """Korean word -> the nouns inside it, for the Korean words of `pages` and of the `handwritten` files."""
    return _analyse(knowledge, korean_words(pages) | korean_words(_read(handwritten)))


def _analyse(knowledge: KnowledgeBase, words: set[str]) -> dict[str, tuple[str, ...]]:
    return KoreanAnalyzer(sorted(set(proper_names(knowledge)))).expand(words)


def _read(paths: Iterable[Path]) -> Iterable[str]:
    for path in paths:
        try:
            yield path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # MkDocs reports unreadable pages itself


def _write_analysis(target: Path, expansions: dict[str, tuple[str, ...]]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(json.dumps(expansions, ensure_ascii=False), encoding="utf-8")
    partial.replace(target)
