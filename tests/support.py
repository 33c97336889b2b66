"""Helpers shared by tests (importable because pytest puts tests/ on the path)."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from workbench.disclosure.keys import SigningKey
from workbench.project import Project
from workbench.tools.registry import get_tool

TEST_KEY = SigningKey.from_seed(b"workbench tests")


def fixed_clock(start: int = 0) -> Callable[[], str]:
    counter = itertools.count(start)

    def clock() -> str:
        n = next(counter)
        return f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}.000000Z"

    return clock


def fixed_ids(prefix: str = "00000000-0000-4000-8000-") -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter):012d}"


def new_project(path: Path, **kwargs: Any) -> Project:
    kwargs.setdefault("key", TEST_KEY)
    kwargs.setdefault("operator", "Test Operator")
    return Project.create(path, "Test project", **kwargs)


def edit_request(clip_id: int, args: list[str]) -> Any:
    """An :class:`EditRequest` from ``apply``-style options (--tool, --param, --frames, ...)."""
    from workbench.editing import EditRequest, parse_frames, parse_rect

    options: dict[str, Any] = {"parameters": {}}
    pairs = iter(args)
    for flag in pairs:
        value = next(pairs)
        if flag == "--param":
            key, _, raw = value.partition("=")
            options["parameters"][key] = raw
        elif flag == "--frames":
            options["frames"] = parse_frames(value)
        elif flag == "--region":
            options["region"] = parse_rect(value)
        elif flag == "--mask":
            options["region"], options["mask"] = {"kind": "mask"}, Path(value)
        else:
            options[flag.removeprefix("--")] = value
    return EditRequest(clip_id=clip_id, **options)


def project_with(tmp_path: Path, media: Path, *applies: list[str]) -> Path:
    """A project made through the use-case layer, as every front end makes one: a new project,
    ``media`` imported, then each ``apply``-style list of options as an edit of clip 1."""
    from workbench.editing import apply_edit, import_clip, plan_edit

    project = tmp_path / "p.wbproj"
    with Project.create(project) as opened:
        clip = import_clip(opened, media)
        for extra in applies:
            apply_edit(opened, plan_edit(opened, edit_request(clip.id, extra)))
    return project


def populate(project: Project, edits: int = 3) -> None:
    clip = project.add_clip("/footage/A001.mov", fingerprint="ab" * 32, media={"frame_count": 100})
    for n in range(edits):
        project.add_edit(
            clip.id,
            tool=get_tool("denoise"),
            parameters={"strength": 0.25 * (n + 1)},
            frames=(n, n + 10),
        )


def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain SQLite connection with the append-only triggers dropped: the attacker's view."""
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    try:
        yield conn
    finally:
        conn.close()


def tamper(path: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    for conn in raw(path):
        conn.execute("BEGIN")
        for sql, args in statements:
            conn.execute(sql, args)
        conn.execute("COMMIT")
