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
from workbench.tools.base import Classification, Frame, FrameWindow, run_model
from workbench.tools.model_facts import ModelFacts, facts_for
from workbench.tools.temporal_tool import TEMPORAL_PARAM, TemporalModelTool


class Deblock(TemporalModelTool):
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
    model_channels = (3, 3)  # the single-frame model: RGB in, RGB out
    temporal_model, single_model = "deblock-temporal", "deblock"
    params = (TEMPORAL_PARAM,)

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
