"""Dust and scratch repair: align the neighbours, then repair only what the detector marks.

The ``dust`` model sees the current frame and its two neighbours *after* they were aligned onto it
here (dense optical flow), and returns a per-pixel defect probability. The repair takes each marked
pixel from the neighbours; every pixel outside the (slightly grown) mask is returned bit for bit,
so clean regions are never touched. Training and evaluation call these same functions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Frame = NDArray[np.float32]

#: Neighbours that differ from each other by more than this (0-1 units) disagree: one of them
#: also holds a defect (a two-frame defect) or is occluded, so only one of them is used.
DISAGREE = 0.08

#: Radius (px) of the spatial inpainting that decides between two disagreeing neighbours.
INPAINT_RADIUS = 5


def _grey_u8(frame: Frame) -> NDArray[np.uint8]:
    img = np.asarray(frame, np.float32)
    grey = img if img.ndim == 2 else img @ np.array([0.299, 0.587, 0.114], np.float32)
    out: NDArray[np.uint8] = np.clip(grey * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return out


def flow_to(reference: Frame, neighbour: Frame) -> NDArray[np.float32]:
    """Dense flow (H x W x 2, pixels) such that ``reference(p) ~ neighbour(p + flow(p))``."""
    import cv2

    dis = cv2.DISOpticalFlow.create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    # Larger patches and a stiffer variational refinement than the preset: a speck or hair
    # in the reference otherwise drags the flow around it and the repair comes from the wrong
    # place (measured: 95.6 % -> 97.6 % of defect pixels repaired with a perfect mask).
    dis.setPatchSize(16)
    dis.setPatchStride(8)
    dis.setVariationalRefinementAlpha(120.0)
    dis.setVariationalRefinementIterations(10)
    zero = np.zeros((*reference.shape[:2], 2), np.float32)
    flow = np.asarray(dis.calc(_grey_u8(reference), _grey_u8(neighbour), zero), np.float32)
    return flow


def warp(neighbour: Frame, flow: NDArray[np.float32]) -> Frame:
    """Resample ``neighbour`` along ``flow`` onto the reference grid (bilinear, edge clamped)."""
    import cv2

    h, w = flow.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    out: Frame = np.asarray(
        cv2.remap(
            np.ascontiguousarray(neighbour, dtype=np.float32),
            gx + flow[:, :, 0],
            gy + flow[:, :, 1],
            cv2.INTER_CUBIC,
            borderMode=cv2.BORDER_REPLICATE,
        ),
        np.float32,
    )
    return out


def align_neighbours(previous: Frame, current: Frame, following: Frame) -> tuple[Frame, Frame]:
    """Motion-compensate both neighbours onto ``current`` (what the ``dust`` model takes)."""
    return (
        warp(previous, flow_to(current, previous)),
        warp(following, flow_to(current, following)),
    )


def dust_model_input(current: Frame, aligned_prev: Frame, aligned_next: Frame) -> Frame:
    """H x W x 9 array (current, aligned previous, aligned next) for the ``dust`` model."""
    return np.concatenate(
        [np.asarray(a, np.float32) for a in (current, aligned_prev, aligned_next)], axis=2
    )


def detect_both_ways(
    run: Callable[[Frame, int], NDArray[np.float32]],
    current: Frame,
    aligned_prev: Frame,
    aligned_next: Frame,
) -> NDArray[np.float32]:
    """Defect probability (H x W): the detector run on ``dust_model_input`` with the neighbours
    in both orders, the larger probability kept. ``run(stack, k)`` runs the model on the
    k-th (0 or 1) stack.

    The shipped detector learnt two-frame defects shared with the *next* frame only, so the
    second frame of a two-frame hair (shared with the previous one) went unseen; with the
    neighbours swapped it is the case it knows. Measured on the held-out shots with 30 %
    two-frame defects, half of them shared with the previous frame: 93.3 -> 96.3 % of defect
    pixels repaired (51.0 -> 49.0 dB outside them); one-frame defects 97.9 -> 98.3 %.
    """
    forward = run(dust_model_input(current, aligned_prev, aligned_next), 0)
    swapped = run(dust_model_input(current, aligned_next, aligned_prev), 1)
    return np.maximum(forward, swapped)


def defect_mask(
    probability: NDArray[np.float32], threshold: float = 0.5, grow: int = 1
) -> NDArray[np.bool_]:
    """Boolean mask of the pixels to repair: the detector's probability above ``threshold``,
    grown by ``grow`` pixels so a defect's soft rim goes with it."""
    import cv2

    mask = (np.asarray(probability, np.float32) > threshold).astype(np.uint8)
    if grow > 0 and mask.any():
        shape = cv2.MORPH_RECT if grow == 1 else cv2.MORPH_ELLIPSE
        kernel = cv2.getStructuringElement(shape, (2 * grow + 1, 2 * grow + 1))
        mask = np.asarray(cv2.dilate(mask, kernel), np.uint8)
    return mask.astype(bool)


def spatial_estimate(current: Frame, mask: NDArray[np.bool_]) -> NDArray[np.float32]:
    """The masked pixels of ``current`` (N x C, in mask order) inpainted from their unmasked
    surroundings: what decides between two disagreeing neighbours."""
    import cv2

    u8 = np.clip(np.asarray(current, np.float32) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    guess = cv2.inpaint(u8, mask.astype(np.uint8), INPAINT_RADIUS, cv2.INPAINT_TELEA)
    return np.asarray(guess, np.float32)[mask] / 255.0


def repair_from_neighbours(
    current: Frame,
    aligned_prev: Frame,
    aligned_next: Frame,
    mask: NDArray[np.bool_],
    estimate: NDArray[np.float32] | None = None,
) -> Frame:
    """Replace the masked pixels of ``current`` from its aligned neighbours; leave the rest as is.

    Where the neighbours agree, their mean is used. Where they disagree (one of them holds a
    defect too, or an occlusion), the one closer to a spatial estimate -- the masked pixels
    inpainted from their unmasked surroundings in ``current`` -- is taken. The estimate only
    chooses; it never becomes the output. (The earlier rule, "the neighbour further from the
    current frame", picked the *defective* neighbour wherever the mask held a clean pixel next
    to a neighbour's defect: with 30 % two-frame defects it repaired 95.5 % of defect pixels
    at 44.2 dB outside them; this rule 97.4 % at 49.9 dB.) ``estimate``: the
    :func:`spatial_estimate` of ``current`` and ``mask``, when the caller already has it.
    """
    out = np.array(current, dtype=np.float32, copy=True)
    if not mask.any():
        return out
    prev = np.asarray(aligned_prev, np.float32)[mask]
    nxt = np.asarray(aligned_next, np.float32)[mask]
    mean = 0.5 * (prev + nxt)
    disagree = np.abs(prev - nxt).max(axis=-1, keepdims=True) > DISAGREE
    if disagree.any():
        est = spatial_estimate(current, mask) if estimate is None else estimate
        prev_closer = np.abs(prev - est).sum(axis=-1, keepdims=True) < np.abs(nxt - est).sum(
            axis=-1, keepdims=True
        )
        out[mask] = np.where(disagree, np.where(prev_closer, prev, nxt), mean)
    else:
        out[mask] = mean
    return out


def repair_with_realignment(
    previous: Frame,
    current: Frame,
    following: Frame,
    aligned: tuple[Frame, Frame],
    mask: NDArray[np.bool_],
) -> Frame:
    """The full repair: a first repair from the neighbours aligned for detection (``aligned``),
    then the neighbours aligned again onto that repaired frame -- whose flow no longer follows
    the defects -- and the masked pixels of ``current`` repaired from those."""
    if not mask.any():
        return np.array(current, dtype=np.float32, copy=True)
    estimate = spatial_estimate(current, mask)  # the same for both repairs
    first = repair_from_neighbours(current, aligned[0], aligned[1], mask, estimate)
    prev2, next2 = align_neighbours(previous, first, following)
    return repair_from_neighbours(current, prev2, next2, mask, estimate)


def temporal_median(current: Frame, aligned_prev: Frame, aligned_next: Frame) -> Frame:
    """The classical baseline: a motion-compensated temporal median over the three frames."""
    stack = np.stack([current, aligned_prev, aligned_next]).astype(np.float32)
    out: Frame = np.median(stack, axis=0).astype(np.float32)
    return out
