"""`cemkit index`: search for a site that any engine built from the project or its export.

The project's `mkdocs.yml` says which languages there are; the main language's site is the given
folder and each translation's is its `<lang>/` folder, as the `cem` plugin and `cemkit export` build them.
"""

from __future__ import annotations

from pathlib import Path

from cemkit._internal.adapters.export import site_languages
from cemkit._internal.build.project import Project
from cemkit._internal.build.search_index import index_site
from cemkit._internal.content.diagnostics import CemkitError
from cemkit._internal.site.search_data import KoreanAnalyzer, proper_names, search_facts


def index_built_site(root: Path, site_dir: Path, *, config_file: Path | None = None) -> dict[str, int]:
    """Index every language's site under `site_dir` with the project's knowledge; language -> pages indexed."""
    sites = site_languages(config_file or root / "mkdocs.yml")
    project = Project(root)
    try:
        content = project.load()
    finally:
        project.close()
    if content.knowledge is None or content.errors:
        raise CemkitError(f"the content has {len(content.errors)} error(s); run `cemkit validate`")
    knowledge = content.knowledge
    folders = {site.lang: site_dir if index == 0 else site_dir / site.lang for index, site in enumerate(sites)}
    counts: dict[str, int] = {}
    for site in sites:
        folder = folders[site.lang]
        if not (folder / "index.html").is_file():
            raise CemkitError(f"{folder}: no built site here (index.html is missing)")
        directory_urls = bool(site.settings.get("use_directory_urls", True))
        analyzer = KoreanAnalyzer(proper_names(knowledge)) if site.lang == "ko" else None
        counts[site.lang] = index_site(
            folder,
            lang=site.lang,
            facts=search_facts(knowledge, site.lang, directory_urls=directory_urls),
            directory_urls=directory_urls,
            skip=[other for lang, other in folders.items() if lang != site.lang and other.is_relative_to(folder)],
            expand=analyzer.expand if analyzer is not None else None,
        )
    return counts
