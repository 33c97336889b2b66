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


@pytest.mark.slow  # .ci/run runs `workbench demo` itself, as the README's quick start does
def test_demo_builds_a_verified_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "-o", str(tmp_path / "demo"))
    assert code == 0, err
    assert "log verifies" in out
    assert (tmp_path / "demo" / "sample.wbproj").exists()
    assert run(capsys, "log", "verify", str(tmp_path / "demo" / "sample-log.json"))[0] == 0


def test_policy_show_and_set_are_logged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from workbench.project import Project

    path = tmp_path / "film.wbproj"
    assert run(capsys, "new", str(path))[0] == 0
    code, out, _ = run(capsys, "policy", "show", str(path))
    assert code == 0 and "allowed tools:       any" in out
    code, out, _ = run(
        capsys, "policy", "set", str(path), "--tools", "denoise,deblock", "--signoff", "denoise"
    )
    assert code == 0 and "sign-off required:   denoise" in out
    code, out, _ = run(capsys, "policy", "set", str(path), "--undisclosed", "allow")
    assert code == 0
    code, out, _ = run(capsys, "policy", "show", str(path), "--json")
    policy = json.loads(out)
    # one change at a time: what was set before stays
    assert policy["allowed_tools"] == ["denoise", "deblock"]
    assert policy["signoff_required"] == ["denoise"] and policy["allow_undisclosed"] is True
    code, _out, err = run(capsys, "policy", "set", str(path), "--signoff", "frobnicate")
    assert code == 2 and "unknown tool 'frobnicate'" in err
    assert run(capsys, "policy", "set", str(path))[0] == 2  # nothing to change
    code, out, _ = run(capsys, "policy", "set", str(path), "--tools", "any", "--signoff", "none")
    assert code == 0 and "allowed tools:       any" in out and "sign-off required:   none" in out
    with Project.open(path, readonly=True) as project:
        changes = [e for e in project.log.entries() if e["schema"] == "workbench.policy/1"]
        assert len(changes) == 3  # the refused commands wrote nothing
        assert project.verify().ok
