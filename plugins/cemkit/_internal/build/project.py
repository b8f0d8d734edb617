"""The project: content loaded and linked once, and the complete site source of each language.

Every adapter goes through `Project`: the MkDocs/ProperDocs plugin hands its sources to MkDocs,
`cemkit export` writes them to disk, and the CLI validates with `load_project`.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from cemkit._internal.build.reads import Digests
from cemkit._internal.build.source import SiteSource, SiteSpec, site_files
from cemkit._internal.build.store import SourceStore
from cemkit._internal.build.workers import Workers
from cemkit._internal.content.diagnostics import Diagnostic, Severity, sort_diagnostics
from cemkit._internal.content.filecache import FileCache
from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.content.linker import link_documents
from cemkit._internal.content.lint import LintOptions, lint_documents
from cemkit._internal.content.loader import CONTENT_DIRS, find_content_files, load_files
from cemkit._internal.site.pages import plan_pages

CACHE_DIR = Path(".cache") / "cemkit"
"""Where a project keeps its store of generated files, relative to the project folder."""


@dataclass
class Content:
    """The project's content after loading and linking, and every problem found on the way."""

    knowledge: KnowledgeBase | None = None
    """`None` when the content has errors."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        """The problems that stop the build."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The problems that only fail strict builds."""
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


def load_project(
    root: Path,
    *,
    content_dirs: tuple[str, ...] = CONTENT_DIRS,
    paths: list[Path] | None = None,
    lint: LintOptions | None = None,
    parallel: bool = True,
) -> Content:
    """Load and link the content of the project at `root` (or only `paths`, if given)."""
    return load_content(root, content_dirs=content_dirs, paths=paths, lint=lint, parallel=parallel)


def load_content(
    root: Path,
    *,
    content_dirs: tuple[str, ...] = CONTENT_DIRS,
    paths: list[Path] | None = None,
    lint: LintOptions | None = None,
    cache: FileCache | None = None,
    parallel: bool = True,
) -> Content:
    """`load_project`, with a `cache` kept between calls (as a long-lived `Project` does).

    With the cache, files whose size and modification time are unchanged are not read again.
    """
    workers = Workers(parallel=parallel)
    try:
        with collector_paused():
            return _load(root, content_dirs, paths, lint, cache, workers)
    finally:
        workers.close()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch of long-lived objects is built.

    Loading creates millions of objects (nodes, models) that nearly all stay alive; the collector would
    walk the growing heap again and again, which took half the loading time. Reference counting still
    frees everything that is dropped, and the collector resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(  # noqa: PLR0917 - private, called once with every argument
    root: Path,
    content_dirs: tuple[str, ...],
    paths: list[Path] | None,
    lint: LintOptions | None,
    cache: FileCache | None,
    workers: Workers,
) -> Content:
    problems: list[Diagnostic] = []
    if paths is None:
        paths, problems = find_content_files(root, content_dirs)
    loaded = load_files(paths, root, cache=cache, map_files=workers.map)
    diagnostics = [*problems, *loaded.diagnostics]
    knowledge, link_problems = link_documents(loaded.documents, known=loaded.invalid_ids)
    if loaded.unreadable:
        # A file that could not be parsed may define ids that others use: do not blame those references.
        link_problems = [d for d in link_problems if d.code != "unknown-ref"]
    if any(d.severity is Severity.ERROR for d in diagnostics):
        knowledge = None
    diagnostics += link_problems
    diagnostics += lint_documents(loaded.documents, lint)
    return Content(knowledge=knowledge, diagnostics=sort_diagnostics(diagnostics))


class Project:
    """A project folder: its content, loaded on `load`, and the site sources made from it by `sites`.

    A long-lived project (`mkdocs serve`) re-reads only the files that changed since the last `load`
    and, through its store in `cache_dir`, renders only the pages whose inputs changed; so does a
    new project over the same `cache_dir` (a repeated or `--dirty` build). Close it when done.
    """

    def __init__(
        self,
        root: Path,
        *,
        content_dirs: tuple[str, ...] = CONTENT_DIRS,
        lint: LintOptions | None = None,
        cache_dir: Path | None = None,
        parallel: bool = True,
    ) -> None:
        self.root = root
        self.content_dirs = content_dirs
        self.lint = lint
        self.cache_dir = cache_dir if cache_dir is not None else root / CACHE_DIR
        self.parallel = parallel
        self.content = Content()
        self._files = FileCache()
        self._stores: dict[tuple[str, bool], SourceStore] = {}
        self._sources: dict[str, SiteSource] = {}
        self._workers: Workers | None = None
        self._digests: dict[int, tuple[object, str]] = {}
        self._frozen = False

    def load(self) -> Content:
        """Load and link the content again (only changed files are read again)."""
        self._end_sources()
        self.content = load_content(
            self.root, content_dirs=self.content_dirs, lint=self.lint, cache=self._files, parallel=self.parallel
        )
        return self.content

    def sites(self, specs: Sequence[SiteSpec]) -> dict[str, SiteSource]:
        """The site source of each language in `specs`, from the content of the last `load`.

        Pages whose inputs changed are rendered ahead, in the order of `specs` and of the site, on the
        other cores when there are some: read each with `SiteSource.ready`. With errors in the content,
        every source is the error page in place of each page of the last good build.
        """
        self._end_sources()
        knowledge = self.content.knowledge if not self.content.errors else None
        if knowledge is None:
            self._sources = {
                spec.lang: SiteSource._error_site(spec, self._store(spec), self.content.errors) for spec in specs
            }
            return self._sources
        digests, plans, salt = Digests(knowledge, self._digests), plan_pages(knowledge), renderer_digest()
        self._digests = digests.memo
        self._workers = Workers(parallel=self.parallel)
        token = self._workers.share(knowledge=knowledge, digests=digests)
        if self._workers.processes:
            # The knowledge base lives as long as the build: keep it out of the collector's passes, which
            # would also copy the memory the workers share with this process.
            gc.collect()
            gc.freeze()
            self._frozen = True
        for spec in specs:
            files = site_files(knowledge, self.root, spec)
            source = SiteSource(spec, self._store(spec), files, knowledge, self._workers)
            source._render_ahead(plans, digests, salt=f"{salt}|{spec.lang}|{spec.directory_urls}", token=token)
            self._sources[spec.lang] = source
        return self._sources

    def close(self) -> None:
        """Finish the sources, end the workers, and save and release the stores."""
        self._end_sources()
        for store in self._stores.values():
            store.close()
        self._stores.clear()

    def _end_sources(self) -> None:
        for source in self._sources.values():
            source.close()
        self._sources = {}
        if self._workers is not None:
            self._workers.close()
            self._workers = None
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def _store(self, spec: SiteSpec) -> SourceStore:
        key = (spec.lang, spec.directory_urls)
        if key not in self._stores:
            name = f"{spec.lang}-{'directory' if spec.directory_urls else 'file'}-urls"
            self._stores[key] = SourceStore(self.cache_dir, name)
        return self._stores[key]


@cache
def renderer_digest() -> str:
    """A digest of cemkit's own code and templates: a page rendered by other code is rendered again."""
    package = Path(str(resources.files("cemkit")))
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".j2") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()
