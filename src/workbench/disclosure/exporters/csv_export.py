"""``csv``: one row per entry, for spreadsheets (not verifiable on its own; use JSON for that)."""

from __future__ import annotations

import csv
import io
import json
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


def _safe(value: str) -> str:
    """Neutralise spreadsheet formula injection (a cell starting with = + - @)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


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
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in context.data.entries():
        writer.writerow(_row(entry))
    return buffer.getvalue()


def write_to_file(context: ExportContext, path: Path) -> None:
    write_atomic(path, write_to_string(context))
