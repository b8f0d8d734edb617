"""Static files shipped with the package and published with every site."""

from __future__ import annotations

from importlib import resources

ASSET_FILES: tuple[str, ...] = (
    "assets/cemkit/cemkit.css",
    "assets/cemkit/checklist.js",
    "assets/cemkit/language.js",
    "assets/cemkit/explorer.js",
    "assets/cemkit/search.js",
)
"""Site paths of the shipped assets; each is `assets/<name>` inside the package."""


def asset_bytes(site_path: str) -> bytes:
    """Content of a shipped asset, by its site path."""
    name = site_path.removeprefix("assets/cemkit/")
    return resources.files("cemkit").joinpath("assets", name).read_bytes()
