"""No input takes super-linear time: a case file of 256 KB in any pathological shape validates and renders fast.

Each shape is a known worst case of some Markdown parser or regular expression (long runs of brackets,
emphasis markers, backticks, link openers, nested quotes and lists...). It fills a rich-text field up to
the file size limit; loading (validate) and rendering both languages must each take under 2 s of CPU, where
a quadratic step would take minutes. CPU time of forked workers is counted too.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cemkit import Project
from cemkit._internal.content.models import LANGUAGES, MAX_PLAIN_CHARS
from cemkit._internal.content.yamlsource import MAX_FILE_BYTES

from sitecheck import run_mkdocs, site_output

CPU_BUDGET = 2.0
"""Seconds of CPU allowed for each step on a 256 KB file; linear steps take a small fraction of it."""

Shape = Callable[[int], str]

MARKDOWN_SHAPES: dict[str, Shape] = {
    "[[": lambda n: "[[" * (n // 2),
    "[[x|": lambda n: "[[x|" * (n // 4),
    "[[case:": lambda n: "[[case:" * (n // 7),
    "[": lambda n: "[" * n,
    "]": lambda n: "]" * n,
    "nested []": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "*": lambda n: "*" * n,
    "_": lambda n: "_" * n,
    "`": lambda n: "`" * n,
    "a*": lambda n: "a*" * (n // 2),
    "*a": lambda n: "*a" * (n // 2),
    "_a": lambda n: "_a" * (n // 2),
    "**a": lambda n: "**a" * (n // 3),
    "*a**": lambda n: "*a**" * (n // 4),
    "*_": lambda n: "*_" * (n // 2),
    "`a": lambda n: "`a" * (n // 2),
    "``a`": lambda n: "``a`" * (n // 4),
    "[a](": lambda n: "[a](" * (n // 4),
    "](": lambda n: "](" * (n // 2),
    "[](": lambda n: "[](" * (n // 3),
    "[a][": lambda n: "[a][" * (n // 4),
    "[a]": lambda n: "[a]" * (n // 3),
    "[a]: ": lambda n: "[a]: " * (n // 5),
    "[a]:\\n": lambda n: "[a]:\n" * (n // 5),
    "(": lambda n: "(" * n,
    "<": lambda n: "<" * n,
    "<a ": lambda n: "<a " * (n // 3),
    "<http": lambda n: "<http:" * (n // 6),
    "http://a ": lambda n: "http://a " * (n // 9),
    "&#": lambda n: "&#" * (n // 2),
    "\\": lambda n: "\\" * n,
    "|": lambda n: "|" * n,
    "table": lambda n: "a|b\n-|-\n" + "a|b\n" * (n // 4),
    "wide table": lambda n: "|" * (n // 2) + "\n" + "-|" * (n // 4) + "\n" + "a|" * (n // 4),
    "> ": lambda n: "> " * (n // 2),
    "\\n>": lambda n: "\n>" * (n // 2),
    "- ": lambda n: "- " * (n // 2),
    "-\\n": lambda n: "-\n" * (n // 2),
    "1. ": lambda n: "1. " * (n // 3),
    "> - ": lambda n: "> - " * (n // 4),
    "# ": lambda n: "# " * (n // 2),
    "indented code": lambda n: "    x\n" * (n // 6),
    "~~a": lambda n: "~~a" * (n // 3),
    "hard breaks": lambda n: "a  \n" * (n // 4),
    "backslash breaks": lambda n: "a\\\n" * (n // 3),
    "deep quotes": lambda n: "".join("> " * depth + "a\n" for depth in range(1, int(n**0.5))),
    "deep lists": lambda n: "".join("  " * depth + "- a\n" for depth in range(1, int(n**0.5))),
    "{": lambda n: "{" * n,
    "Hangul and [": lambda n: "가[" * (n // 4),
    "[^": lambda n: "[^" * (n // 2),
    "[^x": lambda n: "[^x" * (n // 3),
    "[^x] ": lambda n: "[^x] " * (n // 5),
    "digits": lambda n: "9" * n,
    "9,": lambda n: "9," * (n // 2),
    "9% ": lambda n: "9% " * (n // 3),
    "$9 ": lambda n: "$9 " * (n // 3),
    "9 million ": lambda n: "9 million " * (n // 10),
    "9% in sentences": lambda n: "9%. " * (n // 4),
    "9 명": lambda n: "9 명" * (n // 4),
}
"""Pathological Markdown, written as a literal block in a case's summary."""

YAML_SHAPES: dict[str, Shape] = {
    "flow [": lambda n: "[" * n,
    "flow {": lambda n: "{" * n,
    "- ": lambda n: "- " * (n // 2),
    "keys": lambda n: "".join(f"k{index}: v\n" for index in range(n // 12)),
    "quoted escapes": lambda n: 'x: "' + "\\t" * (n // 2 - 4) + '"',
    "long plain scalar": lambda n: "x: " + "a " * (n // 2 - 2),
}
"""Pathological YAML: the whole content file."""


@contextmanager
def cpu_time() -> Iterator[list[float]]:
    """Measure the CPU time of this process and of the workers it forks, in seconds."""
    spent: list[float] = []
    own, children = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    yield spent
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent.append(time.process_time() - own + after.ru_utime - children.ru_utime + after.ru_stime - children.ru_stime)


def fill(shape: Shape, wrap: Callable[[str], str]) -> str:
    """The largest file of the given shape that fits the size limit."""
    size = MAX_FILE_BYTES
    while True:
        text = wrap(shape(size))
        if len(text.encode("utf-8")) <= MAX_FILE_BYTES:
            return text
        size = int(size * 0.97)


def rich_text_case(mini: Path, shape: Shape) -> None:
    """Fill the fixture case's summary with the shape, up to the size limit."""
    case = mini / "cases" / "corner-bakery.yaml"
    original = case.read_text(encoding="utf-8")
    line = next(line for line in original.splitlines() if line.startswith("summary:"))

    def wrap(text: str) -> str:
        block = "".join(f"    {row}\n" if row else "\n" for row in text.split("\n"))
        return original.replace(line, f"summary:\n  ko: 요약\n  en: |-\n{block}")

    content = fill(shape, wrap)
    assert len(content.encode("utf-8")) > MAX_FILE_BYTES * 0.9
    case.write_text(content, encoding="utf-8")


def plain_text_case(mini: Path, char: str) -> None:
    """Fill the fixture case with outcomes whose plain texts are `char` repeated to the longest length allowed."""
    case = mini / "cases" / "corner-bakery.yaml"
    original = case.read_text(encoding="utf-8")
    line = next(line for line in original.splitlines() if line.startswith("  - {text: {en: Queues"))
    text = '"' + (char * MAX_PLAIN_CHARS).replace("\\", "\\\\") + '"'
    item = f"  - {{text: {text}, source: own}}\n"
    count = (MAX_FILE_BYTES - len(original.encode("utf-8"))) // len(item.encode("utf-8"))
    case.write_text(original.replace(line + "\n", item * count), encoding="utf-8")


def assert_linear(mini: Path) -> None:
    """Validate, then (if valid) render both languages, each under the CPU budget."""
    project = Project(mini)
    with cpu_time() as loading:
        loaded = project.load()
    assert loading[0] < CPU_BUDGET, f"validating took {loading[0]:.2f} s of CPU"
    assert all(problem.path.startswith("cases/corner-bakery.yaml") for problem in loaded.errors)
    if loaded.errors:
        return
    for lang in LANGUAGES:
        with cpu_time() as rendering:
            output = site_output(mini, language=lang, project=project)
        assert output is not None
        assert rendering[0] < CPU_BUDGET, f"rendering {lang} took {rendering[0]:.2f} s of CPU"


@pytest.mark.parametrize("name", MARKDOWN_SHAPES)
def test_pathological_markdown_is_handled_in_linear_time(mini: Path, name: str) -> None:
    """A Markdown field of 256 KB in the shape validates, and renders in both languages, under the budget."""
    rich_text_case(mini, MARKDOWN_SHAPES[name])
    assert_linear(mini)


@pytest.mark.parametrize("char", ["[", "<", "*", "_", "`", "\\", "&", "가"])
def test_plain_text_of_every_special_character_is_handled_in_linear_time(mini: Path, char: str) -> None:
    """A case made of the longest plain texts allowed, each a run of one Markdown character, stays fast."""
    plain_text_case(mini, char)
    assert_linear(mini)


@pytest.mark.slow
def test_mkdocs_builds_the_worst_plain_text_case_in_bounded_time(mini: Path) -> None:
    """MkDocs' own Markdown parser is quadratic in the escapes of one text; the length limit bounds it.

    Before the limit, 32 KB of `[` in one plain field took about 20 s to build and 256 KB never finished;
    a whole 256 KB file of the longest texts allowed now builds in a few seconds (see scripts/benchmark.sh).
    """
    plain_text_case(mini, "<")
    result = run_mkdocs("build", cwd=mini, timeout=120)  # a quadratic build of this file takes far longer
    assert result.returncode == 0, result.stderr


def test_plain_text_longer_than_the_limit_is_refused(mini: Path) -> None:
    """One plain field of 256 KB (which MkDocs would take minutes to render) is refused at once, at its place."""
    case = mini / "cases" / "corner-bakery.yaml"
    original = case.read_text(encoding="utf-8")
    case.write_text(original.replace("company: Corner Bakery & Sons", "company: x" + "[" * 249_999), encoding="utf-8")
    project = Project(mini)
    with cpu_time() as loading:
        loaded = project.load()
    assert loading[0] < CPU_BUDGET
    assert [str(error) for error in loaded.errors] == [
        "cases/corner-bakery.yaml:4:10: plain text may have at most 2000 characters (250000 characters); "
        "shorten it, or move the detail into a Markdown field [string-too-long]"
    ]


@pytest.mark.parametrize("name", YAML_SHAPES)
def test_pathological_yaml_is_handled_in_linear_time(mini: Path, name: str) -> None:
    """A whole content file of pathological YAML is refused (or read) under the CPU budget, never with a traceback."""
    (mini / "cases" / "shape.yaml").write_text(fill(YAML_SHAPES[name], lambda text: text), encoding="utf-8")
    project = Project(mini)
    with cpu_time() as loading:
        loaded = project.load()
    assert loading[0] < CPU_BUDGET, f"validating took {loading[0]:.2f} s of CPU"
    assert [problem.path for problem in loaded.errors][:1] == ["cases/shape.yaml"]
