"""The stack's guards (schema 3), and projects refused cleanly: no crash, no backup, no litter."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from support import TEST_KEY, new_project, populate
from workbench.cli import main
from workbench.errors import (
    NotAProjectError,
    NotFoundError,
    ProjectDamagedError,
    ProjectTooNewError,
)
from workbench.project import Project, inspect_project_file, schema

GUARDS = ("edits_pinned", "edits_entry_once", "edits_flags", "edits_new", "edits_no_delete")


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        populate(project, edits=2)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


def set_pragma(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(sql)
    finally:
        conn.close()


def triggers(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'").fetchall()
    finally:
        conn.close()
    return {name for (name,) in rows}


CONFORM_TABLES = ("likeness_consents", "shot_cast", "cast_members", "deliveries", "recipes", "shots", "sequences")


def as_schema_6(path: Path) -> None:
    """The file as schema 6 left it: no likeness consents, no guards on the cast tables (7)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TABLE likeness_consents")  # its triggers go with it
        for name in ("cast_members_pinned", "cast_members_no_delete", "shot_cast_pinned"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DROP INDEX shot_cast_by_cast")
        conn.execute("DELETE FROM migrations WHERE version > 6")
        conn.execute("PRAGMA user_version = 6")
    finally:
        conn.close()


def test_a_schema_6_project_is_backed_up_then_gets_likeness_consents(project_path: Path) -> None:
    as_schema_6(project_path)
    with Project.open(project_path, readonly=True) as project:  # readable as it is
        assert project.verify().ok
        assert project.likeness_consents() == [] and project.cast() == []
    with Project.open(project_path, key=TEST_KEY) as project:
        ada = project.add_cast_member("Ada Actor")
        project.add_likeness_consent(
            ada.id,
            kinds=["enhancement"],
            production="p",
            signed="2026-01-01",
            document_ref="r.pdf",
            document_sha256="ab" * 32,
        )
        assert project.verify().ok
    assert {"likeness_consents_pinned", "cast_members_no_delete"} <= triggers(project_path)
    backup = project_path.with_name("p.v6.backup.wbproj")
    assert backup.is_file() and inspect_project_file(backup).version == 6


def as_schema_3(path: Path) -> None:
    """The file as schema 3 left it: no conform tables (4), no tracks table (5), no clip colour
    space (6), no likeness consents (7)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for table in CONFORM_TABLES:
            conn.execute(f"DROP TABLE {table}")  # their triggers and indexes go with them
        conn.execute("DROP TABLE tracks")
        conn.execute("ALTER TABLE clips DROP COLUMN colour_space")
        conn.execute("DELETE FROM migrations WHERE version > 3")
        conn.execute("PRAGMA user_version = 3")
    finally:
        conn.close()


def as_schema_2(path: Path) -> None:
    """The file as an older release wrote it: no guards on the stack (and no tracks)."""
    as_schema_3(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for name in triggers(path):
            if name.startswith(("edits_", "clips_")):
                conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DELETE FROM migrations WHERE version >= 3")
        conn.execute("PRAGMA user_version = 2")
    finally:
        conn.close()


def test_a_schema_2_project_is_backed_up_then_guarded(project_path: Path) -> None:
    as_schema_2(project_path)
    assert not set(GUARDS) & triggers(project_path)
    with Project.open(project_path, readonly=True) as project:  # readable as it is
        assert project.verify().ok
    with Project.open(project_path, key=TEST_KEY) as project:
        assert project.conn.execute("PRAGMA user_version").fetchone()[0] == (
            schema.current_version()
        )
        project.set_edit_enabled(1, False)  # what the app updates still may change
        project.revert_edit(2)
        assert project.verify().ok
    assert set(GUARDS) <= triggers(project_path)
    assert project_path.with_name("p.v2.backup.wbproj").is_file()
    assert schema.current_version() == 7


def test_a_schema_3_project_is_backed_up_then_gets_its_tracks_table(project_path: Path) -> None:
    as_schema_3(project_path)
    with Project.open(project_path, readonly=True) as project:  # readable as it is
        assert project.verify().ok
        with pytest.raises(NotFoundError, match=r"not in p\.wbproj"):
            project.track("ab" * 32)
    with Project.open(project_path, key=TEST_KEY) as project:
        assert project.conn.execute("PRAGMA user_version").fetchone()[0] == (
            schema.current_version()
        )
        versions = [v for (v,) in project.conn.execute("SELECT version FROM migrations")]
        assert versions == sorted(m.version for m in schema.MIGRATIONS)  # numbers may have gaps
        assert 5 in versions
        assert project.verify().ok
    assert {"tracks_pinned", "tracks_no_delete"} <= triggers(project_path)
    assert project_path.with_name("p.v3.backup.wbproj").is_file()


def test_a_schema_3_project_is_backed_up_then_gets_the_conform_tables(project_path: Path) -> None:
    as_schema_3(project_path)
    with Project.open(project_path, readonly=True) as project:  # readable as it is
        assert project.verify().ok
        assert project.sequences() == [] and project.shots() == []
    with Project.open(project_path, key=TEST_KEY) as project:
        assert project.conn.execute("PRAGMA user_version").fetchone()[0] == (
            schema.current_version()
        )
        assert project.sequences() == [] and project.recipes() == []
        assert project.verify().ok
    assert {"shots_pinned", "deliveries_no_delete"} <= triggers(project_path)
    backup = project_path.with_name("p.v3.backup.wbproj")
    assert backup.is_file() and inspect_project_file(backup).version == 3


@pytest.mark.parametrize("version", [0, -1])
def test_odd_schema_versions_are_refused_without_a_backup(
    project_path: Path, version: int, capsys: pytest.CaptureFixture[str]
) -> None:
    set_pragma(project_path, f"PRAGMA user_version = {version}")
    before = digest(project_path)
    for _ in range(2):
        with pytest.raises(ProjectDamagedError, match=f"schema version is {version}"):
            Project.open(project_path, key=TEST_KEY)
    assert main(["info", str(project_path)]) == 3
    assert "damaged" in capsys.readouterr().err
    assert digest(project_path) == before
    assert beside(project_path) == []  # no backup, no -wal or -shm, no lock


def test_a_damaged_clip_row_is_a_damaged_project(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_pragma(project_path, "UPDATE clips SET media = '{not json' WHERE id = 1")
    with (
        Project.open(project_path, readonly=True) as project,
        pytest.raises(ProjectDamagedError, match="clip 1's media is not valid JSON"),
    ):
        project.clips()
    capsys.readouterr()
    out = str(project_path.with_name("out.mov"))
    for command in (["info", str(project_path)], ["render", str(project_path), "1", "-o", out]):
        code = main(command)
        captured = capsys.readouterr()
        assert code == 3, captured.err
        assert "damaged" in captured.err and "Traceback" not in captured.err


@pytest.mark.parametrize("how", ["too-new", "foreign", "damaged"])
def test_refusing_a_project_leaves_nothing_beside_it(project_path: Path, how: str) -> None:
    if how == "too-new":
        set_pragma(project_path, f"PRAGMA user_version = {schema.current_version() + 1}")
        error: type[Exception] = ProjectTooNewError
    elif how == "foreign":
        set_pragma(project_path, "PRAGMA application_id = 7")
        error = NotAProjectError
    else:
        set_pragma(project_path, "PRAGMA user_version = 0")
        error = ProjectDamagedError
    before = digest(project_path)
    for readonly in (True, False):
        with pytest.raises(error):
            Project.open(project_path, readonly=readonly, key=TEST_KEY)
        assert beside(project_path) == []
    assert digest(project_path) == before


def test_a_reader_leaves_nothing_and_never_touches_a_writers_wal(project_path: Path) -> None:
    with Project.open(project_path, readonly=True) as project:
        assert project.verify().ok
    assert beside(project_path) == []
    with Project.open(project_path, key=TEST_KEY) as writer:
        writer.set_edit_enabled(1, False)
        wal = project_path.with_name("p.wbproj-wal")
        assert wal.exists()
        with Project.open(project_path, readonly=True) as reader:
            assert reader.edit(1).enabled is False
        assert wal.exists()  # the writer's WAL is still there, and still in use
        writer.set_edit_enabled(1, True)
    with Project.open(project_path, readonly=True) as project:
        assert project.edit(1).enabled is True and project.verify().ok
    assert beside(project_path) == []
