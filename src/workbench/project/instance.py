"""One window per project: a second lock, held for as long as a window has the project open.

The project's write lock (``project.lock``) is held only for the moments a command writes, so
that a render child can register its output; it cannot tell a second window that the project is
already open in a first. This lock can: a window takes it when it opens a project for editing
and keeps it until it closes the project (the OS drops it if the window dies, as with the write
lock). A second window is refused with the first one named — pid, host, user, since when — and
may open the project read-only instead. Renders and command-line commands do not take it: they
take the write lock for the moments they write, as before, and the window shows their changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.errors import ProjectInUseError, ProjectLockedError
from workbench.project.lock import ProjectLock, describe_holder


def instance_lock_path(project: Path) -> Path:
    return project.with_name(project.name + ".open")


class InstanceLock(ProjectLock):
    """Held by the one window that has the project open for editing."""

    def __init__(self, project: Path) -> None:
        super().__init__(project)
        self.path = instance_lock_path(project)

    def refused(self, holder: dict[str, Any] | None) -> ProjectLockedError:
        return ProjectInUseError(
            f"{self.project.name} is already open in {describe_holder(holder)}",
            hint="switch to that window, or open the project read-only here",
            holder=holder,
        )
