"""Writers never leave a half-written file under the final name."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from media.media_clips import Clip
from workbench.media import (
    MediaError,
    MediaStorageError,
    UnsupportedMediaError,
    open_reader,
    open_writer,
    probe,
)


def _frames(n: int, h: int = 48, w: int = 64) -> list[np.ndarray]:
    return [np.full((h, w, 3), i / (n + 1), np.float32) for i in range(n)]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("name", ["out.mov", "out.mkv", "out_%04d.png", "still.exr"])
def test_exception_inside_with_leaves_nothing(name: str, tmp_path: Path) -> None:
    info = None
    with pytest.raises(RuntimeError), open_writer(tmp_path / name, info, frame_rate=24) as writer:
        writer.write(_frames(1)[0])
        raise RuntimeError("cancelled by the user")
    assert list(tmp_path.iterdir()) == []


def test_abort_keeps_existing_file(prores_mov: Clip, tmp_path: Path) -> None:
    target = tmp_path / "deliver.mov"
    target.write_bytes(b"previous render")
    writer = open_writer(target, probe(prores_mov.path))
    for frame in _frames(3):
        writer.write(frame)
    writer.abort()
    assert target.read_bytes() == b"previous render"
    assert _leftovers(tmp_path) == []


class _FullDisk:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def mux(self, packet: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_full_disk_video(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "out.mkv", None, frame_rate=25)
    writer.write(_frames(1)[0])
    writer._out = _FullDisk(writer._out)  # type: ignore[union-attr]
    with pytest.raises(MediaStorageError, match="disk is full") as info:
        for frame in _frames(5):
            writer.write(frame)
    assert info.value.exit_code == 8
    assert list(tmp_path.iterdir()) == []


def test_full_disk_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    writer = open_writer(tmp_path / "f_%04d.png", None)
    monkeypatch.setattr(Path, "write_bytes", no_space)
    with pytest.raises(MediaStorageError, match="disk is full"):
        writer.write(_frames(1)[0])
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_sequence_frames_appear_only_on_close(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "f_%04d.tif", None, start_number=1001)
    for frame in _frames(3):
        writer.write(frame)
    assert not list(tmp_path.glob("f_*.tif"))
    writer.close()
    assert sorted(p.name for p in tmp_path.glob("f_*.tif")) == [
        "f_1001.tif",
        "f_1002.tif",
        "f_1003.tif",
    ]
    assert probe(tmp_path / "f_1001.tif").bit_depth == 8
    assert _leftovers(tmp_path) == []


def test_still_takes_one_frame(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "one.png", None)
    writer.write(_frames(1)[0])
    with pytest.raises(UnsupportedMediaError, match="single image"):
        writer.write(_frames(1)[0])
    assert list(tmp_path.iterdir()) == []


def test_bad_requests(tmp_path: Path, prores_mov: Clip) -> None:
    with pytest.raises(UnsupportedMediaError, match="which codec"):
        open_writer(tmp_path / "out.xyz", None, frame_rate=24)
    with pytest.raises(UnsupportedMediaError, match="unknown codec"):
        open_writer(tmp_path / "out.mov", None, codec="cinepak", frame_rate=24)
    with pytest.raises(MediaStorageError, match="does not exist"):
        open_writer(tmp_path / "nope" / "out.mov", None, frame_rate=24)
    with pytest.raises(UnsupportedMediaError, match="sequence instead"):
        open_writer(tmp_path / "out.png", probe(prores_mov.path))
    writer = open_writer(tmp_path / "out.mov", None, frame_rate=24)
    with pytest.raises(UnsupportedMediaError, match="no frames"):
        writer.close()
    assert list(tmp_path.iterdir()) == []


def test_size_change_mid_clip_is_refused(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "out.mkv", None, frame_rate=24)
    writer.write(_frames(1)[0])
    with pytest.raises(MediaError, match="started at"):
        writer.write(_frames(1, 32, 32)[0])
    assert list(tmp_path.iterdir()) == []


def test_h264_odd_size_is_padded(tmp_path: Path) -> None:
    with open_writer(tmp_path / "odd.mp4", None, frame_rate=24) as writer:
        for frame in _frames(3, 45, 63):
            writer.write(frame)
    info = probe(tmp_path / "odd.mp4")
    assert (info.width, info.height, info.frame_count) == (64, 46, 3)


def test_pcm_into_mp4_is_exact_or_refused(prores_mov: Clip, tmp_path: Path) -> None:
    info = probe(prores_mov.path)
    try:
        with open_reader(prores_mov.path) as r, open_writer(tmp_path / "o.mp4", info) as w:
            for frame in r.iter_frames():
                w.write(frame)
    except MediaError as exc:
        assert "mov" in str(exc)
        assert list(tmp_path.iterdir()) == []
    else:
        assert probe(tmp_path / "o.mp4").audio[0].codec == "pcm_s16le"
