"""The complete generated source of one language's site: pages, data, downloads, assets and media.

Each file sits in the site's `SourceStore`, where an engine reads it (`path`) or an export copies it
(`write`). Pages whose reads changed are rendered by jobs submitted in site order, so that on a
machine with two or more cores they are ready before an engine asks for them; `ready` waits for one
page, `finish` for all. When the content has errors, `error_site` puts an error page in place of
each page of the last good build.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cemkit._internal.build.reads import Digests, Read, ReadLog, digest, recording_view
from cemkit._internal.build.store import PageRecord, SourceStore, sha256, write_if_changed
from cemkit._internal.build.workers import Workers, shared
from cemkit._internal.content.diagnostics import CemkitError, Diagnostic
from cemkit._internal.content.images import HEADER_BYTES, image_data_problem
from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.site.casedata import DATA_FILE, render_case_data
from cemkit._internal.site.pages import PagePlan, PageRenderer, edit_paths, render_error_page
from cemkit._internal.site.search_data import KoreanAnalyzer, korean_words, proper_names
from cemkit._internal.site.static_files import site_assets
from cemkit._internal.site.urls import SECTIONS, media_path, page_src
from cemkit._internal.site.worksheets import worksheet_files

CHUNK_PAGES = 32
"""Pages per rendering job: small enough that the first pages are ready soon."""
_ERRORS = "errors"
"""Folder of the store holding the error pages, so the last good pages stay as they were."""


@dataclass(frozen=True)
class SiteSpec:
    """One language's site to produce."""

    lang: str
    directory_urls: bool = True
    handwritten: tuple[Path, ...] = ()
    """The site's own Markdown pages, whose Korean words the search analysis includes."""


@dataclass(frozen=True)
class RenderedPage:
    """What a rendering job reports for one page it wrote into the store."""

    src: str
    sha: str
    key: str
    """The digest of the page's reads (see `Digests.combined`)."""
    reads: list[Read]
    korean: frozenset[str]
    """The Korean words of the page (Korean sites only)."""


def site_files(knowledge: KnowledgeBase, root: Path, spec: SiteSpec) -> dict[str, bytes]:
    """Every file of a site that is not a page: case data, worksheet downloads, assets and figures."""
    files = worksheet_files(list(knowledge.playbooks.values()), spec.lang)
    files[DATA_FILE] = render_case_data(knowledge, lang=spec.lang, directory_urls=spec.directory_urls)
    files.update(collect_media(root, knowledge))
    files.update(site_assets(spec.lang))
    return files


def collect_media(root: Path, knowledge: KnowledgeBase) -> dict[str, bytes]:
    """The images the published cases show, by site path.

    The loader has checked each path and file; the bytes are checked again as they are read, so a file
    replaced since then is left out rather than published unchecked.
    """
    media: dict[str, bytes] = {}
    for case in knowledge.cases.values():
        yaml_path = knowledge.source_files[("case", case.id)]
        for figure in case.figures:
            data = (root / yaml_path).parent.joinpath(figure.src).read_bytes()
            if image_data_problem(figure.src, len(data), data[:HEADER_BYTES]) is None:
                media[media_path(yaml_path, figure.src)] = data
    return media


class SiteSource:
    """The generated files of one language's site, kept in a `SourceStore`."""

    def __init__(
        self,
        spec: SiteSpec,
        store: SourceStore,
        files: dict[str, bytes],
        knowledge: KnowledgeBase | None,
        workers: Workers | None,
    ) -> None:
        self.spec = spec
        self.store = store
        self.knowledge = knowledge
        self.broken = knowledge is None
        """Whether the content has errors (the pages are error pages)."""
        self.pages: list[str] = []
        """Site paths of the pages, in site order."""
        self.files = sorted(files)
        """Site paths of the other files."""
        self.edit_paths = edit_paths(knowledge) if knowledge is not None else {}
        """Page -> the YAML file it is generated from (project-relative)."""
        self.removed: list[str] = []
        """Site paths the previous build of this site had and this one has not (a deleted case)."""
        self._workers = workers
        self._pending: dict[str, Future[list[RenderedPage]]] = {}
        self._digests: Digests | None = None
        self._salt = ""
        self._korean: set[str] = set()
        self._analysis: Future[dict[str, list[str]]] | None = None
        self._error_pages: set[str] = set()
        if store.index.touch_all and knowledge is not None:
            store.touch_everything()
        for path, data in files.items():
            store.put_file(path, data)

    @classmethod
    def _error_site(cls, spec: SiteSpec, store: SourceStore, errors: list[Diagnostic]) -> SiteSource:
        """The error page in place of every page of the last good build and of every section index."""
        source = cls(spec, store, {}, None, None)
        source.files = sorted(store.index.files)
        source.pages = sorted(set(store.index.pages) | {page_src(kind, None) for kind in SECTIONS})
        source._error_pages = set(source.pages)
        data = render_error_page(errors, lang=spec.lang).encode("utf-8")
        for src in source.pages:
            write_if_changed(source.path(src), data, sha256(data), None)
        store.index.touch_all = True
        return source

    def _render_ahead(self, plans: Sequence[PagePlan], digests: Digests, *, salt: str, token: str) -> None:
        """Start rendering the pages whose reads changed since the store's last build."""
        assert self._workers is not None
        self._digests, self._salt = digests, salt
        self.pages = [plan.src for plan in plans]
        self.removed = self.store.keep_only({*self.pages, *self.files})
        stale = [plan for plan in plans if not self._fresh(plan.src)]
        for start in range(0, len(stale), CHUNK_PAGES):
            chunk = [(plan, self._known_sha(plan.src)) for plan in stale[start : start + CHUNK_PAGES]]
            future = self._workers.submit(_render_chunk, token, self.spec, str(self.store.files_dir), chunk, salt)
            self._pending.update(dict.fromkeys((plan.src for plan, _ in chunk), future))

    def path(self, site_path: str) -> Path:
        """Where the file at `site_path` is (a page: once `ready` returned)."""
        if site_path in self._error_pages:
            return self.store.folder / _ERRORS / site_path
        return self.store.path(site_path)

    def ready(self, site_path: str) -> Path:
        """The file of a page, waiting until it is written if it is being rendered."""
        future = self._pending.get(site_path)
        if future is not None:
            self._collect(future)
        return self.path(site_path)

    def finish(self) -> None:
        """Wait until every page is written."""
        while self._pending:
            self._collect(next(iter(self._pending.values())))

    def text(self, site_path: str) -> str:
        """The content of a page or text file."""
        return self.ready(site_path).read_text(encoding="utf-8")

    def start_korean_analysis(self) -> None:
        """Start splitting the site's Korean words into nouns for search (see `korean_expansions`)."""
        if self.knowledge is None or self.spec.lang != "ko" or self._analysis is not None:
            return
        self.finish()
        names = sorted(set(proper_names(self.knowledge)))
        names_digest = digest(names)
        cached = self.store.index.extra.get("korean")
        known: dict[str, list[str]] = {}
        words = set(self._korean) | korean_words(_read_texts(self.spec.handwritten))
        if isinstance(cached, dict) and cached.get("names") == names_digest:
            known = cached["words"]
        else:  # nothing known for these names: every page's words are needed
            words |= korean_words(_read_texts(self.path(src) for src in self.pages))
        missing = sorted(words - set(known))
        self.store.index.extra["korean"] = {"names": names_digest, "words": known}
        if missing and self._workers is not None:
            self._analysis = self._workers.submit(_analyse_korean, names, missing)

    def korean_expansions(self) -> dict[str, tuple[str, ...]]:
        """Korean word -> the nouns inside it, for every Korean word of the site (empty for other languages)."""
        self.start_korean_analysis()
        cached = self.store.index.extra.get("korean")
        if not isinstance(cached, dict):
            return {}
        if self._analysis is not None:
            try:
                cached["words"].update(self._analysis.result())
            except ImportError as error:
                message = f"Korean search needs kiwipiepy ({error}); run: pip install cemkit"
                raise CemkitError(message) from error
            self._analysis = None
        return {word: tuple(nouns) for word, nouns in cached["words"].items()}

    def korean_nouns(self, words: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The nouns inside each of `words` (Korean), analysing the words the pages did not have (theme text)."""
        known = self.korean_expansions()
        missing = sorted(set(words) - known.keys())
        if missing and self.knowledge is not None:
            names = sorted(set(proper_names(self.knowledge)))
            job = self._workers.submit(_analyse_korean, names, missing) if self._workers is not None else None
            found = job.result() if job is not None else _analyse_korean(names, missing)
            self.store.index.extra["korean"]["words"].update(found)
            known.update({word: tuple(nouns) for word, nouns in found.items()})
        return known

    def write(self, dest: Path) -> None:
        """Copy every page and file into the folder `dest`."""
        self.finish()
        for site_path in [*self.pages, *self.files]:
            target = dest / site_path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.path(site_path), target)

    def remove_outputs(self, site_dir: Path) -> None:
        """Delete from a built site what this build no longer has (a deleted case), for `--dirty` builds."""
        for site_path in self.removed:
            built = site_dir / (site_path.removesuffix(".md") + ".html" if site_path.endswith(".md") else site_path)
            built.unlink(missing_ok=True)
            for folder in built.parents:
                if folder == site_dir or not folder.is_relative_to(site_dir) or any(folder.iterdir()):
                    break
                folder.rmdir()

    def close(self) -> None:
        """Finish the pages still being rendered, so the store records them."""
        self.finish()

    def _fresh(self, src: str) -> bool:
        record = self.store.index.pages.get(src)
        return (
            record is not None
            and self._digests is not None
            and self.store.fresh(src, self._digests.combined(record.reads, self._salt))
        )

    def _known_sha(self, src: str) -> str | None:
        record = self.store.index.pages.get(src)
        return record.sha if record is not None else None

    def _collect(self, future: Future[list[RenderedPage]]) -> None:
        assert self._digests is not None
        for page in future.result():
            self.store.record_page(page.src, PageRecord(page.key, page.reads, page.sha))
            self._korean |= page.korean
            self._pending.pop(page.src, None)


def _render_chunk(
    token: str, spec: SiteSpec, files_dir: str, chunk: list[tuple[PagePlan, str | None]], salt: str
) -> list[RenderedPage]:
    """A job: render some pages of a site into the store, each from a view that records its reads."""
    knowledge: KnowledgeBase = shared(token, "knowledge")
    digests: Digests = shared(token, "digests")
    rendered = []
    for plan, known_sha in chunk:
        log = ReadLog()
        renderer = PageRenderer(recording_view(knowledge, log), lang=spec.lang, directory_urls=spec.directory_urls)
        text = renderer.render_page(plan)
        data = text.encode("utf-8")
        sha = sha256(data)
        write_if_changed(Path(files_dir) / plan.src, data, sha, known_sha)
        words = frozenset(korean_words([text])) if spec.lang == "ko" else frozenset()
        reads = log.reads
        rendered.append(RenderedPage(plan.src, sha, digests.combined(reads, salt), reads, words))
    return rendered


def _analyse_korean(names: list[str], words: list[str]) -> dict[str, list[str]]:
    """A job: the nouns inside each Korean word, with the knowledge base's names as Kiwi's dictionary."""
    return {word: list(nouns) for word, nouns in _analyzer(tuple(names)).expand(words).items()}


@lru_cache(maxsize=1)
def _analyzer(names: tuple[str, ...]) -> KoreanAnalyzer:
    """Kiwi with these names, kept while they stay the same (its model takes a second to load)."""
    return KoreanAnalyzer(names)


def _read_texts(paths: Iterable[Path]) -> list[str]:
    texts = []
    for path in paths:
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue  # the engine reports unreadable pages itself
    return texts
