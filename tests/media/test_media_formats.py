"""The codec/container table, and HDR10 boxes in MOV — checked with ffprobe, not with PyAV."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.media import probe
from workbench.media.formats import CODECS, CONTAINERS, default_codec, resolve_codec
from workbench.media.mov_hdr import add_hdr_boxes, light_box, mastering_box

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="ffmpeg/ffprobe (Debian package ffmpeg) not installed",
)


@pytest.mark.parametrize(
    ("typed", "codec"),
    [
        ("prores_hq", "prores"),
        ("ProRes422HQ", "prores"),
        ("prores-4444", "prores_4444"),
        ("prores4444", "prores_4444"),
        ("dnxhr", "dnxhr_hqx"),
        ("DNxHR HQ", "dnxhr_hq"),
        ("x264", "h264"),
        ("jpg", "jpeg"),
        ("ffv1", "ffv1"),
    ],
)
def test_codec_names_people_type(typed: str, codec: str) -> None:
    assert resolve_codec(typed) == codec


def test_unknown_codec_is_a_clear_error() -> None:
    with pytest.raises(WorkbenchError, match="unknown codec 'cinepak'") as info:
        resolve_codec("cinepak")
    assert "--list-codecs" in (info.value.hint or "")


def test_every_codec_names_its_extensions_and_containers_exist() -> None:
    for spec in CODECS.values():
        assert spec.extensions and spec.description
        if spec.kind == "video":
            assert all(ext in CONTAINERS for ext in spec.extensions)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


@needs_ffmpeg
@pytest.mark.parametrize(
    ("profile", "codec"), [("0", "prores_proxy"), ("2", "prores_422"), ("3", "prores")]
)
def test_default_codec_keeps_the_sources_prores_profile(
    tmp_path: Path, profile: str, codec: str
) -> None:
    src = tmp_path / "src.mov"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64:rate=24", "-frames:v", "2",
           "-c:v", "prores_ks", "-profile:v", profile, str(src))  # fmt: skip
    info = probe(src)
    assert default_codec(".mov", info) == codec
    assert default_codec(".mkv", info) == "ffv1"  # ProRes cannot go into our MKV: its default


@needs_ffmpeg
def test_long_gop_sources_get_the_mastering_codec(tmp_path: Path) -> None:
    src = tmp_path / "src.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64:rate=24", "-frames:v", "2",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", str(src))  # fmt: skip
    assert default_codec(".mov", probe(src)) == "prores"


def _mastering_struct() -> bytes:
    # AVMasteringDisplayMetadata: R, G, B (x, y), white point, min and max luminance, flags.
    values = [34000, 50000, 16000, 50000, 13250, 50000, 34500, 50000, 7500, 50000, 3000, 50000,
              15635, 50000, 16450, 50000, 1, 10000, 10000000, 10000, 1, 1]  # fmt: skip
    return struct.pack("<22i", *values)


def test_mdcv_box_is_green_blue_red_in_iso_units() -> None:
    box = mastering_box(_mastering_struct())
    assert box[4:8] == b"mdcv" and len(box) == 32
    gx, gy, bx, by, rx, ry, wx, wy, max_l, min_l = struct.unpack(">8H2I", box[8:])
    assert (gx, gy, bx, by, rx, ry, wx, wy) == (13250, 34500, 7500, 3000, 34000, 16000, 15635, 16450)
    assert (max_l, min_l) == (10000000, 1)
    assert light_box(struct.pack("<2I", 1000, 400))[8:] == struct.pack(">2H", 1000, 400)


@needs_ffmpeg
def test_hdr_boxes_are_read_back_by_ffprobe(tmp_path: Path) -> None:
    out = tmp_path / "hdr.mov"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64:rate=24", "-frames:v", "3",
           "-c:v", "prores_ks", "-profile:v", "3", str(out))  # fmt: skip
    assert add_hdr_boxes(out, _mastering_struct(), struct.pack("<2I", 1000, 400))
    shown = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams",
             "-count_packets", str(out)],
            capture_output=True, text=True, check=True,
        ).stdout
    )["streams"][0]  # fmt: skip
    side = {s["side_data_type"]: s for s in shown.get("side_data_list", [])}
    mastering = side["Mastering display metadata"]
    assert Fraction(mastering["red_x"]) == Fraction(34000, 50000)
    assert Fraction(mastering["max_luminance"]) == 1000
    assert side["Content light level metadata"]["max_content"] == 1000
    assert side["Content light level metadata"]["max_average"] == 400
    assert shown["nb_read_packets"] == "3"  # the file still plays: every frame is there
