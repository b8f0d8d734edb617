"""The `cemkit` command: validate content, export schemas, scaffold cases, export the site.

Each subcommand is a function returning an exit code: 0 ok, 1 invalid content, 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cemkit._internal.adapters.export import export_site
from cemkit._internal.adapters.site_index import index_built_site
from cemkit._internal.build.project import load_project
from cemkit._internal.build.scaffold import new_case
from cemkit._internal.content.diagnostics import CemkitError, Diagnostic, Severity, display_path
from cemkit._internal.content.lint import DEFAULT_MAX_REVIEW_AGE_DAYS, LintOptions
from cemkit._internal.content.loader import CONTENT_DIRS, find_content_files
from cemkit._internal.content.schema import SCHEMAS, schema_text, stale_schemas, write_schemas
from cemkit._internal.site.linkcheck import broken_links

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def get_parser() -> argparse.ArgumentParser:
    """The argument parser of the `cemkit` command."""
    parser = argparse.ArgumentParser(prog="cemkit", description="CEM knowledge and playbooks: check and build content.")
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project folder (default: the nearest folder upwards holding mkdocs.yml, cases/ or playbooks/)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check content files; print path:line:col: message per problem")
    validate.add_argument("paths", nargs="*", type=Path, help="files or folders to report on (default: all content)")
    validate.add_argument(
        "--format",
        choices=("text", "github"),
        default="github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text",
        help="'github' adds ::error annotations (default inside GitHub Actions)",
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument(
        "--max-review-age",
        type=int,
        default=DEFAULT_MAX_REVIEW_AGE_DAYS,
        metavar="DAYS",
        help=f"warn about cases reviewed longer ago than this (default: {DEFAULT_MAX_REVIEW_AGE_DAYS})",
    )
    validate.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date review ages are counted to (default: today)",
    )

    schema = commands.add_parser("schema", help="print or write the JSON Schemas of the content files")
    schema.add_argument("name", nargs="?", choices=sorted(SCHEMAS), default="content", help="which schema to print")
    group = schema.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, metavar="DIR", help="write every schema into DIR")
    group.add_argument("--check", type=Path, metavar="DIR", help="exit 1 if the schemas in DIR are out of date")

    new = commands.add_parser("new", help="create a content file from a scaffold")
    new.add_argument("what", choices=("case",), help="what to create")
    new.add_argument("slug", help="the new id, e.g. carnegie-hall")

    linkcheck = commands.add_parser("linkcheck", help="check every internal link and anchor of a built site")
    linkcheck.add_argument("site", type=Path, help="the built site folder, e.g. site/")

    export = commands.add_parser("export", help="write the generated pages as a plain MkDocs project")
    export.add_argument("dest", type=Path, help="folder to write (empty, new, or an earlier export)")
    export.add_argument("--config", type=Path, help="the site's mkdocs.yml (default: ROOT/mkdocs.yml)")

    index = commands.add_parser("index", help="make the search index of a built site (any engine), with Pagefind")
    index.add_argument("site", type=Path, help="the built site folder, e.g. site/ (translations in its <lang>/)")
    index.add_argument("--config", type=Path, help="the project's mkdocs.yml (default: ROOT/mkdocs.yml)")
    return parser


def validate(
    root: Path,
    paths: Sequence[Path] = (),
    *,
    output_format: str = "text",
    strict: bool = False,
    lint: LintOptions | None = None,
) -> int:
    """Check the content of the project at `root`; report the problems in `paths` (all when empty)."""
    files, problems = find_content_files(root)
    files = [_absolute(path) for path in files]
    chosen = [_absolute(path) for path in _expand(paths)]
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        print(f"cemkit: error: {path}: no such file or folder", file=sys.stderr)
    if missing:
        return EXIT_USAGE
    if not files and not chosen:
        print(f"cemkit: error: no content found in {root} (expected cases/ or playbooks/)", file=sys.stderr)
        return EXIT_USAGE
    result = load_project(root, paths=sorted({*files, *chosen}), lint=lint)
    diagnostics = [*problems, *result.diagnostics]
    if chosen:
        shown = {display_path(path, root) for path in chosen}
        diagnostics = [d for d in diagnostics if d.path in shown]
    _report(diagnostics, output_format)
    errors = [d for d in diagnostics if strict or d.severity is Severity.ERROR]
    checked = len(chosen) if chosen else len(files)
    if errors:
        files_with_errors = len({d.path for d in errors})
        noun = "problem" if strict else "error"
        print(f"cemkit: {len(errors)} {noun}(s) in {files_with_errors} file(s)", file=sys.stderr)
        return EXIT_INVALID
    warnings = len(diagnostics)
    print(f"cemkit: {checked} file(s) OK" + (f", {warnings} warning(s)" if warnings else ""), file=sys.stderr)
    return EXIT_OK


def schema(name: str, *, write: Path | None = None, check: Path | None = None) -> int:
    """Print one schema, write them all, or check that the written ones are current."""
    if write is not None:
        for path in write_schemas(write):
            print(f"wrote {path}", file=sys.stderr)
        return EXIT_OK
    if check is not None:
        stale = stale_schemas(check)
        for name_ in stale:
            print(f"{check}/{name_}.schema.json: out of date; run `cemkit schema --write {check}`", file=sys.stderr)
        return EXIT_INVALID if stale else EXIT_OK
    sys.stdout.write(schema_text(name))
    return EXIT_OK


def new(root: Path, slug: str) -> int:
    """Create a new case file from its scaffold (`case` is the only kind so far)."""
    path = new_case(root, slug)
    print(f"created {path}: fill in every TODO, then run `cemkit validate {path}`", file=sys.stderr)
    return EXIT_OK


def linkcheck(site: Path) -> int:
    """Report every broken internal link or anchor of the built site at `site`."""
    if not (site / "index.html").is_file():
        print(f"cemkit: error: {site}: no built site here (run `mkdocs build` first)", file=sys.stderr)
        return EXIT_USAGE
    broken = broken_links(site)
    for line in broken:
        print(line)
    pages = sum(1 for _ in site.rglob("*.html"))
    print(f"cemkit: {len(broken)} broken link(s) in {pages} page(s)", file=sys.stderr)
    return EXIT_INVALID if broken else EXIT_OK


def export(root: Path, dest: Path, *, config: Path | None = None) -> int:
    """Export the generated site into `dest`."""
    result = export_site(root, dest, config_file=config)
    _report(result.diagnostics, "text")
    if result.errors:
        print(f"cemkit: {len(result.errors)} error(s); nothing exported", file=sys.stderr)
        return EXIT_INVALID
    configs = sorted(dest.glob("mkdocs.*.yml"))
    builds = " and ".join(f"`mkdocs build -f {path}`" for path in [dest / "mkdocs.yml", *configs])
    print(f"cemkit: exported to {dest} (build it with {builds})", file=sys.stderr)
    return EXIT_OK


def index(root: Path, site: Path, *, config: Path | None = None) -> int:
    """Index the built site in `site` for search."""
    counts = index_built_site(root, site, config_file=config)
    done = ", ".join(f"{count} {lang}" for lang, count in counts.items())
    print(f"cemkit: indexed {done} page(s) for search into {site}", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the only place that turns errors into messages and exit codes."""
    args = get_parser().parse_args(argv)
    root: Path = args.root if args.root is not None else find_project_root(Path.cwd())
    if not root.is_dir():
        print(f"cemkit: error: {root}: not a folder", file=sys.stderr)
        return EXIT_USAGE
    commands: dict[str, Callable[[], int]] = {
        "validate": lambda: validate(
            root,
            args.paths,
            output_format=args.format,
            strict=args.strict,
            lint=LintOptions(max_review_age_days=args.max_review_age, today=args.today or dt.date.today()),
        ),
        "schema": lambda: schema(args.name, write=args.write, check=args.check),
        "new": lambda: new(root, args.slug),
        "export": lambda: export(root, args.dest, config=args.config),
        "linkcheck": lambda: linkcheck(args.site),
        "index": lambda: index(root, args.site, config=args.config),
    }
    try:
        return commands[args.command]()
    except CemkitError as exc:
        message = str(exc)
    except OSError as exc:
        message = f"{exc.filename or ''}: {exc.strerror}"
    print(f"cemkit: error: {message}", file=sys.stderr)
    return EXIT_INVALID


def find_project_root(start: Path) -> Path:
    """The nearest folder from `start` upwards that looks like a project; `start` itself if none does."""
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file() or any((folder / name).is_dir() for name in CONTENT_DIRS):
            return folder
    return start


def _absolute(path: Path) -> Path:
    """An absolute path without following symbolic links, so the same file is named the same way twice."""
    return Path(os.path.abspath(path))  # noqa: PTH100 - resolve() would follow symlinks, which must be refused


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found, _ = find_content_files(path, ("",))
            files += found
        elif path.exists():
            files.append(path)
    return files


def _report(diagnostics: Sequence[Diagnostic], output_format: str) -> None:
    for diagnostic in diagnostics:
        print(diagnostic)
        if output_format == "github":
            print(diagnostic.github_annotation())
