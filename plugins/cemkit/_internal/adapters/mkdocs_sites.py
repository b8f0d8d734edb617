"""The other languages' sites of a MkDocs or ProperDocs project, each built into `<site_dir>/<lang>/`.

MkDocs keeps one instance of each plugin per configuration class and hands it to every configuration
loaded in the process. Each language's site is therefore loaded with a configuration class of its
own, so that its plugins (search, cem ...) are its own and are kept between `mkdocs serve` rebuilds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from mkdocs.commands.build import build
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError, PluginError
from mkdocs.structure.files import File, Files

Command = Literal["build", "gh-deploy", "serve"]


class TranslationSites:
    """The sites listed under the plugin's `translations`, by language."""

    def __init__(self) -> None:
        self.configs: dict[str, MkDocsConfig] = {}
        self._classes: dict[str, type[MkDocsConfig]] = {}
        self._started: set[str] = set()

    def load(self, lang: str, config_file: Path, *, parent: MkDocsConfig) -> MkDocsConfig:
        """Read the settings of the `lang` site, to be built into the main site's `<lang>/` folder."""
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

    def build(self, lang: str, *, command: Command, dirty: bool, main: Any) -> None:
        """Build the `lang` site; its `cem` plugin takes its pages from the `main` site's plugin."""
        config = self.configs[lang]
        if lang not in self._started:
            config.plugins.on_startup(command=command, dirty=dirty)
            self._started.add(lang)
        for plugin in config.plugins.values():
            if hasattr(plugin, "main_site"):
                plugin.main_site = main
        build(config, serve_url=config.site_url if command == "serve" else None, dirty=dirty)

    def watched(self) -> list[str]:
        """Files and folders to watch while serving: each translation's config file and pages."""
        return [path for config in self.configs.values() for path in (config.config_file_path, config.docs_dir) if path]

    def shutdown(self) -> None:
        """Let the translations' plugins clean up."""
        for config in self.configs.values():
            config.plugins.on_shutdown()
        self.configs.clear()
        self._started.clear()


def markdown_pages(config: MkDocsConfig) -> tuple[Path, ...]:
    """The Markdown pages in a site's `docs_dir`."""
    return tuple(sorted(Path(config.docs_dir).rglob("*.md")))
