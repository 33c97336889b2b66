"""One step run in its model's working space: convert in, feed what the space holds, convert back.

A model trained on sRGB-encoded photographs has only ever seen values in [0, 1]. After a
conversion into its working space a clip's values need not be there: an ARRI LogC4 highlight is
linear 400 (16 once sRGB-encoded), the dark pixels of sensor noise dip below 0 (the sRGB curve
multiplies linear noise near black by 12.92), an ACEScg plate's most saturated colours are
negative in Rec.709. What the model is fed, and what is taken from its result:

- above 1 the model is fed 1, and the true value passes through untouched: a model that saw a
  flat 1 can only guess, and a highlight keeps its full value (a repair inside it is capped);
- from 0 down to ``FLOOR / 2`` (-0.5) the values are fed as they are and the model's result
  stands: that is noise around black, and the model estimates it best from the values
  themselves (clipping them at 0 cost 5 dB on heavy LogC4 shadow noise, see ``tests/colour``);
- below ``FLOOR`` (-1) the model is fed ``FLOOR`` and the true value passes through untouched
  (no noise goes that far: an out-of-gamut colour), with a linear blend between.

Where a tool changed nothing at all (dust outside its detections), the clip's own pixel comes
back bit for bit, not a round trip of it. An enlarging tool is judged at its output size,
against the bicubic enlargement of the true values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from workbench.colour.convert import Conversion

Frame = NDArray[np.float32]
CEILING = 1.0
"""The top of what the models were trained on; above it values pass through untouched."""
FLOOR = -1.0
"""Below it values pass through untouched; between it and half of it, a blend."""


def feed(working: Frame) -> Frame:
    """What the model is fed of working-space values."""
    return np.clip(working, FLOOR, CEILING).astype(np.float32, copy=False)


def kept(working: Frame) -> Frame:
    """Per pixel and channel, how much of the true value passes through untouched (1) instead
    of the model's result (0); see the module docstring."""
    below = np.clip((working - FLOOR / 2) / (FLOOR / 2), 0.0, 1.0)
    return np.asarray(np.where(working > CEILING, 1.0, below), np.float32)


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
    """The tool's ``result`` (on ``fed``) back in the clip's space.

    ``source`` is the clip-space frame ``working`` came from; at scale 1 every pixel whose
    result equals what the model was fed is ``source``'s own. An enlarging tool's result is
    judged against the enlargement of the true values (``upsample``, the tools' bicubic).
    """
    if scale == 1:
        base = working
    elif upsample is None:
        raise ValueError("an enlarging step needs the upsampler its result is measured against")
    else:
        base = np.asarray(upsample(working, scale), np.float32)
    out = conversion.from_working(result + (base - result) * kept(base))
    if scale == 1:
        unchanged = np.all(result == fed, axis=2)
        if unchanged.any():
            out[unchanged] = source[unchanged]
    return out


__all__ = ["CEILING", "FLOOR", "feed", "from_working", "kept", "to_working"]
