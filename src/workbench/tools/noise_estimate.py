"""Automatic noise level for the denoiser: the tool's default when the artist sets none.

Why this method: Immerkær's Laplacian-difference residual cancels smooth image structure, so in
flat regions its mean absolute value measures the noise alone. Textured regions inflate it, so the
estimate is taken from a low percentile of per-block estimates (the flattest blocks) and corrected
by a constant calibrated on pure Gaussian noise. Clipped blocks (near black or white) hold less
noise than the rest of the frame and are left out. Signal-dependent noise comes out as its
average standard deviation over the flat blocks, which is what the model was trained to take as
its conditioning level. Film grain is spatially correlated and the residual sees mostly its
finest part, so it reads at a third to a half of its standard deviation: by default grain is
removed gently, and the artist's amount (2-3) or an explicit level removes it. (A residual from
a wider low-pass reads grain well but also reads clean foliage and water as noise -- 16/255 on a
clean waterfall -- which would smooth clean footage; the safe default was kept.)
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

#: Side of the square blocks whose residuals give one local estimate each.
BLOCK = 16
#: Which percentile of the block estimates is taken (low: the flattest blocks).
PERCENTILE = 20.0
#: Pure Gaussian noise gives this percentile below the true sigma; calibrated once on
#: 1024x1024 white noise at sigma 5..50 / 255 (see tests/tools/test_noise_estimate.py).
_CALIBRATION = 1.046


def _laplacian_residual(image: NDArray[np.float32]) -> NDArray[np.float32]:
    """The residual of each channel (OpenCV filters the channels of an image independently)."""
    import cv2

    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32) / 6.0
    # The kernel's squared weights sum to 1, so white noise of std s gives a residual of std s.
    out: NDArray[np.float32] = np.asarray(
        cv2.filter2D(image, cv2.CV_32F, kernel, borderType=cv2.BORDER_REFLECT), np.float32
    )
    return out.reshape(image.shape)


def _block_means(img: NDArray[np.float32], hb: int, wb: int) -> NDArray[np.float32]:
    """hb × wb × C means of the BLOCK × BLOCK blocks of an (hb·BLOCK) × (wb·BLOCK) × C image."""
    import cv2

    means = cv2.resize(np.ascontiguousarray(img), (wb, hb), interpolation=cv2.INTER_AREA)
    out: NDArray[np.float32] = np.asarray(means, np.float32)
    return out.reshape(hb, wb, -1)


def estimate_noise_sigma(frame: NDArray[np.float32]) -> float:
    """Noise standard deviation of a float32 RGB (or grey) frame in [0, 1], in the same units.

    Multiply by 255 for the usual 0-255 sigma. A clean frame gives a small value (about 0.5-2 / 255
    for photographs), which the denoiser treats as "almost nothing to remove".
    """
    img = np.asarray(frame, dtype=np.float32)
    if img.ndim == 2:
        img = img[:, :, None]
    h, w = img.shape[:2]
    if h < BLOCK * 2 or w < BLOCK * 2:
        raise ValueError(f"frame too small for a noise estimate: {w}x{h}")
    hb, wb = h // BLOCK, w // BLOCK
    # All channels in one filter pass and block means by OpenCV's area resampling (an exact
    # box average at a whole factor): the same estimate as per-channel NumPy block means, to
    # float rounding, in a quarter of the time (it runs on every frame the denoiser renders).
    res = _laplacian_residual(np.ascontiguousarray(img))[: hb * BLOCK, : wb * BLOCK]
    np.abs(res, out=res)
    blocks = _block_means(res, hb, wb).astype(np.float64) * math.sqrt(math.pi / 2.0)
    local = blocks.mean(axis=2)
    means = _block_means(img[: hb * BLOCK, : wb * BLOCK], hb, wb).mean(axis=2)
    usable = (means > 0.04) & (means < 0.96)
    values = local[usable] if usable.sum() >= 8 else local.ravel()
    return float(np.percentile(values, PERCENTILE) * _CALIBRATION)


def noise_level_map(
    frame: NDArray[np.float32], sigma: float | None = None, strength: float = 1.0
) -> NDArray[np.float32]:
    """The denoiser's fourth input channel: an H x W map of the noise level to remove.

    ``sigma`` is in [0, 1] units (None: the automatic estimate); ``strength`` is the artist's
    control, scaling the level (0 leaves the frame as it is, 1 the estimate, up to 2 for more).
    """
    level = estimate_noise_sigma(frame) if sigma is None else float(sigma)
    level = max(0.0, level * max(0.0, float(strength)))
    return np.full(frame.shape[:2], level, dtype=np.float32)


def denoiser_input(
    frame: NDArray[np.float32], sigma: float | None = None, strength: float = 1.0
) -> NDArray[np.float32]:
    """H x W x 4 array (RGB plus level map) that the ``denoise`` model takes as NCHW."""
    level = noise_level_map(frame, sigma, strength)
    return np.concatenate([np.asarray(frame, np.float32), level[:, :, None]], axis=2)
