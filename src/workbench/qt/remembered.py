"""What the window remembers between runs: recent projects (in the config folder, with the
command line's ``workbench.project.recent``) and relinked clips (QSettings)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings


def recent_projects() -> list[str]:
    """The recent projects that are where they were (the start screen also shows the others)."""
    from workbench.project.recent import recent_projects as remembered

    return [str(p.path) for p in remembered() if p.exists]


def remember_recent(path: Path) -> None:
    from workbench.project.recent import remember_project

    remember_project(path)


def load_relinks(project_id: str) -> dict[int, str]:
    raw = QSettings().value(f"relink/{project_id}", "{}")
    try:
        return {int(k): str(v) for k, v in json.loads(str(raw)).items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def save_relinks(project_id: str, mapping: dict[int, str]) -> None:
    QSettings().setValue(
        f"relink/{project_id}", json.dumps({str(k): v for k, v in mapping.items()})
    )
