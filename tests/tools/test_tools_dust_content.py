"""Dust never touches real content (issue 15): a grainy, textured pan with no dust comes back bit
for bit; a hair across a bright edge is repaired and nothing around it changes; the checks
between the detector and the repair, one by one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from workbench.catalog import Catalog
from workbench.inference import get_engine
from workbench.progress import Progress
from workbench.tools import dust_regions, dust_repair
from workbench.tools.base import FrameWindow, apply_tool
from workbench.tools.registry import get_tool

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample.mp4"
LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def _ffmpeg(*args: str | Path) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *map(str, args)], check=True)


def _decode(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as container:
        return [
            f.to_ndarray(format="rgb24").astype(np.float32) / 255 for f in container.decode(video=0)
        ]


def _dust(frames: dict[int, np.ndarray], index: int) -> np.ndarray:
    tool = get_tool("dust")
    params = tool.resolve({})
    engine = get_engine(Catalog().load_checked(tool.default_model(params)))
    return apply_tool(tool, FrameWindow(index, frames), params, engine, Progress())


@pytest.fixture(scope="module")
def grainy_pan(tmp_path_factory: pytest.TempPathFactory) -> list[np.ndarray]:
    """A pan across a real photograph -- the first frame of the bundled sample (coffee: fine
    texture, a bright rim, highlights, film grain) -- with fresh grain on every frame, made
    with the ffmpeg CLI as lossless FFV1 RGB."""
    folder = tmp_path_factory.mktemp("pan")
    still, clip = folder / "still.png", folder / "pan.mkv"
    _ffmpeg("-i", SAMPLE, "-vf", r"select=eq(n\,0)", "-frames:v", "1", still)
    _ffmpeg(
        "-loop", "1", "-i", still, "-vf",
        "scale=640:360:flags=lanczos,crop=256:160:x='40+n*2.6':y='60+n*1.3',"
        "noise=alls=6:allf=t:all_seed=7",
        "-frames:v", "8", "-r", "24", "-c:v", "ffv1", "-pix_fmt", "bgr0", clip,
    )  # fmt: skip
    frames = _decode(clip)
    assert len(frames) == 8 and frames[0].shape == (160, 256, 3)
    return frames


def test_a_grainy_textured_pan_without_dust_comes_back_bit_exact(
    grainy_pan: list[np.ndarray],
) -> None:
    """Before the checks the detector's grain and texture detections were repaired: 90, 23,
    52, 0, 12 and 37 pixels of these six frames changed."""
    frames = dict(enumerate(grainy_pan))
    for i in range(1, len(grainy_pan) - 1):
        window = {k: frames[k] for k in (i - 1, i, i + 1)}
        out = _dust(window, i)
        assert np.array_equal(out, frames[i]), (i, int(np.any(out != frames[i], axis=2).sum()))


def test_the_overlay_shows_exactly_the_pixels_the_repair_changes(
    grainy_pan: list[np.ndarray],
) -> None:
    frames = {k: f.copy() for k, f in enumerate(grainy_pan[:3])}
    frames[1][60:65, 100:104] = 0.03  # a speck on the middle frame
    tool = get_tool("dust")
    params = tool.resolve({})
    engine = get_engine(Catalog().load_checked(tool.default_model(params)))
    window = FrameWindow(1, frames)
    out = apply_tool(tool, window, params, engine, Progress())
    overlay = tool.mask_overlay(window, params, engine, Progress())
    assert overlay is not None and overlay[60:65, 100:104].all()
    assert np.array_equal(np.any(out != frames[1], axis=2), overlay)
    assert np.abs(out[60:65, 100:104] - grainy_pan[1][60:65, 100:104]).max() < 0.12


def _rim_shot(hair_on: tuple[int, ...], grain: float = 8 / 255) -> tuple[list[np.ndarray], ...]:
    """Three frames of a slow pan over a textured red surface crossed by a bright rim (the
    demo's cup), independent grain on each, and a dark hair across the rim on ``hair_on``.
    Returns (frames, the same frames without the hair, the hair's pixels)."""
    import cv2

    rng = np.random.default_rng(4)
    base = cv2.GaussianBlur(rng.random((200, 260, 3)).astype(np.float32), (0, 0), 2.0)
    base = base * 0.25 + np.float32([0.45, 0.18, 0.1])
    rim = np.zeros((200, 260), np.float32)
    cv2.ellipse(rim, (200, 190), (120, 110), 0, 180, 300, 1.0, 7, cv2.LINE_AA)
    rim = cv2.GaussianBlur(rim, (0, 0), 0.8)[:, :, None]
    scene = base * (1 - rim) + np.float32([0.95, 0.93, 0.88]) * rim
    hair = np.zeros((128, 192), np.float32)
    pts = np.array([[50 + 7 * k, 65 + 2.5 * k + 6 * np.sin(k / 2)] for k in range(17)])
    cv2.polylines(hair, [(pts * 16).astype(np.int32)], False, 1.0, 1, cv2.LINE_AA, 4)
    noise = np.random.default_rng(9)
    clean, dirty = [], []
    for t in (-1, 0, 1):
        m = np.float32([[1, 0, -(30 + 1.7 * t)], [0, 1, -(20 + 0.6 * t)]])
        f = cv2.warpAffine(scene, m, (192, 128), flags=cv2.INTER_CUBIC)
        f = f + noise.normal(0, grain, f.shape).astype(np.float32)
        h = hair[:, :, None] if t + 1 in hair_on else 0.0
        for out, img in ((clean, f), (dirty, f * (1 - h) + 0.06 * h)):
            out.append(np.round(np.clip(img, 0, 1) * 255).astype(np.float32) / 255)
    return dirty, clean, hair > 0.3


@pytest.mark.parametrize("hair_on", [(1,), (1, 2), (0, 1)])
def test_a_hair_across_a_bright_edge_is_repaired_and_nothing_else_changes(
    hair_on: tuple[int, ...],
) -> None:
    import cv2

    frames, clean, hair = _rim_shot(hair_on)
    out = _dust(dict(enumerate(frames)), 1)
    left = hair & ((out - clean[1]) @ LUMA < -0.15)
    over_rim = hair & (clean[1].mean(axis=2) > 0.6)
    assert over_rim.sum() >= 12 and hair.sum() > 100
    assert not left.any(), int(left.sum())
    near = cv2.dilate(hair.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    assert np.array_equal(out[~near], frames[1][~near])


def _facts(**overrides: float) -> dust_regions.RegionFacts:
    """A clear one-frame speck: far from both neighbours everywhere, in place and as decoded."""
    base = {
        "core_pixels": 20,
        "at_prev": 0.4,
        "at_next": 0.4,
        "near_prev": 0.38,
        "near_next": 0.39,
        "screen_prev": 0.41,
        "screen_next": 0.4,
        "change_p90": 0.5,
        "ring_median": 0.01,
    }
    return dust_regions.RegionFacts(**{**base, **overrides})  # type: ignore[arg-type]


def test_each_check_takes_back_what_it_names() -> None:
    assert dust_regions.is_real_content(_facts()) is None
    assert dust_regions.is_real_content(_facts(core_pixels=2)) == "too small"
    assert dust_regions.is_real_content(_facts(change_p90=0.02)) == "faint"
    grain = _facts(change_p90=0.08, ring_median=0.025, at_prev=0.05, at_next=0.05)
    assert dust_regions.is_real_content(grain) == "within the grain"
    shifted = _facts(
        change_p90=0.11,
        ring_median=0.025,
        at_prev=0.05,
        at_next=0.05,
        near_prev=0.03,
        near_next=0.035,
    )
    assert dust_regions.is_real_content(shifted) == "within the grain"  # a shift matches it
    assert dust_regions.is_real_content(_facts(near_prev=0.01, near_next=0.015)) == (
        "in both neighbours"
    )
    # matches the aligned next frame where it is, but not the next frame as decoded: content
    scene = _facts(at_next=0.02, near_next=0.02, screen_next=0.3)
    assert dust_regions.is_real_content(scene) == "in one neighbour, with the scene"
    # ... while a two-frame defect sits still on the screen: the decoded frame matches too
    assert dust_regions.is_real_content(_facts(at_next=0.02, screen_next=0.02)) is None


def test_off_frame_neighbour_pixels_come_from_the_other_neighbour() -> None:
    """A pan to the right: the previous frame lacks the left edge's content, the next one
    has it. The filled previous neighbour takes it from the next one there."""
    flow_prev = np.zeros((120, 160, 2), np.float32)
    flow_prev[:, :, 0] = -5.0  # samples 5 px to the left: off the frame in columns 0-5
    flow_next = -flow_prev
    inside = dust_repair.inside_frame(flow_prev)
    assert not inside[:, :6].any() and inside[:, 8:-8].all()
    prev = np.zeros((120, 160, 3), np.float32)
    nxt = np.ones((120, 160, 3), np.float32)
    filled_prev, filled_next = dust_repair.fill_outside((prev, nxt), (flow_prev, flow_next))
    assert (filled_prev[:, :6] == 1).all() and (filled_prev[:, 8:] == 0).all()
    assert (filled_next[:, :-8] == 1).all() and (filled_next[:, -6:] == 0).all()
