"""What an open project holds, read from its tables and its log (no writes here)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.disclosure.entries import EditEntry, Runtime, SignoffEntry, bodies, readable
from workbench.disclosure.store import LogStore
from workbench.errors import NotFoundError, ProjectDamagedError
from workbench.project.policy import Policy
from workbench.project.records import (
    CLIP_COLUMNS,
    CONSENT_COLUMNS,
    EDIT_COLUMNS,
    RENDER_COLUMNS,
    Clip,
    Consent,
    DamagedRow,
    Edit,
    Render,
)
from workbench.project.storage import BACKUP_HINT

if TYPE_CHECKING:
    from workbench.tools.track_record import Track


def has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    """Whether ``table`` has ``column`` (a file read as it is, before a migration added it)."""
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


def _wanted(value: int | str, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundError(f"{what} ids are numbers; {value!r} is not one") from None


class ProjectReads:
    """The read side of :class:`~workbench.project.Project`."""

    path: Path
    conn: sqlite3.Connection
    log: LogStore

    def _damaged(self, what: str) -> ProjectDamagedError:
        return ProjectDamagedError(f"{self.path.name} is damaged: {what}", hint=BACKUP_HINT)

    @contextlib.contextmanager
    def _damage(self) -> Iterator[None]:
        """A row the app cannot read is a damaged project (exit 3), never a crash."""
        try:
            yield
        except DamagedRow as exc:
            raise self._damaged(str(exc)) from None

    # -- clips -----------------------------------------------------------------------------
    def clips(self) -> list[Clip]:
        colour = "colour_space" if has_column(self.conn, "clips", "colour_space") else "NULL"
        rows = self.conn.execute(
            f"SELECT {CLIP_COLUMNS}, {colour} FROM clips ORDER BY id"
        ).fetchall()
        with self._damage():
            return [Clip.from_row(r) for r in rows]

    def clip(self, clip_id: int | str) -> Clip:
        wanted = _wanted(clip_id, "clip")
        for clip in self.clips():
            if clip.id == wanted:
                return clip
        raise NotFoundError(f"no clip {clip_id} in {self.path.name}")

    # -- edits -----------------------------------------------------------------------------
    def policy(self) -> Policy:
        row = self.conn.execute("SELECT body FROM policy WHERE id = 1").fetchone()
        try:
            return Policy.model_validate_json(row[0]) if row else Policy()
        except ValueError:
            raise self._damaged("its policy is not a valid policy record") from None

    def edits(self, clip_id: int | None = None, *, include_removed: bool = False) -> list[Edit]:
        sql = f"SELECT {EDIT_COLUMNS} FROM edits"
        where: list[str] = []
        args: list[Any] = []
        if clip_id is not None:
            where.append("clip_id = ?")
            args.append(int(clip_id))
        if not include_removed:
            where.append("removed = 0")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY clip_id, position"
        rows = self.conn.execute(sql, args).fetchall()
        with self._damage():
            return [Edit.from_row(r) for r in rows]

    def edit(self, edit_id: int | str) -> Edit:
        wanted = _wanted(edit_id, "edit")
        for edit in self.edits(include_removed=True):
            if edit.id == wanted:
                return edit
        raise NotFoundError(f"no edit {edit_id} in {self.path.name}")

    def track(self, sha256: str) -> Track:
        """The stored track of a tracked region (a :class:`~workbench.tools.track_record.Track`),
        refused when it is missing or changed."""
        from workbench.project.tracks import load_track

        return load_track(self.conn, sha256, self.path.name)

    # -- sign-off ----------------------------------------------------------------------------
    def edits_pending_signoff(self) -> set[int]:
        """Ids of edits logged as needing sign-off that nobody has signed off yet (one log read)."""
        wanted = (EditEntry.SCHEMA, SignoffEntry.SCHEMA)
        entries = readable(e for e in self.log.entries() if e.get("schema") in wanted)
        pending = {e.id: b.edit.id for e, b in bodies(entries, EditEntry) if b.needs_signoff}
        signed = {b.entry for _, b in bodies(entries, SignoffEntry)}
        return {edit_id for entry_id, edit_id in pending.items() if entry_id not in signed}

    def edit_runtimes(self) -> dict[str, Runtime]:
        """What ran each edit when it was applied (its log entry's runtime), by log entry id."""
        entries = readable(e for e in self.log.entries() if e.get("schema") == EditEntry.SCHEMA)
        return {e.id: body.runtime for e, body in bodies(entries, EditEntry)}

    def signoff_pending(self, edit: Edit) -> bool:
        """True when the edit was logged as needing sign-off and nobody has signed it off."""
        return edit.id in self.edits_pending_signoff()

    # -- renders and consent -------------------------------------------------------------------
    def renders(self, clip_id: int | None = None) -> list[Render]:
        sql = f"SELECT {RENDER_COLUMNS} FROM renders"
        args: tuple[Any, ...] = ()
        if clip_id is not None:
            sql += " WHERE clip_id = ?"
            args = (int(clip_id),)
        rows = self.conn.execute(sql + " ORDER BY id", args).fetchall()
        return [Render.from_row(row) for row in rows]

    def consents(self) -> list[Consent]:
        rows = self.conn.execute(f"SELECT {CONSENT_COLUMNS} FROM consents ORDER BY id").fetchall()
        return [Consent.from_row(r) for r in rows]

    def consent(self, consent_id: int) -> Consent:
        for consent in self.consents():
            if consent.id == int(consent_id):
                return consent
        raise NotFoundError(f"no consent record {consent_id} in {self.path.name}")


__all__ = ["ProjectReads", "has_column"]
