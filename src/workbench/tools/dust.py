"""``dust``: one- and two-frame defects (specks, hairs, short scratches), repaired from neighbours.

The detector sees the frame and both neighbours, motion-compensated onto it; the detections the
three frames show to be real content are taken back, and only the remaining pixels are replaced,
from the aligned neighbours, so clean regions stay bit-for-bit untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from workbench.progress import Progress
from workbench.tools.base import Classification, Frame, FrameWindow, Param, Tool, run_model
from workbench.tools.model_facts import ModelFacts


class Dust(Tool):
    id = "dust"
    version = "1.1"  # 1.1: content taken back, detections followed, a 50 px reach
    name = "Dust and scratches"
    description = "Find short-lived specks, hairs and scratches and repair them from neighbours."
    task = "dust"
    classification = Classification("c2pa.enhanced")
    temporal_radius = 1
    #: for a detector card that does not say: the shipped detector's reach, 24 px each side at
    #: half resolution (dilations 1+1+2+4+8+4+2+1+1), 50 px with the space-to-depth cell
    model_facts = ModelFacts(receptive_radius=50, size_multiple=2)
    model_channels = (9, 1)  # the frame and its two aligned neighbours in, a probability out
    params = (
        Param(
            "threshold",
            "float",
            0.5,
            "detection probability above which a pixel is repaired (higher = more cautious)",
            minimum=0.05,
            maximum=0.95,
            label="Threshold",
        ),
        Param("grow", "int", 1, "pixels added around each detection", minimum=0, maximum=8),
    )

    def _repair(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Any:
        """The whole repair (:func:`workbench.tools.dust_repair.repair_frame`): the preview,
        the overlay and the render all come through here."""
        from workbench.tools.dust_repair import detect_both_ways, repair_frame

        current = window.current

        def run(stack: Frame, k: int) -> NDArray[np.float32]:
            part = progress.sub(0.5 * k, 0.5 * (k + 1))
            out = run_model(engine, stack, part, defaults=self.model_facts)
            return np.asarray(out[:, :, 0], np.float32)

        def detect(prev_aligned: Frame, next_aligned: Frame) -> NDArray[np.float32]:
            return detect_both_ways(run, current, prev_aligned, next_aligned)

        return repair_frame(
            window.neighbour(-1),
            current,
            window.neighbour(1),
            detect,
            float(params.get("threshold", 0.5)),
            int(params.get("grow", 1)),
        )

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        if len(window.frames) < 2:
            return window.current.copy()  # a still has no neighbours to repair from
        return np.asarray(self._repair(window, params, engine, progress).frame, np.float32)

    def mask_overlay(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> NDArray[np.bool_] | None:
        """The pixels the repair replaces (every other pixel comes back bit for bit)."""
        if len(window.frames) < 2:
            return None
        return np.asarray(self._repair(window, params, engine, progress).mask, bool)
