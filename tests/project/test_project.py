"""Creating, opening, upgrading and refusing project files."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

import pytest

from support import TEST_KEY, new_project, populate
from workbench.cli import main
from workbench.errors import (
    NotAProjectError,
    ProjectDamagedError,
    ProjectTooNewError,
    StorageError,
    UsageError,
)
from workbench.project import Policy, Project, schema
from workbench.project.project import inspect_project_file
from workbench.tools.registry import get_tool


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        populate(project, edits=3)
    return path


def test_create_open_and_settings(project_path: Path) -> None:
    with Project.open(project_path, key=TEST_KEY) as project:
        mode = project.conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = project.conn.execute("PRAGMA synchronous").fetchone()[0]
        assert (mode, sync) == ("wal", 2)
        assert len(project.clips()) == 1
        assert [e.parameters["strength"] for e in project.edits()] == [0.25, 0.5, 0.75]
        assert project.verify().ok
    assert not project_path.with_name("p.wbproj-wal").exists()  # folded back on close


def test_create_refuses_existing(project_path: Path) -> None:
    with pytest.raises(UsageError, match="already exists"):
        new_project(project_path)


def test_edit_and_entry_are_one_transaction(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.open(project_path, key=TEST_KEY) as project:
        before_edits = len(project.edits(include_removed=True))
        before_log = project.log.count()

        def failing_checkpoint(*args: object, **kwargs: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(project.log, "checkpoint", failing_checkpoint)
        with pytest.raises(StorageError, match=r"disk .* is full"):
            project.add_edit(
                1,
                tool=get_tool("denoise"),
                parameters={},
                frames=(0, 1),
            )
        monkeypatch.undo()
        assert len(project.edits(include_removed=True)) == before_edits
        assert project.log.count() == before_log
        assert project.verify().ok


def test_revert_appends_and_keeps_history(project_path: Path) -> None:
    with Project.open(project_path, key=TEST_KEY) as project:
        edit = project.edits()[0]
        project.revert_edit(edit.id, reason="undo")
        assert edit.id not in [e.id for e in project.edits()]
        last = project.log.entries()[-1]
        assert last["schema"] == "workbench.revert/1"
        assert last["reverts"] == edit.log_entry
        assert project.log.count() == 6
        with pytest.raises(UsageError):
            project.revert_edit(edit.id)
        assert project.verify().ok


def test_policy_refuses_and_is_logged(project_path: Path) -> None:
    from workbench.errors import PolicyError

    with Project.open(project_path, key=TEST_KEY) as project:
        project.set_policy(Policy(allowed_tools=["upscale"]))
        assert project.log.entries()[-1]["schema"] == "workbench.policy/1"
        count = project.log.count()
        with pytest.raises(PolicyError, match="denoise"):
            project.add_edit(
                1,
                tool=get_tool("denoise"),
                parameters={},
                frames=(0, 1),
            )
        assert project.log.count() == count


def test_frame_range_outside_clip_is_refused(project_path: Path) -> None:
    with (
        Project.open(project_path, key=TEST_KEY) as project,
        pytest.raises(UsageError, match="outside"),
    ):
        project.add_edit(
            1,
            tool=get_tool("denoise"),
            parameters={},
            frames=(90, 120),
        )


def test_consent_records_are_logged(project_path: Path) -> None:
    with Project.open(project_path, key=TEST_KEY) as project:
        consent = project.add_consent(
            subject="Jane Actor",
            scope="likeness, cleanup only",
            document_ref="release-017.pdf",
            document_sha256="12" * 32,
            expires="2030-01-01",
        )
        assert project.consents() == [consent]
        assert project.log.entries()[-1]["consent"]["subject"] == "Jane Actor"


# -- refusing bad files ---------------------------------------------------------------------
def _run_cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_non_sqlite_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "notes.wbproj"
    bogus.write_bytes(b"these are not the projects you are looking for" * 10)
    before = digest(bogus)
    with pytest.raises(NotAProjectError):
        Project.open(bogus)
    code, text = _run_cli("info", str(bogus), capsys=capsys)
    assert code == 3 and "not a Workbench project" in text and "Traceback" not in text
    assert digest(bogus) == before
    assert not bogus.with_name("notes.wbproj.lock").exists()


def test_other_sqlite_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.wbproj"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAProjectError, match="not a Workbench project"):
        Project.open(other)


def test_truncated_project_is_refused_untouched(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = project_path.read_bytes()
    project_path.write_bytes(data[: len(data) // 2])
    before = digest(project_path)
    with pytest.raises(ProjectDamagedError):
        Project.open(project_path, key=TEST_KEY)
    for command in (("info",), ("log", "verify"), ("log", "show")):
        code, text = _run_cli(*command, str(project_path), capsys=capsys)
        assert code == 3, text
        assert "damaged" in text and "Traceback" not in text
    assert digest(project_path) == before


@pytest.mark.parametrize("seed", range(12))
def test_random_byte_flips_give_a_clear_answer(
    project_path: Path, seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(seed)
    data = bytearray(project_path.read_bytes())
    for _ in range(8):
        at = rng.randrange(100, len(data))
        data[at] ^= rng.randrange(1, 256)
    project_path.write_bytes(bytes(data))
    before = digest(project_path)
    for command in (("info",), ("log", "verify")):
        code, text = _run_cli(*command, str(project_path), capsys=capsys)
        assert code in (0, 1, 3), text
        assert "internal error" not in text and "Traceback" not in text
    assert digest(project_path) == before


def test_newer_schema_is_refused_untouched(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(project_path)
    conn.execute(f"PRAGMA user_version = {schema.current_version() + 1}")
    conn.commit()
    conn.close()
    before = digest(project_path)
    with pytest.raises(ProjectTooNewError, match="newer Workbench"):
        Project.open(project_path)
    code, text = _run_cli("info", str(project_path), capsys=capsys)
    assert code == 3 and "newer Workbench" in text
    assert digest(project_path) == before


def test_older_schema_is_backed_up_then_upgraded(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project at the current version meets a build with one more migration."""

    def add_notes(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")

    old_version = schema.current_version()
    monkeypatch.setattr(
        schema,
        "MIGRATIONS",
        [*schema.MIGRATIONS, schema.Migration(old_version + 1, "notes", add_notes)],
    )
    before = digest(project_path)
    with Project.open(project_path, key=TEST_KEY) as project:
        assert project.conn.execute("PRAGMA user_version").fetchone()[0] == old_version + 1
        applied = [r[0] for r in project.conn.execute("SELECT version FROM migrations")]
        assert applied == [m.version for m in schema.MIGRATIONS]
        project.conn.execute("SELECT * FROM notes").fetchall()
        assert project.verify().ok
    backup = project_path.with_name(f"p.v{old_version}.backup.wbproj")
    assert backup.exists()
    assert inspect_project_file(backup).version == old_version
    with Project.open(backup, readonly=False, key=TEST_KEY) as _:
        pass
    assert digest(project_path) != before
