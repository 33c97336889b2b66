from __future__ import annotations

import numpy as np

from workbench.tools import dust_repair


def _textured(h: int, w: int, seed: int = 0) -> np.ndarray:
    import cv2

    rng = np.random.default_rng(seed)
    img = cv2.GaussianBlur(rng.random((h, w, 3)).astype(np.float32), (0, 0), 3.0)
    img = (img - img.min()) / (img.max() - img.min())
    return np.asarray(img, np.float32)


def _pan(scene: np.ndarray, dx: float, size: tuple[int, int]) -> np.ndarray:
    import cv2

    m = np.float32([[1, 0, -(20 + dx)], [0, 1, -20]])
    return np.asarray(cv2.warpAffine(scene, m, (size[1], size[0]), flags=cv2.INTER_LINEAR))


def test_alignment_undoes_a_pan() -> None:
    scene = _textured(200, 260)
    prev, cur, nxt = (_pan(scene, dx, (128, 160)) for dx in (-3.0, 0.0, 3.0))
    wp, wn = dust_repair.align_neighbours(prev, cur, nxt)
    inner = (slice(16, -16), slice(16, -16))
    before = np.abs(prev - cur)[inner].mean()
    after = np.abs(wp - cur)[inner].mean()
    assert after < 0.25 * before
    assert np.abs(wn - cur)[inner].mean() < 0.25 * np.abs(nxt - cur)[inner].mean()


def test_repair_touches_only_the_mask() -> None:
    rng = np.random.default_rng(1)
    cur = rng.random((32, 40, 3)).astype(np.float32)
    wp = rng.random((32, 40, 3)).astype(np.float32)
    wn = wp.copy()
    mask = np.zeros((32, 40), bool)
    mask[10:14, 5:9] = True
    out = dust_repair.repair_from_neighbours(cur, wp, wn, mask)
    assert np.array_equal(out[~mask], cur[~mask])  # bit for bit
    assert np.allclose(out[mask], wp[mask])


def test_two_frame_defect_takes_the_clean_neighbour() -> None:
    clean = np.full((24, 24, 3), 0.6, np.float32)
    cur = clean.copy()
    cur[10:14, 10:14] = 0.05  # a dark speck here ...
    wn = cur.copy()  # ... and in the next frame too
    mask = np.zeros((24, 24), bool)
    mask[9:15, 9:15] = True
    for wp, wn_ in ((clean, wn), (wn, clean)):  # whichever neighbour shares it
        out = dust_repair.repair_from_neighbours(cur, wp, wn_, mask)
        assert np.allclose(out, clean)


def test_a_neighbours_defect_is_not_copied_into_a_clean_frame() -> None:
    """The detector marked clean pixels (next to the next frame's speck): whatever is taken
    there must be clean. The old rule ("the neighbour further from the current frame") took
    the speck."""
    cur = np.full((24, 24, 3), 0.6, np.float32)
    wn = cur.copy()
    wn[10:14, 10:14] = 0.05
    mask = np.zeros((24, 24), bool)
    mask[9:15, 9:15] = True
    out = dust_repair.repair_from_neighbours(cur, cur.copy(), wn, mask)
    assert np.allclose(out, 0.6)


def test_mask_threshold_and_growth() -> None:
    prob = np.zeros((9, 9), np.float32)
    prob[4, 4] = 0.9
    prob[0, 0] = 0.3
    m0 = dust_repair.defect_mask(prob, 0.5, grow=0)
    assert m0.sum() == 1 and m0[4, 4]
    m1 = dust_repair.defect_mask(prob, 0.5, grow=1)
    assert m1[3:6, 3:6].all() and not m1[0, 0]


def test_model_input_and_median() -> None:
    a, b, c = (np.full((4, 6, 3), v, np.float32) for v in (0.1, 0.5, 0.9))
    x = dust_repair.dust_model_input(a, b, c)
    assert x.shape == (4, 6, 9)
    assert np.allclose(dust_repair.temporal_median(a, b, c), 0.5)


def test_disagreeing_neighbours_are_chosen_once_per_region() -> None:
    """Two separate defect regions; in each, the spatial estimate points to the clean
    neighbour at most pixels but to the defective one at a few (as inpainting does in
    texture): every pixel of a region takes the neighbour its region voted for."""
    cur = np.full((20, 40, 3), 0.5, np.float32)
    wp = cur.copy()
    wn = cur.copy()
    mask = np.zeros((20, 40), bool)
    mask[5:10, 5:10] = True  # region A: the next frame holds the defect
    mask[5:10, 25:30] = True  # region B: the previous frame holds it
    wn[5:10, 5:10] = 0.1
    wp[5:10, 25:30] = 0.9
    est_img = cur.copy()
    est_img[5, 5:10] = 0.1  # a misleading row of the estimate in region A ...
    est_img[5, 25:30] = 0.9  # ... and in region B
    out = dust_repair.repair_from_neighbours(cur, wp, wn, mask, est_img[mask])
    assert np.allclose(out, 0.5)


def _shot_with_a_ball(speed: float) -> tuple[list[np.ndarray], np.ndarray]:
    """Three frames of a static textured scene with a small dark ball moving ``speed`` px per
    frame to the right, and the ball's pixels in the middle frame."""
    import cv2

    scene = _textured(96, 128, seed=3) * 0.5 + 0.4
    frames, ball = [], np.zeros((96, 128), bool)
    for t in (-1, 0, 1):
        f = scene.copy()
        alpha = np.zeros((96, 128), np.float32)
        cv2.circle(alpha, (int(60 + speed * t), 48), 4, 1.0, -1)
        f = f * (1 - alpha[:, :, None]) + 0.05 * alpha[:, :, None]
        frames.append(np.asarray(f, np.float32))
        if t == 0:
            ball = alpha > 0.5
    return frames, ball


def test_a_fast_small_object_is_not_taken_for_dust() -> None:
    frames, ball = _shot_with_a_ball(speed=18.0)
    prob = ball.astype(np.float32)  # the detector took the ball for a speck
    mask = dust_repair.repair_mask(prob, frames[1], frames[0], frames[2])
    assert not mask.any()
    out = dust_repair.repair_with_realignment(
        frames[0], frames[1], frames[2], (frames[0], frames[2]), mask
    )
    assert np.array_equal(out, frames[1])


def test_one_and_two_frame_specks_are_still_repaired() -> None:
    frames, _ = _shot_with_a_ball(speed=0.0)  # the 'ball' is static scene content here
    scene = frames
    speck = np.zeros((96, 128), bool)
    speck[20:26, 30:36] = True
    for shared_with in (None, 0, 2):  # a one-frame speck, then shared with either neighbour
        dirty = [f.copy() for f in scene]
        for t in (1,) if shared_with is None else (1, shared_with):
            dirty[t][speck] = 0.02
        mask = dust_repair.repair_mask(
            speck.astype(np.float32), dirty[1], dirty[0], dirty[2], grow=0
        )
        assert np.array_equal(mask, speck)
