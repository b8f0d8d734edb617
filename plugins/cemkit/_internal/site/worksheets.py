"""Worksheet downloads: each stage's worksheet as a CSV and a Markdown file, per language."""

from __future__ import annotations

import csv
import io

from cemkit._internal.content.models import Playbook
from cemkit._internal.site.labels import LABELS

WORKSHEET_DIR = "assets/cemkit/worksheets"
"""Site folder of the downloads."""
CSV_COLUMNS = ("field_id", "label", "prompt", "example", "answer")
"""Columns of the CSV download; `answer` is left empty for the team to fill."""
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""Characters that make a spreadsheet read a cell as a formula (the last four are full-width forms)."""


def csv_columns(lang: str) -> tuple[str, ...]:
    """The CSV header in `lang` (in English, the ids of `CSV_COLUMNS` themselves)."""
    return tuple(LABELS[lang][f"csv_{column}"] for column in CSV_COLUMNS)


def download_name(playbook: Playbook, lang: str, suffix: str) -> str:
    """A file name that says what the file is, e.g. `cem-worksheet-2-build-experiential-platform-en.csv`."""
    return f"cem-worksheet-{playbook.order}-{playbook.id}-{lang}.{suffix}"


def download_path(playbook: Playbook, lang: str, suffix: str) -> str:
    """Site path of a download.

    Markdown downloads are stored as `.md.txt`, since site generators would turn a `.md` file into a page;
    links give the browser the `.md` name to save it under.
    """
    stored = f"{suffix}.txt" if suffix == "md" else suffix
    return f"{WORKSHEET_DIR}/{download_name(playbook, lang, stored)}"


def worksheet_csv(playbook: Playbook, lang: str) -> bytes:
    """The worksheet as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Korean correctly)."""
    assert playbook.worksheet is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_columns(lang))
    for field in playbook.worksheet.fields:
        texts = (field.label.get(lang), field.prompt.get(lang), field.example.get(lang))
        writer.writerow([field.id, *(spreadsheet_text(text) for text in texts), ""])
    return buffer.getvalue().encode("utf-8-sig")


def spreadsheet_text(text: str) -> str:
    """`text` made safe for a CSV cell: a leading formula character is preceded by `'`.

    Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (or a tab or line break before
    one; some also take the full-width forms) as a formula. OWASP's advice on CSV injection is to prefix
    such a cell with a single quote, which the programs read as "this is text" and do not show.
    """
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def worksheet_markdown(playbook: Playbook, lang: str) -> bytes:
    """The worksheet as a Markdown document with room to write under each field."""
    assert playbook.worksheet is not None
    labels = LABELS[lang]
    lines = [
        f"# {playbook.worksheet.title.get(lang)}",
        "",
        f"{labels['stage_label']}: {playbook.title.get(lang)}",
        "",
        f"{labels['team']}: ______________________   {labels['date']}: ____________",
        "",
    ]
    for field in playbook.worksheet.fields:
        lines += [
            f"## {field.label.get(lang)}",
            "",
            f"*{field.prompt.get(lang)}*",
            "",
            f"> {labels['example']}: {field.example.get(lang)}",
            "",
            f"{labels['answer']}:",
            "",
            "",
            "",
            "",
        ]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def worksheet_files(playbooks: list[Playbook], lang: str) -> dict[str, bytes]:
    """Every download in one language, by site path."""
    files: dict[str, bytes] = {}
    for playbook in playbooks:
        if playbook.worksheet is not None:
            files[download_path(playbook, lang, "csv")] = worksheet_csv(playbook, lang)
            files[download_path(playbook, lang, "md")] = worksheet_markdown(playbook, lang)
    return files
