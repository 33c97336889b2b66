"""The one family of errors a user can see.

Every failure that reaches a person goes through a :class:`WorkbenchError` subclass whose message
says what happened and what to do about it. The CLI prints ``error: <message>`` and exits with the
class's ``exit_code``; the GUI shows the same message in its error dialog. Anything that is *not*
a ``WorkbenchError`` is a bug in Workbench, and is reported as one.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Root of every error a user may see; the message must be actionable."""

    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class UsageError(WorkbenchError):
    """The command or its arguments are wrong."""

    exit_code = 2


class DisplayError(WorkbenchError):
    """The window cannot start here: no display, or a system library Qt needs is missing."""

    exit_code = 2


class ProjectError(WorkbenchError):
    """A project file cannot be used (missing, damaged, not a project)."""

    exit_code = 3


class ProjectNotFoundError(ProjectError):
    pass


class NotAProjectError(ProjectError):
    """The file exists but is not a Workbench project."""


class ProjectDamagedError(ProjectError):
    """The file is a project but SQLite reports damage."""


class ProjectTooNewError(ProjectError):
    """Written by a newer Workbench; opening it could lose what that version stored."""


class ProjectLockedError(ProjectError):
    """Another live process holds the project for writing."""

    exit_code = 4


class ProjectInUseError(ProjectLockedError):
    """The project is open in another Workbench window; ``holder`` says whose (pid, host,
    user, app, since), so a window can name it and offer to open the project read-only."""

    def __init__(
        self, message: str, *, hint: str | None = None, holder: dict[str, object] | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.holder = dict(holder or {})


class NotFoundError(WorkbenchError):
    """A clip, edit, model or entry that was asked for does not exist."""

    exit_code = 3


class PolicyError(WorkbenchError):
    """The project's policy forbids the requested action."""

    exit_code = 5


class ModelError(WorkbenchError):
    """A model file or its card cannot be used."""

    exit_code = 6


class ModelRejectedError(ModelError):
    """The ONNX file failed the safety checks made before any session exists."""


class CardError(ModelError):
    """The model card is missing, invalid, or does not match the model file."""


class DisclosureError(WorkbenchError):
    """The disclosure log could not be written, read or exported."""

    exit_code = 7


class VerificationFailed(DisclosureError):
    """The log does not verify; the message names the first bad entry."""

    exit_code = 1


class SigningKeyError(DisclosureError):
    """The signing key cannot be read or created."""


class StorageError(WorkbenchError):
    """Writing to disk failed (full disk, no permission)."""

    exit_code = 8


class Cancelled(WorkbenchError):
    """The user cancelled a long operation; nothing half-done was kept."""

    exit_code = 130

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)
