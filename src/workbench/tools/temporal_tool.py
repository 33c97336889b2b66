"""A tool with two shipped models: a temporal one, the default on video, and a single-frame one.

Denoise and deblock share this: the ``temporal`` parameter, the default model for a clip (the
single-frame model for a still, whatever the parameter says) and the temporal model's input
channels (the tool's own, then per neighbour its gated aligned RGB and its gate:
``workbench.tools.temporal_align.temporal_input``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from workbench.tools.base import Param, Tool
from workbench.tools.model_facts import ModelFacts

TEMPORAL_PARAM = Param(
    "temporal",
    "bool",
    True,
    "use the neighbouring frames (the temporal model) on video; off: the single-frame model",
    label="Use neighbouring frames",
)


class TemporalModelTool(Tool):
    temporal_model: ClassVar[str]
    single_model: ClassVar[str]
    #: the model's channels before the neighbours' (RGB, and the noise level for denoise)
    own_channels: ClassVar[int] = 3
    #: the neighbours the render hands the tool; the model's card says how many it takes
    temporal_radius = 2

    def default_model(self, params: Mapping[str, Any]) -> str:
        return self.temporal_model if params.get("temporal", True) else self.single_model

    def default_model_for(self, params: Mapping[str, Any], frame_count: int) -> str:
        return self.default_model(params) if frame_count > 1 else self.single_model

    def model_channels_for(self, facts: ModelFacts) -> tuple[int, int]:
        return (self.own_channels + 8 * facts.temporal_radius, 3)


__all__ = ["TEMPORAL_PARAM", "TemporalModelTool"]
