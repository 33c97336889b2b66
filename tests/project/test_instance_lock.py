"""The window's instance lock and the render's output lock, across processes: the second taker
is refused with the holder named, and a holder killed with -9 leaves nothing that blocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import ProjectInUseError, ProjectLockedError
from workbench.project.instance import InstanceLock
from workbench.render.output_lock import OutputLock

HOLD = """
import sys
from pathlib import Path
from workbench.project.instance import InstanceLock
from workbench.render.output_lock import OutputLock
kind, path = sys.argv[1], Path(sys.argv[2])
lock = InstanceLock(path) if kind == "instance" else OutputLock(path)
lock.acquire()
print("ready", flush=True)
sys.stdin.readline()
"""


def _hold(kind: str, path: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, kind, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


@pytest.mark.parametrize("kind", ["instance", "output"])
def test_the_second_taker_is_refused_naming_the_first(tmp_path: Path, kind: str) -> None:
    path = tmp_path / ("film.wbproj" if kind == "instance" else "out.mov")
    path.write_bytes(b"")
    child = _hold(kind, path)
    try:
        lock = InstanceLock(path) if kind == "instance" else OutputLock(path)
        expected = ProjectInUseError if kind == "instance" else ProjectLockedError
        with pytest.raises(expected) as info:
            lock.acquire()
        assert f"pid {child.pid}" in info.value.message and info.value.exit_code == 4
        if kind == "instance":
            assert isinstance(info.value, ProjectInUseError)
            assert info.value.holder["pid"] == child.pid
            assert "read-only" in (info.value.hint or "")
        else:
            assert "being rendered" in info.value.message
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        lock.acquire()  # the dead holder's lock is recovered
        lock.release()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
