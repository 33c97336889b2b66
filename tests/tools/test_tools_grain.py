"""Grain kept where the artist wants it: denoise's keep_grain, and regrain's synthesised grain."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from workbench.catalog import Catalog
from workbench.inference import get_engine
from workbench.progress import Progress
from workbench.tools.base import FrameWindow, apply_tool, upsample
from workbench.tools.grain import BANDS, luminance, measure, synthesise
from workbench.tools.registry import get_tool

SIZE = 384


def picture() -> np.ndarray:
    """A clean picture with flat areas at every luminance: a ramp with two soft discs."""
    x = np.linspace(0.04, 0.96, SIZE, dtype=np.float32)
    img = np.repeat(np.tile(x, (SIZE, 1))[:, :, None], 3, axis=2)
    img *= np.array([1.0, 0.95, 0.85], np.float32)
    yy, xx = np.mgrid[:SIZE, :SIZE]
    for cy, cx, value in ((100, 120, 0.2), (280, 260, 0.7)):
        disc = np.clip(1 - np.hypot(yy - cy, xx - cx) / 50, 0, 1)[:, :, None]
        img = img * (1 - disc) + value * disc
    return np.asarray(img, np.float32)


def true_grain(clean: np.ndarray, seed: int = 7) -> np.ndarray:
    """Film-like grain: ~2 px, mostly shared by the channels, stronger in the shadows."""
    import cv2

    rng = np.random.default_rng(seed)

    def blob() -> np.ndarray:
        g = cv2.GaussianBlur(rng.standard_normal((SIZE, SIZE)).astype(np.float32), (0, 0), 0.8)
        return g / g.std()

    shared = blob()
    planes = np.stack([0.9 * shared + 0.44 * blob() for _ in range(3)], axis=2)
    amp = 0.03 - 0.02 * luminance(clean)[:, :, None]
    return np.asarray(planes * amp, np.float32)


@pytest.fixture(scope="module")
def grainy() -> tuple[np.ndarray, np.ndarray]:
    clean = picture()
    return clean, clean + true_grain(clean)


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def _regrain(current: np.ndarray, source: np.ndarray, index: int = 3, **params: Any) -> np.ndarray:
    tool = get_tool("regrain")
    window = FrameWindow(index, {index: current}, source)
    return apply_tool(tool, window, tool.resolve(params), None, Progress())


def test_regrain_matches_the_grain_a_denoise_removed(grainy: tuple[np.ndarray, np.ndarray]) -> None:
    """After a (here perfect) denoise, the new grain has the removed grain's strength in each
    luminance band, its size (spectrum) and its mix across channels — but not its pattern."""
    clean, source = grainy
    added = _regrain(clean, source) - clean
    truth = source - clean
    wanted, got = measure(truth, clean, "truth"), measure(added, clean, "check")
    assert got.source == "check"
    ratio = got.amplitude[1:-1] / wanted.amplitude[1:-1]
    assert np.all(np.abs(ratio - 1) < 0.2), ratio
    assert got.amplitude[1, 1] > 1.8 * got.amplitude[-2, 1]  # stronger in the shadows
    assert _cosine(got.spectrum, wanted.spectrum) > 0.97
    assert np.allclose(got.mixing @ got.mixing.T, wanted.mixing @ wanted.mixing.T, atol=0.1)
    assert abs(np.corrcoef(added.ravel(), truth.ravel())[0, 1]) < 0.05  # new grain, not the old


def test_after_an_upscale_the_grain_covers_the_same_share_of_the_picture(
    grainy: tuple[np.ndarray, np.ndarray],
) -> None:
    clean, source = grainy
    enlarged = upsample(clean, 2)
    added = _regrain(enlarged, source) - enlarged
    assert added.shape == (2 * SIZE, 2 * SIZE, 3)
    at_source = measure(added, enlarged, "x2")
    original = measure(source - clean, clean, "x1")
    bins = np.arange(at_source.spectrum.size)
    # twice as coarse in pixels: the spectrum's centre of mass at half the frequency
    ratio = (bins @ at_source.spectrum) / (bins @ original.spectrum)
    assert 0.4 < ratio < 0.62, ratio
    middle = slice(1, BANDS - 1)
    assert np.all(np.abs(at_source.amplitude[middle] / original.amplitude[middle] - 1) < 0.25)


def test_grain_is_seeded_per_frame(grainy: tuple[np.ndarray, np.ndarray]) -> None:
    """The same frame gives the same grain (renders resume to the same frames); the next frame
    gets independent grain, as real grain is; another seed, another pattern."""
    clean, source = grainy
    first = _regrain(clean, source, index=3)
    assert np.array_equal(first, _regrain(clean, source, index=3))
    other = _regrain(clean, source, index=4) - clean
    assert abs(np.corrcoef((first - clean).ravel(), other.ravel())[0, 1]) < 0.05
    assert not np.array_equal(first, _regrain(clean, source, index=3, seed=1))
    half = _regrain(clean, source, index=3, amount=0.5) - clean
    assert np.allclose(half, (first - clean) * 0.5, atol=1e-6)


def test_regrain_measures_the_source_where_nothing_was_removed(
    grainy: tuple[np.ndarray, np.ndarray],
) -> None:
    clean, source = grainy
    tool = get_tool("regrain")
    profile = tool.profile(FrameWindow(0, {0: source}, source), tool.resolve({}))  # type: ignore[attr-defined]
    assert profile.source == "source"
    assert 0.5 < profile.level / measure(source - clean, clean, "t").level < 1.1
    # a clean picture has no grain to match: nothing is added
    assert np.abs(_regrain(clean, clean) - clean).max() < 2e-3
    removed = tool.profile(FrameWindow(0, {0: clean}, source), tool.resolve({"measure": "source"}))  # type: ignore[attr-defined]
    assert removed.source == "source"


def test_synthesis_is_bounded_by_the_measured_amplitude(
    grainy: tuple[np.ndarray, np.ndarray],
) -> None:
    clean, source = grainy
    profile = measure(source - clean, clean, "removed")
    grain = synthesise(profile, clean, np.random.default_rng(0))
    assert grain.dtype == np.float32 and np.isfinite(grain).all()
    assert float(grain.std()) < 0.03


@pytest.fixture(scope="module")
def denoised(grainy: tuple[np.ndarray, np.ndarray]) -> dict[float, np.ndarray]:
    _, noisy = grainy
    tool = get_tool("denoise")
    engine = get_engine(Catalog().load_checked("denoise"))
    return {
        keep: apply_tool(
            tool, FrameWindow(0, {0: noisy}), tool.resolve({"keep_grain": keep}), engine, Progress()
        )
        for keep in (0.0, 0.25, 0.5, 0.75, 1.0)
    }


def test_keep_grain_puts_back_more_grain_as_it_rises(
    grainy: tuple[np.ndarray, np.ndarray], denoised: dict[float, np.ndarray]
) -> None:
    _, noisy = grainy
    full = denoised[0.0]
    distances = [float(np.abs(denoised[k] - full).mean()) for k in sorted(denoised)]
    assert distances[0] == 0.0 and all(b > a for a, b in itertools.pairwise(distances))
    assert np.allclose(np.diff(distances), distances[1], rtol=0.05)  # linear in keep_grain
    # 1: the luminance noise exactly as it was; the colour noise stays removed
    assert np.abs(luminance(denoised[1.0]) - luminance(noisy)).max() < 1e-5
    chroma = denoised[1.0] - luminance(denoised[1.0])[:, :, None]
    assert np.allclose(chroma, full - luminance(full)[:, :, None], atol=1e-5)
    assert float(np.abs(denoised[1.0] - noisy).mean()) > 1e-4


def test_regrain_is_disclosed_as_a_synthesis_and_runs_no_model() -> None:
    tool = get_tool("regrain")
    assert (tool.uses_model, tool.reads_source, tool.default_model({})) == (False, True, "")
    assert tool.classification.as_dict() == {
        "c2pa_action": "c2pa.filtered",
        "digital_source_type": "compositeSynthetic",
        "nature": "generative",
        "synthesis": "synthesised grain",
    }
    assert "synthesis" not in get_tool("denoise").classification.as_dict()
