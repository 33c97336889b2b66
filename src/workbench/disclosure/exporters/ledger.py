"""``ledger``: the compensation ledger, one row per model and contributor (CSV).

The numbers are the report's (see :mod:`workbench.disclosure.report_model` for how each is
counted); empty cells mean "not known from this log" (a clip without its size or frame rate),
never zero.
"""

from __future__ import annotations

import io
from pathlib import Path

from workbench.disclosure.exporters import ExportContext, write_atomic
from workbench.disclosure.exporters.csv_export import CsvRows, _safe
from workbench.disclosure.report_model import LedgerRow, ProducerReport, build_report

COLUMNS = (
    "model_id",
    "model_version",
    "model_sha256",
    "weights_licence",
    "contributor",
    "role",
    "share",
    "share_basis",
    "frames_processed",
    "megapixels_processed",
    "delivered_seconds",
    "contributor_megapixels",
    "contributor_seconds",
)


def _num(value: float | None, digits: int = 6) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def row_values(row: LedgerRow) -> list[str]:
    return [
        row.model_id,
        row.model_version,
        row.model_sha256,
        row.weights_licence,
        row.contributor,
        row.role,
        _num(row.share),
        row.basis,
        str(row.frames),
        _num(row.megapixels),
        _num(row.seconds, 3),
        _num(row.contributor_megapixels),
        _num(row.contributor_seconds, 3),
    ]


def ledger_csv(report: ProducerReport) -> str:
    buffer = io.StringIO()
    writer = CsvRows(buffer)
    writer.writerow(COLUMNS)
    for row in report.ledger:
        writer.writerow([_safe(v) for v in row_values(row)])
    return buffer.getvalue()


def write_to_string(context: ExportContext) -> str:
    return ledger_csv(build_report(context))


def write_to_file(context: ExportContext, path: Path) -> None:
    write_atomic(path, write_to_string(context))
