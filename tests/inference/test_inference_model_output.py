"""Every tile a model returns is a picture: NaN, ±Inf and absurd magnitudes are refused.

Before, NaN output rendered as black frames and Inf or 1e30 clipped silently, each logged and
signed as a normal edit.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from inference.inference_models import card_for, checked_with_card, frame
from workbench.errors import ModelError
from workbench.inference import (
    Engine,
    InferenceError,
    ModelOutputError,
    SessionOptions,
    check_output_values,
    clear_cache,
    get_engine,
    run_image,
)
from workbench.inference.interface import OUTPUT_LIMIT


def constant_model(value: float, cin: int = 3, cout: int = 3) -> bytes:
    """``y = 0 · x + value``: a model whose every output pixel is ``value``."""
    weight = numpy_helper.from_array(np.zeros((cout, cin, 1, 1), np.float32), "w")
    bias = numpy_helper.from_array(np.full(cout, value, np.float32), "b")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["y"])],
        "constant",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", cin, "H", "W"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", cout, "H", "W"])],
        [weight, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def self_divide_model() -> bytes:
    """``y = x / x``: 1 everywhere except NaN where a pixel is exactly 0."""
    graph = helper.make_graph(
        [helper.make_node("Div", ["x", "x"], ["y"])],
        "divide",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, "H", "W"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3, "H", "W"])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def engine(data: bytes, model_id: str = "bad-model") -> Engine:
    clear_cache()
    card = card_for(data, id=model_id)
    return get_engine(checked_with_card(data, card), SessionOptions(providers=("cpu",)))


@pytest.mark.parametrize(
    "value, problem",
    [
        (float("nan"), "NaN"),
        (float("inf"), "infinite"),
        (float("-inf"), "infinite"),
        (1e30, "magnitude 1e+30"),
        (-2e5, "magnitude 2e+05"),
    ],
)
def test_a_model_giving_no_picture_is_refused(value: float, problem: str) -> None:
    with pytest.raises(ModelOutputError, match=re.escape(problem)) as caught:
        run_image(engine(constant_model(value)), frame(40, 56))
    error = caught.value
    assert isinstance(error, ModelError) and isinstance(error, InferenceError)
    assert error.exit_code == 6
    assert error.model == "bad-model" and "model bad-model" in error.message
    assert error.frame is None  # the engine sees tiles; the tool run adds the frame


def test_one_bad_pixel_in_one_tile_is_enough() -> None:
    image = frame(90, 130)
    image[77, 101, 1] = 0.0
    tiled = engine(self_divide_model())
    with pytest.raises(ModelOutputError, match="NaN"):
        run_image(tiled.with_options(SessionOptions(tile_size=64)), image)
    image[77, 101, 1] = 0.5
    assert np.allclose(run_image(tiled, image), 1.0)


def test_overshoot_is_still_a_picture() -> None:
    out = run_image(engine(constant_model(1.5)), frame(20, 20))
    assert np.allclose(out, 1.5)
    check_output_values(np.array([-OUTPUT_LIMIT, OUTPUT_LIMIT], np.float32), "m")
    check_output_values(np.zeros((0, 3), np.float32), "m")


def test_the_bound_is_in_picture_units_after_the_cards_value_range() -> None:
    data = constant_model(200.0)
    card = card_for(
        data,
        id="range-255",
        inputs=[{"name": "x", "channels": 3, "value_range": (0, 255)}],
        outputs=[{"name": "y", "channels": 3, "value_range": (0, 255)}],
    )
    clear_cache()
    ranged = get_engine(checked_with_card(data, card), SessionOptions(providers=("cpu",)))
    out = run_image(ranged, frame(16, 16))
    assert np.allclose(out, 200.0 / 255.0)


def test_the_error_names_the_frame_once_told() -> None:
    error = ModelOutputError.refusing("denoise-x", "NaN (not-a-number) values")
    framed = error.at_frame(17)
    assert framed.frame == 17 and framed.model == "denoise-x"
    assert framed.message == (
        "model denoise-x gave NaN (not-a-number) values on frame 17; output that is not a "
        "picture is refused"
    )
    assert framed.hint and "another model" in framed.hint
