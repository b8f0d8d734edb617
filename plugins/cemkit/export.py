"""Write the generated site as a plain Markdown project that any MkDocs-like tool builds without our plugin."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from cemkit.assets import ASSET_FILES, asset_bytes
from cemkit.errors import CemkitError
from cemkit.loader import CONTENT_DIRS
from cemkit.pipeline import BuildResult, build_site

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
) -> BuildResult:
    """Export the project at `root` into `dest` (`dest/mkdocs.yml` and `dest/docs/`).

    Nothing is written when the content has errors. `dest` must be empty, missing, or an earlier export.
    """
    result = build_site(root, content_dirs=content_dirs, directory_urls=True)
    if result.output is None:
        return result
    _prepare(dest)
    docs = dest / "docs"
    source_docs = root / "docs"
    if source_docs.is_dir():
        shutil.copytree(source_docs, docs, symlinks=True, ignore=_ignore_symlinks)
    for path, data in {**result.output.files, **{p: asset_bytes(p) for p in ASSET_FILES}}.items():
        _write(docs / path, data)
    for path, text in result.output.pages.items():
        _write(docs / path, text.encode("utf-8"))
    settings = _project_settings(config_file or root / "mkdocs.yml")
    (dest / "mkdocs.yml").write_text(export_config(settings), encoding="utf-8")
    (dest / MARKER).write_text("Written by `cemkit export`; the next export replaces this folder.\n", encoding="utf-8")
    return result


def export_config(settings: dict[str, Any]) -> str:
    """The `mkdocs.yml` of an export: the project's plain settings, Material, and the extensions pages need."""
    config: dict[str, Any] = {key: settings[key] for key in _CARRIED_KEYS if key in settings}
    config.setdefault("site_name", "CEM playbooks")
    theme = settings.get("theme")
    if not isinstance(theme, dict):
        theme = {}
    carried = {key: value for key, value in theme.items() if key in ("language", "features", "palette", "font")}
    config["theme"] = {"name": "material", "font": False, **carried}
    config["use_directory_urls"] = True
    config["markdown_extensions"] = EXPORT_EXTENSIONS
    config["extra_css"] = [path for path in ASSET_FILES if path.endswith(".css")]
    config["extra_javascript"] = [path for path in ASSET_FILES if path.endswith(".js")]
    config["validation"] = {"links": {"absolute_links": "warn", "anchors": "warn", "unrecognized_links": "warn"}}
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def _prepare(dest: Path) -> None:
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
        shutil.rmtree(dest / "docs", ignore_errors=True)
    dest.mkdir(parents=True, exist_ok=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _ignore_symlinks(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if (Path(folder) / name).is_symlink()}


class _LenientLoader(yaml.SafeLoader):
    """Reads `mkdocs.yml` files that use `!!python/name:` and `!ENV` tags, turning those values into None."""


def _ignore_tag(*_: object) -> None:
    return None


_LenientLoader.add_multi_constructor("", _ignore_tag)


def _project_settings(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LenientLoader)
    except yaml.YAMLError as exc:
        msg = f"{path}: cannot read the site settings: {exc}"
        raise CemkitError(msg) from exc
    return data if isinstance(data, dict) else {}
