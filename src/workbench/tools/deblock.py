"""``deblock``: blocking and ringing of over-compressed JPEG and H.264 sources.

On video the default model is the temporal one (``deblock-temporal``), which also sees the two
frames on each side, motion-compensated onto this one: their quality differs (I, P and B
frames), and a neighbour holds what this frame's encoder threw away. On a still, or with
``temporal`` off, the single-frame ``deblock`` model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from workbench.progress import Progress
from workbench.tools.base import Classification, Frame, FrameWindow, Param, Tool, run_model
from workbench.tools.model_facts import ModelFacts, facts_for

#: The shipped models: the temporal one (the default on video) and the single-frame one.
TEMPORAL_MODEL, SINGLE_MODEL = "deblock-temporal", "deblock"


class Deblock(Tool):
    id = "deblock"
    version = "1.1"
    name = "Deblock"
    description = (
        "Reduce the blocking and ringing of over-compressed sources. On video it also uses the "
        "two frames on each side, where they line up."
    )
    task = "deblock"
    classification = Classification("c2pa.enhanced")
    #: for a deblocker card that does not say: 32 px of tile overlap, tiles on the 16 px grid
    #: of the codec's blocks
    model_facts = ModelFacts(receptive_radius=14, size_multiple=16)
    model_channels = (3, 3)
    #: the neighbours the render hands the tool; the model's card says how many it takes
    temporal_radius = 2
    params = (
        Param(
            "temporal",
            "bool",
            True,
            "use the neighbouring frames (the temporal model) on video; off: the single-frame "
            "model",
            label="Use neighbouring frames",
        ),
    )

    def default_model(self, params: Mapping[str, Any]) -> str:
        return TEMPORAL_MODEL if params.get("temporal", True) else SINGLE_MODEL

    def default_model_for(self, params: Mapping[str, Any], frame_count: int) -> str:
        return self.default_model(params) if frame_count > 1 else SINGLE_MODEL

    def model_channels_for(self, facts: ModelFacts) -> tuple[int, int]:
        # RGB, then per neighbour its gated aligned RGB and its gate
        return (3 + 8 * facts.temporal_radius, 3)

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        from workbench.tools.temporal_align import DEBLOCK_ERROR_FLOOR, temporal_input

        stack = window.current
        radius = facts_for(engine, self.model_facts).temporal_radius
        if radius > 0:
            near = window.present(min(radius, self.temporal_radius))
            stack = temporal_input(stack, near, radius, floor=DEBLOCK_ERROR_FLOOR)
        out = run_model(engine, stack, progress, defaults=self.model_facts)
        return np.clip(out, 0.0, 1.0).astype(np.float32)
