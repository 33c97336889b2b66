"""Whether the performers' rows are the ones the log vouches for: the cast list, who appears in
which shot, and the likeness consents (called by ``project.sequence_check``).

A render refuses an AI edit on a shot featuring a performer unless their consent covers it; a
consent row given another kind, another expiry, or a tag deleted with SQLite's own tools would
let a render through that the log never allowed. So the entries are replayed (members added,
shots tagged and untagged, consents recorded) and every stored row is compared with them.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from workbench.disclosure.entries import (
    CastEntry,
    LikenessConsentEntry,
    ShotCastEntry,
    TypedEntry,
)
from workbench.project.stack_check import StackProblem, _same, _shown, _where

Key = Any
_Logged = dict[str, dict[Key, tuple[TypedEntry, dict[str, Any]]]]


def logged_cast(entries: Iterable[TypedEntry]) -> _Logged:
    """Each table's rows as the entries (in log order) leave them, by key, with their entry."""
    tables: _Logged = {"cast_members": {}, "shot_cast": {}, "likeness_consents": {}}
    for entry in entries:
        body = entry.body
        if isinstance(body, CastEntry):
            m = body.member
            columns: dict[str, Any] = {"name": m.name, "role": m.role, "log_entry": entry.id}
            tables["cast_members"].setdefault(m.id, (entry, columns))
        elif isinstance(body, ShotCastEntry):
            for shot in body.shots:
                key = (shot, body.person.id)
                if body.action == "untag":
                    tables["shot_cast"].pop(key, None)
                else:
                    columns = {"source": body.source, "log_entry": entry.id}
                    tables["shot_cast"][key] = (entry, columns)
        elif isinstance(body, LikenessConsentEntry):
            c = body.consent
            columns = {
                "cast_id": c.person.id,
                "kinds": list(c.kinds),
                "production": c.production,
                "signed": c.signed,
                "expires": c.expires,
                "document_ref": c.document_ref,
                "document_sha256": c.document_sha256,
                "log_entry": entry.id,
            }
            tables["likeness_consents"].setdefault(c.id, (entry, columns))
    return tables


_SQL = {
    "cast_members": ("SELECT id, name, role, log_entry FROM cast_members", 1),
    "shot_cast": ("SELECT shot_id, cast_id, source, log_entry FROM shot_cast", 2),
    "likeness_consents": (
        "SELECT id, cast_id, kinds, production, signed, expires, document_ref, "
        "document_sha256, log_entry FROM likeness_consents",
        1,
    ),
}
_WHAT = {"cast_members": "cast member", "shot_cast": "cast tag", "likeness_consents": "consent"}


def _read(conn: sqlite3.Connection, table: str) -> dict[Key, dict[str, Any]] | None:
    sql, width = _SQL[table]
    try:
        cur = conn.execute(sql)
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    names = [d[0] for d in cur.description]
    out: dict[Key, dict[str, Any]] = {}
    for row in cur.fetchall():
        values = dict(zip(names, row, strict=True))
        key = row[0] if width == 1 else tuple(row[:width])
        for name in names[:width]:
            values.pop(name)
        if "kinds" in values and isinstance(values["kinds"], str):
            with contextlib.suppress(ValueError):
                values["kinds"] = json.loads(values["kinds"])
        out[key] = values
    return out


def _label(table: str, key: Key) -> str:
    if table == "shot_cast":
        return f"cast tag (shot {key[0]}, cast member {key[1]})"
    return f"{_WHAT[table]} {key}"


def _table_problems(
    table: str, rows: dict[Key, dict[str, Any]], logged: dict[Key, tuple[TypedEntry, Any]]
) -> list[StackProblem]:
    out: list[StackProblem] = []
    for key, stored in rows.items():
        where = _label(table, key)
        found = logged.get(key)
        if found is None:
            out.append(StackProblem(where, "it is in the project file, but no log entry adds it"))
            continue
        entry, columns = found
        for column, expected in columns.items():
            value = stored.get(column)
            if not _same(value, expected):
                out.append(
                    StackProblem(
                        where,
                        f"its {column.replace('_', ' ')} in the project file {_shown(value)} "
                        f"differs from its {_where(entry)}: {_shown(expected)}",
                    )
                )
    for key, (entry, _columns) in logged.items():
        if key not in rows:
            out.append(
                StackProblem(
                    _label(table, key),
                    f"the {_where(entry)} adds it, but the project file has no row for it "
                    "(deleted outside Workbench)",
                )
            )
    return out


def cast_problems(conn: sqlite3.Connection, entries: Iterable[TypedEntry]) -> list[StackProblem]:
    """Every performer row that is not what the log's entries say (empty when all are)."""
    logged = logged_cast(entries)
    out: list[StackProblem] = []
    for table in logged:
        try:
            rows = _read(conn, table)
        except sqlite3.DatabaseError as exc:
            out.append(StackProblem(table, f"the project's {table} cannot be read ({exc})"))
            continue
        if rows is None:
            if logged[table]:
                out.append(
                    StackProblem(table, f"the log has {table}, but the project file has no table")
                )
            continue
        out += _table_problems(table, rows, logged[table])
    return out


__all__ = ["cast_problems", "logged_cast"]
