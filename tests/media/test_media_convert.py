"""Y'CbCr ↔ float RGB in ``workbench.media.convert``: exact round trips and an external check.

Sources are made with the ffmpeg command line (test pattern + SMPTE bars + hard-edged colour
boxes), decoded with PyAV, converted to the app's float RGB and back to the same pixel format;
the planes must come back identical. ffmpeg's own YUV→RGB (swscale, accurate flags) is the
independent reference for the matrices and ranges.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.media import convert as cv

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg CLI")

W, H = 320, 180
_PATTERN = (
    "[0][1]blend=all_expr='if(gt(X,W/2),B,A)',"
    "drawbox=x=40:y=30:w=50:h=40:color=red:t=fill,"
    "drawbox=x=201:y=101:w=41:h=37:color=0x00FF40:t=fill,"
    "drawbox=x=121:y=61:w=9:h=9:color=0x2020FF:t=fill"
)

# name: (encoder and options, pix_fmt, matrix / range for the scale filter, tags)
SOURCES: dict[str, tuple[list[str], str, str, list[str]]] = {
    "prores422_10_709": (
        ["-c:v", "prores_ks", "-profile:v", "3"],
        "yuv422p10le",
        "out_color_matrix=bt709:out_range=tv",
        ["-colorspace", "bt709", "-color_range", "tv"],
    ),
    "h264_420_8_709": (
        ["-c:v", "libx264", "-crf", "18", "-preset", "ultrafast"],
        "yuv420p",
        "out_color_matrix=bt709:out_range=tv",
        ["-colorspace", "bt709", "-color_range", "tv"],
    ),
    "h264_420_10_601": (
        ["-c:v", "libx264", "-crf", "18", "-preset", "ultrafast"],
        "yuv420p10le",
        "out_color_matrix=smpte170m:out_range=tv",
        ["-colorspace", "smpte170m", "-color_range", "tv"],
    ),
    "ffv1_420_10_2020_pc": (
        ["-c:v", "ffv1"],
        "yuv420p10le",
        "out_color_matrix=bt2020:out_range=pc",
        ["-colorspace", "bt2020nc", "-color_range", "pc"],
    ),
    "ffv1_422_8_470bg": (
        ["-c:v", "ffv1"],
        "yuv422p",
        "out_color_matrix=bt470bg:out_range=tv",
        ["-colorspace", "bt470bg", "-color_range", "tv"],
    ),
    "ffv1_422_12_709": (
        ["-c:v", "ffv1"],
        "yuv422p12le",
        "out_color_matrix=bt709:out_range=tv",
        ["-colorspace", "bt709", "-color_range", "tv"],
    ),
    "ffv1_444_10_2020": (
        ["-c:v", "ffv1"],
        "yuv444p10le",
        "out_color_matrix=bt2020:out_range=tv",
        ["-colorspace", "bt2020nc", "-color_range", "tv"],
    ),
    "ffv1_420_16_709_pc": (
        ["-c:v", "ffv1"],
        "yuv420p16le",
        "out_color_matrix=bt709:out_range=pc",
        ["-colorspace", "bt709", "-color_range", "pc"],
    ),
    "ffv1_444_16_240m": (
        ["-c:v", "ffv1"],
        "yuv444p16le",
        "out_color_matrix=smpte240m:out_range=tv",
        ["-colorspace", "smpte240m", "-color_range", "tv"],
    ),
    "ffv1_420_8_fcc_pc": (
        ["-c:v", "ffv1"],
        "yuv420p",
        "out_color_matrix=fcc:out_range=pc",
        ["-colorspace", "fcc", "-color_range", "pc"],
    ),
    "mjpeg_yuvj420p": (
        ["-c:v", "mjpeg", "-q:v", "3"],
        "yuvj420p",
        "out_color_matrix=bt601:out_range=pc",
        [],
    ),
    "mjpeg_yuvj422p": (
        ["-c:v", "mjpeg", "-q:v", "3"],
        "yuvj422p",
        "out_color_matrix=bt601:out_range=pc",
        [],
    ),
}


def _ffmpeg(args: list[str]) -> bytes:
    return subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, capture_output=True
    ).stdout


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("convert")
    made: dict[str, Path] = {}
    for name, (codec, pix_fmt, scale, tags) in SOURCES.items():
        path = folder / f"{name}.mkv"
        _ffmpeg(
            [
                *("-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate=24"),
                *("-f", "lavfi", "-i", f"smptebars=size={W}x{H}:rate=24"),
                *("-filter_complex", f"{_PATTERN},scale={scale},format={pix_fmt}"),
                *("-frames:v", "1", *codec, *tags, str(path)),
            ]
        )
        made[name] = path
    return made


def _first_frame(path: Path) -> Any:
    import av

    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            return frame
    raise AssertionError(f"{path} has no frames")


def _planes(frame: Any) -> list[np.ndarray[Any, Any]]:
    layout = cv.yuv_layout(frame.format.name)
    assert layout is not None
    cw, ch = cv._chroma_size(layout, frame.width, frame.height)
    sizes = [(frame.width, frame.height), (cw, ch), (cw, ch)]
    return [
        cv._plane_array(p, layout.dtype, w, h).copy()
        for p, (w, h) in zip(frame.planes, sizes, strict=True)
    ]


def _figures(
    src: np.ndarray[Any, Any], out: np.ndarray[Any, Any], bits: int
) -> tuple[float, float]:
    """(mean offset in codes, PSNR in dB against 2^n − 1)."""
    d = out.astype(np.float64) - src.astype(np.float64)
    mse = float(np.mean(d * d))
    peak = float((1 << bits) - 1)
    return float(d.mean()), float("inf") if mse == 0 else 10 * np.log10(peak * peak / mse)


@pytest.mark.parametrize("name", list(SOURCES))
def test_round_trip_returns_the_source_codes(sources: dict[str, Path], name: str) -> None:
    frame = _first_frame(sources[name])
    pix_fmt = SOURCES[name][1]
    assert frame.format.name == pix_fmt
    layout = cv.yuv_layout(pix_fmt)
    assert layout is not None
    rgb = cv.video_frame_to_array(frame)
    assert rgb.dtype == np.float32 and rgb.shape == (H, W, 3)
    back = cv.array_to_video_frame(
        rgb,
        pix_fmt,
        bit_depth=16 if layout.bits > 8 else 8,
        matrix=int(frame.colorspace),
        color_range=int(frame.color_range),
    )
    assert back.format.name == pix_fmt
    pairs = zip(_planes(frame), _planes(back), strict=True)
    for plane, (src, out) in zip(["Y'", "Cb", "Cr"], pairs, strict=True):
        offset, psnr = _figures(src, out, layout.bits)
        assert abs(offset) <= 0.1 and psnr >= 50, (plane, offset, psnr)
        np.testing.assert_array_equal(out, src, err_msg=f"{name} {plane}")


def test_yuvj_decodes_full_range(sources: dict[str, Path]) -> None:
    """yuvj* is full range whatever the tag says: the same codes as yuv420p tagged pc."""
    frame = _first_frame(sources["mjpeg_yuvj420p"])
    rgb = cv.video_frame_to_array(frame)
    y, cb, cr = _planes(frame)
    layout = cv.yuv_layout("yuv420p")
    assert layout is not None
    expected = cv.ycbcr_to_rgb(y, cb, cr, layout, matrix=6, full_range=True, siting="center")
    cv.snap_to_16bit_grid(expected)
    np.testing.assert_array_equal(rgb, expected)
    assert not np.array_equal(rgb, cv.video_frame_to_array(frame, color_range=1, matrix=1))


def _reference_rgb(path: Path, matrix: str, rng: str) -> np.ndarray[Any, Any]:
    """ffmpeg's own conversion to float GBR, as RGB H×W×3."""
    raw = _ffmpeg(
        [
            *("-i", str(path), "-frames:v", "1", "-vf"),
            f"scale=in_color_matrix={matrix}:in_range={rng}"
            ":flags=accurate_rnd+full_chroma_int+bitexact,format=gbrpf32le",
            *("-f", "rawvideo", "-"),
        ]
    )
    g, b, r = np.frombuffer(raw, np.float32).reshape(3, H, W)
    return np.stack([r, g, b], axis=-1).astype(np.float64)


@pytest.mark.parametrize(
    ("name", "matrix", "rng", "gain"),
    [
        # swscale scales high-bit-depth video by powers of two: 10-bit limited white (940) comes
        # out as 255/256, full-range 1023 as 1023/1024. Those gains are divided out; what is left
        # is its fixed-point rounding, measured at ≤ 0.09 codes of 10 bits.
        ("ffv1_444_10_2020", "bt2020", "tv", 255 / 256),
        ("ffv1_444_16_240m", "smpte240m", "tv", 255 / 256),
    ],
)
def test_matches_ffmpeg_conversion(
    sources: dict[str, Path], name: str, matrix: str, rng: str, gain: float
) -> None:
    frame = _first_frame(sources[name])
    mine = cv.video_frame_to_array(frame).astype(np.float64)
    ref = _reference_rgb(sources[name], matrix, rng) / gain
    inside = (mine > 0.002) & (mine < 0.998)  # swscale clips out-of-gamut values, we do not
    assert inside.mean() > 0.25
    d = (mine - ref)[inside] * 1023
    assert np.abs(d).max() <= 0.15, np.abs(d).max()
    assert abs(d.mean()) <= 0.05, d.mean()


@pytest.mark.parametrize(("rng", "gain"), [("tv", 255 / 256), ("pc", 1023 / 1024)])
def test_matches_ffmpeg_conversion_each_range(tmp_path: Path, rng: str, gain: float) -> None:
    path = tmp_path / f"bt709_{rng}.mkv"
    _ffmpeg(
        [
            *("-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate=24"),
            *("-f", "lavfi", "-i", f"smptebars=size={W}x{H}:rate=24"),
            *("-filter_complex", f"{_PATTERN},scale=out_color_matrix=bt709:out_range={rng}"),
            *("-pix_fmt", "yuv444p10le", "-frames:v", "1", "-c:v", "ffv1"),
            *("-colorspace", "bt709", "-color_range", rng, str(path)),
        ]
    )
    frame = _first_frame(path)
    mine = cv.video_frame_to_array(frame).astype(np.float64)
    ref = _reference_rgb(path, "bt709", rng) / gain
    inside = (mine > 0.002) & (mine < 0.998)
    d = (mine - ref)[inside] * 1023
    assert np.abs(d).max() <= 0.15, np.abs(d).max()
    assert abs(d.mean()) <= 0.05, d.mean()


def test_out_of_gamut_values_are_kept(sources: dict[str, Path]) -> None:
    """SMPTE bars hold sub-black and out-of-gamut chroma: kept beyond [0, 1], not clipped."""
    rgb = cv.video_frame_to_array(_first_frame(sources["prores422_10_709"]))
    assert rgb.min() < -0.01 and rgb.max() > 1.01
    integer = cv.video_frame_to_array(_first_frame(sources["prores422_10_709"]), keep_integer=True)
    assert integer.dtype == np.uint16
    np.testing.assert_array_equal(integer, np.clip(np.rint(rgb * 65535), 0, 65535))


def test_unspecified_matrix_follows_picture_size() -> None:
    assert cv.resolve_matrix(2, 1920, 1080) == 1
    assert cv.resolve_matrix(2, 1280, 540) == 1
    assert cv.resolve_matrix(2, 720, 576) == 6
    assert cv.resolve_matrix(9, 720, 576) == 9
    assert cv.resolve_matrix(0, 640, 480) == 6  # "RGB" on a YUV format: not trusted

    import av

    for width, height, expected in [(1280, 720, 1), (720, 480, 6)]:
        frame = av.VideoFrame(width, height, "yuv422p10le")
        rng = np.random.default_rng(width)
        sizes = [(width, height), (width // 2, height), (width // 2, height)]
        for plane, (w, h) in zip(frame.planes, sizes, strict=True):
            cv._plane_array(plane, np.uint16, w, h)[...] = rng.integers(64, 941, (h, w))
        frame.colorspace = 2
        untagged = cv.video_frame_to_array(frame)
        np.testing.assert_array_equal(untagged, cv.video_frame_to_array(frame, matrix=expected))
        frame.colorspace = 7
        assert not np.array_equal(untagged, cv.video_frame_to_array(frame))
        np.testing.assert_array_equal(untagged, cv.video_frame_to_array(frame, matrix=expected))


def test_encoding_low_passes_chroma_at_nyquist() -> None:
    """Edited content still gets an anti-alias filter: a red/blue column pattern at the chroma
    Nyquist frequency decimates to flat chroma instead of aliasing."""
    rgb = np.zeros((16, 32, 3), np.float32)
    rgb[:, 0::2, 0] = 0.8
    rgb[:, 1::2, 2] = 0.8
    for pix_fmt in ("yuv422p10le", "yuv420p10le"):
        layout = cv.yuv_layout(pix_fmt)
        assert layout is not None
        _y, cb, cr = cv.rgb_to_ycbcr(rgb, layout, matrix=1, full_range=False)
        interior = cb[:, 2:-2].astype(int)
        assert interior.max() - interior.min() <= 1, pix_fmt
        assert np.ptp(cr[:, 2:-2].astype(int)) <= 1


def test_other_formats_still_go_through_swscale() -> None:
    yy, xx = np.mgrid[0:36, 0:64].astype(np.float32)
    rgb = (np.stack([xx / 63, yy / 35, 1 - xx / 63], axis=-1) * 0.8 + 0.1).astype(np.float32)
    for pix_fmt in ("gbrp10le", "bgr0", "nv12", "rgb48le"):
        frame = cv.array_to_video_frame(rgb, pix_fmt, bit_depth=8 if pix_fmt == "bgr0" else 16)
        assert frame.format.name == pix_fmt
        back = cv.video_frame_to_array(frame)
        assert back.shape == rgb.shape and back.dtype == np.float32
        tol = 0.05 if pix_fmt == "nv12" else 1.5 / 255
        assert np.abs(back - rgb).max() <= tol, pix_fmt
    assert cv.video_frame_to_array(frame, keep_integer=True).dtype == np.uint16


_FORMATS = [
    "yuv420p",
    "yuv422p",
    "yuv444p",
    "yuv420p10le",
    "yuv422p10le",
    "yuv444p10le",
    "yuv420p12le",
    "yuv422p12le",
    "yuv444p12le",
    "yuv420p16le",
    "yuv422p16le",
    "yuv444p16le",
    "yuvj420p",
]


@settings(max_examples=120, deadline=None)
@given(
    pix_fmt=st.sampled_from(_FORMATS),
    matrix=st.sampled_from([1, 4, 5, 6, 7, 9, 10]),
    full_range=st.booleans(),
    siting=st.sampled_from(["left", "center", "topleft", "top"]),
    height=st.integers(1, 21),
    width=st.integers(1, 21),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_planes_round_trip_exactly(
    pix_fmt: str, matrix: int, full_range: bool, siting: str, height: int, width: int, seed: int
) -> None:
    """Every code value (foot- and headroom, extreme chroma, odd sizes) comes back identical."""
    layout = cv.yuv_layout(pix_fmt)
    assert layout is not None
    rng = np.random.default_rng(seed)
    top = (1 << layout.bits) - 1
    cw, ch = cv._chroma_size(layout, width, height)
    y = rng.integers(0, top + 1, (height, width)).astype(layout.dtype)
    cb = rng.integers(0, top + 1, (ch, cw)).astype(layout.dtype)
    cr = rng.integers(0, top + 1, (ch, cw)).astype(layout.dtype)
    rgb = cv.ycbcr_to_rgb(y, cb, cr, layout, matrix=matrix, full_range=full_range, siting=siting)
    if layout.bits <= 12:  # as video_frame_to_array does
        cv.snap_to_16bit_grid(rgb)
    y2, cb2, cr2 = cv.rgb_to_ycbcr(rgb, layout, matrix=matrix, full_range=full_range, siting=siting)
    np.testing.assert_array_equal(y2, y)
    np.testing.assert_array_equal(cb2, cb)
    np.testing.assert_array_equal(cr2, cr)


def test_chroma_resampling_pairs_are_biorthogonal() -> None:
    """down(up(c)) == c for both pairs, along both axes, up to float rounding."""
    rng = np.random.default_rng(7)
    for n in range(1, 12):
        k = (n + 1) // 2
        c = rng.random((k, 5), dtype=np.float32)
        for up, down in ((cv._up_cosited, cv._down_cosited), (cv._up_centred, cv._down_centred)):
            np.testing.assert_allclose(down(up(c, 0, n), 0), c, atol=2e-6)
            np.testing.assert_allclose(down(up(c.T, 1, n), 1), c.T, atol=2e-6)
    # the sited samples are kept exactly, the others interpolated
    c = np.array([[0.0], [1.0], [4.0]], np.float32)
    np.testing.assert_array_equal(cv._up_cosited(c, 0, 6)[:, 0], [0, 0.5, 1, 2.5, 4, 4])
    np.testing.assert_array_equal(cv._up_centred(c, 0, 6)[:, 0], [0, 0.25, 0.75, 1.75, 3.25, 4])
