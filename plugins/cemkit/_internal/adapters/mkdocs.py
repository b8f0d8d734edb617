"""The `cem` plugin for MkDocs and ProperDocs: event wiring between the engine and `Project`.

The site named by `mkdocs.yml` loads the content and the sources of every language; the sites listed
under `translations` take theirs from it and are built into its `<lang>/` folder, in a process of
their own beside the main site's build when a second core allows it (under `mkdocs serve`, in a
helper process forked at the first build and asked again on every save).
`mkdocs build` writes into a staging folder that replaces `site_dir` only when every language built;
under `mkdocs serve` content errors show as an error page instead of stopping the server.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger

from cemkit._internal.adapters.mkdocs_setup import (
    CemkitConfig,
    Command,
    SearchIndexBeside,
    TranslationSites,
    add_generated_files,
    index_search,
    markdown_pages,
    new_project,
    place_in_sections,
    prepare_config,
    project_root,
    template_cache,
)
from cemkit._internal.build.project import Project
from cemkit._internal.build.source import SiteSource, SiteSpec
from cemkit._internal.build.staging import StagedSite
from cemkit._internal.build.termination import InterruptOnTermination
from cemkit._internal.build.workers import HelperRequest, SideProcess
from cemkit._internal.content.diagnostics import CemkitError, Severity

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = get_plugin_logger("cemkit")


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
        self.side: SideProcess | HelperRequest | None = None
        """The build of the translations' sites, forked once the content is loaded when it can be."""
        self.staged: StagedSite | None = None
        self.pending: str | None = None
        """The site folder whose translations are still to be built (`mkdocs build` builds them at shutdown)."""
        self.termination = InterruptOnTermination()
        self.search_index = SearchIndexBeside()

    def on_startup(self, *, command: Command, dirty: bool) -> None:
        self.command, self.dirty, self.serving = command, dirty, command == "serve"
        self.termination.install()  # so that SIGTERM, like Ctrl-C, reaches `on_shutdown`

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.search_index.stop()  # a serve rebuild rewrites the pages it reads
        if self.command == "build" and self.main_site is None and not self.serving:  # (`serve --clean` says "build")
            self.staged = StagedSite(Path(config.site_dir), keep_existing=self.dirty)
            config.site_dir = str(self.staged.path)  # the translations, loaded below, go into its <lang>/
        prepare_config(config)
        for lang, config_file in self.config.translations.items():
            self.translations.load(lang, project_root(config) / config_file, parent=config, main=self.config.language)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.main_site is None:
            self._load_sources(config)
        source = self._source()
        for file in self.translations.own_files(files):
            files.remove(file)
        add_generated_files(files, config, source)
        if self.dirty:
            source.finish()  # MkDocs compares the pages' times before it reads them
        source.start_korean_analysis()
        return files

    def _load_sources(self, config: MkDocsConfig) -> None:
        if self.project is None:
            self.project = new_project(self.config, config)
        content = self.project.load()
        for problem in content.diagnostics:
            (log.warning if problem.severity is Severity.WARNING else log.error)(str(problem))
        if content.errors and not self.serving:
            raise PluginError(f"cemkit: {len(content.errors)} content error(s); see the messages above")
        sites = [(self.config.language, config), *self.translations.configs.items()]
        specs = [SiteSpec(lang, site.use_directory_urls, markdown_pages(site)) for lang, site in sites]
        beside = self.config.parallel and len(specs) > 1
        self.side = self.translations.serve_beside(self) if beside and self.serving else None
        if self.side is None:  # built beside this process, or here at `_finish_build`
            parallel = beside and not self.serving  # (forking beside the server's threads is not safe)
            self.side = SideProcess(partial(self.translations.build_beside, self, specs[1:]), parallel=parallel)
        forked = not isinstance(self.side, SideProcess) or self.side.forked
        self.sources = self.project.sites(specs[:1] if forked else specs)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:  # noqa: ARG002
        place_in_sections(nav, files)
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:  # noqa: ARG002
        project = (self.main_site or self).project
        if project is not None:
            env.bytecode_cache = template_cache(project)
        return env

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:  # noqa: ARG002
        if page.file.generated_by is not None:
            self._source().ready(page.file.src_uri)
        return page

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        source = self._source()
        if self.dirty:
            source.remove_outputs(Path(config.site_dir))
        if self.serving:
            self.search_index.start(config, source, self.config.translations)
        else:
            try:
                index_search(config, source, self.config.translations)
            except CemkitError as error:
                raise PluginError(f"cemkit: {error}") from error
        self.built, self.pending = True, config.site_dir if self.main_site is None else None
        if self.serving or self.command != "build":  # `mkdocs build` builds them once this site is out of memory
            self._finish_build()

    def on_build_error(self, *, error: Exception) -> None:  # noqa: ARG002
        self.built = False

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:  # noqa: ARG002
        content = [str(self.project.root / name) for name in self.config.content_dirs] if self.project else []
        for path in [*content, *self.translations.watched()]:
            if Path(path).exists():
                server.watch(path, recursive=True)
        self.serving = True  # `serve --clean` reports itself as "build" at start-up
        self._finish_build()
        return server

    def on_shutdown(self) -> None:
        self.search_index.stop()
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
        side, self.side = self.side, None
        succeeded = False
        try:
            if pending is not None and self.built and side is not None:
                if not side.wait():
                    raise Abort("cemkit: a translation's site did not build; see the messages above")
                succeeded = True
        finally:
            if side is not None:
                side.stop()
            if staged is not None:
                staged.publish() if succeeded else staged.discard()
                if not succeeded:
                    log.error(f"the build failed, so {staged.target} keeps the last site that built")

    def _source(self) -> SiteSource:
        return (self.main_site or self).sources[self.config.language]
