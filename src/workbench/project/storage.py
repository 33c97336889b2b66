"""The SQLite file itself: inspecting it read-only, connecting, migrating, backing it up.

Opening is careful in a fixed order, so that a damaged, foreign or newer file is refused with a
clear message and never modified: (1) read-only inspection — SQLite header, ``quick_check``,
application id, schema version; (2) only then the write lock; (3) a backup copy before any
migration; (4) WAL with ``synchronous=FULL`` and explicit ``BEGIN IMMEDIATE`` transactions.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench import __version__
from workbench.disclosure.keys import SigningKey
from workbench.disclosure.store import LogStore, utc_now
from workbench.errors import (
    NotAProjectError,
    ProjectDamagedError,
    ProjectError,
    ProjectNotFoundError,
    ProjectTooNewError,
    StorageError,
)
from workbench.project import schema
from workbench.project.open_files import connect, read_head

SQLITE_HEADER = b"SQLite format 3\x00"
PROJECT_SUFFIX = ".wbproj"
BACKUP_HINT = "open the most recent backup (*.backup.wbproj) or an exported log"


def storage_error(exc: sqlite3.Error, path: Path) -> StorageError:
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


def _read_header(path: Path) -> bytes:
    if not path.exists():
        raise ProjectNotFoundError(f"no project at {path}")
    if not path.is_file():
        raise NotAProjectError(f"{path} is not a file")
    try:
        # never open() and close() the file itself: that drops this process's SQLite locks
        header = read_head(path)
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror}") from None
    if not header.startswith(SQLITE_HEADER):
        raise NotAProjectError(f"{path.name} is not a Workbench project (not a SQLite database)")
    if len(header) < 100:
        raise ProjectDamagedError(f"{path.name} is damaged: the file is truncated")
    return header


def inspect_project_file(path: Path) -> Inspection:
    """Read-only checks; raise a ProjectError subclass with a clear message on any problem.

    Nothing is left beside the file: a refused project gets no ``-wal`` or ``-shm``.
    """
    _read_header(path)
    existed = has_sidecars(path)
    try:
        return _inspect(path)
    finally:
        if not existed:
            tidy_sidecars(path)


def _inspect(path: Path) -> Inspection:
    conn = connect_readonly(path)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        check = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if check != ["ok"]:
            raise ProjectDamagedError(
                f"{path.name} is damaged: SQLite reports {check[0]}", hint=BACKUP_HINT
            )
        if app_id != schema.APPLICATION_ID:
            raise NotAProjectError(f"{path.name} is a SQLite database but not a Workbench project")
        if version > schema.current_version():
            raise ProjectTooNewError(
                f"{path.name} was written by a newer Workbench (project schema {version}; this "
                f"version reads up to {schema.current_version()})",
                hint="update Workbench to open it; the file was not changed",
            )
        if not isinstance(version, int) or version < 1:
            raise ProjectDamagedError(
                f"{path.name} is damaged: its schema version is {version}, which no Workbench "
                "project has (the file was not changed)",
                hint=BACKUP_HINT,
            )
        row = conn.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()
        project_id = row[0] if row else None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise ProjectDamagedError(f"{path.name} is damaged: {exc}", hint=BACKUP_HINT) from None
    finally:
        conn.close()
    return Inspection(int(version), project_id)


def lenient_text(data: bytes) -> str:
    """Text columns are decoded leniently: bytes an attacker made invalid still compare unequal."""
    return data.decode("utf-8", "surrogateescape")


def _sidecars(path: Path) -> tuple[Path, Path]:
    return (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def has_sidecars(path: Path) -> bool:
    """Whether the project's ``-wal`` or ``-shm`` file is there (a writer has it open, or died)."""
    return any(p.exists() for p in _sidecars(path))


def tidy_sidecars(path: Path) -> None:
    """Remove the ``-wal`` and ``-shm`` files a read-only connection left beside ``path``.

    A read-only connection may not delete them; a read-write one does as it closes, but only
    when it is the database's last connection (SQLite's own locks decide), so a live writer's
    WAL is never touched. Call it only where the files were not there before this process
    opened the project: the WAL it finds then holds nothing, or only committed pages.
    """
    if not has_sidecars(path) or not path.is_file():
        return
    with contextlib.suppress(sqlite3.Error, OSError):
        conn = connect(path, f"{path.resolve().as_uri()}?mode=rw", uri=True)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
        finally:
            conn.close()


def connect_readonly(path: Path) -> sqlite3.Connection:
    conn: sqlite3.Connection | None = None
    try:
        conn = connect(path, f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.text_factory = lenient_text
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        if conn is not None:
            conn.close()
        raise ProjectDamagedError(
            f"{path.name} is damaged and cannot be read: {exc}", hint=BACKUP_HINT
        ) from None
    return conn


def configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA busy_timeout = 5000")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise StorageError("the project's folder does not support SQLite's WAL journal")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def migrate(conn: sqlite3.Connection, from_version: int) -> None:
    """Apply every migration past ``from_version``, each in its own transaction, in version
    order (the numbers may have gaps: parallel work is numbered ahead of time)."""
    for migration in sorted(schema.MIGRATIONS, key=lambda m: m.version):
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


def connect_writable(path: Path, from_version: int) -> sqlite3.Connection:
    """A write connection to an inspected file, migrated to the current schema."""
    conn = connect(path)
    conn.text_factory = lenient_text
    try:
        configure(conn)
        migrate(conn, from_version)
    except BaseException:
        conn.close()
        raise
    return conn


def close_connection(conn: sqlite3.Connection, *, writable: bool) -> None:
    with contextlib.suppress(sqlite3.Error):
        if writable:
            # Fold the WAL back into the file, so a copy of the .wbproj alone is complete.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()


@contextlib.contextmanager
def signed_transaction(
    conn: sqlite3.Connection, log: LogStore, key: SigningKey, operator: str, path: Path
) -> Iterator[LogStore]:
    """One atomic change: rows, their log entries, and a signed checkpoint, or nothing."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from None
    try:
        yield log
        log.checkpoint(key, operator)
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn, log)
        raise storage_error(exc, path) from None
    except BaseException:
        _rollback(conn, log)
        raise


def _rollback(conn: sqlite3.Connection, log: LogStore) -> None:
    log.discard_pending()
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def backup_project(path: Path, version: int) -> Path:
    """A consistent copy made before a migration touches the file."""
    backup = path.with_name(f"{path.stem}.v{version}.backup{PROJECT_SUFFIX}")
    n = 1
    while backup.exists():
        backup = path.with_name(f"{path.stem}.v{version}.backup-{n}{PROJECT_SUFFIX}")
        n += 1
    try:
        source = connect(path, f"{path.resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(backup)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    except sqlite3.Error as exc:
        with contextlib.suppress(OSError):
            backup.unlink()
        raise storage_error(exc, backup) from None
    return backup


__all__ = [
    "PROJECT_SUFFIX",
    "SQLITE_HEADER",
    "Inspection",
    "backup_project",
    "configure",
    "connect_readonly",
    "connect_writable",
    "has_sidecars",
    "inspect_project_file",
    "migrate",
    "signed_transaction",
    "storage_error",
    "tidy_sidecars",
]
