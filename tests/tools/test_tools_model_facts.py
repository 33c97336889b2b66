"""Model facts come from the model's card; a tool's own values only fill what a card leaves out."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from inference.inference_models import card_for
from tools.plugin_tool.plugin_support import invert_model
from workbench.catalog import Catalog
from workbench.catalog.card import SRGB_COLOUR_SPACE
from workbench.inference import Engine, ModelInterfaceError, SessionOptions, create_session
from workbench.progress import Progress
from workbench.tools.base import run_model
from workbench.tools.model_facts import ModelFacts
from workbench.tools.registry import BUILTIN


class Recording:
    """A real session that remembers the height and width of every tile it is given."""

    def __init__(self, data: bytes) -> None:
        self.inner = create_session(data, ["CPUExecutionProvider"], threads=1)
        self.sizes: list[tuple[int, int]] = []

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        shape = next(iter(input_feed.values())).shape
        self.sizes.append((int(shape[2]), int(shape[3])))
        return self.inner.run(output_names, input_feed, run_options)

    def get_inputs(self) -> Any:
        return self.inner.get_inputs()

    def get_outputs(self) -> Any:
        return self.inner.get_outputs()

    def get_providers(self) -> Any:
        return self.inner.get_providers()


def invert_engine(**card_fields: Any) -> tuple[Engine, Recording]:
    data = invert_model()
    session = Recording(data)
    card = card_for(data, task="invert", **card_fields)
    return Engine.from_session(session, card=card, options=SessionOptions(tile_size=64)), session


def test_the_card_wins_and_the_tool_fills_the_rest() -> None:
    defaults = ModelFacts(receptive_radius=14, size_multiple=2)
    data = invert_model()
    assert defaults.with_card(None) == defaults
    assert defaults.with_card(card_for(data)) == defaults  # an older card says nothing
    stated = card_for(data, receptive_radius=30, size_multiple=8, colour_space="source")
    assert defaults.with_card(stated) == ModelFacts(30, 8, "source")
    assert defaults.with_card(card_for(data, size_multiple=4)) == ModelFacts(14, 4)


@pytest.mark.parametrize("tool", [t for t in BUILTIN if t.uses_model], ids=lambda t: t.id)
def test_shipped_cards_state_what_their_tools_assumed(tool: Any) -> None:
    """The facts moved from the tools into the cards unchanged, so no render changes; the cards
    name the working space the models were trained in (sRGB-encoded photographs)."""
    params = tool.resolve({})
    models = {tool.default_model(params)}
    if tool.id == "upscale":
        models = {"upscale-x2", "upscale-x4"}
    for model in models:
        card = Catalog().find(model).card
        assert card is not None
        assert (card.receptive_radius, card.size_multiple, card.colour_space) == (
            tool.model_facts.receptive_radius,
            tool.model_facts.size_multiple,
            SRGB_COLOUR_SPACE,
        )


def test_run_model_pads_to_the_cards_multiple() -> None:
    frame = np.random.default_rng(0).random((10, 13, 3), dtype=np.float32)
    engine, session = invert_engine(size_multiple=8)
    out = run_model(engine, frame, Progress(), defaults=ModelFacts(size_multiple=2))
    np.testing.assert_allclose(out, 1.0 - frame, atol=1e-6)
    assert all(h % 8 == 0 and w % 8 == 0 for h, w in session.sizes[1:])  # after the probe
    # 16 x 16 padded, one whole-frame run with 8 px of context all round (the margin, 6, on the
    # model's 8-px grid)
    assert session.sizes[1:] == [(32, 32)]


def test_run_model_without_a_card_uses_the_tools_defaults() -> None:
    frame = np.random.default_rng(0).random((10, 13, 3), dtype=np.float32)
    session = Recording(invert_model())
    engine = Engine.from_session(session, options=SessionOptions(tile_size=64))
    out = run_model(engine, frame, Progress(), defaults=ModelFacts(size_multiple=4))
    np.testing.assert_allclose(out, 1.0 - frame, atol=1e-6)
    assert session.sizes[1:] == [(28, 32)]  # 12 x 16 padded, 8 px of context all round


def test_a_wider_receptive_radius_in_the_card_widens_the_tiles_overlap() -> None:
    frame = np.random.default_rng(0).random((200, 200, 3), dtype=np.float32)
    narrow, narrow_session = invert_engine(receptive_radius=0)
    wide, wide_session = invert_engine(receptive_radius=40)
    run_model(narrow, frame, Progress())
    run_model(wide, frame, Progress(), defaults=ModelFacts(receptive_radius=0))
    # with 84 px of overlap (2 x 40 + the feather) each tile carries more than it keeps
    assert max(map(max, wide_session.sizes)) > max(map(max, narrow_session.sizes))
    assert min(min(s) for s in wide_session.sizes[1:]) >= 2 * 84


def test_a_colour_space_the_tools_cannot_feed_is_refused() -> None:
    """A working space outside the pinned config is refused before the model runs: by the card's
    validation, and again by the tool's facts (a plugin tool's own default)."""
    with pytest.raises(ValueError, match="not a scene-referred colour space"):
        invert_engine(colour_space="Cineon Printing Density")
    with pytest.raises(ValueError, match="not a scene-referred colour space"):
        invert_engine(colour_space="sRGB - Display")  # display-referred: a view transform away
    engine, session = invert_engine()
    odd = ModelFacts(colour_space="Cineon Printing Density")
    with pytest.raises(ModelInterfaceError, match="Cineon Printing Density"):
        run_model(engine, np.zeros((8, 8, 3), np.float32), Progress(), defaults=odd)
    assert not session.sizes  # refused before the model ran


def test_a_working_space_of_the_config_is_run() -> None:
    engine, session = invert_engine(colour_space="ACEScg")
    out = run_model(engine, np.full((8, 8, 3), 0.25, np.float32), Progress())
    assert session.sizes and np.allclose(out, 0.75)
