"""Scopes for judging a cleanup: a waveform and an RGB histogram of a frame, in NumPy.

The waveform plots, for each column band of the picture, how many pixels sit at each level —
luma (Rec. 709 weights) or an RGB parade (the three channels side by side). The histogram
counts each channel's levels over the whole frame. Both work on 8-bit RGB (what the viewer
shows; a float frame is rounded to it first) with one ``bincount`` each, on every row of a
small frame and on evenly spaced rows of a large one (about a million pixels: every other row
of 1080p), which a scope's picture cannot tell apart; they come with a plain RGB picture of
themselves (:func:`waveform_image`, :func:`histogram_image`) that a window only has to draw.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

LEVELS = 256
#: About how many pixels a scope counts; larger frames are sampled every n-th row.
SAMPLE_PIXELS = 1 << 20
WaveformMode = Literal["luma", "parade"]
#: Rec. 709 luma weights in 1/256ths (they sum to 256), for 8-bit integer arithmetic.
_LUMA = (54, 183, 19)
_CHANNEL_COLOURS = ((255, 80, 70), (80, 230, 90), (90, 140, 255))
_LUMA_COLOUR = (170, 255, 170)


def as_rgb8(frame: NDArray[Any]) -> NDArray[np.uint8]:
    """An H×W×3 uint8 picture of ``frame`` (float RGB in [0, 1], or already 8-bit)."""
    array = np.asarray(frame)
    if array.ndim != 3 or array.shape[2] < 3:
        raise ValueError(f"a scope needs an H×W×3 frame; got shape {array.shape}")
    array = array[:: _row_step(array), :, :3]
    if array.dtype == np.uint8:
        return array
    out: NDArray[np.uint8] = np.clip(array * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return out


def _row_step(array: NDArray[Any]) -> int:
    height, width = array.shape[:2]
    return max(1, -(-int(height) * int(width) // SAMPLE_PIXELS))


def waveform(
    frame: NDArray[Any], columns: int = 360, mode: WaveformMode = "luma"
) -> NDArray[np.int64]:
    """Counts of shape (256 levels, ``columns``, channels): 1 channel for luma, 3 for parade.

    In parade mode each channel gets a third of the columns, left to right R, G, B, and the
    counts of the other channels there are zero.
    """
    rgb = as_rgb8(frame)
    width = rgb.shape[1]
    if mode == "luma":
        r, g, b = (rgb[:, :, c].astype(np.uint16) for c in range(3))
        luma = ((r * _LUMA[0] + g * _LUMA[1] + b * _LUMA[2] + 128) >> 8).astype(np.intp)
        band = (np.arange(width) * columns // max(1, width)).astype(np.intp)
        index = luma * columns + band[None, :]
        counts = np.bincount(index.ravel(), minlength=LEVELS * columns)
        return counts.reshape(LEVELS, columns, 1).astype(np.int64)
    third = max(1, columns // 3)
    out = np.zeros((LEVELS, 3 * third, 3), np.int64)
    band = (np.arange(width) * third // max(1, width)).astype(np.intp)
    for c in range(3):
        index = rgb[:, :, c].astype(np.intp) * third + band[None, :]
        counts = np.bincount(index.ravel(), minlength=LEVELS * third).reshape(LEVELS, third)
        out[:, c * third : (c + 1) * third, c] = counts
    return out


def histogram(frame: NDArray[Any]) -> NDArray[np.int64]:
    """Counts of shape (3, 256): each channel's levels over the frame."""
    rgb = as_rgb8(frame)
    return np.stack([np.bincount(rgb[:, :, c].ravel(), minlength=LEVELS) for c in range(3)]).astype(
        np.int64
    )


def waveform_image(counts: NDArray[np.int64], height: int = 256) -> NDArray[np.uint8]:
    """The waveform as an RGB picture: level 255 at the top, brightness the log of the count."""
    levels, columns, channels = counts.shape
    scale = np.log1p(counts.astype(np.float32))
    peak = float(scale.max()) or 1.0
    glow = np.clip(scale / peak * 1.6, 0.0, 1.0)[::-1]  # top row: the highest level
    colours = [_LUMA_COLOUR] if channels == 1 else list(_CHANNEL_COLOURS)
    image = np.zeros((levels, columns, 3), np.float32)
    for c, colour in enumerate(colours):
        image += glow[:, :, c : c + 1] * np.asarray(colour, np.float32)[None, None, :]
    if height != levels:
        rows = np.linspace(0, levels - 1, height).round().astype(np.intp)  # both ends kept
        image = image[rows]
    out: NDArray[np.uint8] = np.clip(image, 0, 255).astype(np.uint8)
    return out


def histogram_image(counts: NDArray[np.int64], height: int = 128) -> NDArray[np.uint8]:
    """The histogram as an RGB picture: the three channels' bars added (overlap turns white).

    Bars are scaled by the square root of the count, so a frame's few clipped pixels still
    show beside its bulk.
    """
    roots = np.sqrt(counts.astype(np.float32))
    peak = float(roots.max()) or 1.0
    bars = np.ceil(roots / peak * height).astype(np.intp)  # (3, 256); a count shows as >= 1 px
    rows = np.arange(height, dtype=np.intp)[:, None]
    image = np.zeros((height, counts.shape[1], 3), np.uint16)
    for c, colour in enumerate(_CHANNEL_COLOURS):
        filled = rows >= (height - bars[c])[None, :]
        image += filled[:, :, None] * (np.asarray(colour, np.uint16) * 2 // 3)[None, None, :]
    out: NDArray[np.uint8] = np.minimum(image, 255).astype(np.uint8)
    return out
