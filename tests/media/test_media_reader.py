from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from media.media_clips import Clip, level_of
from workbench.media import ImageReader, VideoReader, open_reader

VIDEO_FIXTURES = ["prores_mov", "h264_mp4", "vfr_mp4", "mpegts", "mkv", "mxf"]


def _level(frame: np.ndarray) -> float:
    h, w = frame.shape[:2]
    return float(frame[h // 2 :, w // 2 :].mean())  # away from the corner patch


@pytest.mark.parametrize("name", VIDEO_FIXTURES)
def test_random_access_is_frame_exact(name: str, request: pytest.FixtureRequest) -> None:
    clip: Clip = request.getfixturevalue(name)
    with VideoReader(clip.path) as reader:
        assert len(reader) == clip.frames
        sequential = list(reader.iter_frames())
        assert len(sequential) == clip.frames
        for i, frame in enumerate(sequential):
            assert frame.dtype == np.float32 and frame.shape[2] == 3
            assert _level(frame) == pytest.approx(level_of(i), abs=0.012), f"frame {i}"
        order = list(range(clip.frames)) * 2
        random.Random(42).shuffle(order)
        for i in order:
            np.testing.assert_array_equal(reader.read(i), sequential[i], err_msg=f"frame {i}")
        # a range from the middle, after random reads
        mid = list(reader.iter_frames(clip.frames // 2, clip.frames // 2 + 4))
        for k, frame in enumerate(mid):
            np.testing.assert_array_equal(frame, sequential[clip.frames // 2 + k])


def test_ten_bit_precision_kept(prores_mov: Clip) -> None:
    with VideoReader(prores_mov.path) as reader:
        frame = reader.read(3)
    # an 8-bit path would quantise to multiples of 1/255
    values = np.unique(frame)
    assert not np.allclose(values * 255, np.round(values * 255), atol=1e-4)


def test_index_out_of_range(h264_mp4: Clip) -> None:
    with VideoReader(h264_mp4.path) as reader:
        with pytest.raises(IndexError):
            reader.read(h264_mp4.frames)
        np.testing.assert_array_equal(reader.read(-1), reader.read(h264_mp4.frames - 1))


def test_png16_sequence_reader(png16_seq: tuple[Path, list[int]]) -> None:
    folder, numbers = png16_seq
    with open_reader(folder / "shot_0001.png") as reader:
        assert isinstance(reader, ImageReader)
        assert len(reader) == len(numbers)
        frame = reader.read(4)  # frame number 6: the gap at 5 is skipped
        assert _level(frame) == pytest.approx(level_of(6), abs=1e-4)
        assert frame[0, 0, 0] == pytest.approx(1234 / 65535, abs=1e-7)  # 16 bits kept, RGB order
        assert reader.path_of(4).name == "shot_0006.png"


def test_exr_reader_keeps_float(exr_seq: tuple[Path, list[np.ndarray]]) -> None:
    folder, frames = exr_seq
    with open_reader(folder / "plate.%04d.exr") as reader:
        for i, expected in enumerate(frames):
            np.testing.assert_array_equal(reader.read(i), expected)
