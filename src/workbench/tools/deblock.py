"""``deblock``: blocking and ringing of over-compressed JPEG and H.264 sources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from workbench.progress import Progress
from workbench.tools.base import Classification, Frame, FrameWindow, Tool, run_model
from workbench.tools.model_facts import ModelFacts


class Deblock(Tool):
    id = "deblock"
    version = "1.0"
    name = "Deblock"
    description = "Reduce the blocking and ringing of over-compressed sources."
    task = "deblock"
    classification = Classification("c2pa.enhanced")
    #: for a deblocker card that does not say: 32 px of tile overlap, tiles on the 16 px grid
    #: of the codec's blocks
    model_facts = ModelFacts(receptive_radius=14, size_multiple=16)
    model_channels = (3, 3)
    params = ()

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        out = run_model(engine, window.current, progress, defaults=self.model_facts)
        return np.clip(out, 0.0, 1.0).astype(np.float32)
