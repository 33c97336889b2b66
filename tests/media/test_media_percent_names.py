"""A real file whose name looks like a frame pattern (``shot%d.mp4``) is that file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from workbench.media import probe
from workbench.media.sequence import names_sequence
from workbench.qc import inspect


@pytest.fixture(scope="module")
def percent_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pct") / "shot%d.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24",
         "-frames:v", "6", "-c:v", "libx264", str(path)],
        check=True,
    )
    assert path.is_file()
    return path


def test_a_file_named_like_a_pattern_probes_as_the_file(percent_file: Path) -> None:
    assert not names_sequence(percent_file)
    info = probe(percent_file)
    assert info.frame_count == 6 and info.width == 64
    assert inspect(str(percent_file)).video is not None


def test_a_pattern_with_no_such_file_still_names_a_sequence(tmp_path: Path) -> None:
    assert names_sequence(tmp_path / "plate_%04d.exr")
    assert names_sequence(tmp_path / "plate_####.exr")
