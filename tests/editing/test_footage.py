"""New from footage: a project beside the clips, named after their folder, with them imported."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.editing.footage import new_from_footage, project_beside
from workbench.errors import UsageError
from workbench.project import Project


def clip(path: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24",
         "-frames:v", "4", "-c:v", "ffv1", str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_the_project_is_made_beside_the_footage(tmp_path: Path) -> None:
    day = tmp_path / "Day 2"
    day.mkdir()
    a, b = clip(day / "A001.mkv"), clip(day / "A002.mkv")
    path, clips = new_from_footage([a, b])
    assert path == day / "Day 2.wbproj"
    assert [c.name for c in clips] == ["A001.mkv", "A002.mkv"]
    with Project.open(path, readonly=True) as project:
        assert len(project.clips()) == 2 and project.verify().ok
    assert project_beside([a]) == day / "Day 2-2.wbproj"  # the first one is taken now
    with pytest.raises(UsageError):
        project_beside([])


def test_the_command_line_makes_it_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = clip(tmp_path / "B001.mkv")
    assert main(["new", "--from-footage", str(a)]) == 0
    out = capsys.readouterr().out
    made = tmp_path / f"{tmp_path.name}.wbproj"
    assert f"created {made}" in out and made.is_file()
    assert main(["new", str(tmp_path / "x.wbproj"), "--from-footage", str(a)]) == 2
    assert main(["new"]) == 2
