"""``film-ledger``: the film's compensation ledger, one row per shot, model and contributor (CSV).

The numbers are the report's sequence view (:mod:`workbench.disclosure.report_sequence`): the
frames of the cut (each shot's source range, not its handles) a model touched, and each
contributor's share of them from the model card. Empty cells mean "not known" (an undisclosed
model names no contributor), never zero.
"""

from __future__ import annotations

import io
from pathlib import Path

from workbench.disclosure.exporters import ExportContext, write_atomic
from workbench.disclosure.exporters.csv_export import CsvRows, _safe
from workbench.disclosure.report_model import build_report
from workbench.disclosure.report_sequence import film_ledger

EXTENSION = ".csv"
COLUMNS = (
    "sequence",
    "shot",
    "reel",
    "record_in",
    "model",
    "contributor",
    "role",
    "share",
    "frames_of_the_cut",
    "contributor_frames",
)


def write_to_string(context: ExportContext) -> str:
    report = build_report(context)
    buffer = io.StringIO()
    writer = CsvRows(buffer)
    writer.writerow(COLUMNS)
    for row in film_ledger(report.sequences):
        values = [
            row.sequence,
            str(row.shot),
            row.reel,
            row.record_in,
            row.model,
            row.contributor,
            row.role,
            "" if row.share is None else f"{row.share:.6f}",
            str(row.frames),
            "" if row.contributor_frames is None else f"{row.contributor_frames:.3f}",
        ]
        writer.writerow([_safe(v) for v in values])
    return buffer.getvalue()


def write_to_file(context: ExportContext, path: Path) -> None:
    write_atomic(path, write_to_string(context))
