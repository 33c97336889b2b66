"""Files that survive a crash: fsync, atomic replace, and content hashes, written once.

A file Workbench promises to keep is written under a temporary name, flushed to the disk, and
renamed over its final name; the folder is synced so the rename itself survives power loss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where directories cannot be opened)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new, never half.

    ``mode`` gives the new file's permissions from its creation on (0o600 for a private key,
    which is never readable by others, not even for a moment). Raises ``OSError`` (the temporary
    file removed) for the caller to name as it sees fit.
    """
    # Unique per writer: processes on other machines (a farm's shared folder) or other threads
    # may write the same file at the same moment; each renames its own complete copy.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = os.open(tmp, flags, 0o666 if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
