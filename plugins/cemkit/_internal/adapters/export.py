"""Write the generated site as a plain Markdown project that any MkDocs-like tool builds without our plugin."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from cemkit._internal.build.project import Content, Project
from cemkit._internal.build.source import SiteSpec
from cemkit._internal.content.diagnostics import CemkitError
from cemkit._internal.content.loader import CONTENT_DIRS
from cemkit._internal.content.models import LANGUAGES
from cemkit._internal.site.static_files import ASSET_FILES

MARKER = ".cemkit-export"
"""File that marks a folder as written by `cemkit export`, so a later export may replace it."""
EXPORT_EXTENSIONS: list[Any] = ["attr_list", {"toc": {"permalink": True}}, "tables", "admonition"]
_CARRIED_KEYS = ("site_name", "site_description", "site_url", "repo_url", "edit_uri", "copyright", "nav")


def export_site(
    root: Path,
    dest: Path,
    *,
    config_file: Path | None = None,
    content_dirs: tuple[str, ...] = CONTENT_DIRS,
) -> Content:
    """Export the project at `root` into `dest`: one plain project per language.

    The main language is `dest/mkdocs.yml` with `dest/docs/`, built into `dest/site/`; each translation is
    `dest/mkdocs.<lang>.yml` with `dest/docs-<lang>/`, built (after the main one) into `dest/site/<lang>/`.
    Nothing is written when the content has errors. `dest` must be empty, missing, or an earlier export.
    """
    sites = site_languages(config_file or root / "mkdocs.yml")
    project = Project(root, content_dirs=content_dirs)
    try:
        content = project.load()
        if content.knowledge is None or content.errors:
            return content
        sources = project.sites([SiteSpec(site.lang, True, _markdown_pages(site.docs_dir)) for site in sites])
        _prepare(dest, [site.lang for site in sites[1:]])
        translated_docs = {site.docs_dir for site in sites[1:]}
        for index, site in enumerate(sites):
            docs = dest / ("docs" if index == 0 else f"docs-{site.lang}")
            if site.docs_dir.is_dir():
                skipped = translated_docs if index == 0 else set()
                shutil.copytree(site.docs_dir, docs, symlinks=True, ignore=_ignoring(skipped))
            sources[site.lang].write(docs)
            exported = export_config(site.settings)
            if index > 0:
                exported += yaml.safe_dump({"docs_dir": docs.name, "site_dir": f"site/{site.lang}"})
            name = "mkdocs.yml" if index == 0 else f"mkdocs.{site.lang}.yml"
            (dest / name).write_text(exported, encoding="utf-8")
    finally:
        project.close()
    (dest / MARKER).write_text("Written by `cemkit export`; the next export replaces this folder.\n", encoding="utf-8")
    return content


def _markdown_pages(docs_dir: Path) -> tuple[Path, ...]:
    return tuple(sorted(docs_dir.rglob("*.md"))) if docs_dir.is_dir() else ()


class SiteSettings(NamedTuple):
    """One language's site: its language, its settings (`INHERIT` resolved) and its hand-written pages."""

    lang: str
    settings: dict[str, Any]
    docs_dir: Path


def site_languages(config_file: Path) -> list[SiteSettings]:
    """The sites a project builds, main language first: `config_file` and the `translations` of its `cem` plugin.

    A translation in an unknown language, or whose settings file is missing, is an error.
    """
    settings = _project_settings(config_file)
    options = _plugin_options(settings)
    main_language = str(options.get("language", LANGUAGES[0]))
    sites = [_site(main_language, config_file, settings)]
    translations = options.get("translations")
    for lang, path in translations.items() if isinstance(translations, dict) else []:
        translated = config_file.parent / str(path)
        if str(lang) not in LANGUAGES or str(lang) == main_language:
            msg = f"{config_file}: translations: '{lang}' is not another language of the site"
            raise CemkitError(msg)
        if not translated.is_file():
            msg = f"{config_file}: translations: {lang}: {translated} does not exist"
            raise CemkitError(msg)
        sites.append(_site(str(lang), translated, _project_settings(translated)))
    return sites


def _site(lang: str, config_file: Path, settings: dict[str, Any]) -> SiteSettings:
    return SiteSettings(lang, settings, (config_file.parent / str(settings.get("docs_dir", "docs"))).resolve())


def _plugin_options(settings: dict[str, Any]) -> dict[str, Any]:
    plugins = settings.get("plugins")
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else [
            next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, None)
            for item in (plugins if isinstance(plugins, list) else [])
        ]
    )
    for name, options in entries:
        if name == "cem":
            return options if isinstance(options, dict) else {}
    return {}


def export_config(settings: dict[str, Any]) -> str:
    """The `mkdocs.yml` of an export: the project's plain settings, Material, and the extensions pages need."""
    config: dict[str, Any] = {key: settings[key] for key in _CARRIED_KEYS if key in settings}
    alternate = settings.get("extra", {}).get("alternate") if isinstance(settings.get("extra"), dict) else None
    if alternate:
        config["extra"] = {"alternate": alternate}
    config.setdefault("site_name", "CEM playbooks")
    theme = settings.get("theme")
    if not isinstance(theme, dict):
        theme = {}
    carried = {key: value for key, value in theme.items() if key in ("language", "features", "palette", "font")}
    config["theme"] = {"name": "material", "font": False, **carried}
    config["use_directory_urls"] = True
    # The engine's own search is off: `cemkit index` makes the site's search from the built pages.
    config["plugins"] = [{"search": {"enabled": False}}]
    config["markdown_extensions"] = EXPORT_EXTENSIONS
    config["extra_css"] = [path for path in ASSET_FILES if path.endswith(".css")]
    config["extra_javascript"] = [path for path in ASSET_FILES if path.endswith(".js")]
    config["validation"] = {"links": {"absolute_links": "warn", "anchors": "warn", "unrecognized_links": "warn"}}
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def _prepare(dest: Path, translations: list[str]) -> None:
    if dest.is_symlink():
        msg = f"{dest} is a symbolic link; export into a real folder"
        raise CemkitError(msg)
    if dest.exists() and not dest.is_dir():
        msg = f"{dest} is a file; export into a folder"
        raise CemkitError(msg)
    if dest.is_dir() and any(dest.iterdir()):
        if not (dest / MARKER).is_file():
            msg = f"{dest} is not empty and was not written by `cemkit export`; choose an empty folder"
            raise CemkitError(msg)
        for folder in ("docs", *(f"docs-{lang}" for lang in translations)):
            shutil.rmtree(dest / folder, ignore_errors=True)
    dest.mkdir(parents=True, exist_ok=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _ignoring(skipped: set[Path]) -> Callable[[str, list[str]], set[str]]:
    """A `copytree` filter leaving out symbolic links and the folders in `skipped` (other languages' pages)."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder)
        return {name for name in names if (here / name).is_symlink() or (here / name).resolve() in skipped}

    return ignore


class _LenientLoader(yaml.SafeLoader):
    """Reads `mkdocs.yml` files that use `!!python/name:` and `!ENV` tags, turning those values into None."""


def _ignore_tag(*_: object) -> None:
    return None


_LenientLoader.add_multi_constructor("", _ignore_tag)


def _project_settings(path: Path, depth: int = 0) -> dict[str, Any]:
    """The settings in a `mkdocs.yml`, merged over those of the file it names in `INHERIT`."""
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LenientLoader)
    except yaml.YAMLError as exc:
        msg = f"{path}: cannot read the site settings: {exc}"
        raise CemkitError(msg) from exc
    settings = data if isinstance(data, dict) else {}
    parent = settings.pop("INHERIT", None)
    if isinstance(parent, str) and depth < _MAX_INHERIT:
        return _merge(_project_settings(path.parent / parent, depth + 1), settings)
    return settings


_MAX_INHERIT = 8


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """MkDocs' `INHERIT` rule: mappings merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        merged[key] = _merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged
