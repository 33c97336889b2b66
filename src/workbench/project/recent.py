"""The projects opened lately, remembered in the user's config folder (``recent-projects.json``).

The window's start screen and File ▸ Open Recent read it; a project that is no longer where it
was stays on the list, marked missing, until the user forgets it (it may be on a disk that is
not mounted now).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from workbench.config import user_config_dir
from workbench.fsutil import write_atomic

KEEP = 12
FILE_NAME = "recent-projects.json"


@dataclass(frozen=True)
class RecentProject:
    path: Path

    @property
    def exists(self) -> bool:
        return self.path.is_file()


def _file() -> Path:
    return user_config_dir() / FILE_NAME


def _read() -> list[str]:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    items = data.get("projects") if isinstance(data, dict) else None
    return [str(p) for p in items if isinstance(p, str)] if isinstance(items, list) else []


def _write(paths: list[str]) -> None:
    target = _file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, json.dumps({"projects": paths[:KEEP]}, indent=2).encode("utf-8"))
    except OSError:
        pass  # remembering is a convenience: a read-only config folder must not stop the work


def recent_projects() -> list[RecentProject]:
    """Newest first, missing ones included (``exists`` says which)."""
    return [RecentProject(Path(p)) for p in _read()]


def remember_project(path: Path) -> None:
    resolved = str(Path(path).resolve())
    _write([resolved, *(p for p in _read() if p != resolved)])


def forget_project(path: Path) -> None:
    gone = str(Path(path))
    _write([p for p in _read() if p != gone])


def forget_missing() -> None:
    _write([p for p in _read() if Path(p).is_file()])


__all__ = [
    "RecentProject",
    "forget_missing",
    "forget_project",
    "recent_projects",
    "remember_project",
]
