"""Where the repair takes a detection's pixels from: a local sub-pixel fit of each neighbour.

Dense optical flow is smooth and, in fine texture or on a thin line, a tenth of a pixel off
often enough: resampled there, a neighbour misses the current frame by more than 10/255. Around
each detection the shift of each neighbour is fitted again on the undetected ring (a few
Gauss-Newton steps of a translation, Lanczos resampling) and used where it fits the ring better
than the dense flow. On the held-out panning shots: one-frame defects 98.64 -> 99.12 % repaired,
with 30 % two-frame defects 96.57 -> 97.23 %.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Frame = NDArray[np.float32]

#: Ring (px) around a detection on which the shift is fitted, and how far (px) the fit may move
#: from the dense flow's median over the detection.
RING = 10
MAX_CORRECTION = 2.0


def _sample(image: Frame, xs: NDArray[np.float64], ys: NDArray[np.float64]) -> Frame:
    import cv2

    out = cv2.remap(
        np.ascontiguousarray(image, np.float32),
        xs.astype(np.float32),
        ys.astype(np.float32),
        cv2.INTER_LANCZOS4,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return np.asarray(out, np.float32)


def _fit_shift(
    cur: NDArray[np.float64],
    neighbour: Frame,
    grid: tuple[NDArray[np.float64], NDArray[np.float64]],
    ring: NDArray[np.bool_],
    start: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Gauss-Newton fit of a translation ``t`` such that ``neighbour(p + t) ~ cur(p)`` on
    ``ring``; central differences of the resampled neighbour give the gradient."""
    gx, gy = grid
    t = start.copy()
    for _ in range(6):
        s = _sample(neighbour, gx + t[0], gy + t[1]).astype(np.float64)
        dx = _sample(neighbour, gx + t[0] + 0.5, gy + t[1]) - _sample(
            neighbour, gx + t[0] - 0.5, gy + t[1]
        )
        dy = _sample(neighbour, gx + t[0], gy + t[1] + 0.5) - _sample(
            neighbour, gx + t[0], gy + t[1] - 0.5
        )
        r = (s - cur)[ring]
        jx, jy = dx[ring].astype(np.float64), dy[ring].astype(np.float64)
        a = np.array([[np.sum(jx * jx), np.sum(jx * jy)], [np.sum(jx * jy), np.sum(jy * jy)]])
        b = -np.array([np.sum(jx * r), np.sum(jy * r)])
        step = np.clip(np.linalg.solve(a + 1e-6 * np.eye(2), b), -1.0, 1.0)
        t += step
        if np.abs(step).max() < 0.01:
            break
    return t


def refine_region(
    current: Frame,
    neighbour: Frame,
    flow: NDArray[np.float32],
    dense: Frame,
    region: tuple[NDArray[np.int32], int, tuple[int, int, int, int]],
    mask: NDArray[np.bool_],
) -> None:
    """Replace ``dense`` (the neighbour resampled along ``flow``) at the pixels of ``region``
    (label image, label, bounding box x, y, w, h) by the neighbour shifted by a translation
    fitted on the ring around it, when that fits the ring better, samples inside the frame
    and stays within MAX_CORRECTION of the flow. In place."""
    labels, k, (x, y, bw, bh) = region
    h, w = mask.shape
    y0, y1 = max(0, y - RING), min(h, y + bh + RING)
    x0, x1 = max(0, x - RING), min(w, x + bw + RING)
    box = (slice(y0, y1), slice(x0, x1))
    ring = ~mask[box]
    if ring.sum() < 20:
        return
    grid = np.meshgrid(np.arange(x0, x1, dtype=np.float64), np.arange(y0, y1, dtype=np.float64))
    cur = np.asarray(current[box], np.float64)
    inside = labels[box] == k
    start = np.median(np.asarray(flow[box], np.float64)[inside], axis=0)
    t = _fit_shift(cur, neighbour, grid, ring, start)
    sx, sy = grid[0][inside] + t[0], grid[1][inside] + t[1]
    off_frame = sx.min() < -0.5 or sy.min() < -0.5 or sx.max() > w - 0.5 or sy.max() > h - 0.5
    if off_frame or np.abs(t - start).max() > MAX_CORRECTION:
        return
    shifted = _sample(neighbour, grid[0] + t[0], grid[1] + t[1])
    err_dense = float(np.mean((dense[box] - cur)[ring] ** 2))
    err_fit = float(np.mean((shifted - cur)[ring] ** 2))
    if err_fit < err_dense:
        dense[box][inside] = shifted[inside]


def refined_neighbour(
    current: Frame,
    neighbour: Frame,
    flow: NDArray[np.float32],
    dense: Frame,
    mask: NDArray[np.bool_],
) -> Frame:
    """``dense`` with each connected region of ``mask`` refined (:func:`refine_region`)."""
    import cv2

    out = np.array(dense, np.float32, copy=True)
    n, found, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    labels: NDArray[np.int32] = np.asarray(found, np.int32)
    for k in range(1, int(n)):
        bbox = (int(stats[k, 0]), int(stats[k, 1]), int(stats[k, 2]), int(stats[k, 3]))
        refine_region(current, neighbour, flow, out, (labels, k, bbox), mask)
    return out
