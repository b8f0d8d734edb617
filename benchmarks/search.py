"""Search benchmark (issue #19): the site's Pagefind search against Material's lunr search, in Chromium.

`search_benchmark` takes a project built by the `cem` plugin and its `cemkit export`; it builds the export
with Material's search plugin as the baseline, serves both sites with gzip as static hosts do, and drives
Chromium as a phone (390x844, CPU throttled 4x, on 4G or on localhost) with a fresh context per run: the
search data a page view fetches, the time from navigation start to the first result of a search begun at
once, the bytes one search fetches, and the time of `cemkit index` against the cold build.
"""

from __future__ import annotations

import gzip
import http.server
import mimetypes
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

BIN = Path(sys.executable).parent
Timed = Callable[[list[str], Path], float]
"""Runs a command in a folder and returns its wall time in seconds (failing loudly)."""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # the repository widget's GitHub call fails at once
]
PHONE: ViewportSize = {"width": 390, "height": 844}
CPU_SLOWDOWN = 4
FOUR_G = {"offline": False, "latency": 150, "downloadThroughput": 9_000_000 / 8, "uploadThroughput": 3_000_000 / 8}
NETWORKS = {"4g": True, "local": False}
"""Each network a first result is timed on: emulated 4G, or localhost as it is."""
PRECOMPRESSED = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")
"""Pagefind's files, gzip-compressed by Pagefind itself: served as they are."""
TEXT = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".map", ".webmanifest")
KOREAN_SEPARATOR = r'[\s\-,:!=\[\]()"/]+|[。、，．・·「」『』《》〈〉【】（）！？：；～]+'
CASE = "westin"
QUERIES = {"ko": "웨스틴", "en": "westin"}
TIMEOUT_MS = 180_000


@dataclass(frozen=True)
class Engine:
    """A site's search: how it is opened, when its first result shows, and which request paths are its data."""

    name: str
    button: str
    box: str
    shown: str
    is_data: Callable[[str], bool]


PAGEFIND = Engine(
    "pagefind",
    ".cemkit-search-button",
    ".cemkit-search__input",
    "document.querySelector('.cemkit-search')?.dataset.done === document.querySelector('.cemkit-search__input').value"
    " && document.querySelector('.cemkit-search__result')?.checkVisibility()",
    lambda path: "/pagefind/" in path,
)
MATERIAL = Engine(
    "material",
    'label.md-header__button[for="__search"]',
    ".md-search__input",
    "document.querySelector('.md-search-result__item')?.checkVisibility()",
    lambda path: path.endswith("/search/search_index.json") or "/assets/javascripts/workers/search." in path,
)


@dataclass(frozen=True)
class Request:
    """One answered request: when it arrived (`time.monotonic`), its path and the body bytes sent."""

    arrived: float
    path: str
    sent: int


class SiteServer(http.server.ThreadingHTTPServer):
    """Serves one built site; keeps what it sent and the gzip copies it made."""

    daemon_threads = True

    def __init__(self, site: Path) -> None:
        super().__init__(("127.0.0.1", 0), GzipHandler)
        self.site = site
        self.sent: list[Request] = []
        self.compressed: dict[Path, bytes] = {}
        self.lock = threading.Lock()

    def search_bytes(self, engine: Engine, mark: int, before: float = float("inf")) -> int:
        """Bytes of `engine`'s search data sent for the requests after the `mark`-th that arrived before `before`."""
        with self.lock:
            return sum(r.sent for r in self.sent[mark:] if engine.is_data(r.path) and r.arrived <= before)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzip-compressed when the client accepts it, Pagefind's files as they are."""

    protocol_version = "HTTP/1.1"
    server: SiteServer

    def __init__(self, request: Any, client_address: Any, server: SiteServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.site))

    def do_GET(self) -> None:
        """Answer with the file and record the bytes sent."""
        arrived = time.monotonic()
        url_path = unquote(urlsplit(self.path).path)
        path = Path(self.translate_path(self.path))
        if path.is_dir() and not url_path.endswith("/"):
            self.send_response(301)
            self.send_header("Location", url_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path = path / "index.html" if path.is_dir() else path
        if not path.is_file():
            self.send_error(404)
            return
        zipped = (
            path.suffix not in PRECOMPRESSED
            and path.suffix in TEXT
            and "gzip" in self.headers.get("Accept-Encoding", "")
        )
        body = self.server.compressed.get(path) if zipped else None
        if body is None:
            body = path.read_bytes()
            if zipped:  # compressed once per file, as a host's cache would
                body = self.server.compressed[path] = gzip.compress(body, 6)
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        try:
            self.wfile.write(body)
        except ConnectionError:
            return
        with self.server.lock:
            self.server.sent.append(Request(arrived, url_path, len(body)))

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


@contextmanager
def serve(site: Path) -> Iterator[tuple[str, SiteServer]]:
    """Serve `site` on a free localhost port; yield its base URL and the server."""
    server = SiteServer(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, closed on the way out."""
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"the search benchmark needs Debian's Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def phone(browser: Browser, *, network: bool) -> Iterator[Page]:
    """A page in a fresh context (nothing cached), CPU throttled, on emulated 4G when `network`."""
    context = browser.new_context(viewport=PHONE, service_workers="block")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        if network:
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", FOUR_G)
        yield page
    finally:
        context.close()


def case_url(base: str, lang: str) -> str:
    """The measured case page in `lang`."""
    return f"{base}{'' if lang == 'en' else lang + '/'}cases/{CASE}/"


def page_view(browser: Browser, base: str, server: SiteServer, engine: Engine, lang: str) -> int:
    """Bytes of search data fetched by opening the case page on 4G, until the network is idle."""
    with phone(browser, network=True) as page:
        mark = len(server.sent)
        page.goto(case_url(base, lang), wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        return server.search_bytes(engine, mark)


def first_result(
    browser: Browser, base: str, server: SiteServer, engine: Engine, lang: str, *, network: bool
) -> tuple[float, int]:
    """Seconds from navigation start to the first result of a search begun at once, and search bytes until then."""
    with phone(browser, network=network) as page:
        mark = len(server.sent)
        page.goto(case_url(base, lang), wait_until="commit", timeout=TIMEOUT_MS)
        page.locator(engine.button).click(timeout=TIMEOUT_MS)
        page.locator(engine.box).fill(QUERIES[lang], timeout=TIMEOUT_MS)
        shown = page.wait_for_function(
            f"() => ({engine.shown}) && performance.now()", polling="raf", timeout=TIMEOUT_MS
        )
        now = time.monotonic()
        return float(shown.json_value()) / 1000, server.search_bytes(engine, mark, before=now)


def material_build(export_dir: Path, timed: Timed) -> Path:
    """Build the export with Material's search plugin on, into `site-material/`: the baseline."""
    for config in [export_dir / "mkdocs.yml", *sorted(export_dir.glob("mkdocs.*.yml"))]:
        settings = yaml.safe_load(config.read_text(encoding="utf-8"))
        lang = None if config.name == "mkdocs.yml" else config.name.split(".")[1]
        plugins = [p for p in settings.get("plugins") or [] if "search" not in (p if isinstance(p, dict) else [p])]
        search = "search" if lang is None else {"search": {"lang": ["en"], "separator": KOREAN_SEPARATOR}}
        settings["plugins"] = [search, *plugins]
        settings["site_dir"] = "site-material" + ("" if lang is None else f"/{lang}")
        copy = export_dir / ("material.yml" if lang is None else f"material.{lang}.yml")
        copy.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
        timed([str(BIN / "mkdocs"), "build", "-q", "-f", copy.name], export_dir)
    return export_dir / "site-material"


def search_benchmark(project: Path, export_dir: Path, repeat: int, build_s: float, timed: Timed) -> dict[str, float]:
    """Every search measurement of one size: `project/site` is built, in `build_s` seconds from cold."""
    print(f"  search: building the baseline ({export_dir.name})", file=sys.stderr, flush=True)
    sites = {PAGEFIND: project / "site", MATERIAL: material_build(export_dir, timed)}
    result: dict[str, float] = {"search_repeat": repeat}
    times: dict[str, list[float]] = {}
    one_search: dict[str, list[int]] = {}
    with chromium() as browser, serve(sites[PAGEFIND]) as pagefind, serve(sites[MATERIAL]) as material:
        servers = {PAGEFIND: pagefind, MATERIAL: material}
        for engine, (base, server) in servers.items():
            for lang in QUERIES:
                result[f"search_{lang}_view_{engine.name}_bytes"] = page_view(browser, base, server, engine, lang)
        for attempt in range(repeat):
            print(f"  search: run {attempt + 1} of {repeat}", file=sys.stderr, flush=True)
            for lang in QUERIES:
                for net, emulated in NETWORKS.items():
                    for engine, (base, server) in servers.items():  # alternated, so drift hits both alike
                        seconds, sent = first_result(browser, base, server, engine, lang, network=emulated)
                        times.setdefault(f"search_{lang}_{net}_{engine.name}_s", []).append(seconds)
                        if engine is PAGEFIND and emulated:
                            one_search.setdefault(f"search_{lang}_one_search_bytes", []).append(sent)
    result |= {key: statistics.median(values) for key, values in times.items()}
    result |= {key: statistics.median(values) for key, values in one_search.items()}
    for lang in QUERIES:
        for net in NETWORKS:
            result[f"search_{lang}_{net}_ratio"] = (
                result[f"search_{lang}_{net}_pagefind_s"] / (result[f"search_{lang}_{net}_material_s"])
            )
    print("  search: timing `cemkit index`", file=sys.stderr, flush=True)
    index = [timed([str(BIN / "cemkit"), "index", "site"], project) for _ in range(repeat)]
    result |= {"search_index_s": statistics.median(index), "search_build_s": build_s}
    result["search_index_ratio"] = result["search_index_s"] / build_s
    return result


SEARCH_TEXT = {
    "en": {
        "headers": [
            "Cases", "Language", "Search data per page view, Pagefind (KB)", "Same, Material (KB)",
            "First result on 4G, Pagefind (s)", "Same, Material (s)", "Ratio",
            "First result on localhost, Pagefind (s)", "Same, Material (s)", "Ratio", "One search, Pagefind (KB)",
            "`cemkit index`, both languages (s)", "Its share of the cold build",
        ],
        "languages": {"ko": "Korean", "en": "English"},
        "note": (
            "Search: the plugin's site (Pagefind) against the same pages from `cemkit export` built by plain MkDocs "
            "with Material's search (lunr; the Korean site with `lang: [en]` and a separator for Korean punctuation), "
            "both served from localhost with gzip as static hosts do. Chromium opens `cases/westin/` as a phone: "
            "390x844, CPU slowed 4x (DevTools slows the page's main thread, not the Web Workers both engines search "
            "in), on 4G (9 Mbps down, 3 Mbps up, 150 ms) or on localhost, in a fresh context each run. First result: "
            "from navigation start, the search opened as soon as the page allows and `웨스틴` or `westin` typed, to "
            "the first result shown; ratio = Pagefind / Material; medians of {repeat} runs. One search: Pagefind's "
            "bytes from opening the search to the first result. `cemkit index` (both languages) is timed on the built "
            "site against the cold build. Targets: ratio at most 0.25 at 1,000 cases, at most 0.10 and under 2 s at "
            "5,000; one search at most 300 KB at 5,000; indexing at most 0.10 of the build."
        ),
    },
    "ko": {
        "headers": [
            "사례 수", "언어", "페이지 보기당 검색 데이터, Pagefind(KB)", "같은 값, Material(KB)",
            "4G에서 첫 결과까지, Pagefind(초)", "같은 값, Material(초)", "비율",
            "로컬에서 첫 결과까지, Pagefind(초)", "같은 값, Material(초)", "비율", "검색 한 번, Pagefind(KB)",
            "`cemkit index`, 두 언어(초)", "차가운 빌드 대비 비율",
        ],
        "languages": {"ko": "한국어", "en": "영어"},
        "note": (
            "검색: 플러그인이 만든 사이트(Pagefind)와, `cemkit export`로 내보낸 같은 페이지를 Material 검색(lunr; "
            "한국어 사이트는 `lang: [en]`에 한국어 문장 부호로도 나누는 separator)으로 일반 MkDocs가 빌드한 사이트를 "
            "견줍니다. 둘 다 정적 호스팅처럼 gzip으로 localhost에서 제공합니다. Chromium이 휴대전화처럼 "
            "`cases/westin/`을 엽니다: 390x844, CPU 4배 느리게(DevTools는 페이지의 메인 스레드만 느리게 하고, 두 "
            "엔진이 검색하는 Web Worker는 그대로), 4G(내려받기 9 Mbps, 올리기 3 Mbps, 지연 150 ms) 또는 localhost, "
            "실행마다 새 컨텍스트. 첫 결과까지: 탐색 시작부터, 페이지가 허락하는 대로 곧장 검색을 열고 `웨스틴` 또는 "
            "`westin`을 입력해 첫 결과가 보일 때까지; 비율 = Pagefind / Material; {repeat}번 잰 값의 중앙값. 검색 "
            "한 번: 검색을 연 때부터 첫 결과까지 Pagefind가 받은 양. `cemkit index`(두 언어)는 빌드된 사이트에서 재어 "
            "차가운 빌드와 견줍니다. 목표: 사례 1,000개에서 비율 0.25 이하, 5,000개에서 0.10 이하이면서 2초 미만; "
            "5,000개에서 검색 한 번 300 KB 이하; 색인은 빌드의 0.10 이하."
        ),
    },
}  # fmt: skip
"""The search table's headers and note in each language of the docs."""


def search_report(results: list[dict[str, float]], lang: str = "en") -> str:
    """The Markdown table of the search results (rows without them are left out), in the docs language `lang`."""
    rows_with = [r for r in results if "search_index_s" in r]
    if not rows_with:
        return ""
    text = SEARCH_TEXT[lang]
    headers, languages = text["headers"], text["languages"]
    assert isinstance(headers, list) and isinstance(languages, dict)
    rows = ["| " + " | ".join(headers) + " |", "|" + " ---: |" * len(headers)]
    for r in rows_with:
        for index, site in enumerate(QUERIES):
            cells = [
                f"{int(r['size']):,}" if index == 0 else "",
                languages[site],
                *(f"{r[f'search_{site}_view_{engine}_bytes'] / 1024:,.0f}" for engine in ("pagefind", "material")),
                *(
                    f"{r[f'search_{site}_{net}_{key}']:.2f}"
                    for net in NETWORKS
                    for key in ("pagefind_s", "material_s", "ratio")
                ),
                f"{r[f'search_{site}_one_search_bytes'] / 1024:,.0f}",
                f"{r['search_index_s']:.1f}" if index == 0 else "",
                f"{r['search_index_ratio']:.3f}" if index == 0 else "",
            ]
            rows.append("| " + " | ".join(cells) + " |")
    repeats = sorted({int(r["search_repeat"]) for r in rows_with})
    repeat = str(repeats[0]) if len(repeats) == 1 else f"{repeats[0]}-{repeats[-1]}"
    return "\n".join([*rows, "", str(text["note"]).format(repeat=repeat)]) + "\n"
