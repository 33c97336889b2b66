from __future__ import annotations

import itertools
import tracemalloc
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from onnxruntime.capi.onnxruntime_pybind11_state import Fail, RuntimeException

from inference.inference_models import (
    card_for,
    cell_net,
    conv_net,
    engine_for,
    frame,
    nchw_run,
    two_input_net,
    upsampler,
)
from workbench.errors import Cancelled
from workbench.inference import (
    Engine,
    InferenceError,
    ModelInterfaceError,
    SessionOptions,
    create_session,
    is_out_of_memory,
    run_image,
)
from workbench.inference.tiling import (
    gather,
    overlap_for,
    plan_axis,
    ramp,
    reflect_indices,
    tile_length,
    with_receptive_radius,
)
from workbench.progress import Progress

WHOLE = 4096  # a tile size larger than any test frame: one run per frame


def whole(engine: Engine, x: np.ndarray) -> np.ndarray:
    options = SessionOptions(
        tile_size=WHOLE,
        overlap=engine.options.overlap,
        feather=engine.options.feather,
        min_tile_size=engine.options.min_tile_size,
    )
    return run_image(engine.with_options(options), x)


# -- the plan ---------------------------------------------------------------------------------


@given(
    length=st.integers(1, 3000),
    tile=st.integers(40, 700),
    overlap=st.integers(0, 19),
)
def test_plan_covers_the_axis_with_equal_tiles_and_enough_overlap(
    length: int, tile: int, overlap: int
) -> None:
    starts = plan_axis(0, length, tile, overlap)
    size = tile_length(length, tile, overlap)
    assert size <= tile
    assert starts[0] == 0 and starts[-1] + size == max(length, size)
    for a, b in itertools.pairwise(starts):
        assert a < b and a + size - b >= overlap


@given(overlap=st.integers(1, 40), data=st.data())
def test_ramps_of_neighbours_sum_to_one_in_the_overlap(overlap: int, data: Any) -> None:
    feather = data.draw(st.integers(0, overlap))
    margin = (overlap - feather) // 2
    length = 3 * overlap + 5
    left = ramp(length, False, True, overlap, margin)
    right = ramp(length, True, False, overlap, margin)
    shared = left[length - overlap :] + right[:overlap]
    np.testing.assert_allclose(shared, 1.0, atol=1e-6)
    assert (left[length - margin :] == 0).all() and (right[:margin] == 0).all()
    assert (left[: length - overlap] == 1).all()


# -- tiled equals whole ----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(150, 217), (64, 64), (65, 200), (1, 1), (5, 7), (300, 40)])
def test_tiled_equals_whole_frame_when_receptive_field_fits_the_margin(
    shape: tuple[int, int],
) -> None:
    data = conv_net(layers=3)  # receptive radius 3 <= margin 6
    engine = engine_for(data, tile_size=64)
    x = frame(*shape)
    tiled = run_image(engine, x)
    assert tiled.shape == (*shape, 3) and tiled.dtype == np.float32
    np.testing.assert_allclose(tiled, whole(engine, x), atol=1e-5, rtol=0)
    if min(shape) > 8:  # away from the border the model sees exactly the frame
        direct = nchw_run(data, x)
        np.testing.assert_allclose(tiled[3:-3, 3:-3], direct[3:-3, 3:-3], atol=1e-5, rtol=0)


def test_borders_see_reflected_context_not_zeros() -> None:
    data = conv_net(layers=3)
    x = frame(40, 50)
    out = run_image(engine_for(data), x)
    padded = np.pad(x, ((16, 16), (16, 16), (0, 0)), mode="reflect")
    np.testing.assert_allclose(out, nchw_run(data, padded)[16:-16, 16:-16], atol=1e-5, rtol=0)


def test_seams_of_a_deep_model_are_below_one_8bit_step() -> None:
    data = conv_net(layers=10, hidden=16, seed=5)  # receptive radius 10 > margin 6
    engine = engine_for(data, tile_size=64)
    x = frame(160, 230, seed=2)
    err = np.abs(run_image(engine, x) - whole(engine, x)).max(axis=2)
    near_seam = np.zeros(err.shape, bool)
    for axis, length in ((0, err.shape[0]), (1, err.shape[1])):
        for start in plan_axis(-6, length + 6, 64, 16)[1:]:  # 6 reflected px beyond the frame
            lo, hi = max(start, 0), min(start + 16, length)
            if axis == 0:
                near_seam[lo:hi] = True
            else:
                near_seam[:, lo:hi] = True
    assert err.max() < 1 / 255
    assert err[~near_seam].max() < 1e-5  # every difference lives in the overlaps
    step = max(np.abs(np.diff(err, axis=0)).max(), np.abs(np.diff(err, axis=1)).max())
    assert step < 1 / 255


# -- the model card's receptive radius ----------------------------------------------------


def carded_engine(data: bytes, **card_fields: object) -> Engine:
    session = create_session(data, ["CPUExecutionProvider"], threads=1)
    card = card_for(data, **card_fields)
    return Engine.from_session(session, card=card, options=SessionOptions(tile_size=64))


def test_a_card_with_a_larger_receptive_radius_makes_the_tiler_overlap_more() -> None:
    """The 10-layer net looks 10 px around: with the default overlap (16, margin 6) its tiles
    leave seams; a card that says so gets 2 x 10 + 4 = 24 px, and tiled equals whole frame."""
    data = conv_net(layers=10, hidden=16, seed=5)
    x = frame(160, 230, seed=2)
    silent, said = carded_engine(data), carded_engine(data, receptive_radius=10)
    reference = whole(said.with_options(SessionOptions(overlap=24, min_tile_size=64)), x)
    assert np.abs(run_image(silent, x) - reference).max() > 1e-4  # the seams
    np.testing.assert_allclose(run_image(said, x), reference, atol=1e-5, rtol=0)
    # what the tiler does with it: the overlap, and tiles big enough to hold it
    assert overlap_for(10, 4) == 24
    assert with_receptive_radius(said, 10).options.overlap == 24
    assert with_receptive_radius(said, 40).options.overlap == 84
    assert with_receptive_radius(said, 40).options.tile_size > 2 * 84
    assert with_receptive_radius(said, 2) is said  # never narrower than the options' overlap


def test_the_callers_receptive_radius_comes_before_the_cards() -> None:
    data = conv_net(layers=10, hidden=16, seed=5)
    x = frame(100, 140, seed=2)
    said, silent = carded_engine(data, receptive_radius=10), carded_engine(data)
    np.testing.assert_array_equal(run_image(said, x, receptive_radius=0), run_image(silent, x))
    np.testing.assert_array_equal(run_image(silent, x, receptive_radius=10), run_image(said, x))


def test_upscale_x2_geometry_and_tiling() -> None:
    data = upsampler()
    engine = engine_for(data, tile_size=64)
    assert engine.scale() == 2
    x = frame(70, 131)
    out = run_image(engine, x)
    assert out.shape == (140, 262, 3)
    np.testing.assert_allclose(out, whole(engine, x), atol=1e-5, rtol=0)
    np.testing.assert_allclose(out[4:-4, 4:-4], nchw_run(data, x)[4:-4, 4:-4], atol=1e-5, rtol=0)


@pytest.mark.parametrize("tile_size", [64, 67, 90, 131])
def test_cell_models_tile_on_their_grid_at_any_tile_size(tile_size: int) -> None:
    data = cell_net()  # space-to-depth by 2: receptive radius 4 px <= margin 6
    engine = engine_for(data, tile_size=tile_size)
    x = frame(96, 144, seed=3)
    tiled = run_image(engine, x, align=2)
    np.testing.assert_allclose(tiled, whole(engine, x), atol=1e-5, rtol=0)
    np.testing.assert_allclose(tiled[6:-6, 6:-6], nchw_run(data, x)[6:-6, 6:-6], atol=1e-5, rtol=0)


def test_cell_models_without_alignment_fail_or_drift_and_odd_frames_are_refused() -> None:
    engine = engine_for(cell_net(), tile_size=67)
    x = frame(96, 144, seed=3)
    try:  # what happened before tiles were aligned: an odd tile, or cells out of phase
        drift = float(np.abs(run_image(engine, x) - whole(engine, x)).max())
    except InferenceError:
        drift = float("inf")
    assert drift > 1e-3
    with pytest.raises(InferenceError, match="cells of 2"):
        run_image(engine, frame(95, 144), align=2)


def test_channel_stacks_for_extra_inputs() -> None:
    rgb_sigma = frame(90, 120, c=4)
    four = engine_for(conv_net(layers=2, cin=4), tile_size=64)
    assert four.input_channels == (4,)
    out = run_image(four, rgb_sigma)
    assert out.shape == (90, 120, 3)
    np.testing.assert_allclose(out, whole(four, rgb_sigma), atol=1e-5, rtol=0)

    data = two_input_net()
    two = engine_for(data, tile_size=64)
    assert two.input_names == ("image", "sigma") and two.input_channels == (3, 1)
    out = run_image(two, rgb_sigma)
    np.testing.assert_allclose(out, whole(two, rgb_sigma), atol=1e-5, rtol=0)
    direct = nchw_run(data, rgb_sigma)
    np.testing.assert_allclose(out[2:-2, 2:-2], direct[2:-2, 2:-2], atol=1e-5, rtol=0)

    three_frames = frame(50, 70, c=9)
    dust = engine_for(conv_net(layers=2, cin=9, cout=1), tile_size=64)
    assert run_image(dust, three_frames).shape == (50, 70, 1)

    with pytest.raises(ModelInterfaceError):
        run_image(two, frame(20, 20, c=3))


def test_fixed_size_model_runs_in_its_own_tile_size() -> None:
    fixed = engine_for(conv_net(layers=3, fixed=(48, 48)), tile_size=64)
    x = frame(100, 75)
    out = run_image(fixed, x)
    np.testing.assert_allclose(out, whole(engine_for(conv_net(layers=3)), x), atol=1e-5, rtol=0)


def test_inputs_are_normalised() -> None:
    engine = engine_for(conv_net(layers=1))
    as_float64 = run_image(engine, frame(10, 12).astype(np.float64))
    np.testing.assert_allclose(as_float64, run_image(engine, frame(10, 12)), atol=1e-6)
    assert run_image(engine_for(conv_net(layers=1, cin=1)), frame(10, 12)[:, :, 0]).shape == (
        10,
        12,
        3,
    )
    with pytest.raises(InferenceError):
        run_image(engine, np.zeros((4, 4, 3, 1), np.float32))


# -- out of memory, cancel, memory bound -----------------------------------------------------


class FakeSession:
    """Wraps a real session; raises an allocation error for tiles above ``limit`` pixels a side."""

    def __init__(
        self, data: bytes, limit: int = 10**9, error: type[BaseException] = RuntimeException
    ) -> None:
        self.real = create_session(data, ["CPUExecutionProvider"], threads=1)
        self.limit = limit
        self.error = error
        self.sizes: list[tuple[int, int]] = []
        self.failed: list[tuple[int, int]] = []
        self.fail_after: int | None = None

    def run(self, names: Any, feed: dict[str, np.ndarray], options: Any = None) -> Any:
        shape = next(iter(feed.values())).shape[2:]
        big = max(shape) > self.limit
        if big and (self.fail_after is None or len(self.sizes) >= self.fail_after):
            self.failed.append(shape)
            message = "bad allocation" if self.error is not MemoryError else ""
            raise self.error(
                f"[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Non-zero status code returned "
                f"while running Conv node. {message}"
            )
        self.sizes.append(shape)
        return self.real.run(names, feed)

    def get_inputs(self) -> Any:
        return self.real.get_inputs()

    def get_outputs(self) -> Any:
        return self.real.get_outputs()

    def get_providers(self) -> Any:
        return self.real.get_providers()


def test_out_of_memory_halves_the_tile_and_the_frame_completes() -> None:
    data = conv_net(layers=3)
    fake = FakeSession(data, limit=100)
    engine = Engine.from_session(fake, options=SessionOptions(tile_size=256))
    x = frame(300, 420)
    out = run_image(engine, x)
    assert engine.tile_limit == 64  # 256 -> 128 -> 64 as tiles above 100 px keep failing
    assert max(max(s) for s in fake.sizes) <= 100
    np.testing.assert_allclose(out, whole(engine_for(data), x), atol=1e-5, rtol=0)


def test_out_of_memory_mid_frame_keeps_the_tiles_already_done() -> None:
    data = conv_net(layers=3)
    fake = FakeSession(data, limit=100, error=Fail)
    fake.fail_after = 3  # memory runs short only after three big tiles
    engine = Engine.from_session(fake, options=SessionOptions(tile_size=200))
    x = frame(300, 420)
    out = run_image(engine, x)
    big = [s for s in fake.sizes[1:] if max(s) > 100]  # [0] is the scale probe
    assert len(big) == 2 and len(fake.failed) == 1  # none redone; one failure, then smaller
    assert engine.tile_limit == 100
    np.testing.assert_allclose(out, whole(engine_for(data), x), atol=1e-5, rtol=0)


def test_memory_error_counts_as_out_of_memory() -> None:
    fake = FakeSession(conv_net(layers=3), limit=80, error=MemoryError)
    engine = Engine.from_session(fake, options=SessionOptions(tile_size=128))
    assert run_image(engine, frame(150, 150)).shape == (150, 150, 3)
    assert engine.tile_limit == 64


def test_no_memory_even_for_the_smallest_tile_is_a_clear_error() -> None:
    fake = FakeSession(conv_net(layers=3), limit=40)
    engine = Engine.from_session(fake, options=SessionOptions(tile_size=128))
    with pytest.raises(InferenceError, match="out of memory") as info:
        run_image(engine, frame(150, 150))
    assert info.value.exit_code == 6


def test_other_failures_are_not_retried() -> None:
    class Broken(FakeSession):
        def run(self, names: Any, feed: dict[str, np.ndarray], options: Any = None) -> Any:
            if self.sizes:
                raise RuntimeException("[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : bad dims")
            return super().run(names, feed, options)

    fake = Broken(conv_net(layers=3))
    engine = Engine.from_session(fake, options=SessionOptions(tile_size=128))
    with pytest.raises(InferenceError, match="bad dims"):
        run_image(engine, frame(150, 150))
    assert engine.tile_limit == 128


def test_oom_markers() -> None:
    assert is_out_of_memory(RuntimeException("... Failed to allocate memory for requested buffer"))
    assert is_out_of_memory(RuntimeException("CUDA failure 2: out of memory"))
    assert is_out_of_memory(MemoryError())
    assert not is_out_of_memory(RuntimeException("INVALID_ARGUMENT"))


@pytest.mark.parametrize("after", [1, 4])
def test_cancel_lands_between_tiles_and_stops(after: int) -> None:
    fake = FakeSession(conv_net(layers=3))
    engine = Engine.from_session(fake, options=SessionOptions(tile_size=64))
    seen: list[float] = []
    progress = Progress()

    def on_update(fraction: float, message: str) -> None:
        seen.append(fraction)
        if len(seen) == after:
            progress.cancel()

    progress._on_update = on_update
    with pytest.raises(Cancelled):
        run_image(engine, frame(200, 200), progress=progress)
    assert len(fake.sizes) == 1 + after  # the probe, then exactly ``after`` tiles


def test_progress_reaches_one() -> None:
    seen: list[float] = []
    progress = Progress(lambda fraction, message: seen.append(fraction))
    run_image(engine_for(conv_net(layers=1), tile_size=64), frame(100, 100), progress=progress)
    assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 1


def test_model_runs_never_see_more_than_one_tile() -> None:
    fake = FakeSession(conv_net(layers=1))
    engine = Engine.from_session(fake, options=SessionOptions(tile_size=64))
    run_image(engine, frame(333, 517))
    assert max(max(s) for s in fake.sizes) <= 64


@given(
    h=st.integers(1, 30),
    w=st.integers(1, 30),
    y0=st.integers(-40, 40),
    x0=st.integers(-40, 40),
    th=st.integers(1, 50),
    tw=st.integers(1, 50),
)
def test_gather_reads_the_reflect_padded_frame(
    h: int, w: int, y0: int, x0: int, th: int, tw: int
) -> None:
    x = np.arange(h * w * 2, dtype=np.float32).reshape(h, w, 2)
    tile = gather(x, y0, y0 + th, x0, x0 + tw)
    rows = reflect_indices(y0, y0 + th, h)
    cols = reflect_indices(x0, x0 + tw, w)
    expected = x[rows[:, None], cols[None, :]].transpose(2, 0, 1)[None]
    assert tile.flags.c_contiguous
    np.testing.assert_array_equal(tile, expected)


def test_memory_is_the_output_plus_a_few_tiles() -> None:
    engine = engine_for(conv_net(layers=1), tile_size=64)
    x = frame(600, 800)
    run_image(engine, frame(70, 70))  # probe and warm up outside the measurement
    tracemalloc.start()
    try:
        out = run_image(engine, x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    tile_bytes = 64 * 64 * 3 * 4
    assert peak - out.nbytes < 12 * tile_bytes, (peak, out.nbytes)


def test_gather_is_contiguous_when_padding_a_transposed_strip() -> None:
    """Found by hypothesis in CI: np.pad keeps the transposed view's (Fortran) layout."""
    x = np.arange(4, dtype=np.float32).reshape(1, 2, 2)
    assert gather(x, 0, 1, 0, 3).flags.c_contiguous
