"""Whether the conform's rows are the ones the log vouches for: sequences, shots, recipes and
deliveries, row for row (the conform's half of ``project.stack_check``).

A delivery renders a shot's frames — the clip's source range plus handles — and the export
points the editor's timeline at them; a shot row changed with SQLite's own tools would make the
deliverable and the disclosure disagree. So the entries are replayed (sequences imported, shots
changed, recipes saved, shots delivered) and every stored row is compared with what they say.
Rows are read raw: a damaged value is reported, never raised.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workbench.disclosure.entries import (
    DeliveryEntry,
    RecipeEntry,
    SequenceImportEntry,
    ShotChangeEntry,
    ShotRecord,
    TypedEntry,
)
from workbench.errors import DisclosureError
from workbench.project.conform_entries import shot_columns
from workbench.project.stack_check import StackProblem, _same, _shown, _where

_JSON_COLUMNS = frozenset({"markers", "comments", "steps"})
_TABLES = ("sequences", "shots", "recipes", "deliveries")


@dataclass
class _LoggedRow:
    """A row as the log leaves it: the entry that made it, the last that changed it, columns."""

    entry: TypedEntry
    columns: dict[str, Any]
    changed_by: TypedEntry | None = None
    shot: ShotRecord | None = None


@dataclass
class _Logged:
    tables: dict[str, dict[int, _LoggedRow]] = field(
        default_factory=lambda: {table: {} for table in _TABLES}
    )
    problems: list[StackProblem] = field(default_factory=list)


def _sequence_rows(entry: TypedEntry, body: SequenceImportEntry, logged: _Logged) -> None:
    seq = body.sequence
    logged.tables["sequences"].setdefault(
        seq.id,
        _LoggedRow(
            entry,
            {
                "name": seq.name,
                "timeline_path": seq.timeline.path,
                "timeline_sha256": seq.timeline.sha256,
                "timeline_format": seq.timeline.format,
                "rate": seq.rate,
                "drop_frame": int(seq.drop_frame),
                "record_start": seq.record_start,
                "handles": seq.handles,
                "log_entry": entry.id,
            },
        ),
    )
    for shot in body.shots:
        logged.tables["shots"].setdefault(shot.id, _shot_row(entry, shot, seq.id))


def _shot_row(entry: TypedEntry, shot: ShotRecord, sequence_id: int) -> _LoggedRow:
    columns = shot_columns(shot)
    columns.update(sequence_id=sequence_id, log_entry=entry.id)
    for name in ("markers", "comments"):
        columns[name] = json.loads(columns[name])
    return _LoggedRow(entry, columns, shot=shot)


def _shot_change(entry: TypedEntry, body: ShotChangeEntry, logged: _Logged) -> None:
    row = logged.tables["shots"].get(body.shot)
    if row is None or row.shot is None or row.columns["sequence_id"] != body.sequence:
        return
    try:
        after = body.applied_to(row.shot)
    except DisclosureError as exc:
        logged.problems.append(
            StackProblem(f"shot {body.shot}", f"the change in {_where(entry)} is malformed: {exc}")
        )
        return
    changed = _shot_row(row.entry, after, body.sequence)
    changed.changed_by = entry
    logged.tables["shots"][body.shot] = changed


def logged_conform(entries: Iterable[TypedEntry]) -> _Logged:
    """Replay the conform's entries (in log order) into the rows they describe."""
    logged = _Logged()
    for entry in entries:
        body = entry.body
        if isinstance(body, SequenceImportEntry):
            _sequence_rows(entry, body, logged)
        elif isinstance(body, ShotChangeEntry):
            _shot_change(entry, body, logged)
        elif isinstance(body, RecipeEntry):
            r = body.recipe
            logged.tables["recipes"].setdefault(
                r.id,
                _LoggedRow(
                    entry,
                    {
                        "name": r.name,
                        "version": r.version,
                        "source": r.source,
                        "steps": [s.to_dict() for s in r.steps],
                        "log_entry": entry.id,
                    },
                ),
            )
        elif isinstance(body, DeliveryEntry):
            d = body.delivery
            logged.tables["deliveries"].setdefault(
                d.id,
                _LoggedRow(
                    entry,
                    {
                        "shot_id": d.shot,
                        "version": d.version,
                        "output": d.output.path,
                        "sha256": d.output.sha256,
                        "codec": d.output.codec,
                        "render_id": d.render.edit,
                        "clip_id": d.clip.id,
                        "frame_first": d.frames[0],
                        "frame_last": d.frames[1],
                        "timecode": d.timecode,
                        "reel": d.reel,
                        "rate": d.rate,
                        "qc": d.qc,
                        "log_entry": entry.id,
                    },
                ),
            )
    return logged


def _stored(value: Any, column: str) -> Any:
    if column in _JSON_COLUMNS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _table_problems(
    table: str, rows: list[dict[str, Any]], logged: dict[int, _LoggedRow]
) -> list[StackProblem]:
    what = table.removesuffix("s").replace("deliverie", "delivery")
    out: list[StackProblem] = []
    seen: set[int] = set()
    for row in rows:
        row_id = row.get("id")
        where = f"{what} {row_id}"
        found = logged.get(row_id) if isinstance(row_id, int) else None
        if found is None:
            out.append(StackProblem(where, "it is in the project file, but no log entry adds it"))
            continue
        seen.add(int(row_id))  # type: ignore[arg-type]
        for column, expected in found.columns.items():
            stored = _stored(row.get(column), column)
            if not _same(stored, expected):
                source = found.changed_by if column != "log_entry" and found.changed_by else None
                out.append(
                    StackProblem(
                        where,
                        f"its {column.replace('_', ' ')} in the project file {_shown(stored)} "
                        f"differs from its {_where(source or found.entry)}: {_shown(expected)}",
                    )
                )
    for row_id, found in logged.items():
        if row_id not in seen:
            out.append(
                StackProblem(
                    f"{what} {row_id}",
                    f"the {_where(found.entry)} adds it, but the project file has no row for it "
                    "(deleted outside Workbench)",
                )
            )
    return out


def _read(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]] | None:
    """The table's rows as dicts; None when the project has no such table (schema 3)."""
    try:
        cur = conn.execute(f"SELECT * FROM {table} ORDER BY id")
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def conform_problems(conn: sqlite3.Connection, entries: Iterable[TypedEntry]) -> list[StackProblem]:
    """Every conform row that is not what the log's entries say (empty when all are), and
    every performer row (``project.cast_check``)."""
    from workbench.project.cast_check import cast_problems

    entries = list(entries)
    logged = logged_conform(entries)
    out = list(logged.problems)
    for table in _TABLES:
        try:
            rows = _read(conn, table)
        except sqlite3.DatabaseError as exc:
            out.append(StackProblem(table, f"the project's {table} cannot be read ({exc})"))
            continue
        if rows is None:
            if logged.tables[table]:
                out.append(
                    StackProblem(table, f"the log has {table}, but the project file has no table")
                )
            continue
        out += _table_problems(table, rows, logged.tables[table])
    return out + cast_problems(conn, entries)


__all__ = ["conform_problems", "logged_conform"]
