"""read → write → probe keeps frame count, exact rate, timecode, bit depth and audio packets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from media.media_clips import Clip
from workbench.media import open_reader, open_writer, probe


def audio_packets(path: Path) -> list[list[bytes]]:
    import av

    result = []
    with av.open(str(path)) as probe_container:
        indices = [s.index for s in probe_container.streams.audio]
    for index in indices:  # a fresh open per stream: seeking back could skip priming packets
        with av.open(str(path)) as container:
            stream = container.streams[index]
            result.append([bytes(p) for p in container.demux(stream) if p.dts is not None])
    return result


def render(src: Path, dst: Path, **kwargs: Any) -> None:
    info = probe(src)
    with open_reader(src, info=info) as reader, open_writer(dst, info, **kwargs) as writer:
        for frame in reader.iter_frames():
            writer.write(frame)


CASES = [
    # fixture, output name, expected codec, expected bit depth (None: same as source)
    ("prores_mov", "out.mov", "prores", None),
    ("prores_mov", "out_archive.mkv", "ffv1", None),
    ("h264_mp4", "out.mp4", "h264", None),
    ("h264_mp4", "out_master.mov", "prores", 10),
    ("vfr_mp4", "out.mp4", "h264", None),
    ("vfr_mp4", "out_vfr.mkv", "ffv1", None),
    ("mpegts", "out.mkv", "ffv1", None),
    ("mkv", "out.mov", "prores", 10),
    ("mxf", "out.mxf", "dnxhd", None),
]


@pytest.mark.parametrize(("name", "out", "codec", "depth"), CASES)
def test_video_round_trip(
    name: str,
    out: str,
    codec: str,
    depth: int | None,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    clip: Clip = request.getfixturevalue(name)
    src = probe(clip.path)
    dst = tmp_path / out
    render(clip.path, dst)
    got = probe(dst)
    assert got.codec == codec
    assert got.frame_count == src.frame_count
    assert got.frame_rate == src.frame_rate
    assert got.vfr == src.vfr
    if src.vfr:
        assert got.time_base is not None and src.time_base is not None
        rel = [(p - got.frame_pts[0]) * got.time_base for p in got.frame_pts]
        want = [(p - src.frame_pts[0]) * src.time_base for p in src.frame_pts]
        assert rel == want
    assert got.timecode == src.timecode
    assert got.bit_depth == (depth or src.bit_depth)
    assert audio_packets(dst) == audio_packets(clip.path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_prores_4444(prores_mov: Clip, tmp_path: Path) -> None:
    render(prores_mov.path, tmp_path / "a.mov", codec="prores_4444")
    info = probe(tmp_path / "a.mov")
    # FFmpeg's ProRes decoder returns 4444 as 12-bit; the encoder wrote 10-bit 4:4:4
    assert info.pixel_format.startswith("yuv444p1") and info.frame_count == prores_mov.frames
    assert audio_packets(tmp_path / "a.mov") == audio_packets(prores_mov.path)


def test_lossless_ffv1_keeps_frames(prores_mov: Clip, tmp_path: Path) -> None:
    """FFV1 stores the app's frames losslessly at the source's depth (RGB, no subsampling)."""
    dst = tmp_path / "arch.mkv"
    render(prores_mov.path, dst, bit_depth=16)
    with open_reader(prores_mov.path) as a, open_reader(dst) as b:
        for x, y in zip(a.iter_frames(), b.iter_frames(), strict=True):
            np.testing.assert_array_equal(x, y)


def test_colour_tags_survive(tmp_path: Path) -> None:
    import av

    from media.media_clips import make_video

    src = tmp_path / "tagged.mov"
    make_video(
        src,
        "prores_ks",
        "yuv422p10le",
        probe_rate(),
        frames=4,
        options={
            "profile": "3",
            "color_primaries": "bt709",
            "color_trc": "bt709",
            "colorspace": "bt709",
            "color_range": "tv",
        },
    )
    del av
    info = probe(src)
    assert info.color.primaries_name == "bt709" and info.color.matrix_name == "bt709"
    for out in ("o.mov", "o.mp4", "o.mxf"):
        if out.endswith("mxf"):
            continue  # DNxHR needs >= 256 px wide; covered by the mxf fixture
        render(src, tmp_path / out)
        got = probe(tmp_path / out).color
        assert (got.primaries_name, got.transfer_name, got.matrix_name) == (
            "bt709",
            "bt709",
            "bt709",
        ), out


def probe_rate() -> Any:
    from fractions import Fraction

    return Fraction(25)


def test_png16_sequence_round_trip_keeps_numbers_and_depth(
    png16_seq: tuple[Path, list[int]], tmp_path: Path
) -> None:
    folder, numbers = png16_seq
    render(folder / "shot_0001.png", tmp_path / "out_%04d.png")
    got = probe(tmp_path / "out_%04d.png")
    assert got.frame_numbers == tuple(numbers) and got.missing_frames == (5,)
    assert got.bit_depth == 16
    with open_reader(folder / "shot_0001.png") as a, open_reader(got.path) as b:
        for x, y in zip(a.iter_frames(), b.iter_frames(), strict=True):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("out", ["o_%04d.exr", "o_%04d.tif", "o_####.dpx"])
def test_sequence_outputs(
    exr_seq: tuple[Path, list[np.ndarray]], prores_mov: Clip, out: str, tmp_path: Path
) -> None:
    folder, frames = exr_seq
    src = folder / "plate.1001.exr" if out.endswith("exr") else prores_mov.path
    render(src, tmp_path / out)
    got = probe(tmp_path / out)
    src_info = probe(src)
    assert got.frame_count == src_info.frame_count
    if out.endswith("exr"):
        assert got.frame_numbers == tuple(range(1001, 1007)) and got.is_float
        with open_reader(got.path) as r:
            np.testing.assert_array_equal(r.read(2), frames[2])
    elif out.endswith("tif"):
        assert got.bit_depth == 16 and got.frame_numbers[0] == 1
    else:
        assert got.codec == "dpx" and got.bit_depth == 10  # a 10-bit source: 10-bit DPX


def test_still_to_still(tmp_path: Path) -> None:
    import cv2

    src = tmp_path / "in.tif"
    img = (np.arange(40 * 30 * 3).reshape(30, 40, 3) * 50 % 65535).astype(np.uint16)
    cv2.imwrite(str(src), img)
    render(src, tmp_path / "out.png")
    got = probe(tmp_path / "out.png")
    assert got.bit_depth == 16 and got.frame_count == 1
    with open_reader(src) as a, open_reader(tmp_path / "out.png") as b:
        np.testing.assert_array_equal(a.read(0), b.read(0))
