"""The temporal models' alignment: neighbours warped onto the frame, and gates that close where
the warped neighbour is not the same picture (a cut, an occlusion, the frame's edge)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from workbench.tools import temporal_align as ta


def texture(seed: int, h: int = 200, w: int = 260) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = sum(
        cv2.GaussianBlur(rng.random((h, w, 3)).astype(np.float32), (0, 0), s) * s
        for s in (1.5, 4.0, 12.0)
    )
    img = (img - img.min()) / (img.max() - img.min())
    return img.astype(np.float32)


def shifted(img: np.ndarray, dx: float, dy: float, size: tuple[int, int] = (96, 128)) -> np.ndarray:
    m = np.float32([[1, 0, -(40 + dx)], [0, 1, -(40 + dy)]])
    out = cv2.warpAffine(img, m, (size[1], size[0]), flags=cv2.INTER_CUBIC)
    return np.asarray(out, np.float32)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / np.mean((a - b) ** 2)))


def test_a_panned_neighbour_is_aligned_and_trusted() -> None:
    scene = texture(1)
    current, neighbour = shifted(scene, 0, 0), shifted(scene, 3.5, -2.0)
    warped, gate = ta.align(current, neighbour)
    inner = (slice(12, -12), slice(12, -12))
    assert psnr(warped[inner], current[inner]) > 35 > psnr(neighbour[inner], current[inner])
    assert gate[inner].mean() > 0.95


def test_noise_alone_does_not_close_the_gate() -> None:
    rng = np.random.default_rng(0)
    scene = texture(2)
    noisy = [
        np.clip(shifted(scene, dx, 0) + rng.normal(0, 40 / 255, (96, 128, 3)), 0, 1)
        for dx in (0, 2)
    ]
    _, gate = ta.align(noisy[0].astype(np.float32), noisy[1].astype(np.float32))
    assert gate[12:-12, 12:-12].mean() > 0.9


def test_another_shot_is_not_used() -> None:
    current, other = shifted(texture(3), 0, 0), shifted(texture(4), 0, 0)
    planes, gates = ta.temporal_planes(current, {-1: other, 1: other}, 1)
    assert gates[0].mean() < 0.05 and gates[1].mean() < 0.05
    # where the gate is closed the model is handed nothing of the other shot
    closed = gates[0] == 0
    assert closed.mean() > 0.9 and not planes[0][closed].any()


def test_missing_neighbours_are_zero_differences_with_a_closed_gate() -> None:
    current = shifted(texture(5), 0, 0)
    x = ta.temporal_input(current, {1: shifted(texture(5), 1, 0)}, 2, level=0.1)
    assert x.shape == (96, 128, 3 + 1 + 4 * 3 + 4)
    assert np.array_equal(x[:, :, :3], current)
    assert np.all(x[:, :, 3] == np.float32(0.1))
    for k, plane in zip(ta.offsets(2), range(4), strict=True):
        rgb = x[:, :, 4 + 3 * plane : 7 + 3 * plane]
        g = x[:, :, 16 + plane]
        if k == 1:
            assert g.mean() > 0.5
        else:
            assert not rgb.any() and not g.any()


def test_the_part_that_left_the_frame_is_not_trusted() -> None:
    scene = texture(6)
    current, neighbour = shifted(scene, 0, 0), shifted(scene, 12, 0)
    _, gate = ta.align(current, neighbour)
    # the scene moved 12 px left: the current frame's left edge lies outside the neighbour
    assert gate[20:-20, :8].max() < 0.05
    assert gate[20:-20, 30:-20].min() > 0.9


@pytest.mark.parametrize("shape", [(20, 300, 3), (300, 20, 3), (1, 1, 3)])
def test_frames_too_small_to_align_get_closed_gates(shape: tuple[int, int, int]) -> None:
    current = np.full(shape, 0.5, np.float32)
    x = ta.temporal_input(current, {-1: current, 1: current}, 1)
    assert x.shape == (*shape[:2], 3 + 2 * 4)
    assert not x[:, :, -2:].any()


def test_neighbours_beyond_a_cut_are_not_used_even_where_the_shots_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scene, other = texture(7), texture(8)
    other[:, :62] = scene[:, :62]  # the two shots agree along the left edge
    current = shifted(scene, 0, 0)
    neighbours = {
        -2: shifted(other, -4, 0),  # beyond the cut: another shot
        -1: shifted(other, -2, 0),
        1: shifted(scene, 2, 0),
        2: shifted(scene, 4, 0),
    }
    found = ta.aligned_neighbours(current, neighbours, 2, 0.0)
    assert sorted(found) == [1, 2]
    planes, gates = ta.temporal_planes(current, neighbours, 2, 0.0)
    assert not planes[0].any() and not planes[1].any() and not gates[1].any()
    # (the gates alone would have let the other shot in where the two agree)
    monkeypatch.setattr(ta, "CUT_COVERAGE", 0.0)
    leaky = ta.aligned_neighbours(current, neighbours, 2, 0.0)
    assert leaky[-1][1][20:-20, :12].mean() > 0.5
    monkeypatch.undo()
    # with the cut between -2 and -1 only the far neighbour goes
    neighbours[-1] = shifted(scene, -2, 0)
    assert sorted(ta.aligned_neighbours(current, neighbours, 2, 0.0)) == [-1, 1, 2]
