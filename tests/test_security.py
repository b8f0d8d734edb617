"""Untrusted content (issue 15): titles, figures, CSV downloads and the reports editors rely on."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from cemkit._internal.content.images import MAX_IMAGE_BYTES, sniff_format

from conftest import run_cli
from sitecheck import run_mkdocs, site_output

CASE = "cases/corner-bakery.yaml"
PLAYBOOK = "playbooks/analyse.yaml"
HOSTILE = "</title><script>window.pwned=1</script>&amp;\"'<b>"
"""Closes the `<title>` it lands in, opens a script, and carries an entity that must stay as written."""


def replace_in(project: Path, path: str, old: str, new: str) -> None:
    file = project / path
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_summary(project: Path, yaml_text: str) -> None:
    """Replace the fixture case's one-line `summary` with the given YAML (written at line 8)."""
    case = project / CASE
    lines = case.read_text(encoding="utf-8").split("\n")
    assert lines[7].startswith("summary:")
    case.write_text("\n".join([*lines[:7], yaml_text, *lines[8:]]), encoding="utf-8")


def validate(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code, out, err = run_cli(["--root", str(project), "validate", *args], capsys)
    assert "Traceback" not in out + err
    return code, out


def yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# 1. Titles -----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_hostile_titles_reach_the_title_element_as_text(mini: Path) -> None:
    """Case, playbook, worksheet and role titles that close `<title>` are shown as written, in both languages."""
    title = yaml_string(HOSTILE)
    replace_in(
        mini,
        CASE,
        'title: {en: "Corner Bakery <script>alert(1)</script>", ko: 모퉁이 제과점}',
        f"title: {{en: {title}, ko: {title}}}",
    )
    replace_in(
        mini, PLAYBOOK, "title: {en: Analyse the bakery, ko: 제과점 분석}", f"title: {{en: {title}, ko: {title}}}"
    )
    replace_in(
        mini, PLAYBOOK, "title: {en: Bakery worksheet, ko: 제과점 워크시트}", f"title: {{en: {title}, ko: {title}}}"
    )
    replace_in(mini, "playbooks/roles.yaml", "name: {en: Baker, ko: 제빵사}", f"name: {{en: {title}, ko: {title}}}")
    result = run_mkdocs("build", "--strict", cwd=mini)
    assert result.returncode == 0, result.stderr
    escaped = "&lt;/title&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;&amp;amp;&quot;&#x27;&lt;b&gt;"
    pages = ["cases/corner-bakery", "stages/analyse", "worksheets/analyse", "roles/baker"]
    for prefix in ("", "ko/"):
        for page in pages:
            html = (mini / "site" / prefix / page / "index.html").read_text(encoding="utf-8")
            titles = re.findall(r"<title>(.*?)</title>", html, flags=re.DOTALL)
            assert len(titles) == 1, (prefix, page, titles)
            assert titles[0].startswith(escaped), (prefix, page, titles[0])
            assert "<script>window.pwned" not in html and "</title><" not in html


@pytest.mark.parametrize(
    ("title", "why"),
    [
        ("\u200b\u200b", "text_invisible"),
        ("\u2060\u2061 ", "text_invisible"),
        ("\ufeff", "forbidden-character"),
        ("\u3164", "text_invisible"),
        ("Apple\u200f", "forbidden-character"),
        ("\u200eApple", "forbidden-character"),
        ("\u061cApple", "forbidden-character"),
    ],
)
def test_invisible_titles_and_direction_marks_are_refused(
    mini: Path, capsys: pytest.CaptureFixture[str], title: str, why: str
) -> None:
    """A title of zero-width or blank characters, or one carrying a direction mark, is refused at its place."""
    replace_in(mini, CASE, "ko: 모퉁이 제과점}", f"ko: {yaml_string(title)}}}")
    code, out = validate(mini, capsys)
    assert code == 1
    assert out.startswith(f"{CASE}:3:"), out
    assert why.replace("_", "-") in out or why in out, out


# 2. Figures ----------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


def add_figure(mini: Path, name: str, data: bytes) -> None:
    (mini / "cases" / "images").mkdir(exist_ok=True)
    (mini / "cases" / "images" / name).write_bytes(data)
    case = mini / "cases" / "corner-bakery.yaml"
    case.write_text(
        case.read_text(encoding="utf-8") + f'figures:\n  - src: "images/{name}"\n    alt: A photo\n', encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG figures"),
        ("page.html", b"<script>alert(1)</script>", "not an image this site publishes"),
        ("page.png", b"<!doctype html><script>alert(1)</script>", "is not a PNG image"),
        ("photo.png", b"\xff\xd8\xff\xe0" + bytes(28), "holds a JPEG image; rename it to end in .jpg"),
        ("photo.gif", b"GIF89a<script>", "is not a GIF image"),
        ("big.png", PNG + bytes(MAX_IMAGE_BYTES), "figures may be at most 5 MB"),
    ],
)
def test_figures_must_be_raster_images(
    mini: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, message: str
) -> None:
    """Only PNG, JPEG, WebP, AVIF and GIF files whose bytes match their name are published; SVG is refused."""
    if name == "photo.gif":
        data = b"GIF88a" + data[6:]  # not a GIF signature, whatever follows
    add_figure(mini, name, data)
    code, out = validate(mini, capsys)
    assert code == 1
    assert f"{CASE}:30:10: " in out, out
    assert message in out and "[image-path]" in out, out
    assert not any(path.startswith("assets/cemkit/media") for path in _published(mini))


def _published(mini: Path) -> list[str]:
    output = site_output(mini)
    return list(output.files) if output is not None else []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (PNG, "PNG"),
        (b"\xff\xd8\xff\xdb" + bytes(8), "JPEG"),
        (b"GIF87a" + bytes(8), "GIF"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "AVIF"),
        (b"\x00\x00\x00\x20ftypmif1\x00\x00\x00\x00mif1avifmiafMA1B", "AVIF"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", None),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
        (b"<svg", None),
    ],
)
def test_image_formats_are_recognised_by_their_bytes(header: bytes, expected: str | None) -> None:
    """Each accepted format is told by its signature (AVIF by a brand of its `ftyp` box); others are not."""
    assert sniff_format(header) == expected


def test_a_real_raster_figure_is_published(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_figure(mini, "photo.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(16))
    assert validate(mini, capsys) == (0, "")
    assert "assets/cemkit/media/cases/images/photo.webp" in _published(mini)


# 6. CSV downloads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t=", "＝"])
def test_worksheet_csv_cells_never_start_a_formula(mini: Path, start: str) -> None:
    """A worksheet text starting with a formula character gets a leading `'`, as OWASP and spreadsheet makers advise."""
    formula = f'{start}HYPERLINK("https://example.org/x","Click")'
    replace_in(mini, PLAYBOOK, "label: {en: Customer, ko: 고객}", f"label: {{en: {yaml_string(formula)}, ko: 고객}}")
    replace_in(mini, PLAYBOOK, "example: {en: Commuters,", f"example: {{en: {yaml_string(start + '1+1')},")
    output = site_output(mini)
    assert output is not None
    data = output.files["assets/cemkit/worksheets/cem-worksheet-1-analyse-en.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    shown = " ".join(formula.split())
    assert rows[1][1] == f"'{shown}"
    assert rows[1][3].startswith("'")
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "＝")) for row in rows for cell in row)


# 7. Reports in the right place ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Foo.YAML", "foo.Yml", "foo.yml", "FOO.yaml"])
def test_every_yaml_spelling_is_read(mini: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """A content file is read whatever the case of its extension, so its errors are reported."""
    (mini / "cases" / name).write_text("kind: case\nid: other\n", encoding="utf-8")
    code, out = validate(mini, capsys)
    assert code == 1
    assert out.startswith(f"cases/{name}:1:1: "), out


def test_a_file_that_is_not_content_is_reported(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file the build would skip in a content folder (e.g. `case.yaml.txt`) is a warning, not silence."""
    (mini / "cases" / "new-case.yaml.txt").write_text("kind: case\n", encoding="utf-8")
    (mini / "cases" / "README.md").write_text("Notes for editors.\n", encoding="utf-8")
    code, out = validate(mini, capsys)
    assert code == 0
    assert out == (
        "cases/new-case.yaml.txt:1:1: warning: this file is not read: content files end in .yaml or .yml "
        "(figures: PNG, JPEG, WebP, AVIF or GIF) [not-content]\n"
    )
    assert validate(mini, capsys, "--strict")[0] == 1


def test_duplicate_id_is_reported_on_the_file_that_takes_it(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A new file reusing an id is blamed, even when it sorts first; the file named after the id is not."""
    original = (mini / CASE).read_text(encoding="utf-8")
    (mini / "cases" / "aaa-new.yaml").write_text(original, encoding="utf-8")
    code, out = validate(mini, capsys)
    assert code == 1
    assert out.splitlines() == [
        "cases/aaa-new.yaml:2:5: duplicate case id 'corner-bakery' (also defined in cases/corner-bakery.yaml:2); "
        "choose another id [duplicate-id]"
    ]


def test_duplicate_id_in_two_misnamed_files_is_reported_on_both(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """When neither file is named after the id, both are reported, each pointing at the other."""
    original = (mini / CASE).read_text(encoding="utf-8").replace("id: corner-bakery", "id: shared-id")
    (mini / "cases" / "first.yaml").write_text(original, encoding="utf-8")
    (mini / "cases" / "second.yaml").write_text(original, encoding="utf-8")
    code, out = validate(mini, capsys)
    assert code == 1
    assert [line.split(" (")[0] for line in out.splitlines()] == [
        "cases/first.yaml:2:5: duplicate case id 'shared-id'",
        "cases/second.yaml:2:5: duplicate case id 'shared-id'",
    ]


@pytest.mark.parametrize(
    ("block", "position"),
    [
        ("  en: >-\n    A first line of text that is long.\n    Then <b>bold</b> here.\n  ko: 요약", "11:10"),
        ("  en: |\n    First line.\n\n    Second <i>line</i>.\n  ko: 요약", "12:12"),
        ('  en: "First line,\n    then <u>this</u>."\n  ko: 요약', "10:10"),
        ('  en: "Tab\\there: <b>x</b>"\n  ko: 요약', "9:19"),
        ("  en: >-\n    가나다라 마바사\n    아자차 <b>x</b>\n  ko: 요약", "11:9"),
    ],
)
def test_rich_text_errors_in_block_scalars_point_at_the_problem(
    mini: Path, capsys: pytest.CaptureFixture[str], block: str, position: str
) -> None:
    """A problem inside a folded, literal or quoted multi-line value is reported at its own line and column."""
    set_summary(mini, "summary:\n" + block)
    code, out = validate(mini, capsys)
    assert code == 1
    assert out.startswith(f"{CASE}:{position}: "), out


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("See [the page][x].\\n\\n> [x]: javascript:alert(1)", "8:45"),
        ("See [the page][x].\\n\\n- item\\n\\n  [x]: data:text/html,hi", "8:55"),
        ("See [y].\\n\\n1. [y]: vbscript:run", "8:36"),
    ],
)
def test_reference_definitions_in_quotes_and_lists_are_checked(
    mini: Path, capsys: pytest.CaptureFixture[str], text: str, position: str
) -> None:
    """A link reference defined inside a quote or list item is checked, and reported at its address."""
    set_summary(mini, f'summary: {{en: "{text}", ko: "요약"}}')
    code, out = validate(mini, capsys)
    assert code == 1
    assert out.startswith(f"{CASE}:{position}: "), out
    assert "are not allowed" in out


def test_markdown_nested_too_deep_is_refused_where_it_gets_too_deep(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Quotes nested 17 deep are refused at the quote that is one too many (the sanitiser slows with depth)."""
    set_summary(mini, f'summary: {{en: "{"> " * 20}deep", ko: "요약"}}')
    code, out = validate(mini, capsys)
    assert code == 1
    assert out.startswith(f"{CASE}:8:48: Markdown nested more than 16 levels deep"), out


def test_forbidden_characters_written_as_escapes_are_refused(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A direction override or control character written as a double-quoted escape is refused at the escape."""
    replace_in(mini, CASE, "company: Corner Bakery & Sons", 'company: "Corner \\u202Egnp.exe and \\t tab \\x07"')
    code, out = validate(mini, capsys)
    assert code == 1
    assert [line.split(" is not allowed")[0] for line in out.splitlines()] == [
        f"{CASE}:4:18: bidirectional-control character U+202E",
        f"{CASE}:4:43: control character U+0007",
    ]
