"""What a tool must know about the model it runs, from the model's card or the tool's defaults.

A model card may say how far the model looks (``receptive_radius``), what its frame sides must
be multiples of (``size_multiple``), how many neighbouring frames it takes (``temporal_radius``)
and which colour space it works in (``colour_space``: a scene-referred space of the pinned
OpenColorIO config, or ``source`` — the clip's code values as decoded, unconverted). The
tool's own :attr:`~workbench.tools.base.Tool.model_facts` are the defaults for a card that does
not say — an older card, an imported one, or none — so a new model with other needs is one card
away, and no tool hard-codes what only its model knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from workbench.catalog.card import SOURCE_COLOUR_SPACE
from workbench.inference.errors import ModelInterfaceError

if TYPE_CHECKING:
    from workbench.catalog.card import ModelCard

T = TypeVar("T")


@dataclass(frozen=True)
class ModelFacts:
    """How a model is run: its receptive radius (px), frame-side multiple, colour space and
    temporal radius (frames)."""

    receptive_radius: int = 0
    size_multiple: int = 1
    colour_space: str = SOURCE_COLOUR_SPACE
    #: neighbouring frames on each side the model takes (0: a single-frame model)
    temporal_radius: int = 0

    def with_card(self, card: ModelCard | None) -> ModelFacts:
        """These facts with whatever ``card`` states in their place."""
        if card is None:
            return self
        return ModelFacts(
            receptive_radius=_given(card.receptive_radius, self.receptive_radius),
            size_multiple=_given(card.size_multiple, self.size_multiple),
            colour_space=_given(card.colour_space, self.colour_space),
            temporal_radius=_given(card.temporal_radius, self.temporal_radius),
        )

    def require_supported(self, model: str = "the model") -> None:
        """Refuse a working space the tools cannot convert to (not in the pinned config)."""
        if self.colour_space == SOURCE_COLOUR_SPACE:
            return
        from workbench.colour import CONFIG_NAME, lookup

        if lookup(self.colour_space) is None:
            raise ModelInterfaceError(
                f"{model} works in the colour space {self.colour_space!r}, which is not a "
                f"scene-referred colour space of the colour config {CONFIG_NAME}",
                hint="use a model whose card names a colour space of that config (such as "
                "'sRGB Encoded Rec.709 (sRGB)'), or 'source' for the clip's own code values",
            )


def card_of(engine: Any) -> ModelCard | None:
    """The card of the model an engine runs (None for undisclosed models and test fakes)."""
    model = getattr(engine, "model", None)
    card: ModelCard | None = getattr(model, "card", None)
    return card


def facts_for(engine: Any, defaults: ModelFacts) -> ModelFacts:
    """``defaults`` overridden by the card of the engine's model, checked to be usable."""
    card = card_of(engine)
    facts = defaults.with_card(card)
    facts.require_supported(f"model {card.id}" if card is not None else "the model")
    return facts


def _given(value: T | None, default: T) -> T:
    return default if value is None else value
