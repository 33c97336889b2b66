from __future__ import annotations

import numpy as np
import pytest

from workbench.tools.noise_estimate import denoiser_input, estimate_noise_sigma, noise_level_map


def _smooth_image(h: int = 256, w: int = 320) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack(
        [0.5 + 0.3 * np.sin(xx / 40.0), 0.4 + 0.2 * np.cos(yy / 30.0), 0.3 + 0.001 * xx], axis=2
    )
    return img.astype(np.float32)


@pytest.mark.parametrize("sigma", [5, 15, 25, 40])
def test_estimate_matches_white_noise(sigma: int) -> None:
    rng = np.random.default_rng(sigma)
    clean = _smooth_image()
    noisy = np.clip(clean + rng.normal(0, sigma / 255, clean.shape), 0, 1).astype(np.float32)
    est = estimate_noise_sigma(noisy) * 255
    assert abs(est - sigma) < 0.12 * sigma + 0.5


def test_clean_frame_reads_as_almost_no_noise() -> None:
    assert estimate_noise_sigma(_smooth_image()) * 255 < 1.0


def test_grey_frame_and_clipped_regions() -> None:
    rng = np.random.default_rng(0)
    img = _smooth_image()[:, :, 0]
    img[:, :100] = 1.0  # a blown-out region holds no noise and must not pull the estimate down
    noisy = np.clip(img + rng.normal(0, 10 / 255, img.shape), 0, 1).astype(np.float32)
    noisy[:, :100] = 1.0
    assert abs(estimate_noise_sigma(noisy) * 255 - 10) < 1.5


def test_too_small_frame_is_refused() -> None:
    with pytest.raises(ValueError):
        estimate_noise_sigma(np.zeros((8, 8, 3), np.float32))


def test_level_map_and_model_input() -> None:
    frame = _smooth_image(64, 64)
    assert np.all(noise_level_map(frame, sigma=0.1, strength=0.5) == np.float32(0.05))
    assert np.all(noise_level_map(frame, sigma=0.1, strength=0.0) == 0.0)
    x = denoiser_input(frame, sigma=0.02)
    assert x.shape == (64, 64, 4) and x.dtype == np.float32
    assert np.array_equal(x[:, :, :3], frame)


def test_the_fast_estimate_is_the_per_channel_block_mean_formula() -> None:
    """One filter pass and OpenCV's area means give the NumPy per-channel formula's value."""
    import math

    from workbench.tools import noise_estimate as ne

    def reference(img: np.ndarray) -> float:
        h, w = img.shape[:2]
        hb, wb, b = h // ne.BLOCK, w // ne.BLOCK, ne.BLOCK
        per_channel = []
        for c in range(img.shape[2]):
            res = np.abs(ne._laplacian_residual(np.ascontiguousarray(img[:, :, c])))
            blocks = res[: hb * b, : wb * b].reshape(hb, b, wb, b).mean(axis=(1, 3))
            per_channel.append(blocks.astype(np.float64) * math.sqrt(math.pi / 2.0))
        local = np.mean(per_channel, axis=0)
        means = img[: hb * b, : wb * b].mean(axis=2).reshape(hb, b, wb, b).mean(axis=(1, 3))
        usable = (means > 0.04) & (means < 0.96)
        values = local[usable] if usable.sum() >= 8 else local.ravel()
        return float(np.percentile(values, ne.PERCENTILE) * ne._CALIBRATION)

    rng = np.random.default_rng(5)
    for shape in ((135, 241, 3), (64, 80, 3), (97, 113, 1)):
        base = rng.random((shape[0] // 8 + 1, shape[1] // 8 + 1, shape[2]), dtype=np.float32)
        img = base.repeat(8, 0).repeat(8, 1)[: shape[0], : shape[1]]
        img = np.clip(img + rng.normal(0, 0.03, shape).astype(np.float32), 0, 1)
        assert ne.estimate_noise_sigma(img) == pytest.approx(reference(img), rel=1e-6)
