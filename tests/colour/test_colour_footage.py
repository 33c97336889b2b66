"""Footage in its own colour space: a LogC4 ProRes clip and an ACEScg EXR plate, denoised.

Each is made from a photograph (scene-linear, one stop over, sensor noise in linear light) and
rendered twice through the whole pipeline — project, edit, render, log: once with the clip's
colour space known (the model runs in its sRGB working space), once naively (the clip's code
values fed to the model as they are) — and, for LogC4, against a naive conversion to sRGB too.
PSNR is measured in the clip's own space against the noise-free frames; frames no edit touched
come back exactly as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from colour.colour_scenes import (
    SRGB,
    decoded_rgb,
    encoded,
    psnr,
    read_exr,
    scene_linear,
    with_sensor_noise,
    write_exr,
    write_prores,
)
from workbench.catalog import Catalog
from workbench.colour import CONFIG_NAME, conversion, ocio_version
from workbench.editing import (
    EditRequest,
    apply_edit,
    import_clip,
    plan_edit,
    set_clip_colour_space,
)
from workbench.inference import get_engine
from workbench.progress import Progress
from workbench.project import Project
from workbench.render import RenderRequest, run_render
from workbench.tools.base import FrameWindow, apply_tool
from workbench.tools.registry import get_tool

FRAMES = 3
EDITED = (0, 1)  # frame 2 is left alone: it must come back exactly


def _render(tmp: Path, name: str, media: str, space: str | None, output: str) -> tuple[Path, Any]:
    """A project on ``media`` (its colour space set to ``space`` unless None), denoised on
    frames 0-1 and rendered to ``output``; the render's log entry."""
    folder = tmp / name
    folder.mkdir()
    with Project.create(folder / "p.wbproj") as project:
        clip = import_clip(project, Path(media))
        if space is not None:
            set_clip_colour_space(project, clip.id, space)
        # the single-frame model: the comparison below feeds it by hand (the temporal one,
        # the default on video, averages a static shot's frames in any space)
        request = EditRequest(clip_id=clip.id, tool="denoise", frames=EDITED, model="denoise")
        apply_edit(project, plan_edit(project, request))
        path = project.path
    out = folder / output
    run_render(RenderRequest(path, clip.id, out), progress=Progress())
    with Project.open(path, readonly=True) as project:
        assert project.verify().ok
        entry = project.log.entries()[-1]
    assert entry["schema"] == "workbench.render/1"
    return out, entry


@pytest.fixture(scope="module")
def logc4(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("logc4")
    linear = scene_linear(2.0)
    clean = encoded(linear, "ARRI LogC4")
    noisy = [encoded(with_sensor_noise(linear, seed, 0.05), "ARRI LogC4") for seed in range(FRAMES)]
    source = write_prores(noisy, tmp / "camera", "A001")
    right, entry = _render(tmp, "right", str(source), "ARRI LogC4", "right.mov")
    naive, _ = _render(tmp, "naive", str(source), None, "naive.mov")
    size = (clean.shape[1], clean.shape[0])
    return {
        "clean": clean,
        "source": decoded_rgb(source, FRAMES, size),
        "right": decoded_rgb(right, FRAMES, size),
        "naive": decoded_rgb(naive, FRAMES, size),
        "entry": entry,
        "right_path": right,
        "source_path": source,
    }


def _mean_psnr(frames: list[np.ndarray], clean: np.ndarray, peak: float = 1.0) -> float:
    return float(np.mean([psnr(frames[i], clean, peak) for i in EDITED]))


def test_logc4_denoised_in_its_working_space_beats_the_naive_ways(logc4: dict[str, Any]) -> None:
    clean = logc4["clean"]
    noisy = _mean_psnr(logc4["source"], clean)
    right = _mean_psnr(logc4["right"], clean)
    naive = _mean_psnr(logc4["naive"], clean)
    # the naive conversion: sRGB-encoded values up to 16 handed to the model, its output clipped
    tool, convert = get_tool("denoise"), conversion("ARRI LogC4", SRGB)
    assert convert is not None
    engine = get_engine(Catalog().load_checked("denoise"))
    converted = []
    for frame in logc4["source"]:
        working = convert.to_working(frame)
        out = apply_tool(tool, FrameWindow(0, {0: working}), tool.resolve({}), engine, Progress())
        converted.append(convert.from_working(out))
    naive_sRGB = _mean_psnr(converted, clean)
    print(f"LogC4 PSNR: noisy {noisy:.2f}, right {right:.2f}, as code values {naive:.2f}, "
          f"naive sRGB {naive_sRGB:.2f}")  # fmt: skip
    assert right > noisy + 1.5
    assert right > naive + 1.0
    assert right > naive_sRGB + 3.0


def test_logc4_render_logs_its_transforms_and_keeps_untouched_frames(
    logc4: dict[str, Any],
) -> None:
    colour = logc4["entry"]["colour"]
    assert colour["config"] == CONFIG_NAME and colour["ocio"] == ocio_version()
    assert (colour["input"], colour["origin"]) == ("ARRI LogC4", "set")
    assert [(s["working"], s["converted"]) for s in colour["steps"]] == [(SRGB, True)]
    # frame 2 had no edit: the source's own frame, bit for bit
    assert np.array_equal(logc4["right"][2], logc4["source"][2])
    assert not np.array_equal(logc4["right"][0], logc4["source"][0])


@pytest.fixture(scope="module")
def aces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("aces")
    linear = scene_linear(2.0)
    clean = encoded(linear, "ACEScg")
    plates = tmp / "plate"
    plates.mkdir()
    for seed in range(FRAMES):
        write_exr(
            encoded(with_sensor_noise(linear, 10 + seed, 0.05), "ACEScg"),
            plates / f"p.{seed:04d}.exr",
        )
    media = str(plates / "p.%04d.exr")
    right, entry = _render(tmp, "right", media, None, "right.%04d.exr")
    naive, _ = _render(tmp, "naive", media, "source", "naive.%04d.exr")
    frames = {
        name: [read_exr(Path(str(pattern) % i)) for i in range(FRAMES)]
        for name, pattern in (("source", media), ("right", right), ("naive", naive))
    }
    return {"clean": clean, "entry": entry, **frames}


def test_an_acescg_plate_denoised_in_its_working_space_beats_the_naive_way(
    aces: dict[str, Any],
) -> None:
    """Fed as they are, an EXR's highlights above 1 were clipped by the model's range. In linear
    light (PSNR with the plate's peak) the denoise itself gains little: its sRGB working space
    spends its effort in the shadows, where linear light has little energy; as the picture is
    seen (sRGB-encoded) it gains clearly."""
    clean = aces["clean"]
    peak = float(clean.max())
    assert peak > 1.5  # the plate has highlights above 1
    noisy = _mean_psnr(aces["source"], clean, peak)
    right = _mean_psnr(aces["right"], clean, peak)
    naive = _mean_psnr(aces["naive"], clean, peak)
    seen = conversion("ACEScg", SRGB)
    assert seen is not None

    def as_seen(frames: list[np.ndarray]) -> list[np.ndarray]:
        return [np.clip(seen.to_working(f), 0, 1) for f in frames]

    clean_seen = np.clip(seen.to_working(clean), 0, 1)
    noisy_seen = _mean_psnr(as_seen(aces["source"]), clean_seen)
    right_seen = _mean_psnr(as_seen(aces["right"]), clean_seen)
    print(f"ACEScg PSNR (linear): noisy {noisy:.2f}, right {right:.2f}, naive {naive:.2f}; "
          f"sRGB-encoded: noisy {noisy_seen:.2f}, right {right_seen:.2f}")  # fmt: skip
    assert right > naive + 6.0
    assert right > noisy - 0.5  # in linear light the denoise costs nothing
    assert right_seen > noisy_seen + 1.0
    highlights = clean.max(axis=2) > 1.2
    for i in EDITED:
        assert np.all(aces["right"][i][highlights].max(axis=1) > 1.0)  # never clipped to 1


def test_an_exr_is_acescg_by_its_tags_and_untouched_frames_stay_exact(
    aces: dict[str, Any],
) -> None:
    colour = aces["entry"]["colour"]
    assert (colour["input"], colour["origin"]) == ("ACEScg", "tags")
    assert colour["steps"][0]["converted"] is True
    assert np.array_equal(aces["right"][2], aces["source"][2])
