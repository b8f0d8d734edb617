"""Build-performance benchmark: synthetic case libraries of several sizes, measured in one run.

Usage (from the repository root, after `bash scripts/setup.sh`):

    .venv/bin/python benchmarks/run.py                 # N = 100, 1000, 5000; writes docs/benchmarks.md
    .venv/bin/python benchmarks/run.py --sizes 100 --repeat 1 --no-write
    .venv/bin/python benchmarks/run.py --sizes 1000 --search-only    # only the search part (benchmarks/search.py)

For each N it copies the real playbooks and site configuration into a temporary project, adds N
cases made from the shipped ones (each gets its own id, so sizes and the mix of Korean and English
are realistic), and measures, taking the median of `--repeat` runs:

- the full `mkdocs build` with the plugin from an empty store (`.cache/cemkit` removed): wall time,
  CPU time and peak memory (of all its processes);
- the same build again with the store kept (nothing changed), and `mkdocs build --dirty` after
  editing one sentence of one case;
- `cemkit export` of the same project built by plain MkDocs without the plugin: the ratio of the two
  is the plugin's overhead;
- `cemkit validate` time, per 1,000 files;
- at the serve size (N = 1000 by default), the time from saving an edited case to the edited page
  being served by `mkdocs serve --dirty`;
- the built site's size and search index (Pagefind's bundles) size per case;
- search (`search.py`): the site's Pagefind search against Material's search on the export, in Chromium as a
  phone: search data per page view, time to the first result on 4G and on localhost, bytes of one search,
  and `cemkit index` against the cold build. With `--search-only`, only this part (and the cold builds it
  needs); its figures are merged into the saved results of the same sizes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from search import search_benchmark, search_report

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
RESULTS = Path(__file__).resolve().parent / "results.json"
"""The last run's results, from which `--tables-only` rewrites the docs tables."""


@dataclass
class Run:
    """One measured command: wall seconds, CPU seconds (its worker processes included) and peak memory in MB."""

    seconds: float
    cpu_seconds: float
    peak_mb: float


def process_tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):  # children of each of its threads
            try:
                pending += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def tree_memory_mb(pid: int) -> float:
    """Proportional set size of `pid` and its descendants: memory shared after a fork is counted once."""
    total_kb = 0
    for member in process_tree(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


class MemorySampler(threading.Thread):
    """Samples the memory of a process tree every 0.1 s; `peak_mb` is the highest total seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        """Sample until `done` is set."""
        while not self.done.is_set():
            self.peak_mb = max(self.peak_mb, tree_memory_mb(self.pid))
            self.done.wait(0.1)


def measure(command: list[str], cwd: Path) -> Run:
    """Run `command`: wall time, CPU time and the peak memory of its processes together; fail loudly on error."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = MemorySampler(process.pid)
    sampler.start()
    try:
        stderr = process.stderr.read().decode() if process.stderr else ""  # returns when the command ends
    except BaseException:  # interrupted: leave no build running, nor the workers it forked
        for member in process_tree(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(member, signal.SIGKILL)
        process.wait()
        raise
    finally:
        sampler.done.set()
        sampler.join()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, sampler.peak_mb)


def timed(command: list[str], cwd: Path) -> float:
    """The wall time of `command` in `cwd`, in seconds."""
    return measure(command, cwd).seconds


def plain_build(export_dir: Path) -> Run:
    """Plain MkDocs building every language of an export, one after the other as the plugin does."""
    runs = [
        measure([str(BIN / "mkdocs"), "build", "-q", "-f", config.name], export_dir)
        for config in [export_dir / "mkdocs.yml", *sorted(export_dir.glob("mkdocs.*.yml"))]
    ]
    return Run(sum(run.seconds for run in runs), sum(run.cpu_seconds for run in runs), max(run.peak_mb for run in runs))


def cold_build(project: Path) -> Run:
    """`mkdocs build` with an empty store of generated files (`.cache/cemkit`), as on a fresh clone."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    return measure([str(BIN / "mkdocs"), "build", "-q", "-d", "site"], project)


def dirty_build_after_edit(project: Path, attempt: int) -> Run:
    """`mkdocs build --dirty` after an editor changed one sentence of one case (both languages)."""
    case = sorted((project / "cases").glob("*.yaml"))[len(list((project / "cases").glob("*.yaml"))) // 2]
    text = case.read_text(encoding="utf-8")
    edited = re.sub(r"^(summary:\n  en: >-\n    )", rf"\g<1>Edit {attempt}. ", text, count=1, flags=re.MULTILINE)
    assert edited != text
    case.write_text(edited, encoding="utf-8")
    return measure([str(BIN / "mkdocs"), "build", "--dirty", "-q", "-d", "site"], project)


def make_project(root: Path, size: int) -> Path:
    """A project with the shipped playbooks and `size` cases: the shipped ones plus copies of them under new ids."""
    project = root / f"n{size}"
    shutil.copytree(REPO / "playbooks", project / "playbooks")
    shutil.copytree(REPO / "docs", project / "docs")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copy(REPO / "mkdocs.ko.yml", project / "mkdocs.ko.yml")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\n  - mkdocstrings:\n(?:      .*\n|        .*\n|          .*\n)*", "\n", config)
    config = re.sub(r"\n  - Developer reference:\n(?:      - .*\n)*", "\n", config)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.rmtree(project / "docs" / "reference")
    templates = sorted((REPO / "cases").glob("*.yaml"))
    shutil.copytree(REPO / "cases", project / "cases")  # the playbooks link to the real cases
    for index in range(size - len(templates)):
        source = templates[index % len(templates)]
        text = source.read_text(encoding="utf-8")
        new_id = f"{source.stem}-{index:05d}"
        text = re.sub(r"^id: .*$", f"id: {new_id}", text, count=1, flags=re.MULTILINE)
        text = re.sub(r"^related:\n(?:  - .*\n)+", "related: []\n", text, flags=re.MULTILINE)
        text = re.sub(r"^related: \[.*\]$", "related: []", text, flags=re.MULTILINE)
        text = re.sub(r"\[\[case:[a-z0-9-]+(\|([^\]]*))?\]\]", lambda m: m.group(2) or "a related case", text)
        (project / "cases" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    return project


def folder_size(path: Path) -> int:
    """Bytes of all files under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    """The page at `url`, or an empty string while it is not served."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def measure_serve_edit(project: Path, repeat: int) -> list[float]:
    """Seconds from saving an edited case to `mkdocs serve --dirty` serving the edited page."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        case = sorted((project / "cases").glob("*.yaml"))[0]
        site_url = re.search(r"^site_url:\s*(\S+)", (project / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)
        mount = urllib.parse.urlsplit(site_url.group(1)).path if site_url else "/"
        url = f"http://127.0.0.1:{port}{mount.rstrip('/')}/cases/{case.stem}/"
        deadline = time.monotonic() + 600
        while "</html>" not in fetch(url):
            if time.monotonic() > deadline:
                raise SystemExit("mkdocs serve did not come up")
            time.sleep(0.5)
        time.sleep(2)
        original = case.read_text(encoding="utf-8")
        timings = []
        for attempt in range(repeat):
            token = f"benchmarktoken{attempt}x{int(time.time())}"
            case.write_text(
                original.replace("summary:\n  en: >-\n    ", f"summary:\n  en: >-\n    {token} ", 1), "utf-8"
            )
            start = time.perf_counter()
            while token not in fetch(url):
                if time.perf_counter() - start > 300:
                    raise SystemExit("the edited page never appeared")
                time.sleep(0.05)
            timings.append(time.perf_counter() - start)
            time.sleep(1)
        case.write_text(original, encoding="utf-8")
        return timings
    finally:
        server.terminate()
        server.wait(timeout=60)


def search_only(size: int, repeat: int, root: Path) -> dict[str, float]:
    """The search measurements at one library size, with the cold builds they are compared with."""
    print(f"N = {size}: generating", file=sys.stderr, flush=True)
    project = make_project(root, size)
    export_dir = root / f"export{size}"
    try:
        build_s = statistics.median(cold_build(project).seconds for _ in range(repeat))
        measure([str(BIN / "cemkit"), "export", str(export_dir)], project)
        result = {"size": size, **search_benchmark(project, export_dir, repeat, build_s, timed)}
    finally:
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(export_dir, ignore_errors=True)
    print(f"N = {size}: {result}", file=sys.stderr, flush=True)
    return result


def benchmark(size: int, repeat: int, root: Path, serve_size: int) -> dict[str, float]:
    """Every measurement at one library size."""
    print(f"N = {size}: generating", file=sys.stderr, flush=True)
    project = make_project(root, size)
    assert "summary:\n  en: >-\n" in next((project / "cases").glob("*.yaml")).read_text(encoding="utf-8")
    plugin = [cold_build(project) for _ in range(repeat)]
    warm = [measure([str(BIN / "mkdocs"), "build", "-q", "-d", "site"], project) for _ in range(repeat)]
    dirty = [dirty_build_after_edit(project, attempt) for attempt in range(repeat)]
    export_dir = root / f"export{size}"
    measure([str(BIN / "cemkit"), "export", str(export_dir)], project)
    plain = [plain_build(export_dir) for _ in range(repeat)]
    validate = [measure([str(BIN / "cemkit"), "validate"], project) for _ in range(repeat)]
    files = len(list((project / "cases").glob("*.yaml"))) + len(list((project / "playbooks").glob("*.yaml")))
    site = project / "site"
    result = {
        "size": size,
        "plugin_s": statistics.median(r.seconds for r in plugin),
        "warm_s": statistics.median(r.seconds for r in warm),
        "dirty_s": statistics.median(r.seconds for r in dirty),
        "cpu_ratio": statistics.median(r.cpu_seconds for r in plugin) / statistics.median(r.cpu_seconds for r in plain),
        "plugin_mb": max(r.peak_mb for r in plugin),
        "plain_s": statistics.median(r.seconds for r in plain),
        "plain_mb": max(r.peak_mb for r in plain),
        "validate_per_1000_s": statistics.median(r.seconds for r in validate) * 1000 / files,
        "site_kb_per_case": folder_size(site) / 1024 / size,
        "search_kb_per_case": sum(
            path.stat().st_size
            for path in [*site.glob("**/pagefind/**/*"), *site.glob("**/search_index.json")]
            if path.is_file()
        )
        / 1024
        / size,
    }
    result["overhead"] = result["plugin_s"] / result["plain_s"]
    result["dirty_ratio"] = result["dirty_s"] / result["plugin_s"]
    if size == serve_size:
        print(f"N = {size}: serve", file=sys.stderr, flush=True)
        result["serve_edit_s"] = statistics.median(measure_serve_edit(project, repeat))
    print(f"N = {size}: search", file=sys.stderr, flush=True)
    result |= search_benchmark(project, export_dir, repeat, result["plugin_s"], timed)
    print(f"N = {size}: {result}", file=sys.stderr, flush=True)
    shutil.rmtree(project)
    shutil.rmtree(export_dir)
    return result


TABLE_TEXT = {
    "en": {
        "headers": [
            "Cases", "Build with plugin, cold (s)", "Peak memory (MB)", "Plain build of export (s)",
            "Its peak memory (MB)", "Plugin overhead", "CPU time ratio", "Rebuild, nothing changed (s)",
            "`build --dirty` after one edit (s)", "Its share of the cold build",
            "`cemkit validate` per 1,000 files (s)", "Edit served by `serve --dirty` (s)", "Site per case (KB)",
            "Search index per case (KB)",
        ],
        "growth": "Growth from 1,000 to 5,000 cases: {growth:.2f}x the build time for 5x the cases.",
        "note": (
            "Medians of {repeat} runs in one session on this project's CI machine (2 cores); ratios are taken "
            "within the same run, so they hold better than the absolute times on a shared machine. Peak memory is "
            "the highest total proportional set size (PSS) of the build's processes, sampled every 0.1 s; the CPU "
            "time ratio counts the plugin's worker processes too. A cold build starts with no `.cache/cemkit`."
        ),
    },
    "ko": {
        "headers": [
            "사례 수", "플러그인 빌드, 차가운 빌드(초)", "최대 메모리(MB)", "내보낸 페이지의 일반 빌드(초)",
            "그 최대 메모리(MB)", "플러그인 부담", "CPU 시간 비율", "바뀐 것 없이 다시 빌드(초)",
            "사례 하나 수정 뒤 `build --dirty`(초)", "차가운 빌드 대비 비율",
            "파일 1,000개당 `cemkit validate`(초)", "`serve --dirty`가 수정을 보여 주기까지(초)",
            "사례당 사이트 크기(KB)", "사례당 검색 색인(KB)",
        ],
        "growth": "사례 1,000개에서 5,000개로: 사례가 5배일 때 빌드 시간은 {growth:.2f}배.",
        "note": (
            "이 프로젝트의 CI 기계(코어 2개)에서 한 세션에 {repeat}번씩 잰 값의 중앙값입니다. 비율은 같은 실행 안에서 "
            "구하므로, 여럿이 함께 쓰는 기계에서는 절대 시간보다 비율이 더 믿을 만합니다. 최대 메모리는 빌드의 "
            "모든 프로세스의 비례 배분 메모리(PSS) 합을 0.1초마다 재어 가장 큰 값이고, CPU 시간 비율에는 "
            "플러그인의 작업 프로세스도 들어갑니다. 차가운 빌드는 `.cache/cemkit`이 없는 상태에서 시작합니다."
        ),
    },
}  # fmt: skip
"""The table's headers and notes in each language of the docs."""


def report(results: list[dict[str, float]], repeat: int, lang: str = "en") -> str:
    """The Markdown table of the results, in the docs language `lang`."""
    text = TABLE_TEXT[lang]
    headers = text["headers"]
    assert isinstance(headers, list)
    rows = ["| " + " | ".join(headers) + " |", "|" + " ---: |" * len(headers)]
    for r in (r for r in results if "plugin_s" in r):  # rows measured by --search-only alone have no build figures
        serve = f"{r['serve_edit_s']:.2f}" if "serve_edit_s" in r else "-"
        rows.append(
            f"| {int(r['size']):,} | {r['plugin_s']:.1f} | {r['plugin_mb']:.0f} | {r['plain_s']:.1f} | "
            f"{r['plain_mb']:.0f} | "
            f"{r['overhead']:.2f} | {r['cpu_ratio']:.2f} | {r['warm_s']:.1f} | {r['dirty_s']:.1f} | "
            f"{r['dirty_ratio']:.2f} | {r['validate_per_1000_s']:.2f} | {serve} | "
            f"{r['site_kb_per_case']:.0f} | "
            f"{r['search_kb_per_case']:.1f} |"
        )
    by_size = {int(r["size"]): r for r in results}
    if "plugin_s" in by_size.get(1000, {}) and "plugin_s" in by_size.get(5000, {}):
        growth = by_size[5000]["plugin_s"] / by_size[1000]["plugin_s"]
        rows += ["", str(text["growth"]).format(growth=growth)]
    rows += ["", str(text["note"]).format(repeat=repeat)]
    search = search_report(results, lang)
    return "\n".join(rows) + "\n" + ("\n" + search if search else "")


def merged(results: list[dict[str, float]]) -> list[dict[str, float]]:
    """The saved results with the figures of `results` put in, size by size (for a `--search-only` run)."""
    by_size = {int(r["size"]): r for r in json.loads(RESULTS.read_text(encoding="utf-8"))["results"]}
    for result in results:
        by_size.setdefault(int(result["size"]), {}).update(result)
    return [by_size[size] for size in sorted(by_size)]


def write_tables(results: list[dict[str, float]], repeat: int) -> None:
    """Write the results into both languages' docs pages and keep them in `RESULTS` (to rewrite the tables)."""
    RESULTS.write_text(json.dumps({"repeat": repeat, "results": results}, indent=1) + "\n", encoding="utf-8")
    for lang, page in (("en", REPO / "docs" / "benchmarks.md"), ("ko", REPO / "docs" / "ko" / "benchmarks.md")):
        text = page.read_text(encoding="utf-8")
        start, end = text.index("<!-- results -->"), text.index("<!-- /results -->")
        table = report(results, repeat, lang)
        page.write_text(text[: start + len("<!-- results -->")] + "\n\n" + table + "\n" + text[end:], encoding="utf-8")
        print(f"wrote {page}", file=sys.stderr)


def main() -> int:
    """Run the benchmark and write (or print) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated case counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--serve-size", type=int, default=1000, help="size at which to time serve edits")
    parser.add_argument("--no-write", action="store_true", help="print the table instead of writing the docs page")
    parser.add_argument("--tables-only", action="store_true", help=f"rewrite the docs tables from {RESULTS.name}")
    parser.add_argument("--search-only", action="store_true", help=f"measure only search; merge into {RESULTS.name}")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up (servers, Chromium, builds) when stopped
    if args.tables_only:
        saved = json.loads(RESULTS.read_text(encoding="utf-8"))
        write_tables(saved["results"], saved["repeat"])
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="cemkit-bench-") as folder:
        if args.search_only:
            results = [search_only(size, args.repeat, Path(folder)) for size in sizes]
        else:
            results = [benchmark(size, args.repeat, Path(folder), args.serve_size) for size in sizes]
    if args.no_write:
        print(report(results, args.repeat) if not args.search_only else search_report(results))
        return 0
    if args.search_only:
        saved = json.loads(RESULTS.read_text(encoding="utf-8"))
        write_tables(merged(results), saved["repeat"])
        return 0
    write_tables(results, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
