"""Static files shipped with the package and published with every site."""

from __future__ import annotations

import json
from importlib import resources

from cemkit._internal.site.labels import LABELS

ASSET_FILES: tuple[str, ...] = (
    "assets/cemkit/cemkit.css",
    "assets/cemkit/checklist.js",
    "assets/cemkit/language.js",
    "assets/cemkit/explorer.js",
    "assets/cemkit/search.js",
)
"""Site paths of the shipped assets; each is `assets/<name>` inside the package."""
SEARCH_SCRIPT = "assets/cemkit/search.js"


def asset_bytes(site_path: str) -> bytes:
    """Content of a shipped asset, by its site path."""
    name = site_path.removeprefix("assets/cemkit/")
    return resources.files("cemkit").joinpath("assets", name).read_bytes()


def site_assets(lang: str) -> dict[str, bytes]:
    """The shipped assets as a `lang` site publishes them: the search script opens with its words in `lang`."""
    assets = {path: asset_bytes(path) for path in ASSET_FILES}
    words = {key: text for key, text in LABELS[lang].items() if key.startswith(("search_", "kind_"))}
    opening = f"window.cemkitSearchLabels = {json.dumps(words, ensure_ascii=True, sort_keys=True)};\n"
    assets[SEARCH_SCRIPT] = opening.encode("ascii") + assets[SEARCH_SCRIPT]
    return assets
