"""A model's declared shapes against what the tool feeds it: refused when the edit is applied."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from onnx import TensorProto, helper

from inference.inference_models import card_for, checked, checked_with_card, conv_net
from workbench.catalog.card import TensorSpec
from workbench.inference import (
    Engine,
    ModelInterfaceError,
    SessionOptions,
    ToolFeed,
    check_model_interface,
    create_session,
)

Dims = Sequence[int | str | None]


def declared(inputs: Mapping[str, Dims], outputs: Mapping[str, Dims]) -> bytes:
    """A graph that declares these shapes (the check reads declarations, not the computation)."""
    nodes = [helper.make_node("Identity", [next(iter(inputs))], [name]) for name in outputs]
    for extra in list(inputs)[1:]:
        nodes.append(helper.make_node("Identity", [extra], [f"{extra}_unused"]))
    graph = helper.make_graph(
        nodes,
        "declared",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s)) for n, s in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s)) for n, s in outputs.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


DENOISE = ToolFeed("denoise", in_channels=4, out_channels=3, size_multiple=2, overlap=32)
DYNAMIC: Dims = ["N", 3, "H", "W"]


def refused(data: bytes, feed: ToolFeed = DENOISE, **card: Any) -> str:
    model = checked_with_card(data, card_for(data, **card)) if card else checked(data)
    with pytest.raises(ModelInterfaceError) as caught:
        check_model_interface(model, feed)
    assert caught.value.exit_code == 6
    return caught.value.message


def test_a_model_that_fits_passes() -> None:
    data = declared({"x": ["N", 4, "H", "W"]}, {"y": DYNAMIC})
    check_model_interface(checked(data), DENOISE)
    fixed = declared({"x": [1, 3, 256, 256]}, {"y": [1, 3, 512, 512]})
    check_model_interface(checked(fixed), ToolFeed("upscale", 3, 3, scale=2, overlap=28))
    check_model_interface(checked(conv_net(fixed=(96, 96))), ToolFeed("plugin"))


def test_channels_the_tool_does_not_stack_are_refused() -> None:
    message = refused(declared({"x": DYNAMIC}, {"y": DYNAMIC}))
    assert message.startswith("model undisclosed-")
    assert message.endswith("takes 3 input channels; the denoise tool stacks 4")
    message = refused(declared({"x": ["N", 4, "H", "W"]}, {"y": ["N", 1, "H", "W"]}))
    assert "gives 1 output channels; the denoise tool reads back 3" in message


def test_channels_come_from_the_card_where_the_graph_leaves_them_open() -> None:
    data = declared({"x": ["N", "C", "H", "W"]}, {"y": ["N", "C", "H", "W"]})
    check_model_interface(checked(data), DENOISE)  # nothing declared: nothing to refuse
    message = refused(
        data,
        inputs=[TensorSpec(name="x", channels=3)],
        outputs=[TensorSpec(name="y", channels=3)],
        id="three-in",
    )
    assert message.startswith("model three-in takes 3 input channels")


def test_two_inputs_share_the_stack() -> None:
    fits = declared({"image": DYNAMIC, "sigma": ["N", "C", "H", "W"]}, {"y": DYNAMIC})
    check_model_interface(checked(fits), DENOISE)
    too_many = declared({"image": DYNAMIC, "sigma": DYNAMIC}, {"y": DYNAMIC})
    assert "takes 6 input channels" in refused(too_many)
    crowded = declared(
        {"a": DYNAMIC, "b": ["N", "C", "H", "W"], "c": ["N", "C", "H", "W"]}, {"y": DYNAMIC}
    )
    assert "takes at least 5 input channels" in refused(crowded)


def test_a_fixed_batch_is_refused() -> None:
    data = declared({"x": [4, 4, "H", "W"]}, {"y": DYNAMIC})
    assert "batches of exactly 4" in refused(data)


@pytest.mark.parametrize(
    "shape, words",
    [
        ([1, 4, 100_000, 100_000], "tiles larger than 2048×2048 are refused"),
        ([1, 4, 32, 32], "a tile would be all overlap"),
        ([1, 4, 129, 130], "multiples of 2"),
        ([1, 4, 256, "W"], "fixes the height"),
    ],
)
def test_fixed_sizes_the_tiler_cannot_use_are_refused(shape: Dims, words: str) -> None:
    assert words in refused(declared({"x": shape}, {"y": DYNAMIC}))


def test_inputs_of_two_fixed_sizes_are_refused() -> None:
    data = declared({"a": [1, 2, 64, 64], "b": [1, 2, 128, 128]}, {"y": DYNAMIC})
    assert "different fixed sizes" in refused(data)


def test_declared_output_sizes_must_follow_the_input() -> None:
    upscale = ToolFeed("upscale", 3, 3, scale=2)
    wrong = declared({"x": [1, 3, 128, 128]}, {"y": [1, 3, 128, 128]})
    assert "not 256 (×2)" in refused(wrong, upscale)
    fixed_out = declared({"x": DYNAMIC}, {"y": ["N", 3, 64, "W"]})
    assert "whatever the input's size" in refused(fixed_out, upscale)
    rank = declared({"x": DYNAMIC}, {"y": ["N", 3, "H"]})
    assert "rank 3" in refused(rank, upscale)


def test_a_tool_that_does_not_say_its_channels_is_not_refused_on_them() -> None:
    data = declared({"x": ["N", 7, "H", "W"]}, {"y": ["N", 5, "H", "W"]})
    check_model_interface(checked(data), ToolFeed("plugin"))


def test_the_engine_refuses_a_huge_fixed_input_before_any_tile_is_made() -> None:
    data = conv_net(fixed=(100_000, 100_000))
    session = create_session(data, ["CPUExecutionProvider"], threads=1)
    with pytest.raises(ModelInterfaceError, match="2048×2048"):
        Engine.from_session(session, options=SessionOptions())
