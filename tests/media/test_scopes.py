"""The waveform and histogram count what is in the picture, where it is."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.media import scopes


def halves() -> np.ndarray:
    frame = np.zeros((40, 60, 3), np.float32)
    frame[:, 30:] = 1.0  # left half black, right half white
    frame[:10, :, 0] = 0.5  # a red band on top
    return frame


def test_luma_waveform_puts_each_column_at_its_level() -> None:
    counts = scopes.waveform(halves(), columns=6)
    assert counts.shape == (256, 6, 1)
    assert counts.sum() == 40 * 60
    assert counts[0, :3, 0].tolist() == [300, 300, 300]  # black columns, below the band
    assert counts[255, 3:, 0].tolist() == [300, 300, 300]
    red_on_black = round(0.2126 * 128)  # the band: R 128 on black
    assert counts[red_on_black, 0, 0] == 100


def test_parade_keeps_the_channels_apart() -> None:
    counts = scopes.waveform(halves(), columns=6, mode="parade")
    assert counts.shape == (256, 6, 3)
    red, green = counts[:, 0:2, 0], counts[:, 2:4, 1]
    assert red[128].sum() == 10 * 60 and green[128].sum() == 0
    assert counts[:, 0:2, 1:].sum() == 0  # nothing of G or B in R's panel


def test_histogram_counts_each_channel() -> None:
    counts = scopes.histogram(halves())
    assert counts.shape == (3, 256)
    assert counts[0, 128] == 600 and counts[0, 255] == 900 and counts[0, 0] == 900
    assert counts[1, 0] == counts[1, 255] == 1200


def test_an_8_bit_frame_and_its_float_give_the_same_scopes() -> None:
    rng = np.random.default_rng(3)
    frame = rng.random((48, 64, 3), dtype=np.float32)
    as8 = scopes.as_rgb8(frame)
    assert np.array_equal(scopes.waveform(frame), scopes.waveform(as8))
    assert np.array_equal(scopes.histogram(frame), scopes.histogram(as8))


def test_large_frames_are_sampled_by_rows() -> None:
    frame = np.zeros((2160, 3840, 3), np.uint8)
    counts = scopes.histogram(frame)
    assert 0 < counts[0, 0] <= scopes.SAMPLE_PIXELS
    assert counts[0, 0] % 3840 == 0  # whole rows


def test_pictures_of_the_scopes() -> None:
    wave = scopes.waveform_image(scopes.waveform(halves(), columns=6), height=64)
    assert wave.shape == (64, 6, 3) and wave.dtype == np.uint8
    assert wave[0, 5].any() and not wave[0, 0].any()  # white columns light the top row
    assert wave[-1, 0].any()  # black columns light the bottom row
    hist = scopes.histogram_image(scopes.histogram(halves()), height=50)
    assert hist.shape == (50, 256, 3)
    assert hist[-1, 0].tolist() == hist[-1, 255].tolist() != [0, 0, 0]
    assert not hist[:, 100].any()  # no pixel at level 100


def test_a_scope_refuses_a_grey_image() -> None:
    with pytest.raises(ValueError, match="H×W×3"):
        scopes.histogram(np.zeros((4, 4)))
