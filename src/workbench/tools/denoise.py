"""``denoise``: sensor noise and grain, at a level estimated from the frame unless set.

On video the default model is the temporal one (``denoise-temporal``): it also sees the two
frames on each side, motion-compensated onto this one (:mod:`workbench.tools.temporal_align`),
where they line up; on a still, or with ``temporal`` off, the single-frame ``denoise`` model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from workbench.progress import Progress
from workbench.tools.base import Classification, Frame, FrameWindow, Param, run_model
from workbench.tools.grain import keep_grain
from workbench.tools.model_facts import ModelFacts, facts_for
from workbench.tools.temporal_tool import TEMPORAL_PARAM, TemporalModelTool


class Denoise(TemporalModelTool):
    id = "denoise"
    version = "1.1"
    name = "Denoise"
    description = (
        "Remove sensor noise and grain. The noise level is measured on each frame unless set; "
        "'amount' scales it (below 1 keeps some grain, above 1 cleans harder). On video it "
        "also uses the two frames on each side, where they line up."
    )
    task = "denoise"
    classification = Classification("c2pa.enhanced")
    #: for a denoiser card that does not say: 32 px of tile overlap (the shipped card's figure)
    model_facts = ModelFacts(receptive_radius=14, size_multiple=2)
    model_channels = (4, 3)  # RGB and a noise-level plane in, RGB out
    temporal_model, single_model = "denoise-temporal", "denoise"
    own_channels = 4
    params = (
        Param(
            "level",
            "float",
            0.0,
            "noise standard deviation on the 0-255 scale; 0 = measure it automatically",
            minimum=0.0,
            maximum=75.0,
            label="Noise level",
        ),
        Param(
            "amount",
            "float",
            1.0,
            "multiplies the noise level given to the model (film grain reads low: 2-3)",
            minimum=0.0,
            maximum=3.0,
            label="Amount",
        ),
        Param(
            "keep_grain",
            "float",
            0.0,
            "how much of the removed grain to keep: the luminance of what the denoise removed, "
            "put back (0 = full denoise, 1 = the grain as it was); colour noise goes at any value",
            minimum=0.0,
            maximum=1.0,
            label="Keep grain",
        ),
        TEMPORAL_PARAM,
    )

    def sigma(self, frame: Frame, params: Mapping[str, Any]) -> float:
        """The noise level handed to the model, in [0, 1] units."""
        from workbench.tools.noise_estimate import estimate_noise_sigma

        level = float(params.get("level", 0.0))
        sigma = level / 255.0 if level > 0 else estimate_noise_sigma(frame)
        return float(sigma) * float(params.get("amount", 1.0))

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        from workbench.tools.temporal_align import temporal_input

        frame = window.current
        sigma = self.sigma(frame, params)
        if sigma <= 0.0:
            return frame.copy()
        radius = facts_for(engine, self.model_facts).temporal_radius
        if radius > 0:
            stack = temporal_input(
                frame, window.present(min(radius, self.temporal_radius)), radius, level=sigma
            )
        else:
            plane = np.full((*frame.shape[:2], 1), sigma, np.float32)
            stack = np.concatenate([frame, plane], axis=2)
        out = run_model(engine, stack, progress, defaults=self.model_facts)
        denoised = np.clip(out, 0.0, 1.0).astype(np.float32)
        return keep_grain(frame, denoised, float(params.get("keep_grain", 0.0)))
