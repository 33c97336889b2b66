"""Errors of the QC reader.

QC shells out to ffprobe, ffmpeg and MediaInfo on purpose: they are readers independent of the
PyAV build that wrote the file, so a bug shared by our writer and our reader cannot hide itself.
That makes a missing executable an ordinary user-facing condition, and its message names the
Debian package to install. Reading errors are media errors (exit code 9); a file that reads but
fails the comparison is a verification failure (exit code 1), like a log that does not verify.
"""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.media.errors import BrokenMediaError, MediaError, MediaTimeoutError

#: Which Debian package provides each executable QC runs.
PACKAGES = {"ffprobe": "ffmpeg", "ffmpeg": "ffmpeg", "mediainfo": "mediainfo"}


class QcError(MediaError):
    """QC could not read a file (exit code 9, as every media error)."""


class QcToolMissingError(QcError):
    """ffprobe, ffmpeg or mediainfo is not installed, or not on PATH."""

    def __init__(self, executable: str) -> None:
        package = PACKAGES.get(executable, executable)
        super().__init__(
            f"{executable} is needed for QC but was not found on PATH "
            f"(it comes with the Debian package '{package}')",
            hint=f"install it, e.g. `sudo apt-get install {package}`, then run QC again",
        )
        self.executable = executable
        self.package = package


class QcUnreadableError(QcError, BrokenMediaError):
    """The independent reader cannot open the file as media."""


class QcTimeoutError(QcError, MediaTimeoutError):
    """A reader ran past its time limit (a huge, hostile or badly damaged file)."""


class QcFailed(WorkbenchError):
    """The file was read, and differs from its source in a way nothing explained (exit 1)."""

    exit_code = 1
