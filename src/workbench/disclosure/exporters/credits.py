"""``credits``: a short end-credits line from the log, then the attributions owed (text)."""

from __future__ import annotations

from pathlib import Path

from workbench.disclosure.exporters import ExportContext, write_atomic
from workbench.disclosure.report_model import build_report


def write_to_string(context: ExportContext) -> str:
    return build_report(context).credits()


def write_to_file(context: ExportContext, path: Path) -> None:
    write_atomic(path, write_to_string(context))
