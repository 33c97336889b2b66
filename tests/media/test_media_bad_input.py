"""Broken, truncated, hostile and absurd inputs give a clear MediaError, never a hang or crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from media.media_clips import Clip
from workbench.errors import WorkbenchError
from workbench.media import (
    BrokenMediaError,
    MediaError,
    MediaTimeoutError,
    MediaTooLargeError,
    UnsupportedMediaError,
    VideoReader,
    open_reader,
    probe,
    safe_probe,
)
from workbench.media.images import read_image


def test_errors_are_workbench_errors() -> None:
    assert issubclass(MediaError, WorkbenchError)
    assert issubclass(MediaTimeoutError, BrokenMediaError)


def test_truncated_mov(truncated_mov: Path) -> None:
    with pytest.raises(BrokenMediaError, match=r"truncated\.mov") as info:
        probe(truncated_mov)
    assert info.value.hint


def test_truncated_ts_reads_what_is_there(truncated_ts: Path, mpegts: Clip) -> None:
    info = probe(truncated_ts)
    assert 0 < info.frame_count <= mpegts.frames
    with VideoReader(truncated_ts) as reader:
        try:
            for _ in reader.iter_frames():
                pass
        except MediaError:
            pass  # a damaged last frame may be reported; anything else would be a bug


def test_random_bytes_named_mov(random_mov: Path) -> None:
    with pytest.raises(BrokenMediaError, match=r"random\.mov"):
        probe(random_mov)
    with pytest.raises(BrokenMediaError):
        VideoReader(random_mov)


def test_huge_png_refused_from_header(huge_png: Path) -> None:
    with pytest.raises(MediaTooLargeError, match="100000×100000"):
        probe(huge_png)
    with pytest.raises(MediaTooLargeError):
        read_image(huge_png)


@pytest.mark.parametrize(
    "url", ["http://example.com/a.mov", "concat:a.mov|b.mov", "file:///etc/passwd", "subfile:x"]
)
def test_only_local_files(url: str) -> None:
    with pytest.raises(UnsupportedMediaError, match="only local files"):
        probe(url)


def test_playlist_pointing_elsewhere_is_refused(tmp_path: Path, prores_mov: Clip) -> None:
    """An HLS playlist named .mov must not make the demuxer read other files."""
    playlist = tmp_path / "trap.mov"
    playlist.write_text(
        f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{prores_mov.path}\n#EXT-X-ENDLIST\n"
    )
    with pytest.raises(BrokenMediaError):
        probe(playlist)


def test_empty_file_and_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(BrokenMediaError, match="empty"):
        probe(empty)
    folder = tmp_path / "dir.mov"
    folder.mkdir()
    with pytest.raises(UnsupportedMediaError):
        probe(folder)
    with pytest.raises(UnsupportedMediaError, match="no such"):
        probe(tmp_path / "missing.mov")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.mov"
    os.mkfifo(fifo)
    with pytest.raises(UnsupportedMediaError, match="regular file"):
        probe(fifo)


def test_damaged_image(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    with pytest.raises(BrokenMediaError, match=r"bad\.png"):
        probe(bad)
    worse = tmp_path / "text.tif"
    worse.write_text("not an image")
    with pytest.raises(BrokenMediaError):
        open_reader(worse).read(0)


def test_safe_probe_matches_probe(prores_mov: Clip) -> None:
    assert safe_probe(prores_mov.path, timeout=60) == probe(prores_mov.path)


def test_safe_probe_reports_errors_and_time_limit(
    random_mov: Path, huge_png: Path, prores_mov: Clip
) -> None:
    with pytest.raises(BrokenMediaError, match=r"random\.mov"):
        safe_probe(random_mov, timeout=60)
    with pytest.raises(MediaTooLargeError):
        safe_probe(huge_png, timeout=60)
    with pytest.raises(MediaTimeoutError, match="longer than"):
        safe_probe(prores_mov.path, timeout=0.001)
