"""Exporters: one module per format, each with ``write_to_string`` and ``write_to_file``.

An exporter takes an :class:`ExportContext` (the log, the project summary, the catalogue when
one is needed) and returns text or bytes. The registry maps a ``--format`` name to its module so
the CLI and the GUI offer the same list.

Other distributions add formats through the ``workbench.exporters`` entry-point group: the entry
point's name is the format name, its value a module (``my_package.notes``) or an object in one
(``my_package.notes:NOTES``) with ``write_to_string(context)`` (and ``write_to_file(context,
path)`` if it likes), ``EXTENSION`` (the default file extension, with its dot) and optionally
``DESCRIPTION`` (else the first line of its docstring). The built-in formats
are listed here and not declared as entry points, so nothing registers twice; a third-party
format that fails to load, lacks those names, or takes a name already taken is left out with a
:class:`~workbench.tools.plugins.PluginWarning` naming its distribution. They are found once, on
first use (:func:`formats`, :func:`exporter`); :func:`refresh` looks again.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from workbench.disclosure.export import LogData
from workbench.errors import StorageError, UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from workbench.catalog.card import ModelCard
    from workbench.disclosure.report_model import Thumbnailer
    from workbench.disclosure.report_thumbs import ShotThumbnailer


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
    shot_thumbnails: ShotThumbnailer | None = None
    """A conformed shot's picture (``report_thumbs.shot_thumbnailer``) for the sequence view."""


# format name -> (module, default file extension, description)
REGISTRY: dict[str, tuple[str, str, str]] = {
    "json": ("workbench.disclosure.exporters.json_export", ".json", "verifiable log export"),
    "csv": ("workbench.disclosure.exporters.csv_export", ".csv", "one row per log entry"),
    "html": ("workbench.disclosure.exporters.html_report", ".html", "report for people"),
    "pdf": ("workbench.disclosure.exporters.pdf_report", ".pdf", "the report as a PDF"),
    "ledger": ("workbench.disclosure.exporters.ledger", ".csv", "compensation per contributor"),
    "credits": ("workbench.disclosure.exporters.credits", ".txt", "end-credits text"),
    "film-ledger": (
        "workbench.disclosure.exporters.film_ledger",
        ".csv",
        "a film's ledger: per shot, model and contributor",
    ),
}


BUILTIN_FORMATS = tuple(REGISTRY)
PLUGIN_GROUP = "workbench.exporters"
_plugins_lock = threading.RLock()  # a plugin's import may ask for the formats again
_plugins_loaded = False
_plugins: dict[str, Any] = {}  # format name -> the third-party exporter object


class Exporter(Protocol):
    """What ``--format`` names: a module (or an object) that writes the export."""

    def write_to_string(self, context: ExportContext) -> str | bytes: ...


def _plugin_entry(value: str, obj: Any) -> tuple[str, str, str]:
    """The registry entry of a third-party exporter; ValueError says what it lacks."""
    if not callable(getattr(obj, "write_to_string", None)):
        raise ValueError("has no write_to_string(context)")
    extension = getattr(obj, "EXTENSION", None)
    if not isinstance(extension, str) or not extension.startswith("."):
        raise ValueError("has no EXTENSION (the default file extension, e.g. '.otio')")
    description = getattr(obj, "DESCRIPTION", None)
    if not isinstance(description, str):
        description = (getattr(obj, "__doc__", None) or "").strip().partition("\n")[0]
    where = obj.__name__ if isinstance(obj, ModuleType) else value
    return where, extension, description or value


def _load_plugins() -> None:
    """Add the ``workbench.exporters`` entry points to :data:`REGISTRY`, once."""
    global _plugins_loaded
    with _plugins_lock:
        if _plugins_loaded:
            return
        _plugins_loaded = True
        from workbench.tools.plugins import load_group, warn

        for loaded in load_group(PLUGIN_GROUP):
            try:
                entry = _plugin_entry(loaded.value, loaded.obj)
            except ValueError as exc:
                warn(PLUGIN_GROUP, loaded.origin, str(exc))
                continue
            if loaded.name in REGISTRY:
                if REGISTRY[loaded.name][0] == entry[0]:
                    continue  # the same exporter declared again
                owner = "a built-in format" if loaded.name in BUILTIN_FORMATS else "another format"
                warn(PLUGIN_GROUP, loaded.origin, f"takes the name {loaded.name!r} of {owner}")
                continue
            REGISTRY[loaded.name] = entry
            _plugins[loaded.name] = loaded.obj


def refresh() -> None:
    """Forget third-party formats; the next :func:`formats` looks for them again."""
    global _plugins_loaded
    with _plugins_lock:
        for name in _plugins:
            REGISTRY.pop(name, None)
        _plugins.clear()
        _plugins_loaded = False


def formats() -> list[str]:
    _load_plugins()
    return list(REGISTRY)


def exporter(name: str) -> Exporter:
    _load_plugins()
    if name in _plugins:
        found: Exporter = _plugins[name]
        return found
    try:
        module_name = REGISTRY[name][0]
    except KeyError:
        raise UsageError(
            f"unknown export format {name!r} (choose from {', '.join(REGISTRY)})"
        ) from None
    module: Exporter = importlib.import_module(module_name)
    return module


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
