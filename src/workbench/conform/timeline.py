"""Reading the editor's cut through OpenTimelineIO's adapters into plain events.

Every format an NLE writes — CMX 3600 EDL (Avid, Premiere, Nucoda styles), Final Cut Pro 7 XML
(as Premiere writes it), ``.otio`` / ``.otioz`` (as Resolve writes them), AAF (where the adapter
reads it) — goes through ``opentimelineio.adapters``; what comes back is walked once into
:class:`Event` values that count frames as integers at an exact rate (timecode frame numbers,
drop-frame aware), so nothing later depends on OTIO's floating-point times.

Where an EDL declares ``FCM: DROP FRAME`` but writes its timecodes with colons (some tools do),
the frame separators are made semicolons before OTIO reads it, since ``opentime`` tells
drop-frame from the separator alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from workbench.disclosure.entries import Marker
from workbench.errors import UsageError
from workbench.media.timecode import to_timecode

FORMATS = {
    ".edl": "cmx_3600",
    ".xml": "fcp_xml",
    ".otio": "otio_json",
    ".otioz": "otioz",
    ".aaf": "AAF",
}
_TC = re.compile(r"\b(\d{2}:\d{2}:\d{2})[:;](\d{2})\b")
_REEL_KEYS = ("reel", "reel name", "reel_name", "reelname", "tape", "tape name", "tapename")


@dataclass(frozen=True)
class Event:
    """One shot of the cut as the timeline says it (frames at ``rate``'s timecode count).

    ``source_in``/``source_out`` and ``record_in``/``record_out`` are in/exclusive-out;
    ``head_extra``/``tail_extra`` are the frames a transition shows beyond the cut on each side
    (kept as handles); ``speed`` is 1 for real time (0 for a freeze frame).
    """

    index: int
    name: str
    track: str
    reel: str | None
    file: str | None
    rate: Fraction
    source_in: int
    source_out: int
    record_in: int
    record_out: int
    speed: Fraction = Fraction(1)
    head_extra: int = 0
    tail_extra: int = 0
    markers: tuple[Marker, ...] = ()
    comments: tuple[str, ...] = ()
    drop_frame: bool = False

    @property
    def duration(self) -> int:
        return self.source_out - self.source_in

    def tc(self, frames: int) -> str:
        return to_timecode(frames, self.rate, self.drop_frame)


@dataclass(frozen=True)
class Cut:
    """A timeline read: its name, format, rate, where its record timecode starts, its events."""

    name: str
    format: str
    rate: Fraction
    drop_frame: bool
    record_start: int
    events: tuple[Event, ...]
    notes: tuple[str, ...] = ()


def exact_rate(value: float) -> Fraction:
    """OTIO's floating-point rate as the exact fraction it stands for (23.976… is 24000/1001)."""
    rate = Fraction(value).limit_denominator(1001)
    if rate <= 0:
        raise UsageError(f"the timeline has a frame rate of {value}, which cannot be right")
    return rate


def timeline_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"{path.name}: Workbench reads {', '.join(sorted(FORMATS))} timelines",
            hint="export the cut from the NLE as an EDL, FCP 7 XML, OpenTimelineIO or AAF",
        )
    return fmt


def _edl_text(path: Path) -> tuple[str, bool]:
    """The EDL's text with drop-frame timecodes written with ``;``; whether it says DF."""
    text = path.read_text(encoding="utf-8", errors="replace")
    drop = False
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip().upper()
        if stripped.startswith("FCM:"):
            drop = "NON" not in stripped and "DROP" in stripped
        elif drop and stripped[:1].isdigit():
            line = _TC.sub(r"\1;\2", line)
        out.append(line)
    return "\n".join(out) + "\n", drop or ";" in text


def read_otio(path: Path, rate: Fraction | None) -> tuple[Any, str, bool]:
    """The timeline as OTIO reads it, its format and whether it declares drop-frame."""
    import opentimelineio as otio

    fmt = timeline_format(path)
    if not path.is_file():
        raise UsageError(f"no timeline at {path}")
    try:
        if fmt == "cmx_3600":
            if rate is None:
                raise UsageError(
                    f"{path.name} is an EDL, which does not say its frame rate",
                    hint="give it with --rate (25, 24000/1001, 29.97…)",
                )
            text, drop = _edl_text(path)
            timeline = otio.adapters.read_from_string(
                text, adapter_name="cmx_3600", rate=float(rate), ignore_timecode_mismatch=False
            )
            return timeline, fmt, drop
        timeline = otio.adapters.read_from_file(str(path), adapter_name=fmt)
    except UsageError:
        raise
    except Exception as exc:  # the adapters raise their own exception types, and plain ones
        raise UsageError(
            f"{path.name} cannot be read as {fmt}: {exc}",
            hint="check that the NLE finished writing it; re-export it if it is damaged",
        ) from None
    if isinstance(timeline, otio.schema.SerializableCollection):
        found = list(timeline.find_children(descended_from_type=otio.schema.Timeline))
        if not found:
            raise UsageError(f"{path.name} holds no timeline")
        timeline = found[0]
    if not isinstance(timeline, otio.schema.Timeline):
        raise UsageError(f"{path.name} holds a {type(timeline).__name__}, not a timeline")
    return timeline, fmt, False


def path_of(url: str | None) -> str | None:
    """A media reference's URL as a path (``file://localhost/Volumes/…`` → ``/Volumes/…``)."""
    if not url:
        return None
    if "://" not in url:
        return url
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return url
    return unquote(parsed.path)


def plain(value: Any) -> Any:
    """OTIO's metadata containers (AnyDictionary, AnyVector) as plain dicts and lists."""
    from collections.abc import Mapping, Sequence

    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v) for v in value]
    return value


def find_reel(*metadata: Any) -> str | None:
    """A reel or tape name anywhere in the metadata the adapters kept (depth-limited)."""

    def walk(value: Any, depth: int) -> str | None:
        if depth > 6 or not isinstance(value, dict):
            return None
        for key, item in value.items():
            if str(key).strip().lower() in _REEL_KEYS:
                if isinstance(item, dict):
                    item = item.get("name") or item.get("Name")
                if isinstance(item, str) and item.strip() and item.strip().upper() != "AX":
                    return item.strip()
        for item in value.values():
            found = walk(item, depth + 1)
            if found:
                return found
        return None

    for meta in metadata:
        found = walk(plain(meta) if meta else {}, 0)
        if found:
            return found
    return None


def clip_comments(clip: Any) -> tuple[str, ...]:
    out: list[str] = []
    meta = plain(clip.metadata)
    out += [str(c) for c in (meta.get("cmx_3600") or {}).get("comments", [])]
    fcp = meta.get("fcp_xml") or {}
    for group in ("comments", "logginginfo"):
        values = fcp.get(group) or {}
        if isinstance(values, dict):
            out += [str(v) for v in values.values() if isinstance(v, str) and v.strip()]
    resolve = meta.get("Resolve_OTIO") or {}
    if isinstance(resolve, dict) and isinstance(resolve.get("Notes"), str) and resolve["Notes"]:
        out.append(resolve["Notes"])
    return tuple(out)


__all__ = [
    "FORMATS",
    "Cut",
    "Event",
    "clip_comments",
    "exact_rate",
    "find_reel",
    "path_of",
    "plain",
    "read_otio",
    "timeline_format",
]
