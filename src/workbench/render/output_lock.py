"""One render per output at a time, in any process.

Two renders of the same output — two windows resuming the same job, or a window and the command
line — would write the same segments and the same pending file, and one of them failed at
100 %. A render holds this lock (beside its output; the OS drops it if the render dies) from
before its first segment until it is registered; a second one is refused at once, naming the
first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.errors import ProjectLockedError
from workbench.project.lock import ProjectLock, describe_holder


class OutputLock(ProjectLock):
    def __init__(self, output: Path) -> None:
        super().__init__(output)
        self.path = output.with_name(f".{output.name}.render-lock")

    def refused(self, holder: dict[str, Any] | None) -> ProjectLockedError:
        return ProjectLockedError(
            f"{self.project.name} is being rendered by {describe_holder(holder)}",
            hint="wait for that render to finish or cancel it there; then render again to resume",
        )
