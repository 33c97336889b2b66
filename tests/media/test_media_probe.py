from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from media.media_clips import Clip
from workbench.media import MediaKind, content_fingerprint, file_sha256, probe

VIDEO_FIXTURES = ["prores_mov", "h264_mp4", "vfr_mp4", "mpegts", "mkv", "mxf"]


@pytest.mark.parametrize("name", VIDEO_FIXTURES)
def test_video_facts(name: str, request: pytest.FixtureRequest) -> None:
    clip: Clip = request.getfixturevalue(name)
    info = probe(clip.path)
    assert info.kind is MediaKind.VIDEO
    assert info.frame_count == clip.frames
    assert info.bit_depth == clip.bit_depth
    assert info.codec == clip.codec
    assert info.timecode == clip.timecode
    assert info.vfr is clip.vfr
    if not clip.vfr:
        assert info.frame_rate == clip.rate
        assert isinstance(info.frame_rate, Fraction)
        assert info.duration == Fraction(clip.frames) / clip.rate
    assert [a.codec for a in info.audio] == ([clip.audio] if clip.audio else [])
    assert info.fingerprint.startswith("sha256-3mib:")


def test_prores_details(prores_mov: Clip) -> None:
    info = probe(prores_mov.path)
    assert info.frame_rate == Fraction(24000, 1001)
    assert (info.width, info.height) == (64, 48)
    assert info.pixel_format == "yuv422p10le"
    (audio,) = info.audio
    assert (audio.sample_rate, audio.channels, audio.layout) == (48000, 2, "stereo")
    # the QuickTime timecode track is seen as such (writers regenerate it)
    assert [o.is_timecode_track for o in info.other_streams] == [True]
    assert info.to_dict()["frame_rate"] == "24000/1001"


def test_vfr_frame_times(vfr_mp4: Clip) -> None:
    info = probe(vfr_mp4.path)
    assert info.vfr
    assert info.time_base is not None
    times = [float((p - info.frame_pts[0]) * info.time_base) for p in info.frame_pts]
    deltas = np.round(np.diff(times), 3).tolist()
    assert deltas[:5] == [0.04, 0.04, 0.08, 0.04, 0.12]
    assert len(info.frame_pts) == vfr_mp4.frames


def test_png_sequence_with_gap(png16_seq: tuple[Path, list[int]]) -> None:
    folder, numbers = png16_seq
    for given in (folder / "shot_0003.png", folder / "shot_%04d.png", folder / "shot_####.png"):
        info = probe(given)
        assert info.kind is MediaKind.SEQUENCE
        assert info.path == str(folder / "shot_%04d.png")
        assert info.frame_numbers == tuple(numbers)
        assert info.missing_frames == (5,)
        assert info.frame_count == 9
        assert info.bit_depth == 16
        assert (info.width, info.height) == (64, 48)


def test_exr_sequence(exr_seq: tuple[Path, list[np.ndarray]]) -> None:
    folder, _frames = exr_seq
    info = probe(folder / "plate.1003.exr")
    assert info.kind is MediaKind.SEQUENCE
    assert info.path == str(folder / "plate.%04d.exr")
    assert info.frame_numbers == tuple(range(1001, 1007))
    assert info.is_float and info.bit_depth == 32
    assert not info.missing_frames


def test_still(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "photo.jpg"
    cv2.imwrite(str(path), np.full((30, 40, 3), 128, np.uint8))
    info = probe(path)
    assert info.kind is MediaKind.STILL
    assert info.frame_count == 1
    assert (info.width, info.height, info.bit_depth) == (40, 30, 8)


def test_fingerprints(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    data = bytearray(np.random.default_rng(0).bytes(5 * 1024 * 1024))
    big.write_bytes(bytes(data))
    first = content_fingerprint(big)
    assert first == content_fingerprint(big)
    data[-10] ^= 0xFF  # inside the last MiB sample
    big.write_bytes(bytes(data))
    assert content_fingerprint(big) != first
    import hashlib

    assert file_sha256(big) == hashlib.sha256(bytes(data)).hexdigest()
