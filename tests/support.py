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


def project_with(tmp_path: Path, media: Path, *applies: list[str]) -> Path:
    """A project made through the CLI, as a user would: new, import ``media``, then ``apply``."""
    from workbench.cli import main

    project = tmp_path / "p.wbproj"
    assert main(["new", str(project)]) == 0
    assert main(["import", str(project), str(media)]) == 0
    for extra in applies:
        assert main(["apply", str(project), "1", *extra]) == 0
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
