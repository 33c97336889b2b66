from __future__ import annotations

from pathlib import Path

import pytest

from workbench.media import UnsupportedMediaError
from workbench.media.sequence import detect_sequence, split_pattern


def _touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_bytes(b"x")


def test_patterns_and_members(tmp_path: Path) -> None:
    _touch(tmp_path, "a_0001.exr", "a_0002.exr", "a_0004.exr", "a_01.exr", "b_0001.exr")
    for given in ("a_0002.exr", "a_%04d.exr", "a_####.exr"):
        spec = detect_sequence(tmp_path / given)
        assert spec is not None
        assert spec.frames == (1, 2, 4)
        assert spec.missing == (3,)
        assert spec.pattern == str(tmp_path / "a_%04d.exr")
        assert spec.path_of(4).name == "a_0004.exr"


def test_bare_numbers_and_lone_stills(tmp_path: Path) -> None:
    _touch(tmp_path, "0001.png", "0002.png", "photo_7.jpg", "poster.png")
    spec = detect_sequence(tmp_path / "0001.png")
    assert spec is not None and spec.prefix == "" and spec.frames == (1, 2)
    assert detect_sequence(tmp_path / "photo_7.jpg") is None
    assert detect_sequence(tmp_path / "poster.png") is None
    assert detect_sequence(tmp_path / "clip.mov") is None


def test_pattern_without_frames(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedMediaError, match="no frames"):
        detect_sequence(tmp_path / "none_%04d.png")


def test_split_pattern() -> None:
    assert split_pattern("/x/s_%06d.dpx") == (Path("/x"), "s_", ".dpx", 6)
    assert split_pattern("/x/s.%d.png") == (Path("/x"), "s.", ".png", 1)
    assert split_pattern("/x/s.##.png") == (Path("/x"), "s.", ".png", 2)
