"""The window's hold on its project: one read connection for the views, the write lock only
around its commands (kept for a burst of them, released when they stop)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import ProjectLockedError
from workbench.project import Policy, Project
from workbench.qt.session import ProjectSession


def test_a_burst_of_commands_opens_the_project_once_then_lets_go(tmp_path: Path, qtbot) -> None:
    session = ProjectSession()
    session.create(tmp_path / "burst.wbproj", "Burst")
    assert session.path is not None
    changes: list[bool] = []
    session.changed.connect(lambda: changes.append(True))
    with session.write() as first:
        first.set_policy(Policy(allow_undisclosed=True))
    with session.write() as second:
        second.set_policy(Policy())
    assert second is first  # no second open (and no second quick_check) for the next command
    assert len(changes) == 2  # the views heard of each change at once
    with pytest.raises(ProjectLockedError):
        Project.open(session.path)  # held while commands keep coming
    qtbot.wait(ProjectSession.WRITER_IDLE_MS + 300)
    Project.open(session.path).close()  # released once they stopped
    with session.write() as third:
        assert third is not first
    session.close()
    Project.open(tmp_path / "burst.wbproj").close()  # closing the session releases it at once


def test_a_failed_command_releases_the_lock_at_once(tmp_path: Path) -> None:
    session = ProjectSession()
    session.create(tmp_path / "fail.wbproj")
    assert session.path is not None
    with pytest.raises(RuntimeError), session.write():
        raise RuntimeError("boom")
    Project.open(session.path).close()
    session.close()


def test_pending_signoff_is_read_again_only_when_the_log_moved(tmp_path: Path, monkeypatch) -> None:
    session = ProjectSession()
    session.create(tmp_path / "signoff.wbproj")
    reads: list[int] = []
    original = Project.edits_pending_signoff

    def counted(self: Project) -> set[int]:
        reads.append(1)
        return original(self)

    monkeypatch.setattr(Project, "edits_pending_signoff", counted)
    assert session.pending_signoff() == set()
    assert session.pending_signoff() == set()
    assert len(reads) == 1
    with session.write() as project:
        project.set_policy(Policy(signoff_required=["deblock"]))
    session.pending_signoff()
    assert len(reads) == 2
    session.close()
