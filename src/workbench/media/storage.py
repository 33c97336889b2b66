"""Storage failures while writing media, as errors a user can act on."""

from __future__ import annotations

import errno
from pathlib import Path

from workbench.fsutil import fsync_dir, fsync_file
from workbench.media.errors import MediaError, MediaStorageError


def storage_error(
    exc: BaseException, path: Path, label: str | None = None, tmp: Path | None = None
) -> MediaError:
    """The error for an ``OSError``/FFmpeg failure writing ``path``, named as the user knows it."""
    name = label or path.name
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT):
        return MediaStorageError(
            f"the disk is full while writing {name}",
            hint=f"free space on the drive holding {path.parent} and run the render again",
        )
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return MediaStorageError(
            f"no permission to write {path.parent / name}", hint="choose a folder you can write to"
        )
    reason = getattr(exc, "strerror", None) or str(exc)
    for written in (tmp, path):
        if written is not None:
            reason = reason.replace(str(written), name).replace(written.name, name)
    return MediaStorageError(f"writing {name} failed: {reason}")


__all__ = ["fsync_dir", "fsync_file", "storage_error"]
