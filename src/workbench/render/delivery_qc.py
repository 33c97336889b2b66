"""The render's own QC: its output read by ffprobe and MediaInfo against the source.

Before a render registers its output, the file is checked exactly as ``workbench qc --against``
checks it, with the expectations the plan implies (a codec chosen by the user, an upscale,
dropped or converted streams). The verdict goes into the render's log entry, so the log says
what an independent reader found, and the render's progress says so in words; a failed QC is
recorded as failed, never hidden. (It does not block the render: some of what the readers
report of variable-rate and late-starting sources is still the QC's own approximation.) Where the independent readers are not installed, the entry
says QC was not run and why, and the render goes on: the readers are a facility's tools, not
the renderer's.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from workbench.media.formats import CODECS, CONTAINERS
from workbench.media.info import MediaInfo, MediaKind


def expectations_for(
    info: MediaInfo,
    output: Path,
    codec: str,
    *,
    scale: int,
    edited_frames: int,
    dropped: tuple[int, ...],
    converted: tuple[int, ...],
    source_frames: tuple[int, int] | None = None,
) -> Any:
    from workbench.qc import ANY, Expectations

    spec = CODECS[codec]
    same_codec = spec.codec == info.codec and (spec.profile is None or spec.profile == info.profile)
    source_ext = Path(info.path).suffix.lower()
    container_changed = info.kind is not MediaKind.VIDEO or (
        CONTAINERS.get(source_ext) is not CONTAINERS.get(output.suffix.lower())
    )
    container = CONTAINERS.get(output.suffix.lower())
    if container is not None and container.pads_audio:
        # MXF re-cuts PCM into one packet per edit unit and pads a short track with silence:
        # the samples are the source's, the packets are not.
        converted = tuple(sorted({*converted, *(a.index for a in info.audio)}) )
    if source_frames is not None:
        # A shot's audio is cut to the sample as PCM: a compressed track is coded anew.
        converted = tuple(
            sorted({*converted, *(a.index for a in info.audio if not a.codec.startswith("pcm_"))})
        )
    # A long-GOP codec encoded again may pick another profile; name the codec so it may.
    named = not same_codec or not spec.intra_only
    return Expectations(
        codec=spec.codec if named else None,
        scale=Fraction(scale),
        edited_frames=edited_frames,
        pixel_format=None if same_codec and edited_frames == 0 else ANY,
        container_changed=container_changed,
        dropped_streams=tuple(dropped),
        converted_audio=tuple(converted),
        source_frames=source_frames,
    )


def check_delivery(pending: Path, source: MediaInfo, expect: Any) -> dict[str, Any]:
    """Run QC on ``pending``; the summary for the log entry (status passed / failed / not run)."""
    from workbench.qc import QcToolMissingError, check

    rate = source.frame_rate if source.kind is not MediaKind.VIDEO else None
    try:
        result = check(pending, against=source.path, expect=expect, rate=rate)
    except QcToolMissingError as exc:
        return {"status": "not run", "reason": exc.message}
    summary: dict[str, Any] = {
        "status": "passed" if result.passed else "failed",
        "readers": "ffprobe, mediainfo",
        "expectations": expect.to_dict(),
        "expected": [d.line() for d in result.differences if d.expected],
        "unexpected": [d.line() for d in result.unexpected],
    }
    return summary


def warn_lines(summary: dict[str, Any]) -> list[str]:
    """What a person reads when the render's QC found something: the log says it too."""
    if summary.get("status") != "failed":
        return []
    return [
        "QC: the independent readers found differences no edit explains (recorded in the "
        "render's log entry):",
        *(f"  {line}" for line in summary.get("unexpected", [])[:8]),
    ]
