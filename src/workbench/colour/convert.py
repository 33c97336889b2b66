"""Float32 OpenColorIO processors between a clip's colour space and a model's working space.

A :class:`Conversion` holds the forward (clip → working) and inverse (working → clip) CPU
processors of the pinned config, optimised *losslessly*: OpenColorIO's default optimisation
replaces ``pow``/``log``/``exp`` by fast approximations whose round trip errs by up to 4e-5,
the lossless one by under 1e-6 (``tests/colour``). Both are conversions between scene-referred
spaces, so no view transform (no tone map, no look) is ever on the path. Frames are packed
float32 RGB, converted in a copy (the caller's frame is never changed).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from workbench.colour.config import CONFIG_NAME, SOURCE, ColourSpaceError, config, lookup

Frame = NDArray[np.float32]


@dataclass(frozen=True)
class Conversion:
    """Clip space ``source`` ⇄ working space ``working`` (both the config's own names)."""

    source: str
    working: str
    config_name: str = CONFIG_NAME
    _forward: Any = field(default=None, repr=False, compare=False)
    _inverse: Any = field(default=None, repr=False, compare=False)

    def to_working(self, frame: Frame) -> Frame:
        return _apply(self._forward, frame)

    def from_working(self, frame: Frame) -> Frame:
        return _apply(self._inverse, frame)


def _cpu(source: str, target: str) -> Any:
    import PyOpenColorIO as OCIO

    processor = config().getProcessor(source, target)
    return processor.getOptimizedCPUProcessor(
        OCIO.BIT_DEPTH_F32, OCIO.BIT_DEPTH_F32, OCIO.OPTIMIZATION_LOSSLESS
    )


def _apply(cpu: Any, frame: Frame) -> Frame:
    import PyOpenColorIO as OCIO

    if frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"a colour conversion takes H×W×3 frames, not {frame.shape}")
    out = np.array(frame, dtype=np.float32, order="C", copy=True)
    height, width = out.shape[:2]
    if out.size:
        cpu.apply(OCIO.PackedImageDesc(out, width, height, 3))
    return out


def _known(name: str, role: str) -> str:
    found = lookup(name)
    if found is None:
        raise ColourSpaceError(
            f"the {role} colour space {name!r} is not a scene-referred space of {CONFIG_NAME}",
            hint="set the clip's colour space to one `workbench clip colourspace --list` shows",
        )
    return found


@functools.lru_cache(maxsize=64)
def conversion(source: str, working: str) -> Conversion | None:
    """The conversion from a clip's space to a working space; None when there is nothing to
    convert (either is ``source``, or both are the same space)."""
    if source == SOURCE or working == SOURCE:
        return None
    src, work = _known(source, "clip's"), _known(working, "working")
    if src == work:
        return None
    return Conversion(src, work, CONFIG_NAME, _cpu(src, work), _cpu(work, src))


__all__ = ["Conversion", "conversion"]
