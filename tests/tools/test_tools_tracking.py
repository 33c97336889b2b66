"""Regions that follow the picture: a keyframed rectangle or mask carried by optical flow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tools.tracking_clips import FRAMES, SIZE, make_moving_square, square_at
from workbench.errors import Cancelled, UsageError
from workbench.media import open_reader
from workbench.progress import Progress
from workbench.tools.tracking import (
    LINEAR,
    Keyframe,
    KeyShape,
    Track,
    TrackedRegion,
    interpolate,
    shift,
    track,
)


@pytest.fixture(scope="module")
def square(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_moving_square(tmp_path_factory.mktemp("track") / "square.mkv")


def rect_key(frame: int, pad: int = 0) -> KeyShape:
    x, y = square_at(frame)
    return KeyShape(Keyframe(frame, rect=(x - pad, y - pad, 32 + 2 * pad, 32 + 2 * pad)))


def errors(tracked: Track, pad: int = 0) -> list[int]:
    out = []
    for f in range(tracked.frames[0], tracked.frames[1] + 1):
        x, y, _, _ = tracked.rects[f - tracked.frames[0]]
        tx, ty = square_at(f)
        out.append(max(abs(x - (tx - pad)), abs(y - (ty - pad))))
    return out


@pytest.mark.parametrize("keys", [[0], [20], [FRAMES - 1], [0, FRAMES - 1], [0, 12, 30]])
def test_a_keyframed_rectangle_follows_the_moving_square(square: Path, keys: list[int]) -> None:
    with open_reader(square) as reader:
        tracked = track(reader.read, 1, (0, FRAMES - 1), [rect_key(k) for k in keys], Progress())
    assert tracked.shape == "rect" and len(tracked.rects) == FRAMES
    assert max(errors(tracked)) <= 2  # the square moves 140 px; the track stays on it
    for k in keys:  # every keyframe is hit exactly
        assert tracked.rects[k] == rect_key(k).keyframe.rect


def test_a_loose_rectangle_around_the_square_follows_it_too(square: Path) -> None:
    with open_reader(square) as reader:
        tracked = track(reader.read, 1, (0, FRAMES - 1), [rect_key(0, pad=10)], Progress())
    assert max(errors(tracked, pad=10)) <= 3


def test_a_still_region_stays_where_it_is(square: Path) -> None:
    key = KeyShape(Keyframe(0, rect=(150, 100, 30, 30)))  # the grid, which does not move
    with open_reader(square) as reader:
        tracked = track(reader.read, 1, (0, 15), [key], Progress())
    assert {r for r in tracked.rects} == {(150, 100, 30, 30)}


def test_a_mask_keyframe_is_carried_as_offsets_of_its_own_mask(square: Path) -> None:
    mask = np.zeros(SIZE[::-1], np.float32)
    x, y = square_at(5)
    mask[y + 4 : y + 28, x + 4 : x + 28] = 1.0  # a disc would do; the inside of the square
    key = KeyShape(Keyframe(5, mask="ab" * 32), mask)
    with open_reader(square) as reader:
        tracked = track(reader.read, 1, (0, 25), [key], Progress())
    assert tracked.shape == "mask" and len(tracked.offsets) == 26
    for f, (k, dx, dy) in enumerate(tracked.offsets):
        assert k == 0
        assert abs(dx - 4 * (f - 5)) <= 2 and abs(dy - 2 * (f - 5)) <= 2
    region, moved = TrackedRegion(tracked, {"ab" * 32: mask}).at(20)
    assert region == {"kind": "mask"}
    assert moved is not None and moved.sum() == mask.sum()  # moved whole, still inside
    k, dx, dy = tracked.offsets[20]
    assert np.array_equal(moved, shift(mask, dx, dy))


def test_the_track_is_plain_data_pinned_by_its_hash(square: Path) -> None:
    with open_reader(square) as reader:
        tracked = track(reader.read, 3, (2, 9), [rect_key(4)], Progress())
    again = Track.from_dict(tracked.to_dict())
    assert again == tracked and again.sha256 == tracked.sha256
    assert tracked.region_record() == {
        "kind": "tracked",
        "sha256": tracked.sha256,
        "shape": "rect",
        "keyframes": [4],
    }
    assert tracked.region_at(4) == {"kind": "rect", "x": 32, "y": 32, "w": 32, "h": 32}
    changed = tracked.to_dict()
    changed["rects"][0][0] += 1
    assert Track.from_dict(changed).sha256 != tracked.sha256
    short = {**tracked.to_dict(), "rects": tracked.to_dict()["rects"][:-1]}
    with pytest.raises(ValueError, match="one region per frame"):
        Track.from_dict(short)


def test_interpolation_without_flow_moves_in_straight_lines() -> None:
    keys = [KeyShape(Keyframe(0, rect=(0, 0, 10, 10))), KeyShape(Keyframe(10, rect=(100, 50, 20, 10)))]
    line = interpolate(1, (0, 14), (200, 100), keys)
    assert line.method == LINEAR
    assert line.rects[5] == (50, 25, 15, 10)
    assert line.rects[14] == line.rects[10] == (100, 50, 20, 10)  # held after the last key


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([], "at least one keyframe"),
        ([KeyShape(Keyframe(40, rect=(0, 0, 8, 8)))], "not all inside"),
        (
            [KeyShape(Keyframe(1, rect=(0, 0, 8, 8))), KeyShape(Keyframe(1, rect=(2, 0, 8, 8)))],
            "same frame",
        ),
        (
            [
                KeyShape(Keyframe(1, rect=(0, 0, 8, 8))),
                KeyShape(Keyframe(3, mask="ab" * 32), np.ones((4, 4))),
            ],
            "all rectangles or all masks",
        ),
    ],
)
def test_keyframes_that_cannot_make_a_track_are_refused(
    keys: list[KeyShape], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        interpolate(1, (0, 20), (64, 64), keys)


def test_tracking_stops_when_cancelled(square: Path) -> None:
    progress = Progress()
    progress.cancel()
    with open_reader(square) as reader, pytest.raises(Cancelled):
        track(reader.read, 1, (0, FRAMES - 1), [rect_key(0)], progress)


def test_shift_moves_whole_pixels_and_fills_with_zero() -> None:
    image = np.arange(20, dtype=np.float32).reshape(4, 5)
    moved = shift(image, 2, -1)
    assert np.array_equal(moved[:3, 2:], image[1:, :3])
    assert not moved[:, :2].any() and not moved[3].any()
    assert not shift(image, 9, 0).any()
