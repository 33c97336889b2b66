"""The project file (``*.wbproj``): one SQLite database, one writer at a time.

Opening is careful in a fixed order, so that a damaged, foreign or newer file is refused with a
clear message and never modified: (1) read-only inspection — SQLite header, ``quick_check``,
application id, schema version; (2) only then the write lock; (3) a backup copy before any
migration; (4) WAL with ``synchronous=FULL`` and explicit ``BEGIN IMMEDIATE`` transactions.

Every change a user makes is one transaction holding the change *and* its log entries *and* a
signed checkpoint (invariant 1 of DESIGN.md).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.catalog.catalog import CatalogEntry
from workbench.config import operator_name
from workbench.disclosure import records
from workbench.disclosure.export import LogData, log_data_from_store, read_export_file
from workbench.disclosure.keys import SigningKey, load_or_create_signing_key
from workbench.disclosure.store import LogStore, utc_now
from workbench.disclosure.verify import Report, verify_against, verify_rows
from workbench.errors import (
    NotAProjectError,
    NotFoundError,
    ProjectDamagedError,
    ProjectError,
    ProjectNotFoundError,
    ProjectTooNewError,
    StorageError,
    UsageError,
)
from workbench.project.lock import ProjectLock
from workbench.project.policy import Policy
from workbench.project.schema import APPLICATION_ID, MIGRATIONS, current_version
from workbench.tools.base import Tool

SQLITE_HEADER = b"SQLite format 3\x00"
PROJECT_SUFFIX = ".wbproj"


@dataclass(frozen=True)
class Clip:
    id: int
    name: str
    path: str
    fingerprint: str
    media: dict[str, Any]
    added: str


@dataclass(frozen=True)
class Edit:
    id: int
    clip_id: int
    position: int
    tool: str
    tool_version: str
    model_id: str | None
    model_sha256: str | None
    parameters: dict[str, Any]
    frames: tuple[int, int]
    region: dict[str, Any]
    enabled: bool
    removed: bool
    created: str
    log_entry: str


@dataclass(frozen=True)
class Render:
    id: int
    clip_id: int
    output: str
    sha256: str
    codec: str
    frame_count: int
    frame_digest: str
    plan: str
    created: str
    log_entry: str


@dataclass(frozen=True)
class Consent:
    id: int
    subject: str
    scope: str
    expires: str | None
    document_ref: str
    document_sha256: str | None
    recorded: str


def _storage_error(exc: sqlite3.Error, path: Path) -> StorageError:
    text = str(exc)
    if "full" in text:
        return StorageError(
            f"the disk holding {path.name} is full; the change was not saved",
            hint="free some space and try again — nothing already saved was lost",
        )
    return StorageError(f"cannot write {path.name}: {text}")


@dataclass(frozen=True)
class Inspection:
    version: int
    project_id: str | None


def inspect_project_file(path: Path) -> Inspection:
    """Read-only checks; raise a ProjectError subclass with a clear message on any problem."""
    if not path.exists():
        raise ProjectNotFoundError(f"no project at {path}")
    if not path.is_file():
        raise NotAProjectError(f"{path} is not a file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror}") from None
    if not header.startswith(SQLITE_HEADER):
        raise NotAProjectError(f"{path.name} is not a Workbench project (not a SQLite database)")
    if len(header) < 100:
        raise ProjectDamagedError(f"{path.name} is damaged: the file is truncated")
    conn = _connect_readonly(path)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        check = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if check != ["ok"]:
            raise ProjectDamagedError(
                f"{path.name} is damaged: SQLite reports {check[0]}",
                hint="open the most recent backup (*.backup.wbproj) or an exported log",
            )
        if app_id != APPLICATION_ID:
            raise NotAProjectError(f"{path.name} is a SQLite database but not a Workbench project")
        if version > current_version():
            raise ProjectTooNewError(
                f"{path.name} was written by a newer Workbench (project schema {version}; this "
                f"version reads up to {current_version()})",
                hint="update Workbench to open it; the file was not changed",
            )
        project_id = None
        if version >= 1:
            row = conn.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()
            project_id = row[0] if row else None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise ProjectDamagedError(
            f"{path.name} is damaged: {exc}",
            hint="open the most recent backup (*.backup.wbproj) or an exported log",
        ) from None
    finally:
        conn.close()
    return Inspection(int(version), project_id)


def _lenient_text(data: bytes) -> str:
    """Text columns are decoded leniently: bytes an attacker made invalid still compare unequal."""
    return data.decode("utf-8", "surrogateescape")


def _connect_readonly(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.text_factory = _lenient_text
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise ProjectDamagedError(
            f"{path.name} is damaged and cannot be read: {exc}",
            hint="open the most recent backup (*.backup.wbproj) or an exported log",
        ) from None
    return conn


class Project:
    """An open project. Use :meth:`create` or :meth:`open`, and close it (or use ``with``)."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        *,
        writable: bool,
        lock: ProjectLock | None,
        key: SigningKey | None = None,
        operator: str | None = None,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] | None = None,
    ) -> None:
        self.path = path
        self.conn = conn
        self.writable = writable
        self._lock = lock
        self._key = key
        self.operator = operator or operator_name()
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.id: str = meta.get("id", "")
        self.name: str = meta.get("name", path.stem)
        self.created: str = meta.get("created", "")
        self.log = LogStore(
            conn,
            project_id=self.id,
            clock=clock,
            new_id=new_id or (lambda: str(uuid.uuid4())),
        )

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Path,
        name: str | None = None,
        *,
        key: SigningKey | None = None,
        operator: str | None = None,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] | None = None,
        project_id: str | None = None,
    ) -> Project:
        path = Path(path)
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX)
        if path.exists():
            raise UsageError(f"{path} already exists; choose another name or open it")
        if not path.parent.is_dir():
            raise UsageError(f"the folder {path.parent} does not exist")
        lock = ProjectLock(path)
        lock.acquire()
        try:
            conn = sqlite3.connect(path, isolation_level=None)
            try:
                cls._configure(conn)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                cls._migrate(conn, 0)
                conn.execute("BEGIN IMMEDIATE")
                created = clock()
                pid = project_id or str(uuid.uuid4())
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("id", pid), ("name", name or path.stem), ("created", created)],
                )
                conn.execute(
                    "INSERT INTO policy (id, body) VALUES (1, ?)", (Policy().model_dump_json(),)
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.close()
                raise
            project = cls(
                path,
                conn,
                writable=True,
                lock=lock,
                key=key,
                operator=operator,
                clock=clock,
                new_id=new_id,
            )
            with project.transaction() as log:
                log.append(
                    records.PROJECT,
                    {
                        "name": project.name,
                        "created": project.created,
                        "schema_version": current_version(),
                    },
                    operator=project.operator,
                )
        except sqlite3.Error as exc:
            lock.release()
            with contextlib.suppress(OSError):
                path.unlink()
            raise _storage_error(exc, path) from None
        except BaseException:
            lock.release()
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return project

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        readonly: bool = False,
        key: SigningKey | None = None,
        operator: str | None = None,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] | None = None,
    ) -> Project:
        path = Path(path)
        inspection = inspect_project_file(path)
        if readonly:
            if inspection.version < current_version():
                raise ProjectError(
                    f"{path.name} uses an older project schema ({inspection.version}); open it "
                    "for writing once to upgrade it (a backup is made first)"
                )
            conn = _connect_readonly(path)
            return cls(path, conn, writable=False, lock=None, operator=operator)
        lock = ProjectLock(path)
        lock.acquire()
        try:
            if inspection.version < current_version():
                backup_project(path, inspection.version)
            conn = sqlite3.connect(path, isolation_level=None)
            conn.text_factory = _lenient_text
            try:
                cls._configure(conn)
                cls._migrate(conn, inspection.version)
                return cls(
                    path,
                    conn,
                    writable=True,
                    lock=lock,
                    key=key,
                    operator=operator,
                    clock=clock,
                    new_id=new_id,
                )
            except BaseException:
                conn.close()
                raise
        except sqlite3.DatabaseError as exc:
            lock.release()
            raise ProjectDamagedError(f"{path.name} cannot be opened: {exc}") from None
        except BaseException:
            lock.release()
            raise

    @staticmethod
    def _configure(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA busy_timeout = 5000")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StorageError("the project's folder does not support SQLite's WAL journal")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")

    @staticmethod
    def _migrate(conn: sqlite3.Connection, from_version: int) -> None:
        for migration in MIGRATIONS:
            if migration.version <= from_version:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                migration.apply(conn)
                conn.execute(
                    "INSERT INTO migrations (version, description, applied, app_version) "
                    "VALUES (?, ?, ?, ?)",
                    (migration.version, migration.description, utc_now(), __version__),
                )
                conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if self.writable:
                # Fold the WAL back into the file, so a copy of the .wbproj alone is complete.
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ----------------------------------------------------------------------
    @property
    def key(self) -> SigningKey:
        if self._key is None:
            self._key = load_or_create_signing_key()
        return self._key

    @contextlib.contextmanager
    def transaction(self) -> Iterator[LogStore]:
        """One atomic change: rows, their log entries, and a signed checkpoint, or nothing."""
        if not self.writable:
            raise ProjectError(f"{self.path.name} is open read-only")
        key = self.key  # load (or create) before the transaction, not inside it
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _storage_error(exc, self.path) from None
        try:
            yield self.log
            self.log.checkpoint(key, self.operator)
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise _storage_error(exc, self.path) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        self.log.discard_pending()
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    # -- clips -----------------------------------------------------------------------------
    def add_clip(
        self, path: str | Path, *, fingerprint: str, media: dict[str, Any], name: str | None = None
    ) -> Clip:
        path_text = str(Path(path).resolve()) if not isinstance(path, str) else path
        name = name or Path(path_text).name
        added = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO clips (name, path, fingerprint, media, added, log_entry) "
                "VALUES (?, ?, ?, ?, ?, '')",
                (name, path_text, fingerprint, json.dumps(media, sort_keys=True), added),
            )
            clip_id = int(cur.lastrowid or 0)
            entry = log.append(
                records.IMPORT,
                {
                    "clip": {
                        "id": clip_id,
                        "name": name,
                        "path": path_text,
                        "fingerprint": fingerprint,
                    }
                },
                operator=self.operator,
            )
            self.conn.execute("UPDATE clips SET log_entry = ? WHERE id = ?", (entry["id"], clip_id))
        return self.clip(clip_id)

    def clips(self) -> list[Clip]:
        rows = self.conn.execute(
            "SELECT id, name, path, fingerprint, media, added FROM clips ORDER BY id"
        ).fetchall()
        return [Clip(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]

    def clip(self, clip_id: int | str) -> Clip:
        try:
            wanted = int(clip_id)
        except (TypeError, ValueError):
            raise NotFoundError(f"clip ids are numbers; {clip_id!r} is not one") from None
        for clip in self.clips():
            if clip.id == wanted:
                return clip
        raise NotFoundError(f"no clip {clip_id} in {self.path.name}")

    # -- edits -----------------------------------------------------------------------------
    def policy(self) -> Policy:
        row = self.conn.execute("SELECT body FROM policy WHERE id = 1").fetchone()
        return Policy.model_validate_json(row[0]) if row else Policy()

    def set_policy(self, policy: Policy) -> None:
        with self.transaction() as log:
            self.conn.execute(
                "INSERT INTO policy (id, body) VALUES (1, ?) "
                "ON CONFLICT(id) DO UPDATE SET body = excluded.body",
                (policy.model_dump_json(),),
            )
            log.append(
                records.POLICY, {"policy": policy.model_dump(mode="json")}, operator=self.operator
            )

    def add_edit(
        self,
        clip_id: int,
        *,
        tool: Tool,
        parameters: dict[str, Any],
        frames: tuple[int, int],
        region: dict[str, Any] | None = None,
        model: CatalogEntry | None = None,
        provider: str | None = None,
        consent_ref: int | None = None,
    ) -> Edit:
        """Add an edit to a clip's stack and its log entry, in one transaction.

        The edit's classification (C2PA action, IPTC source type, assistive or generative) is
        derived here, once: the model card's where the model has one, else the tool's. The log
        entry records it and every disclosure (reports, Content Credentials) reads it from there.
        """
        classification = edit_classification(tool, model)
        tool_version = tool.version
        clip = self.clip(clip_id)
        start, end = int(frames[0]), int(frames[1])
        if start < 0 or end < start:
            raise UsageError(f"frame range {start}-{end} is not valid")
        count = clip.media.get("frame_count")
        if isinstance(count, int) and count > 0 and end >= count:
            raise UsageError(
                f"frame range {start}-{end} is outside the clip (frames 0-{count - 1})"
            )
        policy = self.policy()
        policy.check_tool(tool.id)
        model_record: dict[str, Any] | None = None
        if model is not None:
            policy.check_model(model.id, model.sha256, model.disclosed)
            model_record = model_log_record(model)
        if consent_ref is not None:
            self.consent(consent_ref)
        region_rec = records.region_record(region)
        created = self.log.clock()
        with self.transaction() as log:
            position = int(
                self.conn.execute(
                    "SELECT COALESCE(MAX(position), 0) + 1 FROM edits WHERE clip_id = ?",
                    (clip.id,),
                ).fetchone()[0]
            )
            cur = self.conn.execute(
                "INSERT INTO edits (clip_id, position, tool, tool_version, model_id, model_sha256, "
                "parameters, frame_start, frame_end, region, created, log_entry) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
                (
                    clip.id,
                    position,
                    tool.id,
                    tool_version,
                    model.id if model else None,
                    model.sha256 if model else None,
                    json.dumps(parameters, sort_keys=True),
                    start,
                    end,
                    json.dumps(region_rec, sort_keys=True),
                    created,
                ),
            )
            edit_id = int(cur.lastrowid or 0)
            entry = log.append(
                records.EDIT,
                {
                    "action": "add",
                    "edit": {
                        "id": edit_id,
                        "clip": {"id": clip.id, "path": clip.path, "fingerprint": clip.fingerprint},
                        "frames": [start, end],
                        "region": region_rec,
                        "tool": {"id": tool.id, "version": tool_version},
                        "parameters": parameters,
                    },
                    "model": model_record,
                    "runtime": records.runtime_info(provider),
                    "classification": dict(classification),
                    "consent_ref": consent_ref,
                    "signoff": "pending" if policy.needs_signoff(tool.id) else "not-required",
                },
                operator=self.operator,
            )
            self.conn.execute("UPDATE edits SET log_entry = ? WHERE id = ?", (entry["id"], edit_id))
        return self.edit(edit_id)

    def edits(self, clip_id: int | None = None, *, include_removed: bool = False) -> list[Edit]:
        sql = (
            "SELECT id, clip_id, position, tool, tool_version, model_id, model_sha256, parameters, "
            "frame_start, frame_end, region, enabled, removed, created, log_entry FROM edits"
        )
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
        return [
            Edit(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                json.loads(r[7]),
                (r[8], r[9]),
                json.loads(r[10]),
                bool(r[11]),
                bool(r[12]),
                r[13],
                r[14],
            )
            for r in self.conn.execute(sql, args).fetchall()
        ]

    def edit(self, edit_id: int | str) -> Edit:
        try:
            wanted = int(edit_id)
        except (TypeError, ValueError):
            raise NotFoundError(f"edit ids are numbers; {edit_id!r} is not one") from None
        for edit in self.edits(include_removed=True):
            if edit.id == wanted:
                return edit
        raise NotFoundError(f"no edit {edit_id} in {self.path.name}")

    def revert_edit(self, edit_id: int, *, reason: str = "undo") -> Edit:
        """Undo or remove an edit: it leaves the stack and a revert entry joins the log."""
        edit = self.edit(edit_id)
        if edit.removed:
            raise UsageError(f"edit {edit_id} was already reverted")
        with self.transaction() as log:
            self.conn.execute("UPDATE edits SET removed = 1 WHERE id = ?", (edit.id,))
            log.append(
                records.REVERT,
                {"reverts": edit.log_entry, "edit": edit.id, "reason": reason},
                operator=self.operator,
            )
        return self.edit(edit.id)

    def set_edit_enabled(self, edit_id: int, enabled: bool) -> Edit:
        edit = self.edit(edit_id)
        if edit.removed:
            raise UsageError(f"edit {edit_id} was reverted and cannot be toggled")
        if edit.enabled == enabled:
            return edit
        with self.transaction() as log:
            self.conn.execute("UPDATE edits SET enabled = ? WHERE id = ?", (int(enabled), edit.id))
            log.append(
                records.TOGGLE,
                {"edit": edit.id, "entry": edit.log_entry, "enabled": enabled},
                operator=self.operator,
            )
        return self.edit(edit.id)

    def relink_clip(self, clip_id: int, path: str | Path) -> Clip:
        """Point an offline clip at where its footage is now; the content must be the same."""
        from workbench.media import probe

        clip = self.clip(clip_id)
        info = probe(path)
        if info.fingerprint != clip.fingerprint:
            raise UsageError(
                f"{path} is not the footage clip {clip.id} was imported from (its content differs)",
                hint="relink to the original file, or import this one as a new clip",
            )
        new_path = str(Path(info.path).resolve())
        with self.transaction() as log:
            self.conn.execute("UPDATE clips SET path = ? WHERE id = ?", (new_path, clip.id))
            log.append(
                records.RELINK,
                {
                    "clip": clip.id,
                    "from": clip.path,
                    "path": new_path,
                    "fingerprint": clip.fingerprint,
                },
                operator=self.operator,
            )
        return self.clip(clip.id)

    # -- sign-off ----------------------------------------------------------------------------
    def edits_pending_signoff(self) -> set[int]:
        """Ids of edits logged as needing sign-off that nobody has signed off yet (one log read)."""
        pending: dict[str, int] = {}
        signed: set[str] = set()
        for entry in self.log.entries():
            if entry.get("schema") == records.EDIT and entry.get("signoff") == "pending":
                pending[str(entry.get("id"))] = int(entry.get("edit", {}).get("id", 0))
            elif entry.get("schema") == records.SIGNOFF:
                signed.add(str(entry.get("entry")))
        return {edit_id for entry_id, edit_id in pending.items() if entry_id not in signed}

    def signoff_pending(self, edit: Edit) -> bool:
        """True when the edit was logged as needing sign-off and nobody has signed it off."""
        return edit.id in self.edits_pending_signoff()

    def sign_off(self, edit_id: int, *, note: str = "") -> Edit:
        """Record that the operator approved an edit the policy holds for sign-off."""
        edit = self.edit(edit_id)
        if edit.removed:
            raise UsageError(f"edit {edit_id} was reverted; there is nothing to sign off")
        if not self.signoff_pending(edit):
            raise UsageError(f"edit {edit_id} does not need sign-off")
        with self.transaction() as log:
            log.append(
                records.SIGNOFF,
                {"edit": edit.id, "entry": edit.log_entry, "note": note},
                operator=self.operator,
            )
        return edit

    # -- renders ---------------------------------------------------------------------------
    def register_render(
        self,
        clip_id: int,
        *,
        output: str,
        sha256: str,
        codec: str,
        frame_count: int,
        frame_digest: str,
        plan: str,
        edits: list[Edit],
        extra: dict[str, Any] | None = None,
        before_commit: Callable[[], None] | None = None,
    ) -> Render:
        """Register a finished output and its log entry in one transaction.

        ``before_commit`` runs inside the transaction after both rows are written — the render
        moves its output into place there, so a failure to do so leaves no entry behind.
        """
        clip = self.clip(clip_id)
        created = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO renders (clip_id, output, sha256, codec, frame_count, frame_digest, "
                "plan, created, log_entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
                (clip.id, output, sha256, codec, frame_count, frame_digest, plan, created),
            )
            render_id = int(cur.lastrowid or 0)
            entry = log.append(
                records.RENDER,
                {
                    "render": render_id,
                    "clip": {"id": clip.id, "path": clip.path, "fingerprint": clip.fingerprint},
                    "output": {"path": output, "sha256": sha256, "codec": codec},
                    "frames": [0, frame_count - 1],
                    "frame_digest": frame_digest,
                    "plan": plan,
                    "edits": [{"edit": e.id, "entry": e.log_entry} for e in edits],
                    **(extra or {}),
                },
                operator=self.operator,
            )
            self.conn.execute(
                "UPDATE renders SET log_entry = ? WHERE id = ?", (entry["id"], render_id)
            )
            if before_commit is not None:
                before_commit()
        return self.renders(clip.id)[-1]

    def renders(self, clip_id: int | None = None) -> list[Render]:
        sql = (
            "SELECT id, clip_id, output, sha256, codec, frame_count, frame_digest, plan, created, "
            "log_entry FROM renders"
        )
        args: tuple[Any, ...] = ()
        if clip_id is not None:
            sql += " WHERE clip_id = ?"
            args = (int(clip_id),)
        return [Render(*row) for row in self.conn.execute(sql + " ORDER BY id", args).fetchall()]

    # -- consent ---------------------------------------------------------------------------
    def add_consent(
        self,
        *,
        subject: str,
        scope: str,
        document_ref: str,
        document_sha256: str | None = None,
        expires: str | None = None,
    ) -> Consent:
        recorded = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO consents (subject, scope, expires, document_ref, document_sha256, "
                "recorded, log_entry) VALUES (?, ?, ?, ?, ?, ?, '')",
                (subject, scope, expires, document_ref, document_sha256, recorded),
            )
            consent_id = int(cur.lastrowid or 0)
            entry = log.append(
                records.CONSENT,
                {
                    "consent": {
                        "id": consent_id,
                        "subject": subject,
                        "scope": scope,
                        "expires": expires,
                        "document_ref": document_ref,
                        "document_sha256": document_sha256,
                    }
                },
                operator=self.operator,
            )
            self.conn.execute(
                "UPDATE consents SET log_entry = ? WHERE id = ?", (entry["id"], consent_id)
            )
        return self.consent(consent_id)

    def consents(self) -> list[Consent]:
        rows = self.conn.execute(
            "SELECT id, subject, scope, expires, document_ref, document_sha256, recorded "
            "FROM consents ORDER BY id"
        ).fetchall()
        return [Consent(*r) for r in rows]

    def consent(self, consent_id: int) -> Consent:
        for consent in self.consents():
            if consent.id == int(consent_id):
                return consent
        raise NotFoundError(f"no consent record {consent_id} in {self.path.name}")

    # -- the log ---------------------------------------------------------------------------
    def log_data(self) -> LogData:
        return log_data_from_store(self.log, self.summary_header())

    def summary_header(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "created": self.created}

    def verify(self, against: Path | None = None) -> Report:
        report = verify_rows(
            self.log.rows(), self.log.checkpoint_rows(), self.log.key_rows(), project_id=self.id
        )
        if against is not None:
            exported = read_export_file(against)
            if exported.project_id != self.id:
                raise UsageError(f"{against.name} is an export of another project")
            earlier = verify_rows(
                exported.rows, exported.checkpoints, exported.keys, project_id=self.id
            )
            if not earlier.ok:
                raise UsageError(f"{against.name} does not verify itself: {earlier.first}")
            report.problems.extend(verify_against(self.log.rows(), exported.rows))
            report.problems.sort(key=lambda p: (p.entry or 0, p.checkpoint or 0))
        return report

    def info(self) -> dict[str, Any]:
        report = self.verify()
        return {
            "path": str(self.path),
            "id": self.id,
            "name": self.name,
            "created": self.created,
            "schema_version": int(self.conn.execute("PRAGMA user_version").fetchone()[0]),
            "clips": len(self.clips()),
            "edits": len(self.edits()),
            "renders": len(self.renders()),
            "log_entries": report.entries,
            "checkpoints": report.checkpoints,
            "verified": report.ok,
            "verification": report.summary(),
        }


def edit_classification(tool: Tool, model: CatalogEntry | None) -> dict[str, str]:
    """How an edit is disclosed: the model card's classification, else the tool's."""
    if model is not None and model.card is not None:
        return {k: str(v) for k, v in model.card.classification.model_dump(mode="json").items()}
    return tool.classification.as_dict()


def model_log_record(model: CatalogEntry) -> dict[str, Any]:
    """What an edit entry pins about the model that made it."""
    card = model.card
    if card is None:
        return {
            "id": model.id,
            "version": None,
            "sha256": model.sha256,
            "licence": None,
            "consent": "undisclosed",
            "card_sha256": None,
        }
    return {
        "id": card.id,
        "version": card.version,
        "sha256": model.sha256,
        "licence": card.weights_licence,
        "consent": card.consent_status,
        "card_sha256": card.digest(),
        "training_data": sorted({source.consent_basis for source in card.training_data}),
    }


def backup_project(path: Path, version: int) -> Path:
    """A consistent copy made before a migration touches the file."""
    backup = path.with_name(f"{path.stem}.v{version}.backup{PROJECT_SUFFIX}")
    n = 1
    while backup.exists():
        backup = path.with_name(f"{path.stem}.v{version}.backup-{n}{PROJECT_SUFFIX}")
        n += 1
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(backup)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    except sqlite3.Error as exc:
        with contextlib.suppress(OSError):
            backup.unlink()
        raise _storage_error(exc, backup) from None
    return backup


__all__ = [
    "Clip",
    "Consent",
    "Edit",
    "Project",
    "backup_project",
    "inspect_project_file",
    "model_log_record",
]
