"""The MkDocs adapter: thin glue between MkDocs' events and `cemkit.pipeline`.

All MkDocs imports live in this module. Under `mkdocs serve` a content error never stops the
server: the errors are logged and shown in place of the generated pages until the next good save.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from cemkit.assets import ASSET_FILES, asset_bytes
from cemkit.cache import BuildCache
from cemkit.errors import Diagnostic
from cemkit.lint import DEFAULT_MAX_REVIEW_AGE_DAYS, LintOptions
from cemkit.loader import CONTENT_DIRS
from cemkit.models import LANGUAGES
from cemkit.pipeline import BuildResult, build_site
from cemkit.renderer import SiteOutput, render_error_page
from cemkit.urls import SECTIONS, lang_prefix, page_language, page_src

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

log = get_plugin_logger("cemkit")

REQUIRED_EXTENSIONS = ("attr_list", "toc", "tables")
"""Markdown extensions the generated pages rely on."""


class CemkitConfig(Config):
    """Options of the `cem` plugin in `mkdocs.yml`."""

    project_dir = c.Optional(c.Dir(exists=True))
    """Folder holding `cases/` and `playbooks/`; defaults to the folder of `mkdocs.yml`."""
    content_dirs = c.ListOfItems(c.Type(str), default=list(CONTENT_DIRS))
    languages = c.ListOfItems(c.Choice(LANGUAGES), default=list(LANGUAGES))
    review_max_age_days = c.Type(int, default=DEFAULT_MAX_REVIEW_AGE_DAYS)
    """Warn about cases whose `reviewed` date is older than this many days."""


class CemkitPlugin(BasePlugin[CemkitConfig]):
    """Generates the case, stage, role and glossary pages from the project's YAML content."""

    def __init__(self) -> None:
        self.serving = False
        self.last_good: SiteOutput | None = None
        self.cache = BuildCache()
        self.staging: Path | None = None
        """While serving, the folder holding generated files (see `_generated_file`)."""
        self.staged: dict[str, str | bytes] = {}

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:  # noqa: ARG002
        """Remember whether this is `mkdocs serve`, where content errors must not stop the server."""
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Check the Markdown extensions the pages need and add the stylesheet and scripts."""
        missing = [name for name in REQUIRED_EXTENSIONS if name not in config.markdown_extensions]
        if missing:
            raise PluginError(f"cemkit: add {', '.join(missing)} to markdown_extensions in mkdocs.yml")
        for path in ASSET_FILES:
            if path.endswith(".css") and path not in config.extra_css:
                config.extra_css.append(path)
            if path.endswith(".js") and path not in config.extra_javascript:
                config.extra_javascript.append(path)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Build the knowledge base and add every generated page, data file and asset."""
        root = self._root(config)
        result = build_site(
            root,
            content_dirs=tuple(self.config.content_dirs),
            languages=tuple(self.config.languages),
            directory_urls=config.use_directory_urls,
            lint=LintOptions(max_review_age_days=self.config.review_max_age_days),
            cache=self.cache if self.serving else None,
        )
        for warning in result.warnings:
            log.warning(str(warning))
        output = self._output(result)
        docs_dir = Path(config.docs_dir)
        generated: dict[str, str | bytes] = {**output.pages, **output.files}
        generated.update({path: asset_bytes(path) for path in ASSET_FILES})
        for src_uri, content in generated.items():
            file = self._generated_file(config, src_uri, content)
            yaml_path = output.edit_paths.get(src_uri)
            if yaml_path is not None:
                file.edit_uri = _relative_posix(root / yaml_path, docs_dir)
            self._add(files, file, config)
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Give each other language's folder a copy of the sitemap, which Material's language menu looks for."""
        site = Path(config.site_dir)
        for lang in self.config.languages:
            prefix = lang_prefix(lang)
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                if prefix and (site / name).is_file() and (site / prefix).is_dir():
                    shutil.copyfile(site / name, site / prefix / name)

    def on_shutdown(self) -> None:
        """Remove the folder of generated files kept while serving."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def _generated_file(self, config: MkDocsConfig, src_uri: str, content: str | bytes) -> File:
        """A generated file; while serving it is backed by a file rewritten only when its content changes.

        That keeps its modification time for unchanged pages, so `mkdocs serve --dirty` rebuilds only
        the pages an edit touched.
        """
        if not self.serving:
            return File.generated(config, src_uri, content=content)
        if self.staging is None:
            self.staging = Path(tempfile.mkdtemp(prefix="cemkit-serve-"))
        path = self.staging / src_uri
        previous = self.staged.get(src_uri)
        if previous is not content and previous != content:  # cached pages come back as the very same object
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            self.staged[src_uri] = content
        return File.generated(config, src_uri, abs_src_path=str(path))

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:  # noqa: ARG002
        """Rebuild when a content file changes."""
        root = self._root(config)
        for name in self.config.content_dirs:
            if (root / name).is_dir():
                server.watch(str(root / name), recursive=True)
        return server

    def _output(self, result: BuildResult) -> SiteOutput:
        if result.output is not None and not result.errors:
            if self.serving:
                self.last_good = result.output
            return result.output
        for error in result.errors:
            log.error(str(error))
        if not self.serving:
            raise PluginError(f"cemkit: {len(result.errors)} content error(s); see the messages above")
        return _error_site(result.errors, self.last_good, tuple(self.config.languages))

    def _root(self, config: MkDocsConfig) -> Path:
        if self.config.project_dir:
            return Path(self.config.project_dir)
        return Path(config.config_file_path or ".").resolve().parent

    def _add(self, files: Files, file: File, config: MkDocsConfig) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            if existing.generated_by is None:
                log.warning(f"cemkit: {config.docs_dir}/{file.src_uri} is replaced by a generated page; rename it")
            files.remove(existing)
        files.append(file)


def _error_site(errors: list[Diagnostic], last_good: SiteOutput | None, languages: tuple[str, ...]) -> SiteOutput:
    paths = set(last_good.pages) if last_good else set()
    pages: dict[str, str] = {}
    for lang in languages:
        page = render_error_page(errors, lang=lang)
        section_indexes = {page_src(kind, None, lang) for kind in SECTIONS}
        pages.update({path: page for path in sorted(paths) if page_language(path) == lang})
        pages.update(dict.fromkeys(section_indexes, page))
    return SiteOutput(pages=pages, files=dict(last_good.files) if last_good else {})


def _relative_posix(path: Path, start: Path) -> str:
    return os.path.relpath(path, start).replace(os.sep, "/")
