"""``csv``: one row per entry, for spreadsheets (not verifiable on its own; use JSON for that)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.disclosure import records
from workbench.disclosure.exporters import ExportContext, write_atomic

COLUMNS = (
    "seq",
    "time",
    "schema",
    "operator",
    "summary",
    "clip_id",
    "clip_path",
    "frames",
    "region",
    "tool",
    "parameters",
    "model_id",
    "model_sha256",
    "model_licence",
    "training_consent",
    "c2pa_action",
    "digital_source_type",
    "nature",
    "reverts",
    "hash",
    "prev",
)


_FORMULA = "=+-@\t\r"
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def _safe(value: str) -> str:
    """Neutralise spreadsheet formula injection: no line of a cell may start with = + - @ (a
    spreadsheet starts a new row at a bare CR as at LF, so each line is checked)."""
    parts = _LINE_BREAK.split(value)
    return "".join(
        "'" + part if n % 2 == 0 and part and part[0] in _FORMULA else part
        for n, part in enumerate(parts)
    )


class CsvRows:
    """Rows written as CSV, any field that holds a CR or LF in quotes.

    The csv module's minimal quoting looks only at the line terminator (LF here), so a field with
    a bare CR went out unquoted and a spreadsheet started a new row inside it; such a row is
    written with every field quoted.
    """

    def __init__(self, buffer: io.StringIO) -> None:
        self._minimal = csv.writer(buffer, lineterminator="\n")
        self._quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Sequence[str]) -> None:
        broken = any("\r" in value or "\n" in value for value in row)
        (self._quoted if broken else self._minimal).writerow(row)


def _row(entry: dict[str, Any]) -> dict[str, str]:
    edit = entry.get("edit") if isinstance(entry.get("edit"), dict) else {}
    clip = (edit or {}).get("clip") or entry.get("clip") or {}
    model = entry.get("model") or {}
    classification = entry.get("classification") or {}
    frames = (edit or {}).get("frames")
    values: dict[str, Any] = {
        "seq": entry.get("seq"),
        "time": entry.get("time"),
        "schema": entry.get("schema"),
        "operator": entry.get("operator"),
        "summary": records.summary(entry),
        "clip_id": clip.get("id") if isinstance(clip, dict) else "",
        "clip_path": clip.get("path") if isinstance(clip, dict) else "",
        "frames": f"{frames[0]}-{frames[1]}"
        if isinstance(frames, list) and len(frames) == 2
        else "",
        "region": json.dumps((edit or {}).get("region"), sort_keys=True) if edit else "",
        "tool": ((edit or {}).get("tool") or {}).get("id", "") if edit else "",
        "parameters": json.dumps((edit or {}).get("parameters"), sort_keys=True) if edit else "",
        "model_id": model.get("id", ""),
        "model_sha256": model.get("sha256", ""),
        "model_licence": model.get("licence", ""),
        "training_consent": model.get("consent", ""),
        "c2pa_action": classification.get("c2pa_action", ""),
        "digital_source_type": classification.get("digital_source_type", ""),
        "nature": classification.get("nature", ""),
        "reverts": entry.get("reverts", ""),
        "hash": entry.get("hash", ""),
        "prev": entry.get("prev", ""),
    }
    return {k: _safe("" if v is None else str(v)) for k, v in values.items()}


def write_to_string(context: ExportContext) -> str:
    buffer = io.StringIO()
    writer = CsvRows(buffer)
    writer.writerow(COLUMNS)
    for entry in context.data.entries():
        row = _row(entry)
        writer.writerow([row[column] for column in COLUMNS])
    return buffer.getvalue()


def write_to_file(context: ExportContext, path: Path) -> None:
    write_atomic(path, write_to_string(context))
