"""One call from a project folder to a rendered site: load, link, render.

The MkDocs adapter and the CLI call only this module.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cemkit._internal.build.cache import BuildCache
from cemkit._internal.content.diagnostics import Diagnostic, Severity, sort_diagnostics
from cemkit._internal.content.images import HEADER_BYTES, image_data_problem
from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.content.linker import link_documents
from cemkit._internal.content.lint import LintOptions, lint_documents
from cemkit._internal.content.loader import CONTENT_DIRS, find_content_files, load_files
from cemkit._internal.content.models import LANGUAGES
from cemkit._internal.site.pages import SiteOutput, render_site
from cemkit._internal.site.urls import media_path


@dataclass
class BuildResult:
    """What a build produced and every problem found on the way."""

    knowledge: KnowledgeBase | None = None
    output: SiteOutput | None = None
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
    cache: BuildCache | None = None,
) -> BuildResult:
    """Load and link the content of the project at `root` (or only `paths`, if given).

    A `cache` kept between calls (as `mkdocs serve` does) avoids re-reading unchanged files.
    """
    with collector_paused():
        return _load_project(root, content_dirs=content_dirs, paths=paths, lint=lint, cache=cache)


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


def _load_project(
    root: Path,
    *,
    content_dirs: tuple[str, ...],
    paths: list[Path] | None,
    lint: LintOptions | None,
    cache: BuildCache | None,
) -> BuildResult:
    if paths is None:
        paths, problems = find_content_files(root, content_dirs)
    else:
        problems = []
    loaded = load_files(paths, root, cache=cache)
    diagnostics = [*problems, *loaded.diagnostics]
    knowledge, link_problems = link_documents(loaded.documents, known=loaded.invalid_ids)
    if loaded.unreadable:
        # A file that could not be parsed may define ids that others use: do not blame those references.
        link_problems = [d for d in link_problems if d.code != "unknown-ref"]
    if any(d.severity is Severity.ERROR for d in diagnostics):
        knowledge = None
    diagnostics += link_problems
    diagnostics += lint_documents(loaded.documents, lint)
    return BuildResult(knowledge=knowledge, diagnostics=sort_diagnostics(diagnostics))


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


def build_site(
    root: Path,
    *,
    content_dirs: tuple[str, ...] = CONTENT_DIRS,
    language: str = LANGUAGES[0],
    directory_urls: bool = True,
    lint: LintOptions | None = None,
    cache: BuildCache | None = None,
    loaded: BuildResult | None = None,
    pages: bool = True,
) -> BuildResult:
    """Load, link and render the site of one `language` of the project at `root`.

    `output` is `None` when there are errors. With `loaded`, the content loaded for another language's
    site, nothing is read again: only the pages of this language are rendered. Without `pages`, the
    output has every file but the pages (see `cemkit.background`).
    """
    if loaded is None:
        result = load_project(root, content_dirs=content_dirs, lint=lint, cache=cache)
    else:
        result = BuildResult(knowledge=loaded.knowledge, diagnostics=list(loaded.diagnostics))
    if result.knowledge is not None and not result.errors:
        with collector_paused():
            result.output = render_site(
                result.knowledge, lang=language, directory_urls=directory_urls, cache=cache, pages=pages
            )
        result.output.files.update(collect_media(root, result.knowledge))
    return result
