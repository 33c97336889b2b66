"""Regions that follow the picture: a rectangle or a mask keyframed at a few frames and carried
between them by optical flow — the dust tool's own DIS flow (:func:`dust_repair.flow_to`).

The artist places the region at a few frames (keyframes); :func:`track` reads the frames of the
edit's range once, at a working size of at most :data:`WORK_SIDE` pixels, and follows the region
from each keyframe forward and backward: at each step the region moves by the median flow of
its textured pixels (its flat pixels carry no motion of their own). Between two keyframes the
forward track of the first and the backward track of the second are blended by distance, so
every keyframe is hit exactly and the drift of a long track is shared out, as a compositor's
tracker does; before the first keyframe and after the last there is one track only.

What comes out is a :class:`~workbench.tools.track_record.Track` (plain integers per frame,
pinned by a hash; the record types are re-exported here). Memory: one grey working-size frame per frame of the range between
two keyframes (about 0.3 MB at 720 × 405).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from workbench.errors import UsageError
from workbench.progress import Progress
from workbench.tools.track_record import (
    LINEAR,
    METHOD,
    TRACK_SCHEMA,
    Keyframe,
    Rect,
    Shape,
    Track,
    TrackedRegion,
    canonical_json,
    shift,
)

WORK_SIDE = 720
"""The longest side, in pixels, of the frames the flow is computed on."""
SEARCH = 3
"""How far (working pixels) around the flow's prediction the region's pixels are looked for."""
CLEARER = 0.98
"""A match is taken when its cost is below this share of the search window's median cost
(else the window is too flat to say, and the flow's prediction stands)."""

Frame = NDArray[np.float32]


@dataclass(frozen=True)
class KeyShape:
    """A keyframe with what the tracker follows: its rectangle, or its mask as an array."""

    keyframe: Keyframe
    mask: NDArray[Any] | None = None


def _work_scale(width: int, height: int) -> float:
    return min(1.0, WORK_SIDE / max(width, height))


def _grey(frame: Frame, scale: float) -> NDArray[np.uint8]:
    import cv2

    img = np.asarray(frame, np.float32)
    grey = img if img.ndim == 2 else img @ np.array([0.299, 0.587, 0.114], np.float32)
    if scale < 1.0:
        h, w = grey.shape
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        grey = np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), np.float32)
    out: NDArray[np.uint8] = np.clip(grey * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return out


def _support(shape: KeyShape, size: tuple[int, int], scale: float) -> NDArray[np.bool_]:
    """The keyframe's region at working size, as a boolean image."""
    import cv2

    width, height = size
    full: NDArray[Any]
    if shape.keyframe.rect is not None:
        full = np.zeros((height, width), np.uint8)
        x, y, w, h = shape.keyframe.rect
        full[max(0, y) : max(0, y + h), max(0, x) : max(0, x + w)] = 1
    else:
        mask = np.asarray(shape.mask)
        if mask.ndim == 3:
            mask = mask.max(axis=2)
        full = (mask > 0).astype(np.uint8)
        if full.shape != (height, width):
            full = np.asarray(cv2.resize(full, (width, height), interpolation=cv2.INTER_NEAREST))
    work = (max(1, round(width * scale)), max(1, round(height * scale)))
    if work != (width, height):
        full = np.asarray(cv2.resize(full, work, interpolation=cv2.INTER_NEAREST))
    return np.asarray(full, bool)


def step_motion(
    reference: NDArray[np.uint8], following: NDArray[np.uint8], support: NDArray[np.bool_]
) -> tuple[float, float]:
    """How far the pixels of ``support`` in ``reference`` moved in ``following``.

    The DIS flow's median over the support's textured half predicts it (the flat pixels say
    nothing about motion); the support's own pixels, matched in ``following`` within a few
    pixels of that prediction, correct it. The correction matters: the flow's smoothing drags a
    small object's motion towards its surroundings' (measured: 3.7 px for 4 px a frame on a
    40-px square), which a track would add up frame after frame.
    """
    import cv2

    from workbench.tools.dust_repair import flow_to

    if support.sum() < 4:
        return (0.0, 0.0)
    flow = flow_to(reference.astype(np.float32) / 255.0, following.astype(np.float32) / 255.0)
    gx = cv2.Sobel(reference, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(reference, cv2.CV_32F, 0, 1, ksize=3)
    texture = np.hypot(gx, gy)[support]
    vectors = flow[support]
    textured = texture >= np.percentile(texture, 50)
    if textured.sum() >= 4:
        vectors = vectors[textured]
    predicted = (float(np.median(vectors[:, 0])), float(np.median(vectors[:, 1])))
    return refine(reference, following, support, predicted)


def refine(
    reference: NDArray[np.uint8],
    following: NDArray[np.uint8],
    support: NDArray[np.bool_],
    predicted: tuple[float, float],
) -> tuple[float, float]:
    """The motion of ``support``'s pixels, matched (sum of squared differences, to a tenth of a
    pixel) within ``SEARCH`` px plus a quarter of the predicted motion around ``predicted``;
    the prediction where the window is too flat to say, or would leave the frame."""
    import cv2

    ys, xs = np.nonzero(support)
    y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    radius = SEARCH + int(0.25 * np.hypot(*predicted))
    px, py = round(predicted[0]), round(predicted[1])
    h, w = following.shape
    wy0, wx0 = max(0, y0 + py - radius), max(0, x0 + px - radius)
    wy1, wx1 = min(h, y1 + py + radius), min(w, x1 + px + radius)
    if wy1 - wy0 < y1 - y0 + 2 or wx1 - wx0 < x1 - x0 + 2:
        return predicted  # the region has (nearly) left the frame: keep what the flow says
    template = np.ascontiguousarray(reference[y0:y1, x0:x1], np.float32)
    weights = np.ascontiguousarray(support[y0:y1, x0:x1], np.float32)
    window = np.ascontiguousarray(following[wy0:wy1, wx0:wx1], np.float32)
    cost = np.asarray(cv2.matchTemplate(window, template, cv2.TM_SQDIFF, mask=weights))
    cost = np.nan_to_num(cost, nan=np.inf, posinf=np.inf)
    iy, ix = np.unravel_index(int(np.argmin(cost)), cost.shape)
    best, typical = float(cost[iy, ix]), float(np.median(cost))
    if not np.isfinite(best) or best >= CLEARER * typical:
        return predicted
    fy = _vertex(cost[iy - 1 : iy + 2, ix]) if 0 < iy < cost.shape[0] - 1 else 0.0
    fx = _vertex(cost[iy, ix - 1 : ix + 2]) if 0 < ix < cost.shape[1] - 1 else 0.0
    return (wx0 + int(ix) - x0 + fx, wy0 + int(iy) - y0 + fy)


def _vertex(three: NDArray[Any]) -> float:
    """Where a parabola through three equally spaced costs has its minimum (-0.5..0.5)."""
    a, b, c = (float(v) for v in three)
    denominator = a - 2.0 * b + c
    if not np.isfinite(denominator) or denominator <= 0:
        return 0.0
    return float(np.clip(0.5 * (a - c) / denominator, -0.5, 0.5))


def follow(
    greys: Sequence[NDArray[np.uint8]],
    start: int,
    direction: int,
    support: NDArray[np.bool_],
    progress: Progress,
) -> list[tuple[float, float]]:
    """Offsets (working pixels, from ``greys[start]``) of the region at each frame from
    ``start`` to the end of ``greys`` in ``direction`` (+1 or -1); the first is (0, 0)."""
    offsets = [(0.0, 0.0)]
    dx = dy = 0.0
    stop = len(greys) if direction > 0 else -1
    steps = abs(stop - start) - 1
    for n, j in enumerate(range(start, stop - direction, direction)):
        moved = shift(support.astype(np.float32), round(dx), round(dy)) > 0.5
        mx, my = step_motion(greys[j], greys[j + direction], moved)
        dx, dy = dx + mx, dy + my
        offsets.append((dx, dy))
        progress.update((n + 1) / max(1, steps))
    return offsets


def _clamped(rect: tuple[float, float, float, float], width: int, height: int) -> Rect:
    """Rounded, at least one pixel wide and high, and at least one pixel inside the frame."""
    w, h = max(1, round(rect[2])), max(1, round(rect[3]))
    x = min(max(round(rect[0]), 1 - w), width - 1)
    y = min(max(round(rect[1]), 1 - h), height - 1)
    return (x, y, w, h)


def _check_keys(keys: Sequence[KeyShape], frames: tuple[int, int]) -> list[KeyShape]:
    if not keys:
        raise UsageError("a tracked region needs at least one keyframe")
    ordered = sorted(keys, key=lambda k: k.keyframe.frame)
    numbers = [k.keyframe.frame for k in ordered]
    if len(set(numbers)) != len(numbers):
        raise UsageError("two keyframes are at the same frame")
    if numbers[0] < frames[0] or numbers[-1] > frames[1]:
        raise UsageError(
            f"keyframes {numbers[0]}–{numbers[-1]} are not all inside the frames "
            f"{frames[0]}–{frames[1]} the edit covers",
            hint="put every keyframe inside the edit's frame range",
        )
    shapes = {"rect" if k.keyframe.rect is not None else "mask" for k in ordered}
    if len(shapes) != 1:
        raise UsageError("a tracked region's keyframes are all rectangles or all masks")
    for k in ordered:
        if k.keyframe.rect is None and (k.mask is None or k.keyframe.mask is None):
            raise UsageError(f"the mask keyframe at frame {k.keyframe.frame} has no mask")
    return ordered


def track(
    read: Callable[[int], Frame],
    clip: int,
    frames: tuple[int, int],
    keys: Sequence[KeyShape],
    progress: Progress,
) -> Track:
    """Follow the keyframed region over ``frames`` (``read(i)`` gives frame ``i``)."""
    ordered = _check_keys(keys, frames)
    first, last = frames
    sample = read(ordered[0].keyframe.frame)
    height, width = sample.shape[:2]
    scale = _work_scale(width, height)
    numbers = [k.keyframe.frame for k in ordered]
    bounds = sorted({first, *numbers, last})
    spans = list(itertools.pairwise(bounds)) or [(first, last)]
    total = sum(b - a for a, b in spans) or 1
    done = 0
    # per frame: {keyframe index: offset from that keyframe, full-size pixels}
    tracked: dict[int, dict[int, tuple[float, float]]] = {f: {} for f in range(first, last + 1)}
    for k, key in enumerate(ordered):
        tracked[key.keyframe.frame][k] = (0.0, 0.0)
    for a, b in spans:
        part = progress.sub(done / total, (done + b - a) / total)
        greys = [_grey(read(i), scale) for i in range(a, b + 1)]
        starts = [(k, 0, 1) for k, n in enumerate(numbers) if n == a]
        starts += [(k, len(greys) - 1, -1) for k, n in enumerate(numbers) if n == b]
        for m, (k, start, direction) in enumerate(starts):
            support = _support(ordered[k], (width, height), scale)
            sub = part.sub(m / len(starts), (m + 1) / len(starts))
            for j, (dx, dy) in enumerate(follow(greys, start, direction, support, sub)):
                tracked[a + start + direction * j][k] = (dx / scale, dy / scale)
        done += b - a
    progress.update(1.0, "tracked")
    return _assemble(clip, frames, (width, height), ordered, tracked)


def interpolate(
    clip: int, frames: tuple[int, int], size: tuple[int, int], keys: Sequence[KeyShape]
) -> Track:
    """The keyframed region moved in straight lines between its keyframes (held before the
    first and after the last): for a region that moves steadily, or where flow has nothing to
    follow. A mask keyframe holds until the next one is nearer."""
    ordered = _check_keys(keys, frames)
    numbers = [k.keyframe.frame for k in ordered]
    tracked: dict[int, dict[int, tuple[float, float]]] = {}
    for f in range(frames[0], frames[1] + 1):
        before = [k for k, n in enumerate(numbers) if n <= f]
        after = [k for k, n in enumerate(numbers) if n >= f]
        tracked[f] = {k: (0.0, 0.0) for k in {*before[-1:], *after[:1]}}
    out = _assemble(clip, frames, size, ordered, tracked)
    return Track(
        out.clip, out.frames, out.size, out.shape, out.keyframes, out.rects, out.offsets, LINEAR
    )


def _assemble(
    clip: int,
    frames: tuple[int, int],
    size: tuple[int, int],
    ordered: Sequence[KeyShape],
    tracked: Mapping[int, Mapping[int, tuple[float, float]]],
) -> Track:
    numbers = [k.keyframe.frame for k in ordered]
    keyframes = tuple(k.keyframe for k in ordered)
    rects: list[Rect] = []
    offsets: list[tuple[int, int, int]] = []
    for f in range(frames[0], frames[1] + 1):
        near = tracked[f]
        weights = _weights(f, numbers, near)
        if keyframes[0].rect is not None:
            blended = [0.0, 0.0, 0.0, 0.0]
            for k, wgt in weights.items():
                x, y, w, h = keyframes[k].rect or (0, 0, 0, 0)
                dx, dy = near[k]
                for i, v in enumerate((x + dx, y + dy, w, h)):
                    blended[i] += wgt * v
            rects.append(_clamped((blended[0], blended[1], blended[2], blended[3]), *size))
        else:
            k = max(weights, key=lambda n: (weights[n], -n))
            dx, dy = near[k]
            offsets.append((k, round(dx), round(dy)))
    shape: Shape = "rect" if keyframes[0].rect is not None else "mask"
    return Track(clip, frames, size, shape, keyframes, tuple(rects), tuple(offsets))


def _weights(
    frame: int, numbers: Sequence[int], near: Mapping[int, tuple[float, float]]
) -> dict[int, float]:
    """Each keyframe's share at ``frame``: by distance between the two around it."""
    if frame in numbers:
        return {numbers.index(frame): 1.0}
    if len(near) == 1:
        return {next(iter(near)): 1.0}
    k0, k1 = sorted(near)
    span = numbers[k1] - numbers[k0]
    w1 = (frame - numbers[k0]) / span if span else 0.0
    return {k0: 1.0 - w1, k1: w1}


__all__ = [
    "LINEAR",
    "METHOD",
    "TRACK_SCHEMA",
    "WORK_SIDE",
    "KeyShape",
    "Keyframe",
    "Track",
    "TrackedRegion",
    "canonical_json",
    "follow",
    "interpolate",
    "refine",
    "shift",
    "step_motion",
    "track",
]
