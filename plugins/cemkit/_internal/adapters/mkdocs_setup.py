"""What the `cem` plugin sets up in MkDocs or ProperDocs: its options, the site's settings, the other languages' sites.

MkDocs keeps one instance of each plugin per configuration class and hands it to every configuration
loaded in the process. Each language's site is therefore loaded with a configuration class of its
own, so that its plugins (search, cem ...) are its own and are kept between `mkdocs serve` rebuilds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Literal

from jinja2 import FileSystemBytecodeCache
from mkdocs.commands.build import build
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from cemkit._internal.build.project import Project
from cemkit._internal.build.search_index import index_site
from cemkit._internal.build.source import SiteSource, SiteSpec
from cemkit._internal.build.workers import ForkedHelper, HelperRequest
from cemkit._internal.content.diagnostics import CemkitError
from cemkit._internal.content.lint import DEFAULT_MAX_REVIEW_AGE_DAYS, LintOptions
from cemkit._internal.content.loader import CONTENT_DIRS
from cemkit._internal.content.models import LANGUAGES
from cemkit._internal.site.search_data import search_facts
from cemkit._internal.site.static_files import ASSET_FILES

Command = Literal["build", "gh-deploy", "serve"]
REQUIRED_EXTENSIONS = ("attr_list", "toc", "tables")
log = get_plugin_logger("cemkit")


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


class TranslationSites:
    """The sites listed under the plugin's `translations`, by language."""

    def __init__(self) -> None:
        self.configs: dict[str, MkDocsConfig] = {}
        self._classes: dict[str, type[MkDocsConfig]] = {}
        self._started: set[str] = set()
        self._helper: ForkedHelper | None = None
        """Under `mkdocs serve`, the process that rebuilds these sites beside the main one."""
        self._helper_settings: tuple[tuple[str, int], ...] = ()
        self._no_helper = False

    def load(self, lang: str, config_file: Path, *, parent: MkDocsConfig, main: str) -> MkDocsConfig:
        """Read the settings of the `lang` site, to be built into the `<lang>/` folder of the `main` language's site."""
        if lang not in LANGUAGES or lang == main:
            others = ", ".join(code for code in LANGUAGES if code != main)
            raise PluginError(f"cemkit: translations: '{lang}' is not another language of the site ({others})")
        if lang not in self._classes:  # a fresh `plugins` option: a plugin cache of this language's own
            options = {"plugins": c.Plugins(theme_key="theme", default=["search"])}
            self._classes[lang] = type(f"{lang.title()}SiteConfig", (MkDocsConfig,), options)
        config = self._classes[lang](config_file_path=str(config_file))
        try:
            with config_file.open("rb") as handle:
                config.load_file(handle)
        except (ConfigurationError, OSError) as error:
            raise PluginError(f"cemkit: {config_file}: {error}") from error
        config.load_dict({"site_dir": str(Path(parent.site_dir) / lang), "strict": parent.strict})
        errors, _ = config.validate()
        if errors:
            problems = "; ".join(f"{name}: {error}" for name, error in errors)
            raise PluginError(f"cemkit: {config_file}: {problems}")
        if parent.site_url:
            config.site_url = f"{parent.site_url.rstrip('/')}/{lang}/"
        self.configs[lang] = config
        return config

    def own_files(self, files: Files) -> list[File]:
        """The main site's files that belong to a translation (its pages inside the main `docs_dir`)."""
        folders = [Path(config.docs_dir).resolve() for config in self.configs.values()]
        return [
            file
            for file in files
            if file.abs_src_path and any(Path(file.abs_src_path).resolve().is_relative_to(f) for f in folders)
        ]

    def build_all(self, *, command: Command, dirty: bool, main: Any) -> None:
        """Build every language's site; their `cem` plugins take their pages from the `main` site's plugin."""
        for lang, config in self.configs.items():
            log.info(f"building the '{lang}' site")
            if lang not in self._started:
                config.plugins.on_startup(command=command, dirty=dirty)
                self._started.add(lang)
            for plugin in config.plugins.values():
                if hasattr(plugin, "main_site"):
                    plugin.main_site = main
            build(config, serve_url=config.site_url if command == "serve" else None, dirty=dirty)

    def build_beside(self, main: Any, specs: list[SiteSpec]) -> bool:
        """`build_all`, reporting its problems; whether every site built.

        In a forked process, where `main` (the main site's plugin) has not made these languages'
        sources, they are made first, without more workers (this process is the second core's),
        and saved after.
        """
        own = [spec for spec in specs if spec.lang not in main.sources]
        try:
            if own:
                main.project.parallel = False
                main.sources.update(main.project.sites(own))
            return self._build_reporting(main)
        except KeyboardInterrupt:  # SIGTERM or Ctrl-C: end now, without rendering what is left to save it
            own = []
            raise
        finally:
            if own:
                main.project.close()
                self.shutdown()

    def serve_beside(self, main: Any) -> HelperRequest | None:
        """Under `mkdocs serve`, ask the helper process to rebuild these sites now, beside the main site.

        The helper is forked at the first build, before the server starts its threads, and keeps its
        own `Project` (which re-reads only changed files) and Kiwi between saves. `None` when there is
        no helper: one core, or these sites' settings changed since it was forked (then they are built
        in this process, as without a second core).
        """
        settings = self._settings()
        if self._helper is not None and settings != self._helper_settings:
            self._helper.close()
            self._helper, self._no_helper = None, True
        if self._helper is None and not self._no_helper:
            helper = ForkedHelper(partial(self._rebuild_here, main), on_close=partial(self._close_here, main))
            if helper.forked:
                self._helper, self._helper_settings = helper, settings
            self._no_helper = not helper.forked
        return self._helper.request() if self._helper is not None else None

    def _rebuild_here(self, main: Any) -> bool:
        """In the helper: load what changed, make these sites' sources and build them."""
        main.project.parallel = False  # this process is the second core's
        main.project.load()
        specs = [SiteSpec(lang, site.use_directory_urls, markdown_pages(site)) for lang, site in self.configs.items()]
        main.sources.update(main.project.sites(specs))
        return self._build_reporting(main)

    def _build_reporting(self, main: Any) -> bool:
        """`build_all`, with its problems reported as messages; whether every site built."""
        try:
            self.build_all(command=main.command, dirty=main.dirty, main=main)
        except (PluginError, Abort) as error:
            log.error(str(error))
            return False
        return True

    def _close_here(self, main: Any) -> None:
        """In the helper, when the server stops: save the store and let the plugins clean up."""
        main.project.close()
        self.shutdown()

    def _settings(self) -> tuple[tuple[str, int], ...]:
        files = [Path(config.config_file_path) for config in self.configs.values() if config.config_file_path]
        return tuple((str(path), path.stat().st_mtime_ns if path.exists() else 0) for path in files)

    def watched(self) -> list[str]:
        """Files and folders to watch while serving: each translation's config file and pages."""
        return [path for config in self.configs.values() for path in (config.config_file_path, config.docs_dir) if path]

    def shutdown(self) -> None:
        """End the helper, if any, and let the translations' plugins clean up."""
        if self._helper is not None:
            self._helper.close()
            self._helper = None
        for config in self.configs.values():
            config.plugins.on_shutdown()
        self.configs.clear()
        self._started.clear()


def markdown_pages(config: MkDocsConfig) -> tuple[Path, ...]:
    """The Markdown pages in a site's `docs_dir`."""
    return tuple(sorted(Path(config.docs_dir).rglob("*.md")))


def prepare_config(config: MkDocsConfig) -> None:
    """Check the Markdown extensions the pages need, and that no other search is on; add the stylesheet and scripts."""
    if missing := [name for name in REQUIRED_EXTENSIONS if name not in config.markdown_extensions]:
        raise PluginError(f"cemkit: add {', '.join(missing)} to markdown_extensions in mkdocs.yml")
    if any(name.split("/")[-1] == "search" for name in config.plugins):
        log.warning(
            f"{config.config_file_path}: remove the 'search' plugin: cemkit's search (Pagefind) replaces it, "
            "and the theme's would add a second search box and a large index to every page"
        )
    for path in ASSET_FILES:
        wanted = config.extra_css if path.endswith(".css") else config.extra_javascript
        if path not in wanted:
            wanted.append(path)


def new_project(options: CemkitConfig, config: MkDocsConfig) -> Project:
    """The project the plugin's options describe."""
    return Project(
        Path(options.project_dir) if options.project_dir else project_root(config),
        content_dirs=tuple(options.content_dirs),
        lint=LintOptions(max_review_age_days=options.review_max_age_days),
        cache_dir=Path(options.cache_dir) if options.cache_dir else None,
        parallel=options.parallel,
    )


def template_cache(project: Project) -> FileSystemBytecodeCache:
    """Jinja's cache of compiled theme templates, in the project's store: a rebuild does not compile them again."""
    folder = project.cache_dir / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def add_generated_files(files: Files, config: MkDocsConfig, source: SiteSource) -> None:
    """Put the site source's pages and files among the site's files, in place of any of the same path."""
    for site_path in [*source.pages, *source.files]:
        if (existing := files.get_file_from_path(site_path)) is not None:
            if existing.generated_by is None:
                log.warning(f"{config.docs_dir}/{site_path} is replaced by a generated page; rename it")
            files.remove(existing)
        files.append(generated_file(config, source, site_path, project_root(config)))


def place_in_sections(nav: Navigation, files: Files) -> None:
    """Give each page left out of the menu (a case, a stage ...) the menu section of its folder's index as parent.

    So the page shows its tab as active, the breadcrumbs lead back through the section, and on a phone the
    menu opens on the section's pages. Only the parent is set: the page itself stays out of the menu.
    """
    sections: dict[str, Section] = {}
    for item in nav.items:
        for section in _sections(item):
            index = next((child for child in section.children if isinstance(child, Page)), None)
            if index is not None and index.file.src_uri.endswith("/index.md"):
                sections[index.file.src_uri.rsplit("/", 2)[0]] = section
    for file in files.documentation_pages():
        folder = file.src_uri.split("/", 1)[0]
        page = file.page
        if page is not None and page.parent is None and file.src_uri.count("/") >= 2 and folder in sections:
            page.parent = sections[folder]


def _sections(item: Any) -> Iterator[Section]:
    if isinstance(item, Section):
        yield item
        for child in item.children:
            yield from _sections(child)


def generated_file(config: MkDocsConfig, source: SiteSource, site_path: str, root: Path) -> File:
    """A file of the site source, with an edit link to the YAML file it comes from."""
    file = File.generated(config, site_path, abs_src_path=str(source.path(site_path)))
    if site_path in source.edit_paths:
        edited = os.path.relpath(root / source.edit_paths[site_path], Path(config.docs_dir))
        file.edit_uri = edited.replace(os.sep, "/")
    return file


def index_search(
    config: MkDocsConfig, source: SiteSource, translations: Iterable[str], *, stop: threading.Event | None = None
) -> None:
    """Index the built site for search (its translations' folders are sites of their own, indexed by their build).

    With `stop` (under `mkdocs serve`, beside the server), the Korean words are taken from what the pages'
    analysis found, and a newer build stops the index.
    """
    if source.knowledge is None:
        return  # content errors: the error page is not worth finding, and the last index stays
    lang, site = source.spec.lang, Path(config.site_dir)
    expand = None
    if lang == "ko":
        known = source.korean_expansions() if stop is not None else None
        expand = partial(_known_nouns, known) if known is not None else source.korean_nouns
    started = time.perf_counter()
    count = index_site(
        site,
        lang=lang,
        facts=search_facts(source.knowledge, lang, directory_urls=config.use_directory_urls),
        directory_urls=config.use_directory_urls,
        skip=[site / other for other in translations],
        expand=expand,
        stop=stop,
    )
    if count:
        log.info(f"indexed {count} '{lang}' pages for search in {time.perf_counter() - started:.1f} s")


def _known_nouns(known: Mapping[str, tuple[str, ...]], words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    return {word: known[word] for word in words if word in known}


class SearchIndexBeside:
    """Under `mkdocs serve`: the site is indexed for search in a thread after each build, so a save shows at once.

    A newer build stops the index still being made (the previous bundle stays until the next one is complete).
    """

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, config: MkDocsConfig, source: SiteSource, translations: Iterable[str]) -> None:
        """Start indexing the site just built."""
        self.stop()
        self._stop = threading.Event()
        work = partial(self._index, config, source, list(translations), self._stop)
        self._thread = threading.Thread(target=work, name="cemkit-search-index", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the index being made, if any, and wait for it."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    @staticmethod
    def _index(config: MkDocsConfig, source: SiteSource, translations: list[str], stop: threading.Event) -> None:
        try:
            index_search(config, source, translations, stop=stop)
        except (CemkitError, OSError) as error:
            log.warning(f"cemkit: the search index was not updated: {error}")


def project_root(config: MkDocsConfig) -> Path:
    """The folder of the site's `mkdocs.yml`."""
    return Path(config.config_file_path or "mkdocs.yml").resolve().parent
