"""The portable form of a log: everything a third party needs to verify it offline.

``workbench.log-export/1`` carries every entry (as the JSON object whose canonical bytes were
hashed), every checkpoint (its signed object and signature) and the public keys. Because entries
are stored canonically, ``canonical_bytes(entry)`` reproduces the stored bytes exactly, so an
export verifies with the very same code as a project.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.disclosure import records
from workbench.disclosure.canonical import canonical_bytes, parse_json_object
from workbench.disclosure.store import CheckpointRow, KeyRow, LogRow, LogStore, as_bytes
from workbench.errors import DisclosureError

if TYPE_CHECKING:
    from workbench.disclosure.entries import TypedEntry

EXPORT_SCHEMA = "workbench.log-export/1"


@dataclass(frozen=True)
class LogData:
    """A whole log, as rows, from a project or from an export file."""

    project: dict[str, Any]
    rows: list[LogRow]
    checkpoints: list[CheckpointRow]
    keys: list[KeyRow]

    @property
    def project_id(self) -> str | None:
        value = self.project.get("id")
        return value if isinstance(value, str) else None

    def entries(self) -> list[dict[str, Any]]:
        out = []
        for row in self.rows:
            entry = parse_json_object(as_bytes(row.body))
            if entry is not None:
                out.append({**records.upgraded(entry), "hash": row.entry_hash})
        return out

    def typed_entries(self) -> list[TypedEntry]:
        """The entries that read as typed entries (see :func:`entries.readable`), in order."""
        from workbench.disclosure.entries import readable

        return readable(self.rows)


def log_data_from_store(store: LogStore, project: dict[str, Any]) -> LogData:
    return LogData(project, store.rows(), store.checkpoint_rows(), store.key_rows())


def export_dict(data: LogData, *, exported: str) -> dict[str, Any]:
    entries = []
    for row in data.rows:
        entry = parse_json_object(as_bytes(row.body))
        if entry is None:
            raise DisclosureError(f"entry {row.seq} cannot be exported: it is not valid JSON")
        entries.append({"seq": row.seq, "hash": row.entry_hash, "entry": entry})
    checkpoints = []
    for cp in data.checkpoints:
        body = parse_json_object(as_bytes(cp.body))
        if body is None:
            raise DisclosureError(f"checkpoint {cp.seq} cannot be exported: it is not valid JSON")
        checkpoints.append({"seq": cp.seq, "signature": cp.signature, "checkpoint": body})
    return {
        "schema": EXPORT_SCHEMA,
        "exported": exported,
        "app": records.app_info(),
        "project": data.project,
        "public_keys": [
            {"key_id": k.key_id, "algorithm": k.algorithm, "public_key": k.public_key}
            for k in sorted(data.keys, key=lambda k: str(k.key_id))
        ],
        "entries": entries,
        "checkpoints": checkpoints,
    }


def log_data_from_export(document: Any, *, source: str = "export") -> LogData:
    """Rows rebuilt from an export; malformed documents get a clear DisclosureError."""
    if not isinstance(document, dict) or document.get("schema") != EXPORT_SCHEMA:
        raise DisclosureError(f"{source} is not a Workbench log export ({EXPORT_SCHEMA})")
    try:
        rows = []
        for item in document["entries"]:
            entry = item["entry"]
            rows.append(
                LogRow(
                    seq=item["seq"],
                    id=entry.get("id"),
                    schema=entry.get("schema"),
                    time=entry.get("time"),
                    operator=entry.get("operator"),
                    prev_hash=entry.get("prev"),
                    entry_hash=item["hash"],
                    body=canonical_bytes(entry),
                )
            )
        checkpoints = []
        for item in document["checkpoints"]:
            body = item["checkpoint"]
            checkpoints.append(
                CheckpointRow(
                    seq=item["seq"],
                    tree_size=body.get("tree_size"),
                    head_hash=body.get("head"),
                    time=body.get("time"),
                    key_id=body.get("key_id"),
                    body=canonical_bytes(body),
                    signature=item["signature"],
                )
            )
        keys = [
            KeyRow(k["key_id"], k.get("algorithm", "Ed25519"), k["public_key"])
            for k in document["public_keys"]
        ]
        project = document.get("project") or {}
    except (KeyError, TypeError, AttributeError) as exc:
        raise DisclosureError(f"{source} is damaged: missing or malformed field {exc}") from None
    return LogData(project if isinstance(project, dict) else {}, rows, checkpoints, keys)


def read_export_file(path: Path) -> LogData:
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise DisclosureError(f"export file {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise DisclosureError(f"cannot read export file {path}: {exc}") from None
    return log_data_from_export(document, source=str(path))


def is_export_file(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return EXPORT_SCHEMA.encode() in head or b'"schema"' in head
