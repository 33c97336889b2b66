"""One writer at a time, and a crash at any moment loses nothing that was acknowledged."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import TEST_KEY, new_project
from workbench.errors import ProjectLockedError
from workbench.project import Project

WORKER = Path(__file__).with_name("append_worker.py")


def spawn(path: Path, mode: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[1]), env.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        project.add_clip("/footage/A.mov", fingerprint="ab" * 32, media={"frame_count": 10})
    return path


def test_second_writer_is_refused_naming_the_holder(project_path: Path) -> None:
    child = spawn(project_path, "hold")
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        with pytest.raises(ProjectLockedError) as info:
            Project.open(project_path, key=TEST_KEY)
        assert f"pid {child.pid}" in str(info.value)
        assert "Workbench" in str(info.value)
        with Project.open(project_path, readonly=True) as reader:  # readers are never refused
            assert reader.verify().ok
    finally:
        child.kill()
        child.wait()


def test_stale_lock_from_killed_process_is_recovered(project_path: Path) -> None:
    child = spawn(project_path, "hold")
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert project_path.with_name("p.wbproj.lock").exists()  # left behind by the dead holder
    with Project.open(project_path, key=TEST_KEY) as project:
        assert project.writable
    assert not project_path.with_name("p.wbproj.lock").exists()


@pytest.mark.slow  # kill -9
def test_kill_9_while_appending_loses_nothing_acknowledged(project_path: Path) -> None:
    rng = random.Random(1234)
    for _round in range(4):
        child = spawn(project_path, "append")
        assert child.stdout is not None
        acked = 0
        deadline = time.monotonic() + rng.uniform(0.3, 1.2)
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            acked = int(line.split()[1])
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert acked > 0, child.stderr.read() if child.stderr else ""
        with Project.open(project_path, key=TEST_KEY) as project:  # recovers the stale lock
            report = project.verify()
            assert report.ok, report.problems
            assert report.entries >= acked
            # every edit row has its entry and every entry its edit (one transaction each)
            entries = {e["id"] for e in project.log.entries()}
            for edit in project.edits(include_removed=True):
                assert edit.log_entry in entries
            edit_entries = [e for e in project.log.entries() if e["schema"] == "workbench.edit/1"]
            assert len(edit_entries) == len(project.edits(include_removed=True))
