"""``upscale``: ×2 or ×4 enlargement by our bicubic-plus-residual models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from workbench.progress import Progress
from workbench.tools.base import Classification, Frame, FrameWindow, Param, Tool, run_model
from workbench.tools.model_facts import ModelFacts


class Upscale(Tool):
    id = "upscale"
    version = "1.0"
    name = "Upscale"
    description = "Enlarge ×2 or ×4, restoring detail that bicubic enlargement blurs."
    task = "upscale"
    classification = Classification("c2pa.resized")
    #: for an upscaler card that does not say: the x4 model has 11 convolutions (receptive
    #: radius 11 input px); 12 gives 28 px of overlap, so tiled equals whole frame
    model_facts = ModelFacts(receptive_radius=12, size_multiple=2)
    model_channels = (3, 3)
    params = (Param("scale", "choice", 2, "enlargement factor", choices=(2, 4), label="Scale"),)

    def default_model(self, params: Mapping[str, Any]) -> str:
        return f"upscale-x{int(params.get('scale', 2))}"

    def scale(self, params: Mapping[str, Any]) -> int:
        return int(params.get("scale", 2))

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        scale = self.scale(params)
        out = run_model(engine, window.current, progress, defaults=self.model_facts, scale=scale)
        return np.clip(out, 0.0, 1.0).astype(np.float32)
