"""A reader kept open beside other processes' writes (the window beside a render) stays right.

The window keeps a read-only connection all day and opens the project again for each command
and export; a render child writes and closes. Reading the file's header with ``open()`` and
``close()`` dropped this process's SQLite locks, so the child, closing last, deleted the WAL and
its index under the reader: the reader went on with stale pages and "database disk image is
malformed", though the file was intact.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from project.test_concurrency import spawn
from support import TEST_KEY, new_project
from workbench.project import Project
from workbench.project.open_files import open_connections, read_head


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        project.add_clip("/footage/A.mov", fingerprint="ab" * 32, media={"frame_count": 10})
    return path


def _child_adds_an_edit(path: Path) -> None:
    child = spawn(path, "add")
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err


def test_a_reader_sees_other_processes_writes_after_this_process_opened_the_file_again(
    project_path: Path,
) -> None:
    reader = Project.open(project_path, readonly=True)
    try:
        assert reader.edits() == []
        for _round in range(3):
            # what the window does for each command and each export: open the file again
            with Project.open(project_path, key=TEST_KEY, operator="Window"):
                pass
            Project.open(project_path, readonly=True).close()
            _child_adds_an_edit(project_path)  # a render child: writes, closes, exits
            # the child was not the file's last user: the reader's WAL index is still there
            assert project_path.with_name("p.wbproj-shm").exists()
            assert len(reader.edits()) == _round + 1
            assert reader.verify().ok
        # and this process's own writes land in the same file everyone else reads
        with Project.open(project_path, key=TEST_KEY, operator="Window") as writer:
            writer.set_edit_enabled(writer.edits()[0].id, False)
        _child_adds_an_edit(project_path)
        assert [e.enabled for e in reader.edits()] == [False, True, True, True]
        assert reader.verify().ok
    finally:
        reader.close()
    code = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])"
    check = subprocess.run(
        [sys.executable, "-c", code, str(project_path)], capture_output=True, text=True, check=True
    )
    assert check.stdout.strip() == "ok"


def test_reading_the_header_keeps_the_descriptor_until_the_last_connection_closes(
    project_path: Path,
) -> None:
    def descriptors() -> int:
        return len(os.listdir("/proc/self/fd"))

    assert open_connections(project_path) == 0
    before = descriptors()
    reader = Project.open(project_path, readonly=True)
    assert open_connections(project_path) == 1
    with_reader = descriptors()
    assert read_head(project_path).startswith(b"SQLite format 3\x00")
    assert descriptors() == with_reader + 1  # parked: closing it would drop the reader's lock
    reader.close()
    assert open_connections(project_path) == 0
    assert descriptors() == before  # the parked one went with the last connection
    read_head(project_path)
    assert descriptors() == before  # with no connection open it is closed at once
