"""An example third-party tool, as another package would ship it: one module and a model card.

The package declares it in its ``pyproject.toml``::

    [project.entry-points."workbench.tools"]
    invert = "wb_invert_tool:Invert"

and ships ``invert.onnx`` with ``invert.card.json``, which the user adds to the catalogue
(``workbench models import invert.onnx --card invert.card.json``). The tests install it as a
distribution on ``sys.path`` (see ``plugin_support``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from workbench.progress import Progress
from workbench.tools.base import Classification, Frame, FrameWindow, Tool, run_model


class Invert(Tool):
    id = "invert"
    version = "1.0"
    name = "Invert (example plugin)"
    description = "Turn the picture into its negative, with a one-node ONNX model."
    task = "invert"
    classification = Classification("c2pa.color_adjustments")
    params = ()

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        # How the model is tiled and padded comes from its card (receptive_radius, size_multiple).
        out = run_model(engine, window.current, progress, defaults=self.model_facts)
        return np.clip(out, 0.0, 1.0).astype(np.float32)
