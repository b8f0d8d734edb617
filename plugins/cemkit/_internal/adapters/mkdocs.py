"""The MkDocs adapter: thin glue between MkDocs' events and `cemkit._internal.build.project`.

All MkDocs imports live in this module. Under `mkdocs serve` a content error never stops the
server: the errors are logged and shown in place of the generated pages until the next good save.

Each language is a site of its own (theme strings, navigation and search index in that language).
The site named by `mkdocs.yml` builds the others listed under `translations` into its `<lang>/`
folder, so one `mkdocs build` or `mkdocs serve` covers every language.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mkdocs.commands.build import build
from mkdocs.config import config_options as c
from mkdocs.config import load_config
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from cemkit._internal.build.cache import BuildCache
from cemkit._internal.build.project import BuildResult, build_site
from cemkit._internal.build.staging import StagedSite
from cemkit._internal.build.termination import InterruptOnTermination
from cemkit._internal.content.diagnostics import Diagnostic
from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.content.lint import DEFAULT_MAX_REVIEW_AGE_DAYS, LintOptions
from cemkit._internal.content.loader import CONTENT_DIRS
from cemkit._internal.content.models import LANGUAGES
from cemkit._internal.site.pages import SiteOutput, render_error_page
from cemkit._internal.site.search_data import (
    SEARCH_FIELDS,
    KoreanAnalyzer,
    enrich_entries,
    korean_words,
    page_keywords,
    proper_names,
)
from cemkit._internal.site.static_files import ASSET_FILES, asset_bytes
from cemkit._internal.site.urls import SECTIONS, page_src
from cemkit.background import BackgroundRenderer, SitePlan

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.plugins import BasePlugin as AnyPlugin
    from mkdocs.structure.pages import Page

Command = Literal["build", "gh-deploy", "serve"]

log = get_plugin_logger("cemkit")

REQUIRED_EXTENSIONS = ("attr_list", "toc", "tables")
"""Markdown extensions the generated pages rely on."""


class CemkitConfig(Config):
    """Options of the `cem` plugin in `mkdocs.yml`."""

    project_dir = c.Optional(c.Dir(exists=True))
    """Folder holding `cases/` and `playbooks/`; defaults to the folder of `mkdocs.yml`."""
    content_dirs = c.ListOfItems(c.Type(str), default=list(CONTENT_DIRS))
    language = c.Choice(LANGUAGES, default=LANGUAGES[0])
    """Language of this site's generated pages."""
    translations = c.DictOfItems(c.Type(str), default={})
    """The other languages' sites, built with this one into `<site_dir>/<language>/`: language -> config file."""
    review_max_age_days = c.Type(int, default=DEFAULT_MAX_REVIEW_AGE_DAYS)
    """Warn about cases whose `reviewed` date is older than this many days."""
    parallel = c.Type(bool, default=True)
    """Under `mkdocs build`, render pages in a second process while MkDocs builds (when there are 2+ cores)."""


class CemkitPlugin(BasePlugin[CemkitConfig]):
    """Generates the case, stage, role and glossary pages from the project's YAML content."""

    def __init__(self) -> None:
        self.command: Command = "build"
        self.dirty = False
        self.serving = False
        self.last_good: SiteOutput | None = None
        self.cache = BuildCache()
        self.staging: Path | None = None
        """While serving, the folder holding generated files (see `_generated_file`)."""
        self.staged: dict[str, str | bytes] = {}
        self.outputs: set[str] = set()
        """While serving, the site paths of the generated files of the last build."""
        self.stale_outputs: set[str] = set()
        """While serving, generated files of the previous build that this one no longer has (a deleted case)."""
        self.translations = TranslationBuilder()
        self.preloaded: BuildResult | None = None
        """In a translation's build, the content as the main site loaded it (so it is read only once)."""
        self.loaded: BuildResult | None = None
        """The content as this build loaded it (knowledge base and problems, no pages)."""
        self.analyzer: tuple[tuple[str, ...], KoreanAnalyzer] | None = None
        """While serving, the Korean analyser and the names it was given (kept until they change)."""
        self.expansions: dict[str, tuple[str, ...]] = {}
        """Korean word -> the nouns inside it, for this build's search index."""
        self.page_words: dict[str, tuple[str, set[str]]] = {}
        """While serving, each page's Korean words, with the text they were taken from."""
        self.background: BackgroundRenderer | None = None
        """Under `mkdocs build`, the worker rendering every language's pages (started by the main site)."""
        self.owns_background = False
        """Whether this plugin started `background` (the main site), so it stops it at shutdown."""
        self.is_translation = False
        """Whether this plugin builds a translation (set by the main site's `TranslationBuilder`)."""
        self.site_staging: StagedSite | None = None
        """Under `mkdocs build`, the folder the whole site is built into before it replaces `site_dir`."""
        self.built = False
        """Whether this site's build reached its end without an error (strict warnings included)."""
        self.termination = InterruptOnTermination()

    def on_startup(self, *, command: Command, dirty: bool) -> None:
        """Remember whether this is `mkdocs serve`, where content errors must not stop the server."""
        self.command = command
        self.dirty = dirty
        self.serving = command == "serve"
        self.termination.install()  # so that SIGTERM, like Ctrl-C, reaches `on_shutdown`

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Check the Markdown extensions the pages need, stage the build, and add the stylesheet and scripts."""
        if self.command == "build" and not self.is_translation:
            self.site_staging = StagedSite(Path(config.site_dir), keep_existing=self.dirty)
            config.site_dir = str(self.site_staging.path)  # the translations, loaded below, go into its <lang>/
        missing = [name for name in REQUIRED_EXTENSIONS if name not in config.markdown_extensions]
        if missing:
            raise PluginError(f"cemkit: add {', '.join(missing)} to markdown_extensions in mkdocs.yml")
        for lang in self.config.translations:
            if lang not in LANGUAGES or lang == self.config.language:
                known = ", ".join(code for code in LANGUAGES if code != self.config.language)
                raise PluginError(f"cemkit: translations: '{lang}' is not another language of the site ({known})")
        base = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        for lang, config_file in self.config.translations.items():
            self.translations.load(lang, base / config_file, parent=config)
        search = _search_plugin(config)
        if search is not None:
            for name, spec in SEARCH_FIELDS.items():
                search.config.fields.setdefault(name, dict(spec))
        for path in ASSET_FILES:
            if path.endswith(".css") and path not in config.extra_css:
                config.extra_css.append(path)
            if path.endswith(".js") and path not in config.extra_javascript:
                config.extra_javascript.append(path)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Build the knowledge base and add every generated page, data file and asset."""
        for file in self.translations.own_files(files):
            files.remove(file)
        root = self._root(config)
        starts_background = self.preloaded is None and self._can_render_in_background()
        result = build_site(
            root,
            content_dirs=tuple(self.config.content_dirs),
            language=self.config.language,
            directory_urls=config.use_directory_urls,
            lint=LintOptions(max_review_age_days=self.config.review_max_age_days),
            cache=self.cache if self.serving else None,
            loaded=self.preloaded,
            pages=not (starts_background or self.background is not None),
        )
        quiet, self.preloaded = self.preloaded is not None, None  # the main site has reported these problems
        for warning in [] if quiet else result.warnings:
            log.warning(str(warning))
        self.loaded = BuildResult(knowledge=result.knowledge, diagnostics=result.diagnostics)
        output = self._output(result, quiet=quiet)
        if starts_background and result.knowledge is not None:
            self._start_background(result.knowledge, config)
        docs_dir = Path(config.docs_dir)
        generated: dict[str, str | bytes] = {**output.pages, **output.files}
        generated.update({path: asset_bytes(path) for path in ASSET_FILES})
        new_files = [self._generated_file(config, src_uri, content) for src_uri, content in generated.items()]
        if self.background is not None:
            lang = self.config.language
            new_files[:0] = [
                File.generated(config, src, abs_src_path=str(self.background.path(lang, src)))
                for src in self.background.sources(lang)
            ]
        if self.serving:
            self._forget_stale(new_files)
        for file in new_files:
            yaml_path = output.edit_paths.get(file.src_uri)
            if yaml_path is not None:
                file.edit_uri = _relative_posix(root / yaml_path, docs_dir)
            self._add(files, file, config)
        self._analyse_korean(files, output, result)
        return files

    def _forget_stale(self, new_files: list[File]) -> None:
        """Drop the generated files that this build no longer has, so `serve --dirty` stops serving them."""
        outputs = {file.dest_uri for file in new_files}
        self.stale_outputs |= self.outputs - outputs
        self.outputs = outputs
        wanted = {file.src_uri for file in new_files}
        for src_uri in [src for src in self.staged if src not in wanted]:
            del self.staged[src_uri]
            if self.staging is not None:
                (self.staging / src_uri).unlink(missing_ok=True)

    def _remove_stale_outputs(self, site_dir: Path) -> None:
        for dest_uri in sorted(self.stale_outputs):
            path = site_dir / dest_uri
            path.unlink(missing_ok=True)
            for folder in path.parents:
                if folder == site_dir or not folder.is_relative_to(site_dir) or any(folder.iterdir()):
                    break
                folder.rmdir()
        self.stale_outputs.clear()

    def _can_render_in_background(self) -> bool:
        return self.command != "serve" and self.config.parallel and BackgroundRenderer.available()

    def _start_background(self, knowledge: KnowledgeBase, config: MkDocsConfig) -> None:
        """Start the worker that renders the pages of this site and of its translations (see `cemkit.background`)."""
        sites = [(self.config.language, config), *self.translations.configs.items()]
        plans = [
            SitePlan(lang, site.use_directory_urls, _markdown_pages(site) if lang == "ko" else ())
            for lang, site in sites
        ]
        # Next to the staged site when there is one, so the next build removes it if this one is killed.
        self.staging = (
            self.site_staging.scratch_folder() if self.site_staging else Path(tempfile.mkdtemp(prefix="cemkit-build-"))
        )
        self.background, self.owns_background = BackgroundRenderer(knowledge, plans, self.staging), True
        if self.background.start():  # otherwise each page is rendered here when MkDocs asks for it
            # The knowledge base lives as long as the build: keep it out of the collector's passes, which
            # would also copy the memory the worker shares. (Loading leaves next to no garbage to collect first.)
            gc.freeze()

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:  # noqa: ARG002
        """Wait until the background worker has written a generated page MkDocs is about to read."""
        if self.background is not None and page.file.generated_by is not None:
            abs_src_path = page.file.abs_src_path
            lang = self.config.language
            if abs_src_path is not None and abs_src_path == str(self.background.path(lang, page.file.src_uri)):
                self.background.page(lang, page.file.src_uri)
        return page

    def _analyse_korean(self, files: Files, output: SiteOutput, result: BuildResult) -> None:
        """Split the Korean words of every page into nouns now, before MkDocs holds the rendered site in memory."""
        if self.config.language != "ko" or result.knowledge is None:
            self.expansions = {}
            return
        if self.background is not None:
            try:
                self.expansions = self.background.expansions(self.config.language)
            except ImportError as error:
                raise _kiwipiepy_missing(error) from error
            return
        words: set[str] = set()
        for file in files:
            if file.src_uri.endswith(".md"):
                words |= self._page_words(file.src_uri, output.pages.get(file.src_uri) or file.content_string)
        analyzer = self._korean_analyzer(result.knowledge)
        self.expansions = analyzer.expand(words)
        if not self.serving:
            self.analyzer = None
            gc.collect()

    def _page_words(self, src_uri: str, text: str) -> set[str]:
        """The Korean words of a page; while serving, remembered as long as the page's text is the same object."""
        known = self.page_words.get(src_uri)
        if known is not None and known[0] is text:
            return known[1]
        words = korean_words([text])
        if self.serving:
            self.page_words[src_uri] = (text, words)
        return words

    @event_priority(50)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Add names and Korean morphemes to the search index, then build the other languages' sites.

        `mkdocs build` leaves the other languages to `on_shutdown`, once this build's pages are out of memory.
        """
        self._enrich_search(config)
        if self.serving:
            self._remove_stale_outputs(Path(config.site_dir))
        self.built = True  # unless MkDocs reports an error next (strict mode counts warnings after this event)
        if self.command == "build":
            self.translations.pending = config if self.config.translations else None
            return
        self._build_translations()
        if self.serving and not gc.get_freeze_count():
            # What the first build leaves (the knowledge base, caches) lives as long as the server: keep
            # it out of the collector's full passes, which would otherwise walk it on every save.
            gc.collect()
            gc.freeze()

    def on_build_error(self, *, error: Exception) -> None:  # noqa: ARG002
        """Remember that this build failed, so the staged site does not replace the last good one."""
        self.built = False

    def on_shutdown(self) -> None:
        """Finish the other languages' sites, put the staged site in place if all built, and clean up."""
        config, self.translations.pending = self.translations.pending, None
        translated = False
        try:
            if config is not None and self.built:
                gc.collect()  # MkDocs' pages and files refer to each other: free them before the next build
                try:
                    self._build_translations()
                except PluginError as error:
                    raise Abort(str(error)) from error
            translated = True
        finally:
            self._publish(succeeded=self.built and translated)
            self.loaded = None
            self.translations.shutdown()
            if self.owns_background and self.background is not None:
                self.background.close()
                gc.unfreeze()
            self.background, self.owns_background = None, False
            if self.staging is not None:
                shutil.rmtree(self.staging, ignore_errors=True)
                self.staging = None
            self.termination.restore()

    def _publish(self, *, succeeded: bool) -> None:
        staged, self.site_staging, self.built = self.site_staging, None, False
        if staged is None:
            return
        if succeeded:
            staged.publish()
        else:
            staged.discard()
            log.error(f"the build failed, so {staged.target} keeps the last site that built")

    def _enrich_search(self, config: MkDocsConfig) -> None:
        search = _search_plugin(config)
        entries = getattr(getattr(search, "search_index", None), "entries", None)
        knowledge = self.loaded.knowledge if self.loaded else None
        if knowledge is None or not isinstance(entries, list):
            return
        keywords = page_keywords(knowledge, self.config.language, directory_urls=config.use_directory_urls)
        enrich_entries(entries, keywords, self.expansions)

    def _korean_analyzer(self, knowledge: KnowledgeBase) -> KoreanAnalyzer:
        names = tuple(sorted(set(proper_names(knowledge))))
        if self.analyzer is None or self.analyzer[0] != names:
            try:
                self.analyzer = (names, KoreanAnalyzer(names))
            except ImportError as error:
                raise _kiwipiepy_missing(error) from error
        return self.analyzer[1]

    def _build_translations(self) -> None:
        for lang, config_file in self.config.translations.items():
            log.info(f"building the '{lang}' site from {config_file}")
            self.translations.build(lang, self.loaded, self.background, command=self.command, dirty=self.dirty)

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
        for path in self.translations.watched():
            server.watch(path)
        return server

    def _output(self, result: BuildResult, *, quiet: bool = False) -> SiteOutput:
        if result.output is not None and not result.errors:
            if self.serving:
                self.last_good = result.output
            return result.output
        for error in [] if quiet else result.errors:
            log.error(str(error))
        if not self.serving:
            raise PluginError(f"cemkit: {len(result.errors)} content error(s); see the messages above")
        return _error_site(result.errors, self.last_good, self.config.language)

    def _root(self, config: MkDocsConfig) -> Path:
        if self.config.project_dir:
            return Path(self.config.project_dir)
        return Path(config.config_file_path or ".").resolve().parent

    def _add(self, files: Files, file: File, config: MkDocsConfig) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            if existing.generated_by is None:
                log.warning(f"{config.docs_dir}/{file.src_uri} is replaced by a generated page; rename it")
            files.remove(existing)
        files.append(file)


def _error_site(errors: list[Diagnostic], last_good: SiteOutput | None, lang: str) -> SiteOutput:
    """The error page in place of every page of the last good build and of every section index."""
    page = render_error_page(errors, lang=lang)
    paths = set(last_good.pages) if last_good else set()
    paths |= {page_src(kind, None) for kind in SECTIONS}
    return SiteOutput(pages=dict.fromkeys(sorted(paths), page), files=dict(last_good.files) if last_good else {})


class TranslationBuilder:
    """Builds the sites of the other languages, each into `<site_dir>/<lang>/` of the main site.

    MkDocs keeps one instance of each plugin per process and hands it to every configuration it loads;
    each language's site gets plugins of its own here (kept between rebuilds under `mkdocs serve`, so its
    build cache and dirty search index carry over), so that the languages never share state.
    """

    def __init__(self) -> None:
        self.plugins: dict[str, dict[str, AnyPlugin[Any]]] = {}
        self.configs: dict[str, MkDocsConfig] = {}
        self.started: set[str] = set()
        self.pending: MkDocsConfig | None = None
        """Under `mkdocs build`, the finished main site whose translations are still to be built."""

    def load(self, lang: str, config_file: Path, *, parent: MkDocsConfig) -> None:
        """Read the settings of the `lang` site, to be built into the main site's `<lang>/` folder."""
        self.configs[lang] = self._load(lang, config_file, parent)

    def own_files(self, files: Files) -> list[File]:
        """The main site's files that belong to a translation (its pages inside the main `docs_dir`)."""
        folders = [Path(config.docs_dir).resolve() for config in self.configs.values()]
        if not folders:
            return []
        return [
            file
            for file in files
            if file.abs_src_path and any(Path(file.abs_src_path).resolve().is_relative_to(f) for f in folders)
        ]

    def build(
        self,
        lang: str,
        loaded: BuildResult | None,
        background: BackgroundRenderer | None,
        *,
        command: Command,
        dirty: bool,
    ) -> None:
        """Build the site of `lang` read by `load`, from the content the main site `loaded`.

        With a `background` worker, the pages it rendered for `lang` are used.
        """
        config = self.configs[lang]
        if lang not in self.started:
            config.plugins.on_startup(command=command, dirty=dirty)
            self.started.add(lang)
        for plugin in config.plugins.values():
            if isinstance(plugin, CemkitPlugin):
                plugin.is_translation = True
                plugin.preloaded = loaded
                plugin.background = background
        build(config, serve_url=config.site_url if command == "serve" else None, dirty=dirty)

    def watched(self) -> list[str]:
        """Files and folders to watch while serving: each translation's config file and pages."""
        return [path for config in self.configs.values() for path in (config.config_file_path, config.docs_dir) if path]

    def shutdown(self) -> None:
        """Let the translations' plugins clean up."""
        for config in self.configs.values():
            config.plugins.on_shutdown()
        self.configs.clear()
        self.started.clear()

    def _load(self, lang: str, config_file: Path, parent: MkDocsConfig) -> MkDocsConfig:
        option = MkDocsConfig.plugins
        assert isinstance(option, c.Plugins)
        shared, option.plugin_cache = option.plugin_cache, self.plugins.setdefault(lang, {})
        try:
            config = load_config(
                config_file=str(config_file), site_dir=str(Path(parent.site_dir) / lang), strict=parent.strict
            )
        except (ConfigurationError, OSError) as error:
            raise PluginError(f"cemkit: {config_file}: {error}") from error
        finally:
            option.plugin_cache = shared
        if parent.site_url:
            config.site_url = f"{parent.site_url.rstrip('/')}/{lang}/"
        return config


def _kiwipiepy_missing(error: ImportError) -> PluginError:
    return PluginError(f"cemkit: Korean search needs kiwipiepy ({error}); run: pip install cemkit")


def _markdown_pages(config: MkDocsConfig) -> tuple[Path, ...]:
    """The Markdown pages in a site's `docs_dir`."""
    return tuple(sorted(Path(config.docs_dir).rglob("*.md")))


def _search_plugin(config: MkDocsConfig) -> AnyPlugin[Any] | None:
    """Material's (or MkDocs') search plugin, if the site has one."""
    return next((plugin for name, plugin in config.plugins.items() if name.split("/")[-1] == "search"), None)


def _relative_posix(path: Path, start: Path) -> str:
    return os.path.relpath(path, start).replace(os.sep, "/")
