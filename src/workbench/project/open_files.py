"""The project files this process has open in SQLite, and reading one without breaking its locks.

Why: SQLite's locks on a database file are POSIX advisory locks, and those belong to the whole
process — closing *any* descriptor of the file drops every lock the process holds on it, even
the ones SQLite took through its own descriptors (SQLite's "How to corrupt" §2.2). Reading a
project's header with ``open()`` / ``close()`` while the window kept a read-only connection
dropped that connection's shared lock; a render child that then closed its last connection
believed it was the file's only user, folded the WAL and deleted the ``-wal`` and ``-shm`` files
under the window. The window's connections went on with the deleted wal-index: stale pages,
"database disk image is malformed", edits that changed the screen and not the project — while
the file itself was intact, as any other process saw.

So every SQLite connection to a project goes through :func:`connect`, which counts the
connections per file (device and inode), and :func:`read_head` keeps the descriptor it read
with open — parked, as SQLite parks its own — until the last of this process's connections to
that file closes. A file nobody here has open is read and closed at once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

FileKey = tuple[int, int]  # (st_dev, st_ino)

_guard = threading.Lock()
_open: dict[FileKey, int] = {}
_parked: dict[FileKey, list[int]] = {}


def _key_of(path: Path | str) -> FileKey | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class TrackedConnection(sqlite3.Connection):
    """A connection that tells the registry when it closes (its file's parked descriptors
    are closed with the last one)."""

    _file_key: FileKey | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            key, self._file_key = self._file_key, None
            if key is not None:
                _release(key)


def connect(
    path: Path, target: str | Path | None = None, *, uri: bool = False
) -> sqlite3.Connection:
    """``sqlite3.connect`` for a project file, counted until the connection closes.

    ``target`` is what SQLite opens (a ``file:`` URI with ``uri=True``); ``path`` the file.
    """
    conn = sqlite3.connect(
        path if target is None else target, uri=uri, isolation_level=None, factory=TrackedConnection
    )
    assert isinstance(conn, TrackedConnection)
    key = _key_of(path)
    if key is not None:
        with _guard:
            _open[key] = _open.get(key, 0) + 1
        conn._file_key = key
    return conn


def _release(key: FileKey) -> None:
    with _guard:
        left = _open.get(key, 0) - 1
        if left > 0:
            _open[key] = left
            return
        _open.pop(key, None)
        parked = _parked.pop(key, [])
    for fd in parked:
        os.close(fd)


def open_connections(path: Path) -> int:
    """How many connections this process holds to the file at ``path`` (for tests)."""
    key = _key_of(path)
    with _guard:
        return _open.get(key, 0) if key is not None else 0


def read_head(path: Path, size: int = 100) -> bytes:
    """The file's first ``size`` bytes, read without dropping this process's SQLite locks."""
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
    except OSError:
        os.close(fd)
        raise
    try:
        return os.pread(fd, size, 0)
    finally:
        _close_or_park(fd, (st.st_dev, st.st_ino))


def _close_or_park(fd: int, key: FileKey) -> None:
    with _guard:
        if key in _open:
            _parked.setdefault(key, []).append(fd)
            return
    os.close(fd)
