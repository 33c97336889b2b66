"""What the model card tells the engine: channels, value ranges, scale — checked, not trusted."""

from __future__ import annotations

import numpy as np
import pytest

from inference.inference_models import (
    card_for,
    checked_with_card,
    conv_net,
    frame,
    nchw_run,
    upsampler,
)
from workbench.catalog.card import TensorSpec
from workbench.inference import ModelInterfaceError, get_engine, run_image


def test_value_ranges_are_applied_and_undone() -> None:
    data = conv_net(layers=1)
    card = card_for(
        data,
        inputs=[TensorSpec(name="x", channels=3, value_range=(0.0, 255.0))],
        outputs=[TensorSpec(name="y", channels=3, value_range=(-1.0, 1.0))],
    )
    engine = get_engine(checked_with_card(data, card))
    x = frame(20, 24)
    out = run_image(engine, x)
    direct = (nchw_run(data, x * 255.0) + 1.0) / 2.0
    np.testing.assert_allclose(out[1:-1, 1:-1], direct[1:-1, 1:-1], atol=1e-4, rtol=1e-5)


def test_card_scale_must_match_the_model() -> None:
    data = upsampler()
    assert get_engine(checked_with_card(data, card_for(data, scale=2, task="upscale"))).scale() == 2
    wrong = get_engine(checked_with_card(data, card_for(data, scale=4, task="upscale")))
    with pytest.raises(ModelInterfaceError, match="scale"):
        run_image(wrong, frame(8, 8))


def test_card_must_describe_the_model_inputs() -> None:
    data = conv_net(layers=1)
    with pytest.raises(ModelInterfaceError, match="channels"):
        get_engine(
            checked_with_card(data, card_for(data, inputs=[TensorSpec(name="x", channels=4)]))
        )
    with pytest.raises(ModelInterfaceError, match="names input"):
        get_engine(
            checked_with_card(data, card_for(data, inputs=[TensorSpec(name="z", channels=3)]))
        )
