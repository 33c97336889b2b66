"""QC: what an independent reader (ffprobe, ffmpeg, MediaInfo) says about a delivered file, and
whether it still matches its source.

Workbench's own reader is PyAV; QC deliberately asks other tools, the ones a post house or a
distributor will run on the delivery. :func:`inspect` reads one file into a :class:`QcReport`;
:func:`compare` lists its :class:`Difference`\\ s from a source under :class:`Expectations` (what
the render changed on purpose); :func:`check` does both and returns a :class:`QcResult`.

Names are loaded on first use, so importing this package (as the CLI does to register its
command) costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.qc.comparison import compare
    from workbench.qc.difference import Difference
    from workbench.qc.errors import (
        QcError,
        QcFailed,
        QcTimeoutError,
        QcToolMissingError,
        QcUnreadableError,
    )
    from workbench.qc.expectations import ANY, Expectations
    from workbench.qc.inspection import inspect
    from workbench.qc.report import (
        AudioTrack,
        Chapter,
        ColourDescription,
        ContentLight,
        DataTrack,
        HdrMetadata,
        MasteringDisplay,
        MediaInfoColour,
        QcReport,
        SubtitleTrack,
        Timecode,
        VideoStream,
    )
    from workbench.qc.result import QcResult, check

_WHERE = {
    "ANY": "expectations",
    "Difference": "difference",
    "Expectations": "expectations",
    "compare": "comparison",
    "QcError": "errors",
    "QcFailed": "errors",
    "QcTimeoutError": "errors",
    "QcToolMissingError": "errors",
    "QcUnreadableError": "errors",
    "inspect": "inspection",
    "AudioTrack": "report",
    "Chapter": "report",
    "ColourDescription": "report",
    "ContentLight": "report",
    "DataTrack": "report",
    "HdrMetadata": "report",
    "MasteringDisplay": "report",
    "MediaInfoColour": "report",
    "QcReport": "report",
    "SubtitleTrack": "report",
    "Timecode": "report",
    "VideoStream": "report",
    "QcResult": "result",
    "check": "result",
}

__all__ = [
    "ANY",
    "AudioTrack",
    "Chapter",
    "ColourDescription",
    "ContentLight",
    "DataTrack",
    "Difference",
    "Expectations",
    "HdrMetadata",
    "MasteringDisplay",
    "MediaInfoColour",
    "QcError",
    "QcFailed",
    "QcReport",
    "QcResult",
    "QcTimeoutError",
    "QcToolMissingError",
    "QcUnreadableError",
    "SubtitleTrack",
    "Timecode",
    "VideoStream",
    "check",
    "compare",
    "inspect",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench.qc' has no attribute {name!r}")
    return getattr(importlib.import_module(f"workbench.qc.{module}"), name)
