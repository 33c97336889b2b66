"""Which detections are dust: the checks between the ``dust`` detector and the repair.

The detector marks what looks like a defect; these checks take back every connected detection
that the three frames show to be real content, so that the repair never touches it. Dust is in
one frame (or two, fixed on the screen) and absent in the aligned neighbours; real content is
there in the neighbours too -- where the scene moved it (a moving object), a pixel or two off
(a misaligned highlight or edge), or in one neighbour only, but *aligned* with the scene, where a
two-frame defect would sit at the same place on the screen instead. Each check is measured on
the held-out panning shots and on clean shots (no defects: nothing may change); the figures are
in ``training/README.md`` (fifth session). Training, evaluation and the app call these same
functions through :func:`workbench.tools.dust_repair.repair_frame`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Frame = NDArray[np.float32]
Mask = NDArray[np.bool_]

#: How far (px per frame) a moving object is looked for in the aligned neighbours, the largest
#: detection (bounding box side, px) checked for being one, and how far the two offsets may be
#: from exactly opposite (px) for a steady motion.
OBJECT_SEARCH = 40
OBJECT_MAX_SIDE = 128
OBJECT_SLACK = 2

#: A replacement within this of the current pixel (every channel, 0-1 units) is no repair: the
#: pixel is kept bit for bit (6/255: under the grain and the resampling error of the neighbours).
KEEP = 6.0 / 255.0


def components(mask: Mask) -> tuple[int, NDArray[np.int32], NDArray[np.int32]]:
    """(count + 1, label image, stats) of the 8-connected regions of ``mask``."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return int(n), np.asarray(labels, np.int32), np.asarray(stats, np.int32)


def _sq_cost(image: Frame, template: Frame, weights: NDArray[np.float32]) -> NDArray[np.float64]:
    """Weighted squared difference of ``template`` at every position inside ``image``."""
    import cv2

    cost = cv2.matchTemplate(
        np.ascontiguousarray(image, np.float32),
        np.ascontiguousarray(template, np.float32),
        cv2.TM_SQDIFF,
        mask=np.ascontiguousarray(np.repeat(weights[:, :, None], template.shape[2], axis=2)),
    )
    return np.nan_to_num(np.asarray(cost, np.float64), nan=np.inf, posinf=np.inf)


def _offset_costs(
    template: Frame, weights: NDArray[np.float32], image: Frame, y: int, x: int, radius: int
) -> NDArray[np.float64]:
    """Cost (mean squared error) of ``template`` placed at every offset (dy, dx) within
    ``radius`` of (y, x) in ``image``: a (2r+1) x (2r+1) array, infinite off the frame."""
    h, w = template.shape[:2]
    ih, iw = image.shape[:2]
    ya, xa = max(0, y - radius), max(0, x - radius)
    yb, xb = min(ih, y + h + radius), min(iw, x + w + radius)
    out = np.full((2 * radius + 1, 2 * radius + 1), np.inf)
    if yb - ya < h or xb - xa < w:
        return out
    cost = _sq_cost(image[ya:yb, xa:xb], template, weights)
    n = float(weights.sum()) * template.shape[2]
    oy, ox = ya - (y - radius), xa - (x - radius)
    out[oy : oy + cost.shape[0], ox : ox + cost.shape[1]] = np.maximum(cost, 0.0) / n
    return out


def _background_motion(
    flow: NDArray[np.float32], labels: NDArray[np.int32], k: int, box: tuple[int, ...]
) -> Any:
    """The median of ``flow`` 16-48 px around a detection: the scene's motion there. (At the
    detection itself, and next to it, the flow follows the moving object.)"""
    import cv2

    x, y, w, h = box
    hh, ww = labels.shape
    ya, yb = max(0, y - 48), min(hh, y + h + 48)
    xa, xb = max(0, x - 48), min(ww, x + w + 48)
    region = (labels[ya:yb, xa:xb] == k).astype(np.uint8)
    near = cv2.dilate(region, np.ones((33, 33), np.uint8))
    around = np.asarray(flow[ya:yb, xa:xb])[np.asarray(near) == 0]
    return np.median(around, axis=0) if len(around) else np.zeros(2)


def _mirrored_costs(
    template: Frame,
    weights: NDArray[np.float32],
    raw: tuple[Frame, Frame],
    motion: tuple[NDArray[np.float64], NDArray[np.float64]],
    y: int,
    x: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Cost maps over the object's own motion ``v`` (index r + v): the previous frame as
    decoded at the scene's motion minus ``v``, the next one at the scene's motion plus ``v``."""
    r = OBJECT_SEARCH
    maps = []
    for frame, m in zip(raw, motion, strict=True):
        by, bx = round(y + float(m[1])), round(x + float(m[0]))
        maps.append(_offset_costs(template, weights, frame, by, bx, r))
    return maps[0][::-1, ::-1], maps[1]


def is_moving_object(
    template: Frame,
    weights: NDArray[np.float32],
    aligned: tuple[Frame, Frame],
    y: int,
    x: int,
    raw: tuple[Frame, Frame] | None = None,
    motion: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
) -> bool:
    """Whether the weighted ``template`` (a detection at (y, x)) is found again in the previous
    neighbour at an offset ``-v`` and in the next one at ``+v``: a steady motion of at least
    2 px relative to the scene.

    Two ways, either suffices. In the aligned neighbours, each alone: the best match in each
    under 0.6 of the RMS error at the detection's own place (which must exceed 0.05), the two
    offsets opposite within 2 px + 15 %. And, given the neighbours as decoded (``raw``) and
    the scene's motion around the detection in each (``motion``): both together, the previous
    frame's cost at the scene's motion minus ``v`` plus the next one's at plus ``v`` (within
    OBJECT_SLACK px), both matches under 0.28 of the error at its own place at the best ``v``,
    and neither at the place a two-frame defect would be (fixed on the screen). The flow
    follows a moving object, so near it the aligned neighbours are distorted: searched there
    alone, a third of the fast objects on clean shots went on being repaired as dust. The
    joint matches of the objects in the held-out and training shots were under 0.25, those
    of dust above 0.32.
    """
    r = OBJECT_SEARCH
    prev = _offset_costs(template, weights, aligned[0], y, x, r)[::-1, ::-1]  # index = -offset
    nxt = _offset_costs(template, weights, aligned[1], y, x, r)
    zero_p, zero_n = float(prev[r, r]), float(nxt[r, r])
    if not min(zero_p, zero_n) > 0.05**2:
        return False
    still = (slice(r - 1, r + 2), slice(r - 1, r + 2))
    prev[still] = np.inf  # moved at least 2 px
    nxt[still] = np.inf
    v_p = np.array(np.unravel_index(int(np.argmin(prev)), prev.shape)) - r
    v_n = np.array(np.unravel_index(int(np.argmin(nxt)), nxt.shape)) - r
    if (
        float(prev.min()) < 0.36 * zero_p
        and float(nxt.min()) < 0.36 * zero_n
        and float(np.hypot(*(v_p - v_n))) <= 2.0 + 0.15 * float(np.hypot(*v_n))
    ):
        return True
    if raw is None or motion is None:
        return False
    return _found_moving_together(template, weights, raw, motion, y, x)


def _found_moving_together(
    template: Frame,
    weights: NDArray[np.float32],
    raw: tuple[Frame, Frame],
    motion: tuple[NDArray[np.float64], NDArray[np.float64]],
    y: int,
    x: int,
) -> bool:
    """The joint search of :func:`is_moving_object` in the neighbours as decoded."""
    import cv2

    r = OBJECT_SEARCH
    prev, nxt = _mirrored_costs(template, weights, raw, motion, y, x)
    zero_p, zero_n = float(prev[r, r]), float(nxt[r, r])
    if not min(zero_p, zero_n) > 0.05**2:
        return False
    k = 2 * OBJECT_SLACK + 1
    finite = np.isfinite(nxt)
    top = float(nxt[finite].max()) + 1.0 if finite.any() else 1.0
    slack = np.asarray(cv2.erode(np.where(finite, nxt, top), np.ones((k, k), np.uint8)))
    slack = np.where(slack >= top, np.inf, slack)
    joint = prev + slack
    joint[r - 1 : r + 2, r - 1 : r + 2] = np.inf  # moved at least 2 px
    if not np.isfinite(joint).any():
        return False
    iy, ix = np.unravel_index(int(np.argmin(joint)), joint.shape)
    v = np.array([ix - r, iy - r], np.float64)  # (x, y), as the flow
    on_screen = min(np.hypot(*(v - motion[0])), np.hypot(*(v + motion[1])))
    ratio = 0.28**2
    found = float(prev[iy, ix]) < ratio * zero_p and float(slack[iy, ix]) < ratio * zero_n
    return found and on_screen > OBJECT_SLACK


def spare_moving_objects(
    mask: Mask,
    core: Mask,
    current: Frame,
    aligned_prev: Frame,
    aligned_next: Frame,
    raw: tuple[Frame, Frame] | None = None,
    flows: tuple[NDArray[np.float32], NDArray[np.float32]] | None = None,
) -> Mask:
    """``mask`` without the detections that are a small object moving across the frame.

    After alignment a fast object looks like a one-frame speck: at its place both neighbours
    show the background. But dust is in one frame (or two, fixed on the screen), while the
    object is in all three, moved (:func:`is_moving_object`; ``raw``: the neighbours as
    decoded, ``flows``: the flows that aligned them, for its joint search). Each connected
    detection of ``mask`` no larger than OBJECT_MAX_SIDE is matched by its ``core`` pixels
    (the detection before growing). Objects faster than OBJECT_SEARCH px per frame, or that
    change shape between frames, are not recognised.
    """
    n, labels, stats = components(mask)
    out = mask.copy()
    cur = np.asarray(current, np.float32)
    for k in range(1, n):
        x, y, w, h = (int(v) for v in stats[k, :4])
        if max(w, h) > OBJECT_MAX_SIDE:
            continue
        weights = ((labels[y : y + h, x : x + w] == k) & core[y : y + h, x : x + w]).astype(
            np.float32
        )
        if weights.sum() < 3:
            continue
        motion = None
        if flows is not None:
            motion = (
                _background_motion(flows[0], labels, k, (x, y, w, h)),
                _background_motion(flows[1], labels, k, (x, y, w, h)),
            )
        template = cur[y : y + h, x : x + w]
        if is_moving_object(template, weights, (aligned_prev, aligned_next), y, x, raw, motion):
            out[labels == k] = False
    return out


@dataclass(frozen=True)
class RegionFacts:
    """What the three frames say about one connected detection (0-1 units; RMS errors over
    its core pixels, the detector's pixels above the threshold)."""

    core_pixels: int
    #: the current frame against each re-aligned neighbour at its own place, and the best
    #: within 2 px
    at_prev: float
    at_next: float
    near_prev: float
    near_next: float
    #: against each neighbour as decoded (not aligned), at the same place on the screen
    screen_prev: float
    screen_next: float
    #: 90th percentile of the repair's change (max over channels) over the core
    change_p90: float
    #: median, on a 6 px ring around the detection (not detected), of how far the mean of the
    #: re-aligned neighbours is from the current frame (max over channels): what grain and
    #: alignment leave where nothing is wrong
    ring_median: float


@dataclass(frozen=True)
class RegionContext:
    """Everything the region checks read: the frames, the masks and the first repair."""

    current: Frame
    previous: Frame
    following: Frame
    prev2: Frame  # the neighbours re-aligned onto the first repair
    next2: Frame
    mask: Mask  # the grown detections, moving objects spared
    core: Mask  # the detector's pixels above the threshold
    repaired: Frame  # current with every pixel of ``mask`` repaired


def _rms_at(cur: Frame, other: Frame, sel: Mask) -> float:
    d = (np.asarray(other, np.float32) - cur)[sel]
    return float(np.sqrt(np.mean(d * d))) if d.size else 0.0


def region_facts(
    labels: NDArray[np.int32],
    stats: NDArray[np.int32],
    k: int,
    ctx: RegionContext,
) -> RegionFacts:
    """The :class:`RegionFacts` of connected detection ``k``."""
    import cv2

    x, y, w, h = (int(v) for v in stats[k, :4])
    box = (slice(y, y + h), slice(x, x + w))
    region = labels[box] == k
    core = region & ctx.core[box]
    cur = ctx.current
    weights = core.astype(np.float32)
    template = cur[box]
    near = [
        float(np.sqrt(_offset_costs(template, weights, nb, y, x, 2).min()))
        for nb in (ctx.prev2, ctx.next2)
    ]
    pad = 6
    ya, xa = max(0, y - pad), max(0, x - pad)
    big = (slice(ya, y + h + pad), slice(xa, x + w + pad))
    grown = np.zeros(labels[big].shape, np.uint8)
    grown[y - ya : y - ya + h, x - xa : x - xa + w] = region
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * pad + 1, 2 * pad + 1))
    ring = np.asarray(cv2.dilate(grown, kernel), bool) & ~ctx.mask[big]
    change = np.abs(ctx.repaired[box] - template).max(axis=2)[core]
    mean2 = 0.5 * (ctx.prev2[big] + ctx.next2[big])
    ring_dev = np.abs(mean2 - cur[big]).max(axis=2)[ring]
    return RegionFacts(
        core_pixels=int(core.sum()),
        at_prev=_rms_at(template, ctx.prev2[box], core),
        at_next=_rms_at(template, ctx.next2[box], core),
        near_prev=near[0],
        near_next=near[1],
        screen_prev=_rms_at(template, ctx.previous[box], core),
        screen_next=_rms_at(template, ctx.following[box], core),
        change_p90=float(np.percentile(change, 90)) if change.size else 0.0,
        ring_median=float(np.median(ring_dev)) if ring_dev.size else 0.0,
    )


def is_real_content(f: RegionFacts) -> str | None:
    """Why a detection is real content (a short reason), or None when it may be dust.

    - ``"too small"``: fewer than 3 core pixels (the detector's noise floor).
    - ``"faint"``: its repair would change 90 % of its pixels by under 8/255: nothing a
      viewer sees, and the pixels stay bit-exact.
    - ``"within the grain"``: its repair changes it by under 3.5 times what the neighbours
      differ by around it (:attr:`RegionFacts.ring_median`), or under 5 times and shifting a
      neighbour by up to 2 px already matches it better (under 0.85 of the error in place):
      a cluster of grain or texture. On the demo sample's grain (no dust in those frames)
      285 detections in 37 frames, 18 left; no defect pixel lost on the held-out or training
      shots.
    - ``"in both neighbours"``: found within 2 px in both re-aligned neighbours (a highlight
      or an edge that the flow misplaced by a pixel).
    - ``"in one neighbour, with the scene"``: it matches one re-aligned neighbour where it is
      (error under 0.06 and under half the other's) but not that neighbour as decoded: it
      moved with the scene, so it is content (the other neighbour is occluded, misaligned or
      holds an object there). A two-frame defect sits still on the screen and matches the
      decoded neighbour instead; in a still shot both match and the detector decides.
    """
    if f.core_pixels < 3:
        return "too small"
    if f.change_p90 < 8.0 / 255.0:
        return "faint"
    at, near = max(f.at_prev, f.at_next), max(f.near_prev, f.near_next)
    if f.change_p90 < 3.5 * f.ring_median or (
        f.change_p90 < 5.0 * f.ring_median and near < 0.85 * at
    ):
        return "within the grain"
    if near < 0.02:
        return "in both neighbours"
    prev_closer = f.at_prev <= f.at_next
    at_a, at_b = (f.at_prev, f.at_next) if prev_closer else (f.at_next, f.at_prev)
    screen_a = f.screen_prev if prev_closer else f.screen_next
    if at_a < 0.06 and at_b > 2.0 * at_a and screen_a > max(2.0 * at_a, 0.03):
        return "in one neighbour, with the scene"
    return None


def final_mask(ctx: RegionContext) -> Mask:
    """The pixels the repair really replaces: the detections that :func:`is_real_content`
    does not take back, less the pixels whose replacement is within KEEP of the current
    value. Every pixel outside it is returned bit for bit."""
    n, labels, stats = components(ctx.mask)
    keep_region = np.zeros(n, bool)
    for k in range(1, n):
        keep_region[k] = is_real_content(region_facts(labels, stats, k, ctx)) is None
    changed = np.abs(ctx.repaired - ctx.current).max(axis=2) >= KEEP
    out: Mask = keep_region[labels] & changed & ctx.mask
    return out


#: Where a kept detection continues under the threshold (the detector's probability falls
#: along a hair where it crosses a strong edge): pixels over EXTEND_LOW connected to it,
#: within EXTEND_STEP px of it, whose replacement changes them by at least EXTEND_MIN in the
#: same direction (darker or lighter) as the detection around them; EXTEND_STEPS rounds.
EXTEND_LOW = 0.1
EXTEND_MIN = 0.15
EXTEND_STEP = 3
EXTEND_STEPS = 3


def extend_along(
    final: Mask,
    probability: NDArray[np.float32],
    ctx: RegionContext,
    repair: Callable[[Mask, tuple[slice, slice]], Frame],
) -> tuple[Mask, Frame]:
    """``final`` continued along the detections it keeps, and the frame repaired there
    (``repair(mask, window)``: the window of the current frame with ``mask`` repaired from
    the same re-aligned neighbours). Only pixels the first repair did not touch are added,
    only next to a kept detection, and only where the replacement is a clear change in the
    detection's own direction -- so nothing is added around a detection that was taken back,
    and grain next to a speck stays as it is. Each group of nearby detections is worked on in
    its own window."""
    import cv2

    out, frame = final.copy(), np.array(ctx.repaired, np.float32, copy=True)
    if not final.any():
        return out, frame
    reach = EXTEND_STEP * EXTEND_STEPS + 12  # the extension, the inpainting, the vote's blur
    groups = cv2.dilate(final.astype(np.uint8), np.ones((2 * reach + 1,) * 2, np.uint8))
    n, labels, stats = components(np.asarray(groups, bool))
    for k in range(1, n):
        x, y, w, h = (int(v) for v in stats[k, :4])
        win = (slice(y, y + h), slice(x, x + w))
        seed = final[win] & (labels[win] == k)
        added, trial = _extend_window(seed, final[win], probability[win], ctx, win, repair)
        out[win] |= added
        frame[win] = np.where(added[:, :, None], trial, frame[win])
    return out, frame


def _extend_window(
    seed: Mask,
    final: Mask,
    probability: NDArray[np.float32],
    ctx: RegionContext,
    win: tuple[slice, slice],
    repair: Callable[[Mask, tuple[slice, slice]], Frame],
) -> tuple[Mask, Frame]:
    """:func:`extend_along` in one window: (the pixels added, the repair there)."""
    import cv2

    current, touched = ctx.current[win], ctx.mask[win] | final
    low = np.asarray(probability, np.float32) > EXTEND_LOW
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * EXTEND_STEP + 1,) * 2)
    luma = np.array([0.299, 0.587, 0.114], np.float32)
    out, added_all = seed.copy(), np.zeros_like(seed)
    trial = np.asarray(current, np.float32)
    for _ in range(EXTEND_STEPS):
        n, labels = cv2.connectedComponents((low | out).astype(np.uint8), connectivity=8)
        labels = np.asarray(labels)
        kept = np.zeros(int(n), bool)
        kept[labels[out]] = True
        kept[0] = False
        near = np.asarray(cv2.dilate(out.astype(np.uint8), kernel), bool)
        candidates = kept[labels] & near & ~touched & ~added_all
        if not candidates.any():
            break
        attempt = repair(out | candidates, win)
        shift = (attempt - current) @ luma
        side = cv2.blur(np.where(out, shift, 0).astype(np.float32), (9, 9))
        clear = np.abs(attempt - current).max(axis=2) >= EXTEND_MIN
        added = candidates & clear & (np.sign(shift) == np.sign(side)) & (side != 0)
        if not added.any():
            break
        trial = np.where(added[:, :, None], attempt, trial)
        added_all |= added
        out |= added
    return added_all, trial
