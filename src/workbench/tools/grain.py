"""Grain: what a denoise removed, measured, and grain like it synthesised at any resolution.

A :class:`GrainProfile` is what the regrain tool learns from a frame: the grain's power spectrum
(its size: how its energy spreads over spatial frequencies, radially averaged), how its three
channels go together (one grain pattern in all three, or independent dye-layer grain), and its
amplitude in each of :data:`BANDS` luminance bands (grain is stronger in the shadows of film
and the midtones of video). It is measured on a *residual* — the source minus what the stack
made of it, which is exactly the grain a denoise removed, or the source minus a blur of itself
where nothing was removed — in the flattest blocks of the picture, where the residual is grain
and not detail.

:func:`synthesise` makes new grain with that profile: seeded white noise shaped by the spectrum
(scaled by the enlargement, so grain covers the same share of the picture after an upscale),
mixed across channels by the measured correlation and scaled per pixel by the amplitude of the
band its luminance falls in. The same seed and frame index give the same grain (a render is
deterministic and resumes to the same frames); each frame's grain is independent of the next,
as real grain is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Frame = NDArray[np.float32]
BANDS = 8
"""Luminance bands over [0, 1] in which the grain's amplitude is measured."""
BLOCK = 32
"""Side of the square blocks the spectrum and the flatness are measured on."""
FLAT_SHARE = 0.35
"""The share of blocks (the flattest) whose residual is taken for grain."""
FREQUENCIES = 16
"""Radial frequency bins of the spectrum, from 0 to the Nyquist frequency (0.5 cycles/px)."""
LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)


@dataclass(frozen=True)
class GrainProfile:
    """The grain of one frame: spectrum, channel mixing and amplitude per luminance band."""

    spectrum: NDArray[np.float64]
    """Relative power in each of :data:`FREQUENCIES` radial bins (sums to 1)."""
    mixing: NDArray[np.float64]
    """3 × 3: unit-variance grain is ``mixing @ white`` (the Cholesky factor of the channels'
    correlation)."""
    amplitude: NDArray[np.float64]
    """:data:`BANDS` × 3: the grain's standard deviation per luminance band and channel."""
    source: str
    """What it was measured on: ``removed`` (the stack's residual) or ``source`` (a high-pass)."""

    @property
    def level(self) -> float:
        """The grain's typical standard deviation (the mean over bands that have grain)."""
        present = self.amplitude[self.amplitude.max(axis=1) > 0]
        return float(present.mean()) if present.size else 0.0


def luminance(frame: Frame) -> NDArray[np.float32]:
    return np.asarray(np.asarray(frame, np.float32) @ LUMA, np.float32)


def high_pass(frame: Frame, sigma: float = 2.0) -> Frame:
    """The frame minus a Gaussian blur of itself: grain and fine detail."""
    import cv2

    blurred = cv2.GaussianBlur(frame, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    return np.asarray(frame - blurred, np.float32)


def _blocks(array: NDArray[np.float32]) -> NDArray[np.float32]:
    """(count, BLOCK, BLOCK, ...) of the whole blocks of an H × W (× C) array."""
    hb, wb = array.shape[0] // BLOCK, array.shape[1] // BLOCK
    cut = array[: hb * BLOCK, : wb * BLOCK]
    shaped = cut.reshape(hb, BLOCK, wb, BLOCK, *array.shape[2:])
    return np.asarray(np.moveaxis(shaped, 2, 1).reshape(hb * wb, BLOCK, BLOCK, *array.shape[2:]))


def flat_blocks(picture: Frame) -> NDArray[np.bool_]:
    """Which blocks are the flattest :data:`FLAT_SHARE` of the picture (by gradient energy)."""
    luma = luminance(picture)
    gy, gx = np.gradient(luma)
    energy = _blocks(np.asarray(gx * gx + gy * gy, np.float32)).mean(axis=(1, 2))
    if energy.size == 0:
        return np.zeros(0, np.bool_)
    cut = np.quantile(energy, FLAT_SHARE)
    return np.asarray(energy <= cut, np.bool_)


def _radial_bins() -> NDArray[np.int64]:
    fy = np.fft.fftfreq(BLOCK)[:, None]
    fx = np.fft.rfftfreq(BLOCK)[None, :]
    radius = np.sqrt(fx * fx + fy * fy)
    bins: NDArray[np.int64] = np.minimum(
        (radius / 0.5 * FREQUENCIES).astype(np.int64), FREQUENCIES - 1
    )
    return bins


def _spectrum(residual_blocks: NDArray[np.float32]) -> NDArray[np.float64]:
    """Relative radial power of the blocks' luminance residual (Hann-windowed)."""
    window = np.outer(np.hanning(BLOCK), np.hanning(BLOCK))
    luma = residual_blocks @ LUMA
    luma = luma - luma.mean(axis=(1, 2), keepdims=True)
    power = (np.abs(np.fft.rfft2(luma * window)) ** 2).mean(axis=0)
    bins = _radial_bins()
    counts = np.bincount(bins.ravel(), minlength=FREQUENCIES).astype(np.float64)
    radial = np.bincount(bins.ravel(), power.ravel(), FREQUENCIES) / np.maximum(counts, 1.0)
    radial[0] = 0.0  # the block's mean is not grain
    total = radial.sum()
    return radial / total if total > 0 else np.full(FREQUENCIES, 1.0 / FREQUENCIES)


def _mixing(samples: NDArray[np.float32]) -> NDArray[np.float64]:
    """The Cholesky factor of the residual's channel correlation (identity if degenerate)."""
    if samples.shape[0] < 16:
        return np.eye(3)
    corr = np.corrcoef(samples.astype(np.float64), rowvar=False)
    if not np.all(np.isfinite(corr)):
        return np.eye(3)
    try:
        return np.asarray(np.linalg.cholesky(corr + np.eye(3) * 1e-6), np.float64)
    except np.linalg.LinAlgError:
        return np.eye(3)


def measure(residual: Frame, picture: Frame, source: str) -> GrainProfile:
    """The grain profile of ``residual`` (the grain), read where ``picture`` (the clean picture,
    the same size) is flattest; its luminance decides each sample's band."""
    flat = flat_blocks(picture)
    res_blocks = _blocks(residual)[flat]
    luma_blocks = _blocks(luminance(picture))[flat]
    if res_blocks.size == 0:
        return GrainProfile(
            np.full(FREQUENCIES, 1 / FREQUENCIES), np.eye(3), np.zeros((BANDS, 3)), source
        )
    samples = res_blocks.reshape(-1, 3)
    bands = np.clip((luma_blocks.reshape(-1) * BANDS).astype(np.int64), 0, BANDS - 1)
    amplitude = np.zeros((BANDS, 3))
    for band in range(BANDS):
        chosen = samples[bands == band]
        if chosen.shape[0] >= BLOCK * BLOCK // 4:
            amplitude[band] = chosen.astype(np.float64).std(axis=0)
    amplitude = _fill_bands(amplitude)
    return GrainProfile(_spectrum(res_blocks), _mixing(samples), amplitude, source)


def _fill_bands(amplitude: NDArray[np.float64]) -> NDArray[np.float64]:
    """Bands with too few flat samples take the amplitude of their measured neighbours."""
    measured = np.flatnonzero(amplitude.max(axis=1) > 0)
    if measured.size == 0:
        return amplitude
    centres = np.arange(BANDS)
    return np.stack(
        [np.interp(centres, measured, amplitude[measured, c]) for c in range(3)], axis=1
    )


def keep_grain(noisy: Frame, denoised: Frame, keep: float) -> Frame:
    """``denoised`` with ``keep`` (0-1) of the grain the denoise removed put back.

    The grain is the luminance of the removed residual (``noisy - denoised``), the same in all
    three channels: the texture film grain and a sensor's fine noise leave in a picture. Colour
    noise (the residual's chroma) stays removed at any ``keep``, which is what tells it from the
    tool's ``strength`` (a blend that keeps colour noise too). 0 is the full denoise; 1 puts the
    removed luminance noise back exactly; the change from the full denoise grows linearly with
    ``keep``.
    """
    if keep <= 0.0:
        return denoised
    grain = luminance(noisy - denoised)[:, :, None]
    return np.asarray(denoised + grain * float(keep), np.float32)


def _shaped_noise(
    rng: np.random.Generator, height: int, width: int, spectrum: NDArray[np.float64], stretch: float
) -> NDArray[np.float32]:
    """Unit-variance noise, one plane per channel, whose radial spectrum is ``spectrum`` seen
    ``stretch`` times larger (grain ``stretch`` times coarser in pixels)."""
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    radius = np.sqrt(fx * fx + fy * fy) * stretch  # output frequency → the measured one
    centres = (np.arange(FREQUENCIES) + 0.5) * 0.5 / FREQUENCIES
    gain = np.sqrt(np.interp(radius, centres, spectrum, right=0.0))
    gain[0, 0] = 0.0
    planes = []
    for _ in range(3):
        white = rng.standard_normal((height, width))
        shaped = np.fft.irfft2(np.fft.rfft2(white) * gain, s=(height, width))
        std = shaped.std()
        planes.append(shaped / std if std > 0 else shaped)
    return np.asarray(np.stack(planes, axis=2), np.float32)


def synthesise(
    profile: GrainProfile,
    picture: Frame,
    rng: np.random.Generator,
    *,
    stretch: float = 1.0,
    amount: float = 1.0,
) -> Frame:
    """Grain for ``picture`` (any size): shaped, mixed, and scaled per pixel by the amplitude of
    the band its luminance falls in, times ``amount``."""
    height, width = picture.shape[:2]
    unit = _shaped_noise(rng, height, width, profile.spectrum, stretch)
    mixed = unit @ profile.mixing.T.astype(np.float32)
    centres = (np.arange(BANDS) + 0.5) / BANDS
    luma = np.clip(luminance(picture), 0.0, 1.0)
    scale = np.stack([np.interp(luma, centres, profile.amplitude[:, c]) for c in range(3)], axis=2)
    return np.asarray(mixed * scale * float(amount), np.float32)


__all__ = [
    "BANDS",
    "BLOCK",
    "FREQUENCIES",
    "GrainProfile",
    "flat_blocks",
    "high_pass",
    "keep_grain",
    "luminance",
    "measure",
    "synthesise",
]
