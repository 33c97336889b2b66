"""One step run in its model's working space: convert in, feed what the space holds, convert back.

A model trained on sRGB-encoded photographs has only ever seen values in [0, 1]. After a
conversion into its working space, a clip's values need not be there: an ARRI LogC4 highlight
is linear 400 (16 sRGB-encoded), an ACEScg plate's saturated colours are negative in Rec.709.
So the model is fed the working values *clipped* to [0, 1], and what it changed — its result
minus what it was fed — is added as a residual to the true working values before converting
back. A flat highlight above 1 therefore passes through untouched (the model saw a flat 1 and
changed nothing), an edge into it keeps its full value plus the model's change, and no model
ever sees a value it was not trained on. Where a tool changed nothing at all (dust outside its
detections, a blend at strength 0), the clip's own pixel comes back bit for bit, not a round
trip of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from workbench.colour.convert import Conversion

Frame = NDArray[np.float32]
RANGE = (0.0, 1.0)
"""What every working space holds for the models: the range they were trained on."""


def feed(working: Frame) -> Frame:
    """What the model is fed of working-space values: the range it was trained on."""
    return np.clip(working, *RANGE).astype(np.float32, copy=False)


def to_working(conversion: Conversion, frames: Mapping[int, Frame]) -> dict[int, Frame]:
    """Each frame converted into the working space (true values, unclipped)."""
    return {index: conversion.to_working(frame) for index, frame in frames.items()}


def from_working(
    conversion: Conversion,
    source: Frame,
    working: Frame,
    fed: Frame,
    result: Frame,
    *,
    scale: int = 1,
    upsample: Callable[[Frame, int], Frame] | None = None,
) -> Frame:
    """The tool's ``result`` (on ``fed``) back in the clip's space, as a residual on ``working``.

    ``source`` is the clip-space frame ``working`` came from; at scale 1 every pixel whose
    result equals what the model was fed is ``source``'s own. An enlarging tool's change is
    measured against the enlargement of what it was fed (``upsample``, the tools' bicubic).
    """
    if scale == 1:
        out_working = working + (result - fed)
        out = conversion.from_working(out_working)
        unchanged = np.all(result == fed, axis=2)
        if unchanged.any():
            out[unchanged] = source[unchanged]
        return out
    if upsample is None:
        raise ValueError("an enlarging step needs the upsampler its result is measured against")
    out_working = upsample(working, scale) + (result - upsample(fed, scale))
    return conversion.from_working(np.asarray(out_working, np.float32))


__all__ = ["RANGE", "feed", "from_working", "to_working"]
