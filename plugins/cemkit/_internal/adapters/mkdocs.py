"""The `cem` plugin for MkDocs and ProperDocs: event wiring between the engine and `Project`.

The site named by `mkdocs.yml` loads the content and the sources of every language; the sites listed
under `translations` take theirs from it and are built into its `<lang>/` folder. `mkdocs build`
writes into a staging folder that replaces `site_dir` only when every language built; under
`mkdocs serve` content errors show as an error page instead of stopping the server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from cemkit._internal.adapters.mkdocs_sites import Command, TranslationSites, markdown_pages
from cemkit._internal.build.project import Project
from cemkit._internal.build.source import SiteSource, SiteSpec
from cemkit._internal.build.staging import StagedSite
from cemkit._internal.build.termination import InterruptOnTermination
from cemkit._internal.content.diagnostics import CemkitError, Severity
from cemkit._internal.content.lint import DEFAULT_MAX_REVIEW_AGE_DAYS, LintOptions
from cemkit._internal.content.loader import CONTENT_DIRS
from cemkit._internal.content.models import LANGUAGES
from cemkit._internal.site.search_data import SEARCH_FIELDS, enrich_entries, page_keywords
from cemkit._internal.site.static_files import ASSET_FILES

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page

log = get_plugin_logger("cemkit")
REQUIRED_EXTENSIONS = ("attr_list", "toc", "tables")


class CemkitConfig(Config):
    """Options of the `cem` plugin in `mkdocs.yml`."""

    project_dir = c.Optional(c.Dir(exists=True))
    """Folder holding `cases/` and `playbooks/`; defaults to the folder of `mkdocs.yml`."""
    content_dirs = c.ListOfItems(c.Type(str), default=list(CONTENT_DIRS))
    language = c.Choice(LANGUAGES, default=LANGUAGES[0])
    translations = c.DictOfItems(c.Type(str), default={})
    """The other languages' sites, built with this one into `<site_dir>/<language>/`: language -> config file."""
    review_max_age_days = c.Type(int, default=DEFAULT_MAX_REVIEW_AGE_DAYS)
    parallel = c.Type(bool, default=True)
    """Render pages on the other cores while MkDocs builds (when there are some)."""
    cache_dir = c.Optional(c.Type(str))
    """Where generated files are kept between builds; defaults to `.cache/cemkit` in the project folder."""


class CemkitPlugin(BasePlugin[CemkitConfig]):
    """Generates the case, stage, role and glossary pages from the project's YAML content."""

    def __init__(self) -> None:
        self.command: Command = "build"
        self.dirty, self.serving, self.built = False, False, False
        self.project: Project | None = None
        self.sources: dict[str, SiteSource] = {}
        self.main_site: CemkitPlugin | None = None
        """In a translation's site, the main site's plugin, which holds the sources."""
        self.translations = TranslationSites()
        self.staged: StagedSite | None = None
        self.pending: str | None = None
        """The site folder whose translations are still to be built (`mkdocs build` builds them at shutdown)."""
        self.termination = InterruptOnTermination()

    def on_startup(self, *, command: Command, dirty: bool) -> None:
        self.command, self.dirty, self.serving = command, dirty, command == "serve"
        self.termination.install()  # so that SIGTERM, like Ctrl-C, reaches `on_shutdown`

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.command == "build" and self.main_site is None:
            self.staged = StagedSite(Path(config.site_dir), keep_existing=self.dirty)
            config.site_dir = str(self.staged.path)  # the translations, loaded below, go into its <lang>/
        if missing := [name for name in REQUIRED_EXTENSIONS if name not in config.markdown_extensions]:
            raise PluginError(f"cemkit: add {', '.join(missing)} to markdown_extensions in mkdocs.yml")
        for lang, config_file in self.config.translations.items():
            if lang not in LANGUAGES or lang == self.config.language:
                raise PluginError(f"cemkit: translations: '{lang}' is not another language of the site")
            self.translations.load(lang, _root(config) / config_file, parent=config)
        if (search := _search_plugin(config)) is not None:
            for name, spec in SEARCH_FIELDS.items():
                search.config.fields.setdefault(name, dict(spec))
        config.extra_css += [path for path in ASSET_FILES if path.endswith(".css") and path not in config.extra_css]
        js = [path for path in ASSET_FILES if path.endswith(".js") and path not in config.extra_javascript]
        config.extra_javascript += js
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.main_site is None:
            self._load_sources(config)
        sources = (self.main_site or self).sources
        source = sources[self.config.language]
        for file in self.translations.own_files(files):
            files.remove(file)
        for site_path in [*source.pages, *source.files]:
            file = File.generated(config, site_path, abs_src_path=str(source.path(site_path)))
            if site_path in source.edit_paths:
                file.edit_uri = _relative(_root(config) / source.edit_paths[site_path], Path(config.docs_dir))
            if (existing := files.get_file_from_path(site_path)) is not None:
                if existing.generated_by is None:
                    log.warning(f"{config.docs_dir}/{site_path} is replaced by a generated page; rename it")
                files.remove(existing)
            files.append(file)
        if self.dirty:
            source.finish()  # MkDocs compares the pages' times before it reads them
        source.start_korean_analysis()
        return files

    def _load_sources(self, config: MkDocsConfig) -> None:
        if self.project is None:
            self.project = Project(
                Path(self.config.project_dir) if self.config.project_dir else _root(config),
                content_dirs=tuple(self.config.content_dirs),
                lint=LintOptions(max_review_age_days=self.config.review_max_age_days),
                cache_dir=Path(self.config.cache_dir) if self.config.cache_dir else None,
                parallel=self.config.parallel,
            )
        content = self.project.load()
        for problem in content.diagnostics:
            (log.warning if problem.severity is Severity.WARNING else log.error)(str(problem))
        if content.errors and not self.serving:
            raise PluginError(f"cemkit: {len(content.errors)} content error(s); see the messages above")
        sites = [(self.config.language, config), *self.translations.configs.items()]
        specs = [SiteSpec(lang, site.use_directory_urls, markdown_pages(site)) for lang, site in sites]
        self.sources = self.project.sites(specs)

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:  # noqa: ARG002
        if page.file.generated_by is not None:
            (self.main_site or self).sources[self.config.language].ready(page.file.src_uri)
        return page

    @event_priority(50)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        source = (self.main_site or self).sources[self.config.language]
        entries = getattr(getattr(_search_plugin(config), "search_index", None), "entries", None)
        if source.knowledge is not None and isinstance(entries, list):
            keywords = page_keywords(source.knowledge, source.spec.lang, directory_urls=config.use_directory_urls)
            try:
                enrich_entries(entries, keywords, source.korean_expansions())
            except CemkitError as error:
                raise PluginError(f"cemkit: {error}") from error
        if self.dirty:
            source.remove_outputs(Path(config.site_dir))
        self.built, self.pending = True, config.site_dir if self.main_site is None else None
        if self.serving or self.command != "build":  # `mkdocs build` builds them once this site is out of memory
            self._finish_build()

    def on_build_error(self, *, error: Exception) -> None:  # noqa: ARG002
        self.built = False

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:  # noqa: ARG002
        root = Path(self.config.project_dir) if self.config.project_dir else _root(config)
        for path in [*(str(root / name) for name in self.config.content_dirs), *self.translations.watched()]:
            if Path(path).exists():
                server.watch(path, recursive=True)
        self.serving = True  # `serve --clean` reports itself as "build" at start-up
        self._finish_build()
        return server

    def on_shutdown(self) -> None:
        try:
            self._finish_build()
        finally:
            if self.project is not None:
                self.project.close()
            self.translations.shutdown()
            self.termination.restore()

    def _finish_build(self) -> None:
        """Build the other languages' sites, then put the staged site in place if everything built."""
        pending, self.pending = self.pending, None
        staged, self.staged = self.staged, None
        succeeded = False
        try:
            if pending is not None and self.built:
                for lang in self.translations.configs:
                    log.info(f"building the '{lang}' site")
                    self.translations.build(lang, command=self.command, dirty=self.dirty, main=self)
                succeeded = True
        except PluginError as error:
            raise Abort(str(error)) from error
        finally:
            if staged is not None:
                staged.publish() if succeeded else staged.discard()
                if not succeeded:
                    log.error(f"the build failed, so {staged.target} keeps the last site that built")


def _search_plugin(config: MkDocsConfig) -> Any:
    """Material's (or MkDocs') search plugin, if the site has one."""
    return next((plugin for name, plugin in config.plugins.items() if name.split("/")[-1] == "search"), None)


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path or "mkdocs.yml").resolve().parent


def _relative(path: Path, start: Path) -> str:
    return os.path.relpath(path, start).replace(os.sep, "/")
