"""The project file (``*.wbproj``): one SQLite database, one writer at a time.

The file's handling (inspection, migration, backups, transactions) is in
:mod:`workbench.project.storage`, its rows in :mod:`~workbench.project.records`, what is read
in :mod:`~workbench.project.reading` and every logged change in
:mod:`~workbench.project.entries`. Every change a user makes is one transaction holding the
change *and* its log entries *and* a signed checkpoint (invariant 1 of ARCHITECTURE.md).
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from workbench.config import operator_name
from workbench.disclosure.entries import ProjectEntry
from workbench.disclosure.export import LogData, log_data_from_store, read_export_file
from workbench.disclosure.keys import SigningKey, load_or_create_signing_key
from workbench.disclosure.store import LogStore, utc_now
from workbench.disclosure.trust import hand_over
from workbench.disclosure.verify import (
    Problem,
    Report,
    signers_against,
    verify_against,
    verify_rows,
)
from workbench.errors import ProjectDamagedError, ProjectError, UsageError
from workbench.project import schema
from workbench.project.cast_entries import CastWriter
from workbench.project.entries import edit_classification, model_log_record
from workbench.project.lock import ProjectLock
from workbench.project.open_files import connect
from workbench.project.policy import Policy
from workbench.project.records import Clip, ClipMedia, Consent, Edit, Region, Render
from workbench.project.stack_check import stack_problems
from workbench.project.storage import (
    PROJECT_SUFFIX,
    SQLITE_HEADER,
    Inspection,
    backup_project,
    close_connection,
    configure,
    connect_readonly,
    connect_writable,
    has_sidecars,
    inspect_project_file,
    migrate,
    signed_transaction,
    storage_error,
    tidy_sidecars,
)


def _new_file(path: Path, name: str | None, created: str, project_id: str) -> sqlite3.Connection:
    """A fresh database at ``path``: the current schema, its meta rows and the default policy."""
    conn = connect(path)
    try:
        configure(conn)
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        migrate(conn, 0)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("id", project_id), ("name", name or path.stem), ("created", created)],
        )
        conn.execute("INSERT INTO policy (id, body) VALUES (1, ?)", (Policy().model_dump_json(),))
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        raise
    return conn


class Project(CastWriter):
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
        self._tidy_on_close = False
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
            conn = _new_file(path, name, clock(), project_id or str(uuid.uuid4()))
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
                log.append_entry(
                    ProjectEntry(project.name, project.created, schema.current_version()),
                    operator=project.operator,
                )
        except BaseException as exc:
            lock.release()
            with contextlib.suppress(OSError):
                path.unlink()
            if isinstance(exc, sqlite3.Error):
                raise storage_error(exc, path) from None
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
            return cls._open_readonly(path, inspection, operator)
        lock = ProjectLock(path)
        lock.acquire()
        try:
            if inspection.version < schema.current_version():
                backup_project(path, inspection.version)
            conn = connect_writable(path, inspection.version)
            try:
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

    @classmethod
    def _open_readonly(cls, path: Path, inspection: Inspection, operator: str | None) -> Project:
        if inspection.version < schema.READABLE_FROM:
            raise ProjectError(
                f"{path.name} uses an older project schema ({inspection.version}); open it "
                "for writing once to upgrade it (a backup is made first)"
            )
        existed = has_sidecars(path)
        conn = connect_readonly(path)
        try:
            project = cls(path, conn, writable=False, lock=None, operator=operator)
        except BaseException as exc:
            conn.close()
            if not existed:
                tidy_sidecars(path)
            if isinstance(exc, sqlite3.DatabaseError):
                raise ProjectDamagedError(f"{path.name} cannot be opened: {exc}") from None
            raise
        project._tidy_on_close = not existed
        return project

    def close(self) -> None:
        close_connection(self.conn, writable=self.writable)
        if self._tidy_on_close:
            self._tidy_on_close = False
            tidy_sidecars(self.path)
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
        with signed_transaction(self.conn, self.log, key, self.operator, self.path) as log:
            hand_over(log, key, self.operator)  # a rotated local key: the entry that says so
            yield log

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
            report.problems.extend(signers_against(report, earlier))
            report.problems.sort(key=lambda p: (p.entry or 0, p.checkpoint or 0))
        # The rows a render reads, against the entries: after the log's own problems.
        report.problems.extend(
            Problem("stack", p.message, row=p.row)
            for p in stack_problems(self.conn, self.log.rows())
        )
        return report

    def info(self, report: Report | None = None) -> dict[str, Any]:
        """The project's facts and its verification (``report``, when the caller has one)."""
        report = report or self.verify()
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


__all__ = [
    "PROJECT_SUFFIX",
    "SQLITE_HEADER",
    "Clip",
    "ClipMedia",
    "Consent",
    "Edit",
    "Inspection",
    "Project",
    "Region",
    "Render",
    "backup_project",
    "edit_classification",
    "inspect_project_file",
    "model_log_record",
]


def open_for_writing(path: Path, wait: float, *, poll: float = 0.05) -> Project:
    """The project open for writing, waiting up to ``wait`` seconds for a writer that holds it
    briefly (a render registering its output, a window between two commands)."""
    import time

    from workbench.errors import ProjectLockedError

    deadline = time.monotonic() + wait
    while True:
        try:
            return Project.open(path)
        except ProjectLockedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(poll)
