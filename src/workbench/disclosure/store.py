"""The log's tables, appending within the caller's transaction, and signed checkpoints.

The store never opens or commits a transaction itself: the project layer opens ``BEGIN
IMMEDIATE``, writes its own rows (an edit, a clip) *and* their log entries through
:meth:`LogStore.append`, calls :meth:`LogStore.checkpoint`, and commits — so an edit never exists
without its entry, nor an entry without its edit, and every entry is covered by a signature from
the moment it is committed.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from workbench.disclosure import records
from workbench.disclosure.canonical import canonical_bytes, parse_json_object, sha256_hex
from workbench.disclosure.entries import CheckpointEntry, EntryBody
from workbench.disclosure.keys import SigningKey

DDL = """
CREATE TABLE IF NOT EXISTS log (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    schema TEXT NOT NULL,
    time TEXT NOT NULL,
    operator TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
    seq INTEGER PRIMARY KEY,
    tree_size INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    time TEXT NOT NULL,
    key_id TEXT NOT NULL,
    body BLOB NOT NULL,
    signature TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS signing_keys (
    key_id TEXT PRIMARY KEY,
    algorithm TEXT NOT NULL,
    public_key TEXT NOT NULL,
    added TEXT NOT NULL,
    operator TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS log_no_update BEFORE UPDATE ON log
BEGIN SELECT RAISE(ABORT, 'the disclosure log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS log_no_delete BEFORE DELETE ON log
BEGIN SELECT RAISE(ABORT, 'the disclosure log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS signing_keys_no_update BEFORE UPDATE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are append-only'); END;
CREATE TRIGGER IF NOT EXISTS signing_keys_no_delete BEFORE DELETE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are append-only'); END;
"""

LOG_COLUMNS = ("seq", "id", "schema", "time", "operator", "prev_hash", "entry_hash", "body")
CHECKPOINT_COLUMNS = ("seq", "tree_size", "head_hash", "time", "key_id", "body", "signature")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class LogRow:
    """One row of the log table as stored (every column, exactly)."""

    seq: Any
    id: Any
    schema: Any
    time: Any
    operator: Any
    prev_hash: Any
    entry_hash: Any
    body: Any

    def entry(self) -> dict[str, Any] | None:
        return (
            parse_json_object(as_bytes(self.body)) if isinstance(self.body, bytes | str) else None
        )


@dataclass(frozen=True)
class CheckpointRow:
    seq: Any
    tree_size: Any
    head_hash: Any
    time: Any
    key_id: Any
    body: Any
    signature: Any


@dataclass(frozen=True)
class KeyRow:
    key_id: Any
    algorithm: Any
    public_key: Any


def as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return repr(value).encode("utf-8")


class LogStore:
    """Reads and appends the log inside a connection the project owns."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        project_id: str,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.conn = conn
        self.project_id = project_id
        self.clock = clock
        self.new_id = new_id
        self._pending: list[str] = []

    @staticmethod
    def create_tables(conn: sqlite3.Connection) -> None:
        conn.executescript(DDL)

    # -- reading ---------------------------------------------------------------------------
    def rows(self) -> list[LogRow]:
        cur = self.conn.execute(f"SELECT {', '.join(LOG_COLUMNS)} FROM log ORDER BY seq")
        return [LogRow(*(_blob(v) for v in row)) for row in cur.fetchall()]

    def checkpoint_rows(self) -> list[CheckpointRow]:
        cur = self.conn.execute(
            f"SELECT {', '.join(CHECKPOINT_COLUMNS)} FROM checkpoints ORDER BY seq"
        )
        return [CheckpointRow(*(_blob(v) for v in row)) for row in cur.fetchall()]

    def key_rows(self) -> list[KeyRow]:
        cur = self.conn.execute("SELECT key_id, algorithm, public_key FROM signing_keys")
        return [KeyRow(*row) for row in cur.fetchall()]

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM log").fetchone()[0])

    def head(self) -> tuple[int, str]:
        row = self.conn.execute(
            "SELECT seq, entry_hash FROM log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (0, records.GENESIS_PREV) if row is None else (int(row[0]), str(row[1]))

    def entries(self) -> list[dict[str, Any]]:
        """Parsed entries, upgraded to the current reading, with their hash added."""
        out: list[dict[str, Any]] = []
        for row in self.rows():
            entry = row.entry()
            if entry is not None:
                entry = records.upgraded(entry)
                entry["hash"] = row.entry_hash
                out.append(entry)
        return out

    # -- writing (inside the caller's transaction) -----------------------------------------
    def append(self, schema: str, fields: dict[str, Any], *, operator: str) -> dict[str, Any]:
        """Append one entry; the caller's transaction must be open (``BEGIN IMMEDIATE``)."""
        if not self.conn.in_transaction:
            raise RuntimeError("LogStore.append needs an open transaction")
        if schema not in records.ENTRY_SCHEMAS:
            raise ValueError(f"unknown entry schema {schema!r}")
        clash = set(fields) & set(records.ENVELOPE)
        if clash:
            raise ValueError(f"entry fields may not override the envelope: {sorted(clash)}")
        last_seq, prev = self.head()
        entry: dict[str, Any] = {
            "schema": schema,
            "seq": last_seq + 1,
            "id": self.new_id(),
            "time": self.clock(),
            "operator": operator,
            "project": self.project_id,
            "app": records.app_info(),
            "prev": prev,
            **fields,
        }
        body = canonical_bytes(entry)
        entry_hash = sha256_hex(body)
        self.conn.execute(
            f"INSERT INTO log ({', '.join(LOG_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entry["seq"], entry["id"], schema, entry["time"], operator, prev, entry_hash, body),
        )
        self._pending.append(entry_hash)
        return {**entry, "hash": entry_hash}

    def append_entry(self, body: EntryBody, *, operator: str) -> dict[str, Any]:
        """Append a typed entry (its ``to_dict()`` is exactly what is hashed)."""
        return self.append(body.SCHEMA, body.to_dict(), operator=operator)

    def ensure_key(self, key: SigningKey, operator: str) -> None:
        exists = self.conn.execute(
            "SELECT 1 FROM signing_keys WHERE key_id = ?", (key.key_id,)
        ).fetchone()
        if exists is None:
            self.conn.execute(
                "INSERT INTO signing_keys (key_id, algorithm, public_key, added, operator) "
                "VALUES (?, 'Ed25519', ?, ?, ?)",
                (key.key_id, key.public_b64, self.clock(), operator),
            )

    def checkpoint(self, key: SigningKey, operator: str) -> dict[str, Any] | None:
        """Sign the head after this transaction's appends; None when nothing was appended."""
        if not self._pending:
            return None
        self.ensure_key(key, operator)
        tree_size, head_hash = self.head()
        row = self.conn.execute("SELECT MAX(seq) FROM checkpoints").fetchone()
        seq = int(row[0] or 0) + 1
        signed = CheckpointEntry(
            seq=seq,
            project=self.project_id,
            tree_size=tree_size,
            head=head_hash,
            first=tree_size - len(self._pending) + 1,
            hashes=tuple(self._pending),
            time=self.clock(),
            key_id=key.key_id,
        )
        body_dict = signed.to_dict()
        body = canonical_bytes(body_dict)
        signature = key.sign(body)
        self.conn.execute(
            f"INSERT INTO checkpoints ({', '.join(CHECKPOINT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, tree_size, head_hash, signed.time, key.key_id, body, signature),
        )
        self._pending.clear()
        return {**body_dict, "signature": signature}

    def discard_pending(self) -> None:
        """Forget appends of a transaction that was rolled back."""
        self._pending.clear()


def _blob(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


__all__ = ["CheckpointRow", "KeyRow", "LogRow", "LogStore", "as_bytes", "utc_now"]
