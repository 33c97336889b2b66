"""Motion-compensated neighbours for the temporal models (denoise, deblock), with confidence.

Each neighbour within the model's temporal radius is aligned onto the current frame by dense
optical flow (OpenCV DIS, as the dust tool uses) computed at half resolution on the frames *as
they are* -- noisy or blocky, in training as in the app. Half resolution is four times cheaper,
and the 2 x 2 average also takes three quarters of white noise out of what the flow sees.

A wrong flow must not reach the output as a ghost. Each aligned neighbour gets a confidence
``gate`` in [0, 1], the smaller of two tests, eroded so that an occlusion's rim is distrusted
too, and 0 where its flow points outside the neighbour. (1) *Structure*: the low-pass
difference between the current frame and the aligned neighbour (noise averages out of a
low-pass, a different picture does not) against two fixed thresholds. (2) *Consistency*: the
local mean squared difference against that of the best-matching neighbour at the same place
(which, where the motion was followed, is the noise alone -- of whatever kind and level, also
signal-dependent), the reference capped at what nine times the frame's estimated noise
variance allows, so that a place where *every* neighbour is wrong is not trusted either. A
neighbour trusted over less than a quarter of the frame lies beyond a cut: it, and every
neighbour further out on its side, is not used at all.
The model gets each neighbour as its gated difference ``gate * (aligned - current)``: where
the gate is closed that is 0, exactly what the model sees at a clip's ends or on a still,
where a missing neighbour is a zero difference with a gate of 0 -- so a cut between shots, an
occlusion or a failed flow falls back to single-frame restoration. (Differences, not the
neighbours themselves: they are zero-mean, so a single-frame network grown to take them
starts from its old behaviour and is not thrown off by new inputs that all sit near 0.5.)
Training and evaluation call these same functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

Frame = NDArray[np.float32]
T = TypeVar("T")

#: Low-pass difference (RMS over the channels, 0-1 units) below which an aligned neighbour is
#: fully trusted, and above which it is not used at all. White noise of sigma 55/255 gives about
#: 0.017 after the 2 x 2 average and the blur; a neighbour from another shot gives far more.
GATE_LOW = 0.035
GATE_HIGH = 0.07
#: Gaussian blur (half-resolution px) of the difference before it is compared.
GATE_BLUR = 2.0
#: Erosion (half-resolution px) of the gate: an occluded region's rim is distrusted too.
GATE_ERODE = 1
#: The consistency test: a neighbour whose local mean squared difference is at most
#: ERROR_OPEN times the reference is trusted, from ERROR_CLOSED times it not at all; the
#: Gaussian window (half-resolution px) of that local mean; the reference's floor (about the
#: resampling error of a clean picture, so clean footage is not held to exactness), as the RMS
#: difference per channel it stands for; the deblocker's floor is the coding error of an
#: H.264 frame at the CRFs it was trained on, which two aligned decoded frames differ by.
ERROR_OPEN = 1.5
ERROR_CLOSED = 4.0
ERROR_BLUR = 1.5
ERROR_FLOOR = 2.0 / 255.0
DEBLOCK_ERROR_FLOOR = 5.0 / 255.0
#: Frames with a side shorter than this (px) are not aligned: their neighbours get a gate of 0.
MIN_SIDE = 32
#: A neighbour whose gates cover less of the frame than this lies beyond a cut (measured on
#: held-out cuts: at most 0.11; the same shot at least 0.94) and is not used at all, nor any
#: neighbour further out on its side.
CUT_COVERAGE = 0.25


def _half_size(shape: Sequence[int]) -> tuple[int, int]:
    """(width, height) of the half-resolution grid of a frame of ``shape`` (H, W, ...)."""
    return max(1, int(shape[1]) // 2), max(1, int(shape[0]) // 2)


def half_grey(frame: Frame) -> NDArray[np.uint8]:
    """The frame at half resolution (2 x 2 area average), as 8-bit luma: what the flow sees."""
    import cv2

    img = np.asarray(frame, np.float32)
    small = cv2.resize(img, _half_size(img.shape), interpolation=cv2.INTER_AREA)
    grey = small if small.ndim == 2 else small @ np.array([0.299, 0.587, 0.114], np.float32)
    out: NDArray[np.uint8] = np.clip(grey * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return out


def half_flow(reference: NDArray[np.uint8], neighbour: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Dense flow (half-resolution px) such that ``reference(p) ~ neighbour(p + flow(p))``."""
    import cv2

    dis = cv2.DISOpticalFlow.create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    # The dust tool's settings (larger patches, a stiffer variational refinement): on noisy
    # held-out pans at half resolution they follow 82 % of pixels to within a full-resolution
    # pixel, against 68 % for the preset, at about the same cost.
    dis.setPatchSize(16)
    dis.setPatchStride(8)
    dis.setVariationalRefinementAlpha(120.0)
    dis.setVariationalRefinementIterations(10)
    zero = np.zeros((*reference.shape[:2], 2), np.float32)
    return np.asarray(dis.calc(reference, neighbour, zero), np.float32)


def _full_flow(flow: NDArray[np.float32], height: int, width: int) -> NDArray[np.float32]:
    import cv2

    fh, fw = flow.shape[:2]
    big = np.asarray(cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR), np.float32)
    big[:, :, 0] *= width / fw
    big[:, :, 1] *= height / fh
    return big


def _channel_mean(img: NDArray[np.float32]) -> NDArray[np.float32]:
    if img.ndim == 2:
        return img
    flat = img.reshape(-1, img.shape[2]) @ np.full(img.shape[2], 1.0 / img.shape[2], np.float32)
    return np.asarray(flat.reshape(img.shape[:2]), np.float32)


def structure_gate(
    current: Frame, aligned: Frame, flow: NDArray[np.float32]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(test 1 of the module docstring at half resolution, 0 where the flow leaves the
    neighbour; the local mean squared difference at half resolution, for test 2)."""
    import cv2

    size = _half_size(current.shape)
    diff = cv2.subtract(np.asarray(current, np.float32), np.asarray(aligned, np.float32))
    low = cv2.GaussianBlur(cv2.resize(diff, size, interpolation=cv2.INTER_AREA), (0, 0), GATE_BLUR)
    rms = np.sqrt(_channel_mean(np.asarray(cv2.multiply(low, low), np.float32)))
    g = np.clip((GATE_HIGH - rms) / (GATE_HIGH - GATE_LOW), 0.0, 1.0).astype(np.float32)
    fh, fw = flow.shape[:2]
    tx = flow[:, :, 0] + np.arange(fw, dtype=np.float32)[None, :]
    ty = flow[:, :, 1] + np.arange(fh, dtype=np.float32)[:, None]
    g[(tx < -0.5) | (tx > fw - 0.5) | (ty < -0.5) | (ty > fh - 0.5)] = 0.0
    square = cv2.resize(cv2.multiply(diff, diff), size, interpolation=cv2.INTER_AREA)
    error = cv2.GaussianBlur(_channel_mean(np.asarray(square, np.float32)), (0, 0), ERROR_BLUR)
    return g, np.asarray(error, np.float32)


def consistency_gates(
    errors: list[NDArray[np.float32]], noise_sigma: float, floor: float = ERROR_FLOOR
) -> list[NDArray[np.float32]]:
    """Test 2 of the module docstring for each neighbour's local mean squared difference."""
    ref = np.minimum.reduce(errors) if len(errors) > 1 else errors[0]
    low = 2.0 * float(floor) ** 2  # two frames' independent errors
    cap = max(low, 2.0 * (3.0 * float(noise_sigma)) ** 2)
    ref = np.clip(ref, low, cap)
    return [
        np.clip((ERROR_CLOSED * ref - e) / ((ERROR_CLOSED - ERROR_OPEN) * ref), 0.0, 1.0)
        for e in errors
    ]


def _finish_gate(g: NDArray[np.float32], height: int, width: int) -> NDArray[np.float32]:
    import cv2

    if GATE_ERODE > 0:
        k = 2 * GATE_ERODE + 1
        g = np.asarray(cv2.erode(g, np.ones((k, k), np.uint8)), np.float32)
    out = cv2.resize(
        np.ascontiguousarray(g, np.float32), (width, height), interpolation=cv2.INTER_LINEAR
    )
    return np.clip(np.asarray(out, np.float32), 0.0, 1.0)


def warp_onto(
    current: Frame,
    neighbour: Frame,
    current_grey: NDArray[np.uint8],
    neighbour_grey: NDArray[np.uint8] | None = None,
) -> tuple[Frame, NDArray[np.float32]]:
    """(``neighbour`` warped onto ``current`` along the half-resolution flow, that flow)."""
    import cv2

    h, w = current.shape[:2]
    ng = half_grey(neighbour) if neighbour_grey is None else neighbour_grey
    flow = half_flow(current_grey, ng)
    full = _full_flow(flow, h, w)
    full[:, :, 0] += np.arange(w, dtype=np.float32)[None, :]
    full[:, :, 1] += np.arange(h, dtype=np.float32)[:, None]
    warped = np.asarray(
        cv2.remap(
            np.ascontiguousarray(neighbour, dtype=np.float32),
            full,
            None,
            cv2.INTER_CUBIC,
            borderMode=cv2.BORDER_REPLICATE,
        ),
        np.float32,
    )
    return warped, flow


def align(current: Frame, neighbour: Frame) -> tuple[Frame, NDArray[np.float32]]:
    """(``neighbour`` warped onto ``current``, its gate) for one neighbour alone (the
    consistency test then has only this neighbour to compare with)."""
    cur = np.asarray(current, np.float32)
    _planes, gates = temporal_planes(cur, {1: neighbour}, 1)
    if min(cur.shape[:2]) < MIN_SIDE:
        return cur.copy(), gates[1]
    warped, _ = warp_onto(cur, np.asarray(neighbour, np.float32), half_grey(cur))
    return warped, gates[1]


#: How many neighbours are aligned at once (threads: OpenCV's flow runs on one core each and
#: releases the interpreter). Training sets 1, to keep to its one core.
PARALLEL = 2


def _map(fn: Callable[[Frame], T], items: list[Frame]) -> list[T]:
    if PARALLEL <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="temporal-align") as pool:
        return list(pool.map(fn, items))


def offsets(radius: int) -> tuple[int, ...]:
    """The neighbour offsets the temporal models take, in channel order: -r..-1, 1..r."""
    return (*range(-radius, 0), *range(1, radius + 1))


def aligned_neighbours(
    current: Frame,
    neighbours: Mapping[int, Frame | None],
    radius: int,
    noise_sigma: float | None = None,
    floor: float = ERROR_FLOOR,
) -> dict[int, tuple[Frame, NDArray[np.float32]]]:
    """offset -> (the neighbour warped onto ``current``, its gate), for the neighbours within
    ``radius`` that are present (not None) and alignable. ``noise_sigma`` (0-1 units) sets the
    cap of the consistency test (None: the frame's automatic estimate); ``floor`` its floor."""
    from workbench.tools.noise_estimate import estimate_noise_sigma

    cur = np.asarray(current, np.float32)
    h, w = cur.shape[:2]
    present = {k: nb for k in offsets(radius) if (nb := neighbours.get(k)) is not None}
    if not present or min(h, w) < MIN_SIDE:
        return {}
    cur_grey = half_grey(cur)

    def one(nb: Frame) -> tuple[Frame, NDArray[np.float32], NDArray[np.float32]]:
        aligned, flow = warp_onto(cur, np.asarray(nb, np.float32), cur_grey)
        return (aligned, *structure_gate(cur, aligned, flow))

    found = dict(zip(present, _map(one, list(present.values())), strict=True))
    sigma = estimate_noise_sigma(cur) if noise_sigma is None else float(noise_sigma)
    checks = consistency_gates([e for _a, _g, e in found.values()], sigma, floor)
    gated = {
        k: (aligned, _finish_gate(np.minimum(g, check), h, w))
        for (k, (aligned, g, _e)), check in zip(found.items(), checks, strict=True)
    }
    return _without_other_shots(gated)


def _without_other_shots(
    gated: dict[int, tuple[Frame, NDArray[np.float32]]],
) -> dict[int, tuple[Frame, NDArray[np.float32]]]:
    """``gated`` less the neighbours that belong to another shot: one whose gates cover less
    than CUT_COVERAGE of the frame lies beyond a cut, and so does every neighbour further out
    on that side. (Two pictures agree here and there -- dark areas, sky -- where the gates
    alone would let a little of the other shot through.)"""
    out = dict(gated)
    for side in (-1, 1):
        beyond = False
        for k in sorted((k for k in gated if k * side > 0), key=abs):
            beyond = beyond or float(gated[k][1].mean()) < CUT_COVERAGE
            if beyond:
                del out[k]
    return out


def temporal_planes(
    current: Frame,
    neighbours: Mapping[int, Frame | None],
    radius: int,
    noise_sigma: float | None = None,
    floor: float = ERROR_FLOOR,
) -> tuple[list[Frame], list[NDArray[np.float32]]]:
    """(gated differences ``gate * (aligned - current)``, gates) in :func:`offsets` order. A
    neighbour that is missing (None, or absent: a clip's end, a still) is a zero difference
    with a gate of 0, exactly as a neighbour whose flow failed everywhere. ``noise_sigma`` and
    ``floor``: as for :func:`aligned_neighbours`."""
    x = temporal_input(current, neighbours, radius, None, floor, noise_sigma)
    n = len(offsets(radius))
    planes = [np.ascontiguousarray(x[:, :, 3 + 3 * i : 6 + 3 * i]) for i in range(n)]
    gates = [np.ascontiguousarray(x[:, :, 3 + 3 * n + i]) for i in range(n)]
    return planes, gates


def temporal_input(
    current: Frame,
    neighbours: Mapping[int, Frame | None],
    radius: int = 2,
    level: float | None = None,
    floor: float = ERROR_FLOOR,
    noise_sigma: float | None = None,
) -> Frame:
    """H x W x C stack for a temporal model: the current RGB, then (denoise) the noise-level
    plane when ``level`` is given, then each neighbour's gated difference from the current
    frame (RGB, ``gate * (aligned - current)``) and each gate, in :func:`offsets` order:
    C = 3 + (1) + 4 * 2 * radius (a view of planes stored one after another, as the model's
    NCHW tiles are cut from them). ``floor``: the consistency test's (:data:`ERROR_FLOOR`,
    :data:`DEBLOCK_ERROR_FLOOR` for the deblocker); its cap comes from ``noise_sigma``, else
    from ``level``, else from the frame's automatic estimate."""
    cur = np.asarray(current, np.float32)
    h, w = cur.shape[:2]
    sigma = noise_sigma if noise_sigma is not None else level
    found = aligned_neighbours(cur, neighbours, radius, sigma, floor)
    o = 3 + int(level is not None)
    n = len(offsets(radius))
    # stored plane by plane (what the model's NCHW tiles are cut from), handed out as H x W x C
    out = np.zeros((o + 4 * n, h, w), np.float32)
    out[:3] = cur.transpose(2, 0, 1)
    if level is not None:
        out[3] = float(level)
    for i, k in enumerate(offsets(radius)):
        if k in found:
            aligned, g = found[k]
            diff = np.subtract(aligned, cur)
            diff *= g[:, :, None]
            out[o + 3 * i : o + 3 * i + 3] = diff.transpose(2, 0, 1)
            out[o + 3 * n + i] = g
    return np.asarray(out.transpose(1, 2, 0))
