"""Short video clips synthesised from the licensed photographs, for the temporal models.

A clip is five frames (t = -2..2) of one photograph seen through a moving camera: a pan (a
sub-pixel velocity), sometimes a zoom, a slow rotation or a little shake, sometimes a smooth
random warp field that grows with time (local motion: leaves, water, a face turning), sometimes
a small object crossing the frame on its own path (occlusions), sometimes a cut to another
shot, and now and then no motion at all (a static shot). Every frame is rendered at twice the
size and area-averaged down, as a camera integrates light over its pixels, so no frame is
sharper than another. Noise is drawn afresh for every frame, of one kind and level per clip:
white Gaussian, signal-dependent (Poisson-Gaussian, like a sensor) or film grain.

The held-out evaluation clips (:func:`pan_clip`) are plain pans, built by the same renderer.
Everything is drawn from a numpy Generator: a given seed gives the same clips.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from training.synth import F32, PatchSource, quantise

FRAMES = 5  # t = -2..2
CENTRE = FRAMES // 2


@dataclass(frozen=True)
class Motion:
    """The camera and scene motion of one clip (pixels per frame at the output size)."""

    velocity: tuple[float, float] = (0.0, 0.0)
    zoom: float = 1.0  # scale factor per frame
    rotation: float = 0.0  # radians per frame
    shake: float = 0.0  # std of a per-frame random offset (px)
    warp: float = 0.0  # amplitude of the smooth local displacement per frame (px)
    phase: tuple[float, float] = (0.0, 0.0)  # sub-pixel offset of the whole clip


def draw_motion(rng: np.random.Generator) -> Motion:
    """A random motion: static 12 %, otherwise a pan up to 8 px/frame with, at times, zoom,
    rotation, shake and local warping."""
    phase = (float(rng.uniform(0, 1)), float(rng.uniform(0, 1)))
    if rng.random() < 0.12:
        return Motion(phase=phase)
    speed = float(rng.uniform(0, 8)) * (1.0 if rng.random() < 0.8 else 0.25)
    ang = float(rng.uniform(0, 2 * math.pi))
    return Motion(
        velocity=(speed * math.cos(ang), speed * math.sin(ang)),
        zoom=float(rng.uniform(0.97, 1.03)) if rng.random() < 0.25 else 1.0,
        rotation=math.radians(float(rng.uniform(-1, 1))) if rng.random() < 0.2 else 0.0,
        shake=float(rng.uniform(0, 0.8)) if rng.random() < 0.3 else 0.0,
        warp=float(rng.uniform(0.3, 3.0)) if rng.random() < 0.45 else 0.0,
        phase=phase,
    )


def _smooth_field(rng: np.random.Generator, size: int, amplitude: float) -> np.ndarray:
    """A smooth random displacement field (size x size x 2), RMS about ``amplitude``."""
    cells = int(rng.integers(2, 5))
    coarse = rng.normal(0, amplitude, (cells, cells, 2)).astype(F32)
    return np.asarray(cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC), F32)


def render(
    rng: np.random.Generator, scene: np.ndarray, size: int, motion: Motion, n: int = FRAMES
) -> list[np.ndarray]:
    """``n`` frames (float32 size x size x 3, t = -(n//2)..n//2) of ``scene`` (float32, at the
    output scale, larger than ``size`` by the motion's margin) under ``motion``: rendered at
    twice the size (bicubic) and area-averaged down."""
    big = 2 * size
    scene = cv2.resize(
        scene, (2 * scene.shape[1], 2 * scene.shape[0]), interpolation=cv2.INTER_CUBIC
    )
    sh, sw = scene.shape[:2]
    field = _smooth_field(rng, big, 2 * motion.warp) if motion.warp else None
    yy, xx = np.mgrid[0:big, 0:big].astype(F32)
    rx, ry = xx - big / 2, yy - big / 2
    frames = []
    for t in range(-(n // 2), n // 2 + 1):
        s = motion.zoom**t
        c, si = math.cos(motion.rotation * t) * s, math.sin(motion.rotation * t) * s
        jx, jy = rng.normal(0, motion.shake, 2) if motion.shake and t else (0.0, 0.0)
        ox = sw / 2 + 2 * (motion.velocity[0] * t + jx + motion.phase[0])
        oy = sh / 2 + 2 * (motion.velocity[1] * t + jy + motion.phase[1])
        mx = c * rx - si * ry + ox
        my = si * rx + c * ry + oy
        if field is not None:
            mx = mx + field[:, :, 0] * t
            my = my + field[:, :, 1] * t
        f = cv2.remap(
            scene, mx.astype(F32), my.astype(F32), cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT
        )
        frames.append(np.asarray(cv2.resize(f, (size, size), interpolation=cv2.INTER_AREA), F32))
    return frames


def _scene(rng: np.random.Generator, src: PatchSource, size: int, margin: int) -> np.ndarray:
    """A float32 crop at the output scale with room for the motion."""
    side = size + 2 * margin
    return src.crop(rng, side, rescale=True).astype(F32) / 255.0


def paste_object(
    rng: np.random.Generator, src: PatchSource, frames: list[np.ndarray], size: int
) -> None:
    """Paste a small textured object that moves on its own path over every frame."""
    r = int(rng.integers(6, max(8, size // 5)))
    s = 2 * r + 3
    tex = src.crop(rng, s, rescale=False).astype(F32) / 255.0
    alpha = np.zeros((s, s), F32)
    cv2.ellipse(
        alpha,
        (s // 2, s // 2),
        (r, max(2, int(r * rng.uniform(0.5, 1.0)))),
        float(rng.uniform(0, 180)),
        0,
        360,
        1.0,
        -1,
        cv2.LINE_AA,
    )
    speed = float(rng.uniform(2, 14))
    ang = float(rng.uniform(0, 2 * math.pi))
    x0, y0 = rng.uniform(0.2 * size, 0.8 * size, 2)
    n = len(frames)
    for i, f in enumerate(frames):
        t = i - n // 2
        m = np.float32(
            [
                [1, 0, x0 + speed * math.cos(ang) * t - s / 2],
                [0, 1, y0 + speed * math.sin(ang) * t - s / 2],
            ]
        )
        a = cv2.warpAffine(alpha, m, (size, size))[:, :, None]
        c = cv2.warpAffine(tex, m, (size, size))
        f *= 1 - a
        f += a * c


def clip(rng: np.random.Generator, src: PatchSource, size: int) -> list[np.ndarray]:
    """Five clean frames (float32 size x size x 3, t = -2..2) of a random shot."""
    motion = draw_motion(rng)
    margin = 40 + int(2 * motion.warp)
    frames = render(rng, _scene(rng, src, size, margin), size, motion)
    if rng.random() < 0.25:
        paste_object(rng, src, frames, size)
    if rng.random() < 0.06:  # a cut: the frames before (or after) it are another shot
        other = render(rng, _scene(rng, src, size, margin), size, draw_motion(rng))
        at = int(rng.choice([-1, 0, 1, 2]))  # the cut lies just before frame ``at``
        for i in range(FRAMES):
            if (at <= 0 and i - CENTRE < at) or (at > 0 and i - CENTRE >= at):
                frames[i] = other[i]
    if rng.random() < 0.1:  # exposure flicker
        gains = 1 + rng.uniform(-0.02, 0.02, FRAMES)
        frames = [f * float(g) for f, g in zip(frames, gains, strict=True)]
    return [np.clip(f, 0, 1).astype(F32) for f in frames]


# ---- noise -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoiseKind:
    """One clip's noise: ``kind`` white / sensor / grain, level ``sigma`` (0-1 units)."""

    kind: str
    sigma: float
    share: float = 0.5  # sensor: share of the variance that is signal-dependent
    blur: float = 0.8  # grain: size of the grain
    chroma: float = 0.25  # grain: colour noise beside the luminance grain


def draw_noise_kind(rng: np.random.Generator, sigma: float) -> NoiseKind:
    k = rng.random()
    if k < 0.4:
        return NoiseKind("white", sigma)
    if k < 0.7:
        return NoiseKind("sensor", sigma, share=float(rng.uniform(0.3, 0.9)))
    return NoiseKind(
        "grain", sigma, blur=float(rng.uniform(0.4, 1.2)), chroma=float(rng.uniform(0.1, 0.4))
    )


def noise(rng: np.random.Generator, clean: np.ndarray, nk: NoiseKind) -> np.ndarray:
    """One frame's noise (drawn afresh for every frame), as :func:`training.synth.synth_noise`
    draws it for its kinds."""
    h, w = clean.shape[:2]
    if nk.kind == "white":
        return rng.normal(0, nk.sigma, clean.shape).astype(F32)
    if nk.kind == "sensor":
        a = nk.share * nk.sigma**2 / 0.5
        b = (1 - nk.share) * nk.sigma**2
        std = np.sqrt(a * np.clip(clean, 0, 1) + b)
        return (rng.normal(0, 1, clean.shape) * std).astype(F32)
    lum = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(F32), (0, 0), nk.blur)
    lum /= lum.std() + 1e-6
    chroma = rng.normal(0, 1, clean.shape).astype(F32) * nk.chroma
    return ((lum[:, :, None] + chroma) * nk.sigma).astype(F32)


def noisy_clip(
    rng: np.random.Generator, frames: list[np.ndarray], nk: NoiseKind
) -> tuple[list[np.ndarray], float]:
    """(8-bit quantised noisy frames, the level: the centre frame's noise standard deviation)."""
    out, level = [], 0.0
    for i, f in enumerate(frames):
        n = noise(rng, f, nk)
        if i == CENTRE:
            level = float(np.sqrt(np.mean(np.square(n, dtype=np.float64))))
        out.append(quantise(f + n))
    return out, level


def pan_clip(
    rng: np.random.Generator, img: np.ndarray, size: int, n: int, max_speed: float = 4.0
) -> list[np.ndarray]:
    """``n`` frames (float32) of a held-out photograph (RGB uint8) under a plain pan of up to
    ``max_speed`` px/frame in each direction, rendered as the training clips are."""
    h, w = img.shape[:2]
    v = rng.uniform(-max_speed, max_speed, 2)
    margin = math.ceil(max_speed * n / 2) + 8
    side = size + 2 * margin
    if min(h, w) < side:
        raise ValueError(f"a {w}x{h} photograph is too small for a {size} px pan")
    y = int(rng.integers(0, h - side + 1))
    x = int(rng.integers(0, w - side + 1))
    scene = img[y : y + side, x : x + side].astype(F32) / 255.0
    motion = Motion(velocity=(float(v[0]), float(v[1])), phase=(0.25, 0.5))
    return render(rng, scene, size, motion, n)
