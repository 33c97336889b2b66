"""What the window remembers between runs (QSettings): recent projects and relinked clips."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings

RECENT = 10


def recent_projects() -> list[str]:
    value = QSettings().value("recentProjects", [])
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        return []
    return [str(v) for v in items if Path(str(v)).exists()]


def remember_recent(path: Path) -> None:
    resolved = str(path.resolve())
    items = [resolved] + [p for p in recent_projects() if p != resolved]
    QSettings().setValue("recentProjects", items[:RECENT])


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
