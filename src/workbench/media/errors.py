"""Errors of the media layer.

Each one says which file and what went wrong, and where there is something the user can do
(convert the file, pick another codec, free disk space) the hint says so.
"""

from __future__ import annotations

from workbench.errors import StorageError, WorkbenchError


class MediaError(WorkbenchError):
    """A media file cannot be read or written."""

    exit_code = 9


class UnsupportedMediaError(MediaError):
    """The file or request is valid but not something Workbench handles (codec, URL, pattern)."""


class BrokenMediaError(MediaError):
    """The file is damaged, truncated, or not media at all."""


class MediaTooLargeError(MediaError):
    """The file declares dimensions beyond what Workbench will allocate for."""


class MediaTimeoutError(BrokenMediaError):
    """Reading the file took longer than its time limit (a hostile or badly damaged file)."""


class MediaStorageError(MediaError, StorageError):
    """Writing media failed on the storage side (full disk, no permission)."""

    exit_code = 8
