"""The recent projects, remembered in the config folder; a missing one is kept and marked."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.project.recent import (
    KEEP,
    forget_missing,
    forget_project,
    recent_projects,
    remember_project,
)


def test_recent_projects_newest_first_missing_ones_marked(
    tmp_path: Path, isolated_user_dirs: Path
) -> None:
    paths = [tmp_path / f"{n}.wbproj" for n in range(3)]
    for path in paths:
        path.write_bytes(b"x")
        remember_project(path)
    remember_project(paths[0])  # opened again: to the top, once
    assert [p.path for p in recent_projects()] == [paths[0], paths[2], paths[1]]
    paths[2].unlink()
    assert [p.exists for p in recent_projects()] == [True, False, True]
    stored = json.loads((isolated_user_dirs / "config" / "recent-projects.json").read_text())
    assert stored["projects"][1] == str(paths[2])
    forget_missing()
    assert [p.path for p in recent_projects()] == [paths[0], paths[1]]
    forget_project(paths[0])
    assert [p.path for p in recent_projects()] == [paths[1]]
    for n in range(KEEP + 3):
        remember_project(tmp_path / f"more{n}.wbproj")
    assert len(recent_projects()) == KEEP


def test_an_unreadable_list_is_an_empty_one(isolated_user_dirs: Path) -> None:
    folder = isolated_user_dirs / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recent-projects.json").write_text("{not json")
    assert recent_projects() == []
