"""Exporters: one module per format, each with ``write_to_string`` and ``write_to_file``.

An exporter takes an :class:`ExportContext` (the log, the project summary, the catalogue when
one is needed) and returns text or bytes. The registry maps a ``--format`` name to its module so
the CLI and the GUI offer the same list.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from workbench.disclosure.export import LogData
from workbench.errors import StorageError, UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from workbench.catalog.card import ModelCard
    from workbench.disclosure.report_model import Thumbnailer


@dataclass(frozen=True)
class ExportContext:
    """What an exporter may use. Only ``data`` and ``exported`` are required; the producer
    reports use the rest when given (clip sizes and rates from the project, the cards of the
    models the log names, keyed by SHA-256, and a thumbnail source) and say so when not."""

    data: LogData
    exported: str
    extra: dict[str, Any] = field(default_factory=dict)
    clips: tuple[dict[str, Any], ...] = ()
    cards: Mapping[str, ModelCard] = field(default_factory=dict)
    thumbnails: Thumbnailer | None = None


# format name -> (module, default file extension, description)
REGISTRY: dict[str, tuple[str, str, str]] = {
    "json": ("workbench.disclosure.exporters.json_export", ".json", "verifiable log export"),
    "csv": ("workbench.disclosure.exporters.csv_export", ".csv", "one row per log entry"),
    "html": ("workbench.disclosure.exporters.html_report", ".html", "report for people"),
    "pdf": ("workbench.disclosure.exporters.pdf_report", ".pdf", "the report as a PDF"),
    "ledger": ("workbench.disclosure.exporters.ledger", ".csv", "compensation per contributor"),
    "credits": ("workbench.disclosure.exporters.credits", ".txt", "end-credits text"),
}


def formats() -> list[str]:
    return list(REGISTRY)


def exporter(name: str) -> ModuleType:
    try:
        module_name = REGISTRY[name][0]
    except KeyError:
        raise UsageError(
            f"unknown export format {name!r} (choose from {', '.join(REGISTRY)})"
        ) from None
    return importlib.import_module(module_name)


def write_atomic(path: Path, payload: str | bytes) -> None:
    """Write to a temp file beside ``path``, fsync, then rename over it."""
    from workbench import fsutil

    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    try:
        fsutil.write_atomic(path, data)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from None


def export(name: str, context: ExportContext, path: Path) -> None:
    module = exporter(name)
    write_atomic(path, module.write_to_string(context))
