"""The project file's schema and its migrations.

The schema version lives in SQLite's ``user_version``; every applied step is also recorded in the
``migrations`` table (version, time, app). A migration is a small function of a connection inside
an open transaction. Records stored as JSON inside rows are upgraded the OpenTimelineIO way —
dict-to-dict functions keyed by their schema label (see ``disclosure.records.UPGRADES``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from workbench.disclosure.store import DDL as LOG_DDL

APPLICATION_ID = 0x57424E43  # "WBNC": marks a SQLite file as a Workbench project

CORE_DDL = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied TEXT NOT NULL,
    app_version TEXT NOT NULL
);
CREATE TABLE clips (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    media TEXT NOT NULL,
    added TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
CREATE TABLE edits (
    id INTEGER PRIMARY KEY,
    clip_id INTEGER NOT NULL REFERENCES clips(id),
    position INTEGER NOT NULL,
    tool TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    model_id TEXT,
    model_sha256 TEXT,
    parameters TEXT NOT NULL,
    frame_start INTEGER NOT NULL,
    frame_end INTEGER NOT NULL,
    region TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    removed INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    log_entry TEXT NOT NULL,
    CHECK (frame_start >= 0 AND frame_end >= frame_start)
);
CREATE INDEX edits_by_clip ON edits(clip_id, position);
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires TEXT,
    document_ref TEXT NOT NULL,
    document_sha256 TEXT,
    recorded TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
CREATE TABLE policy (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL
);
"""


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _statements(CORE_DDL):
        conn.execute(statement)
    for statement in _statements(LOG_DDL):
        conn.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements (triggers keep their BEGIN … END bodies)."""
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    return out


RENDERS_DDL = """
CREATE TABLE renders (
    id INTEGER PRIMARY KEY,
    clip_id INTEGER NOT NULL REFERENCES clips(id),
    output TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    codec TEXT NOT NULL,
    frame_count INTEGER NOT NULL,
    frame_digest TEXT NOT NULL,
    plan TEXT NOT NULL,
    created TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
"""


def _v2(conn: sqlite3.Connection) -> None:
    for statement in _statements(RENDERS_DDL):
        conn.execute(statement)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


MIGRATIONS: list[Migration] = [
    Migration(1, "clips, edit stack, consent records, policy and the disclosure log", _v1),
    Migration(2, "renders: outputs registered with their log entries", _v2),
]


def current_version() -> int:
    return max(m.version for m in MIGRATIONS)


__all__ = ["APPLICATION_ID", "MIGRATIONS", "Migration", "current_version"]
