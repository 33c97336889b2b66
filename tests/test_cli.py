"""The CLI as scripts use it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support import new_project, populate, tamper
from workbench.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_new_info_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "film.wbproj"
    code, out, _ = run(capsys, "new", str(path), "--name", "My Film")
    assert code == 0 and "created" in out
    code, out, _ = run(capsys, "new", str(path))
    assert code == 2
    code, out, _ = run(capsys, "info", str(path))
    assert code == 0 and "My Film" in out and "log verifies" in out
    code, out, _ = run(capsys, "log", "show", str(path))
    assert code == 0 and "project created: My Film" in out


def test_verify_exit_codes_name_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        populate(project)
    assert run(capsys, "log", "verify", str(path))[0] == 0
    tamper(path, ("UPDATE log SET operator = 'Mallory' WHERE seq = 3", ()))
    code, _out, err = run(capsys, "log", "verify", str(path))
    assert code == 1
    assert "entry 3" in err and "operator" in err
    assert "Traceback" not in err


def test_missing_project_and_debug_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "info", str(tmp_path / "nope.wbproj"))
    assert code == 3 and err.startswith("error: no project at")
    code, _out, err = run(capsys, "--debug", "info", str(tmp_path / "nope.wbproj"))
    assert code == 3 and "Traceback" in err


def test_console_script_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "new", str(tmp_path / "x.wbproj")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_demo_builds_a_verified_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "-o", str(tmp_path / "demo"))
    assert code == 0, err
    assert "log verifies" in out
    assert (tmp_path / "demo" / "sample.wbproj").exists()
    assert run(capsys, "log", "verify", str(tmp_path / "demo" / "sample-log.json"))[0] == 0
