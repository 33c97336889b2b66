"""What reaches a terminal: a closed pipe keeps the exit code; control sequences are shown."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from support import new_project, populate, tamper
from workbench.cli import main
from workbench.cli.terminal import SafeStream, terminal_text


def _many_entries(path: Path, toggles: int = 150) -> None:
    with new_project(path) as project:
        populate(project, edits=3)
        for n in range(toggles):
            project.set_edit_enabled(1, n % 2 == 1)


def _tampered(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    _many_entries(path, toggles=40)
    tamper(path, ("UPDATE log SET operator = 'mallory' WHERE seq > 3", ()))
    return path


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_a_closed_pipe_does_not_turn_a_failure_into_success(tmp_path: Path, stream: str) -> None:
    path = _tampered(tmp_path)
    pipe = {stream: subprocess.PIPE}
    child = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "log", "verify", str(path),
         "--max-problems", "100000"],
        stdin=subprocess.DEVNULL,
        **({"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} | pipe),  # type: ignore[arg-type]
    )
    reader = child.stdout if stream == "stdout" else child.stderr
    assert reader is not None
    reader.close()  # like `| head -c 0`: the reader is gone before the first write
    assert child.wait(60) == 1


def test_log_show_into_a_closed_pipe_exits_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "ok.wbproj"
    _many_entries(path, toggles=40)
    child = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "log", "show", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    assert child.wait(60) == 0
    assert b"Traceback" not in child.stderr.read()


def test_control_sequences_from_the_project_are_shown_not_obeyed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.wbproj"
    with new_project(path, operator="eve\x1b]0;owned\x07\x1b[2J") as project:
        project.add_clip("/f/A\x1b[31mred.mov", fingerprint="ab" * 32, media={"frame_count": 4},
                         name="A\x1b[31m\u202ered")
    assert main(["info", str(path)]) == 0
    assert main(["log", "show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b[31m" in out


def test_safe_stream_keeps_tabs_newlines_and_the_progress_bar() -> None:
    buffer = io.StringIO()
    SafeStream(buffer).write("a\tb\r[###] 50%\n\x1b[2J\x9b")  # type: ignore[arg-type]
    assert buffer.getvalue() == "a\tb\r[###] 50%\n\\x1b[2J\\x9b"
    assert terminal_text("\u2066x\u2069") == "\\u2066x\\u2069"
