"""``deblock``: blocking and ringing of over-compressed JPEG and H.264 sources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from workbench.progress import Progress
from workbench.tools.base import Classification, Frame, FrameWindow, Tool, run_model


class Deblock(Tool):
    id = "deblock"
    version = "1.0"
    name = "Deblock"
    description = "Reduce the blocking and ringing of over-compressed sources."
    task = "deblock"
    classification = Classification("c2pa.enhanced")
    params = ()

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        out = run_model(engine, window.current, progress, multiple=16, min_overlap=32)
        return np.clip(out, 0.0, 1.0).astype(np.float32)
