"""The temporal denoiser and deblocker as their tools run them, on clips made by ffmpeg: better
than the single-frame models on a pan, sound at a clip's ends and on stills, and no ghost of
the other shot across a cut."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tools.temporal_clips import pan, psnr
from workbench.catalog import Catalog
from workbench.inference import get_engine
from workbench.progress import Progress
from workbench.tools.base import FrameWindow, apply_tool
from workbench.tools.registry import get_tool


def engine(model_id: str) -> Any:
    return get_engine(Catalog().load_checked(model_id))


def run(
    tool_id: str, model_id: str, frames: list[np.ndarray | None], index: int, **params: Any
) -> Any:
    """The tool on frame ``index`` of ``frames`` (None: a frame the window does not have)."""
    tool = get_tool(tool_id)
    window = FrameWindow(index, {i: f for i, f in enumerate(frames) if f is not None})
    return apply_tool(tool, window, tool.resolve(params), engine(model_id), Progress())


@pytest.fixture(scope="module")
def noisy_pan(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], list[Any]]:
    tmp = tmp_path_factory.mktemp("pan")
    return pan(tmp, "photo", 8, 0), pan(tmp, "photo", 8, 30)


def test_defaults_temporal_on_video_single_frame_on_stills_and_when_asked() -> None:
    for tool_id in ("denoise", "deblock"):
        tool = get_tool(tool_id)
        params = tool.resolve({})
        assert tool.temporal_radius == 2
        assert tool.default_model_for(params, 240) == f"{tool_id}-temporal"
        assert tool.default_model_for(params, 1) == tool_id
        assert tool.default_model_for(tool.resolve({"temporal": "off"}), 240) == tool_id
        card = Catalog().find(f"{tool_id}-temporal").card
        assert card is not None and card.temporal_radius == 2 and card.task == tool_id


def test_temporal_denoise_beats_the_single_frame_model_on_a_pan(noisy_pan: Any) -> None:
    clean, noisy = noisy_pan
    gains = []
    for index in (2, 3, 4, 5):
        temporal = run("denoise", "denoise-temporal", noisy, index)
        single = run("denoise", "denoise", noisy, index)
        gains.append(psnr(temporal, clean[index]) - psnr(single, clean[index]))
    assert min(gains) > 0.5, gains


@pytest.mark.parametrize("index", [0, 7])
def test_first_and_last_frames_use_the_neighbours_that_exist(noisy_pan: Any, index: int) -> None:
    clean, noisy = noisy_pan
    temporal = run("denoise", "denoise-temporal", noisy, index)
    single = run("denoise", "denoise", noisy, index)
    assert temporal.shape == noisy[index].shape
    assert psnr(temporal, clean[index]) > psnr(single, clean[index])


def test_a_still_through_the_temporal_model_is_denoised(noisy_pan: Any) -> None:
    clean, noisy = noisy_pan
    alone = run("denoise", "denoise-temporal", [noisy[3]], 0)
    assert psnr(alone, clean[3]) > psnr(noisy[3], clean[3]) + 3.0


def test_no_ghost_of_the_other_shot_across_a_cut(tmp_path: Path) -> None:
    a_clean, a_noisy = pan(tmp_path, "photo", 5, 0), pan(tmp_path, "photo", 5, 30)
    b_clean, b_noisy = pan(tmp_path, "chart", 5, 0), pan(tmp_path, "chart", 5, 30, seed=2)
    clean, noisy = a_clean + b_clean, a_noisy + b_noisy  # the cut lies before frame 5
    for index in (3, 4, 5, 6):
        temporal = run("denoise", "denoise-temporal", noisy, index)
        # nothing of the other shot reaches the result: it is what the frames of its own
        # shot alone give
        own = [f if (i < 5) == (index < 5) else None for i, f in enumerate(noisy)]
        alone = run("denoise", "denoise-temporal", own, index)
        assert np.array_equal(temporal, alone), index
        # and what the single-frame model gets from this frame alone, the temporal one keeps
        single = run("denoise", "denoise", noisy, index)
        assert psnr(temporal, clean[index]) > psnr(single, clean[index]) - 0.2, index


def test_temporal_deblock_beats_the_decoded_input_on_an_h264_pan(tmp_path: Path) -> None:
    import subprocess

    import cv2

    clean = pan(tmp_path, "photo", 8, 0, size="192:128")
    pattern = str(tmp_path / "photo-0-1-8" / "%03d.png")
    clip = tmp_path / "pan.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-framerate", "24", "-i", pattern, "-c:v", "libx264",
         "-crf", "35", "-pix_fmt", "yuv420p", str(clip)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "decoded"
    out.mkdir()
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(clip), str(out / "%03d.png")], check=True
    )
    decoded = [
        np.ascontiguousarray(cv2.imread(str(out / f"{i:03d}.png"))[:, :, ::-1], np.float32) / 255
        for i in range(1, 9)
    ]
    gains = [
        psnr(run("deblock", "deblock-temporal", decoded, i), clean[i]) - psnr(decoded[i], clean[i])
        for i in (2, 3, 4, 5)
    ]
    assert np.mean(gains) > 0.3, gains
