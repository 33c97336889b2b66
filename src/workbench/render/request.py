"""What a front end asks a render for, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEGMENT_FRAMES = 12


@dataclass(frozen=True)
class RenderRequest:
    project_path: Path
    clip_id: int
    output: Path
    codec: str | None = None
    segment_frames: int = SEGMENT_FRAMES
    sign: bool = True
    drop_streams: tuple[int, ...] = ()
    convert_audio: tuple[int, ...] = ()
    convert_all_audio: bool = False
    """Re-encode as PCM every audio track the output's container cannot hold."""
    smart: bool = True
    """Copy the source's packets for frames no edit touches, where the codecs match."""
    overwrite: bool = False
    """Replace a file already at the output; without it the render refuses (an interrupted
    render of the same output still resumes)."""
    frames: tuple[int, int] | None = None
    """Deliver only the clip's frames ``first``..``last`` (a conformed shot with its handles),
    with the source's timecode at ``first`` and its audio cut to the same span; None: all."""
    provider: str | None = None
    """One execution provider for every model (``--provider``); None: chosen per model as
    for an edit (``inference.backends``)."""
    shot: dict[str, Any] | None = None
    """What the output is in a film (a conformed shot: its id, reel, timecodes and sequence,
    from ``conform.delivery``); its Content Credentials name them. None: a clip render."""


@dataclass(frozen=True)
class RenderResult:
    output: Path
    sha256: str
    frame_count: int
    frame_digest: str
    render_id: int
    log_entry: str
    resumed_from: int
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)
