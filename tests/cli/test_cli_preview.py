"""``workbench preview``: the window's "Preview range" from the command line."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from workbench.cli import main


@pytest.fixture
def project(tmp_path: Path) -> Path:
    clip = tmp_path / "clip.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24",
         "-frames:v", "8", "-c:v", "ffv1", str(clip)],
        check=True,
    )  # fmt: skip
    path = tmp_path / "p.wbproj"
    assert main(["new", str(path)]) == 0
    assert main(["import", str(path), str(clip)]) == 0
    assert main(["apply", str(path), "1", "--tool", "denoise", "--frames", "0-3"]) == 0
    return path


def test_preview_fills_the_cache_once(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(project), "1", "--frames", "2-5"]) == 0
    first = capsys.readouterr().out
    # frames 4-5 are untouched by the stack: nothing to compute there
    assert "frames 2-5 of clip 1 (Result): 2 computed, 0 already cached, 2 untouched" in first
    assert main(["preview", str(project), "1", "--frames", "2-5"]) == 0
    assert "0 computed, 2 already cached, 2 untouched" in capsys.readouterr().out
    assert main(["preview", "--clear-cache"]) == 0
    capsys.readouterr()
    assert main(["preview", str(project), "1", "--frames", "2-5"]) == 0
    assert "2 computed" in capsys.readouterr().out


def test_preview_settings_and_a_still(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    still = tmp_path / "still.png"
    args = ["preview", str(project), "1", "--frames", "6", "--tool", "denoise"]
    assert main([*args, "--param", "level=30", "-o", str(still)]) == 0
    out = capsys.readouterr().out
    assert "frames 6-6 of clip 1 (denoise · level 30): 1 computed" in out
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(still)],
        check=True,
        capture_output=True,
    )
    (stream,) = json.loads(probe.stdout)["streams"]
    assert (stream["width"], stream["height"], stream["pix_fmt"]) == (64, 48, "rgb48be")


def test_preview_refuses_what_it_cannot_show(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", str(project), "1", "--frames", "5-50"]) == 2
    assert "outside clip 1" in capsys.readouterr().err
    assert main(["preview", str(project), "1", "--param", "level=3"]) == 2
    assert main(["preview", str(project), "1", "--solo", "9"]) == 2
    assert "edit 9 is not in clip 1" in capsys.readouterr().err


def test_preview_refuses_footage_that_changed(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the same name, other pictures: frames computed from it must not be cached as the clip's
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=24",
         "-frames:v", "8", "-c:v", "ffv1", str(tmp_path / "clip.mkv")],
        check=True,
    )  # fmt: skip
    assert main(["preview", str(project), "1", "--frames", "0-1"]) == 2
    assert "clip.mkv changed on disk since it was imported" in capsys.readouterr().err
    assert not list(Path(os.environ["WORKBENCH_CACHE_DIR"]).rglob("*.npy"))  # nothing cached
