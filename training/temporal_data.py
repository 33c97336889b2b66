"""Training samples for the temporal models: aligned, gated neighbour stacks from synthesised
clips, made with the app's own alignment (``workbench.tools.temporal_align``)."""

from __future__ import annotations

import numpy as np

from training import synth_video
from training.synth import F32, PatchSource, chw, quantise
from workbench.tools import temporal_align

RADIUS = 2


def drop_neighbours(rng: np.random.Generator, frames: list[np.ndarray]) -> dict[int, np.ndarray]:
    """The neighbours of the centre frame that a sample shows the model: all of them mostly;
    none 8 % of the time (a still); one side cut short 12 % (a clip's first or last frames)."""
    offs = temporal_align.offsets(RADIUS)
    have = {k: frames[synth_video.CENTRE + k] for k in offs}
    r = rng.random()
    if r < 0.08:
        return {}
    if r < 0.20:
        sign = 1 if rng.random() < 0.5 else -1
        lost = range(int(rng.integers(1, RADIUS + 1)), RADIUS + 1)
        for d in lost:
            have.pop(sign * d, None)
    return have


def denoise_sample(
    rng: np.random.Generator, src: PatchSource, size: int, crop: int
) -> tuple[np.ndarray, np.ndarray]:
    """(temporal input with the level plane, CHW; clean centre frame, CHW), ``crop`` px."""
    frames = synth_video.clip(rng, src, size)
    if rng.random() < 0.1:  # clean footage: nothing to remove
        noisy = [quantise(f) for f in frames]
        level = float(rng.uniform(0, 2.5 / 255))
    else:
        sigma = float(rng.uniform(1, 55)) / 255.0
        noisy, level = synth_video.noisy_clip(rng, frames, synth_video.draw_noise_kind(rng, sigma))
    centre = noisy[synth_video.CENTRE]
    x = temporal_align.temporal_input(centre, drop_neighbours(rng, noisy), RADIUS, level)
    return _crop(rng, x, frames[synth_video.CENTRE], crop)


def deblock_sample(
    rng: np.random.Generator, clips: tuple[np.ndarray, np.ndarray], crop: int
) -> tuple[np.ndarray, np.ndarray]:
    """(temporal input, CHW; clean frame, CHW) from a pre-built H.264 clip (decoded, clean:
    N x T x H x W x 3 uint8): a random frame of a random clip, its neighbours those that exist
    in the clip (the first and last frames have fewer)."""
    decoded, clean = clips
    i = int(rng.integers(0, len(decoded)))
    n = decoded.shape[1]
    t = int(rng.integers(0, n))
    frames = [decoded[i, j].astype(F32) / 255.0 for j in range(n)]
    neighbours = {k: frames[t + k] for k in temporal_align.offsets(RADIUS) if 0 <= t + k < n}
    if rng.random() < 0.05:
        neighbours = {}
    x = temporal_align.temporal_input(
        frames[t], neighbours, RADIUS, floor=temporal_align.DEBLOCK_ERROR_FLOOR
    )
    return _crop(rng, x, clean[i, t].astype(F32) / 255.0, crop)


def _crop(
    rng: np.random.Generator, x: np.ndarray, y: np.ndarray, crop: int
) -> tuple[np.ndarray, np.ndarray]:
    h, w = x.shape[:2]
    oy, ox = int(rng.integers(0, h - crop + 1)), int(rng.integers(0, w - crop + 1))
    k = int(rng.integers(0, 4))
    xs = np.rot90(x[oy : oy + crop, ox : ox + crop], k)
    ys = np.rot90(y[oy : oy + crop, ox : ox + crop], k)
    return chw(xs), chw(ys)
