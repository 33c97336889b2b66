"""``regrain``: grain synthesised to match the footage's own, after a denoise or an upscale.

"The image is too clean": a denoise removes the grain with the noise, an upscale enlarges what
grain there was into soft blobs. Regrain measures the grain the earlier edits removed — the
clip's own frame minus what the stack made of it (:attr:`FrameWindow.source`), at the source's
resolution — or, where nothing was removed, the source's own fine grain in its flattest areas;
then it synthesises new grain with the same spectrum (size), the same mix across channels and
the same strength in each luminance band (:mod:`workbench.tools.grain`), scaled to the frame it
is given (an upscale's grain covers the same share of the picture), and adds it.

It runs no model. What it adds is *generated*, not recovered — the grain is new, seeded per
frame (``seed`` and the frame number), so a render is deterministic and a resumed render gives
the same frames, and independent from frame to frame as real grain is. It is disclosed as what
it is: a ``c2pa.filtered`` action, IPTC ``compositeSynthetic`` (captured footage with a
synthetic element), generative, and "synthesised grain" in the log, the report and the
Content Credentials.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from workbench.progress import Progress
from workbench.tools.base import Classification, Frame, FrameWindow, Param, Tool

SYNTHESIS = "synthesised grain"
#: Below this RMS (0-1 units, about 1/4 of an 8-bit step) the stack removed nothing to match.
REMOVED_FLOOR = 0.25 / 255.0


class Regrain(Tool):
    id = "regrain"
    version = "1.0"
    name = "Regrain"
    description = (
        "Add synthesised grain that matches the footage's own (its size and its strength in "
        "each luminance band), measured from what the earlier edits removed — after a denoise "
        "or an upscale, where the picture looks too clean. The grain is generated, not "
        "recovered, and is disclosed as synthesised grain."
    )
    task = "regrain"
    classification = Classification(
        "c2pa.filtered", "compositeSynthetic", "generative", synthesis=SYNTHESIS
    )
    reads_source = True
    uses_model = False
    params = (
        Param(
            "amount",
            "float",
            1.0,
            "grain strength against the measured grain (1 = as much as was measured)",
            minimum=0.0,
            maximum=2.0,
            label="Amount",
        ),
        Param(
            "size",
            "float",
            1.0,
            "grain size against the measured grain (1 = the same share of the picture)",
            minimum=0.5,
            maximum=3.0,
            label="Grain size",
        ),
        Param(
            "measure",
            "choice",
            "auto",
            "what the grain is measured on: what the earlier edits removed, the source's own "
            "fine grain in flat areas, or auto (removed where something was, else source)",
            choices=("auto", "removed", "source"),
            label="Measure",
        ),
        Param(
            "seed", "int", 0, "seed of the grain pattern", minimum=0, maximum=99999, label="Seed"
        ),
    )

    def default_model(self, params: Mapping[str, Any]) -> str:
        return ""  # runs no model

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        from workbench.tools.grain import synthesise

        current = window.current
        profile = self.profile(window, params)
        scale = current.shape[0] / self.reference(window).shape[0]
        rng = np.random.default_rng([int(params.get("seed", 0)), int(window.index)])
        grain = synthesise(
            profile,
            current,
            rng,
            stretch=scale * float(params.get("size", 1.0)),
            amount=float(params.get("amount", 1.0)),
        )
        progress.update(1.0, "grain added")
        return np.asarray(current + grain, np.float32)

    @staticmethod
    def reference(window: FrameWindow) -> Frame:
        """The clip's own frame (what the grain is measured on), else the frame given."""
        return window.source if window.source is not None else window.current

    def profile(self, window: FrameWindow, params: Mapping[str, Any]) -> Any:
        """The grain to match: of what the stack removed, or of the source's flat areas."""
        from workbench.tools.grain import high_pass, measure

        source = self.reference(window)
        made = _to_size(window.current, source.shape[:2])
        removed = np.asarray(source - made, np.float32)
        wanted = str(params.get("measure", "auto"))
        rms = float(np.sqrt(np.mean(removed * removed)))
        if wanted == "removed" or (wanted == "auto" and rms > REMOVED_FLOOR):
            return measure(removed, made, "removed")
        return measure(high_pass(source), source, "source")


def _to_size(frame: Frame, shape: tuple[int, ...]) -> Frame:
    """``frame`` area-resampled to ``shape`` (height, width): an upscale seen at source size."""
    if frame.shape[:2] == tuple(shape[:2]):
        return frame
    import cv2

    out = cv2.resize(frame, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
    return np.asarray(out, np.float32)
