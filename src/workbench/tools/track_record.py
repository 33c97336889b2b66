"""A tracked region as plain data: its keyframes and one region per frame, pinned by a hash.

A :class:`Track` is what :mod:`workbench.tools.tracking` leaves: plain integers per frame (a
rectangle, or the keyframe's mask and an integer offset), so a render reproduces every frame's
region exactly from the stored record, which the project keeps by the SHA-256 of its canonical
JSON (:attr:`Track.sha256`) and the edit's log entry names. :class:`TrackedRegion` is a track
with its masks loaded, as a render step asks it for each frame's region.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from workbench.errors import UsageError

TRACK_SCHEMA = "workbench.track/1"
METHOD = "dis-flow-median/1"
"""The tracker's name and version: what a stored track says made it."""
LINEAR = "keyframes-linear/1"
"""Keyframes joined by straight lines, no flow (:func:`~workbench.tools.tracking.interpolate`)."""

Rect = tuple[int, int, int, int]
Shape = Literal["rect", "mask"]


@dataclass(frozen=True)
class Keyframe:
    """Where the artist put the region at one frame: a rectangle, or a stored mask's hash."""

    frame: int
    rect: Rect | None = None
    mask: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.rect is not None:
            x, y, w, h = self.rect
            return {"frame": self.frame, "x": x, "y": y, "w": w, "h": h}
        return {"frame": self.frame, "mask": self.mask}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Keyframe:
        frame = _int(data, "frame")
        if "mask" in data:
            mask = data["mask"]
            if not isinstance(mask, str) or len(mask) != 64:
                raise ValueError("a mask keyframe names its mask by a SHA-256")
            return cls(frame, mask=mask)
        rect = (_int(data, "x"), _int(data, "y"), _int(data, "w"), _int(data, "h"))
        if rect[2] <= 0 or rect[3] <= 0:
            raise ValueError("a keyframe rectangle needs a positive width and height")
        return cls(frame, rect=rect)


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{key} is not an integer")
    return value


@dataclass(frozen=True)
class Track:
    """A region for every frame of ``frames``, as the tracker left it (plain data)."""

    clip: int
    frames: tuple[int, int]
    size: tuple[int, int]
    """The width and height of the frames it was tracked on."""
    shape: Shape
    keyframes: tuple[Keyframe, ...]
    rects: tuple[Rect, ...] = ()
    """Shape ``rect``: one rectangle per frame, ``frames[0]`` first."""
    offsets: tuple[tuple[int, int, int], ...] = ()
    """Shape ``mask``: per frame, (keyframe index, dx, dy): that keyframe's mask moved so."""
    method: str = METHOD

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": TRACK_SCHEMA,
            "clip": self.clip,
            "frames": list(self.frames),
            "size": list(self.size),
            "shape": self.shape,
            "method": self.method,
            "keyframes": [k.to_dict() for k in self.keyframes],
        }
        if self.shape == "rect":
            out["rects"] = [list(r) for r in self.rects]
        else:
            out["offsets"] = [list(o) for o in self.offsets]
        return out

    def canonical(self) -> bytes:
        return canonical_json(self.to_dict())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    @property
    def keyframe_frames(self) -> tuple[int, ...]:
        return tuple(k.frame for k in self.keyframes)

    def region_record(self) -> dict[str, Any]:
        """The edit's region: the track by its hash, with its shape and keyframes (for readers
        of the log who do not have the project's track table)."""
        return {
            "kind": "tracked",
            "sha256": self.sha256,
            "shape": self.shape,
            "keyframes": list(self.keyframe_frames),
        }

    def region_at(self, index: int) -> dict[str, Any]:
        """The region at frame ``index``: a rectangle, or a mask (its hash) and its offset."""
        first, last = self.frames
        i = min(max(index, first), last) - first
        if self.shape == "rect":
            x, y, w, h = self.rects[i]
            return {"kind": "rect", "x": x, "y": y, "w": w, "h": h}
        k, dx, dy = self.offsets[i]
        return {"kind": "mask", "sha256": self.keyframes[k].mask, "dx": dx, "dy": dy}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Track:
        """A stored track; ValueError when it is not one (the caller says where it was)."""
        if data.get("schema") != TRACK_SCHEMA:
            raise ValueError(f"it is not a {TRACK_SCHEMA} record")
        frames = tuple(data.get("frames") or ())
        size = tuple(data.get("size") or ())
        shape = data.get("shape")
        if len(frames) != 2 or len(size) != 2 or shape not in ("rect", "mask"):
            raise ValueError("its frames, size or shape are malformed")
        keyframes = tuple(Keyframe.from_dict(k) for k in data.get("keyframes") or ())
        n = int(frames[1]) - int(frames[0]) + 1
        rects = tuple(tuple(int(v) for v in r) for r in data.get("rects") or ())
        offsets = tuple(tuple(int(v) for v in o) for o in data.get("offsets") or ())
        per_frame = rects if shape == "rect" else offsets
        width = 4 if shape == "rect" else 3
        if not keyframes or len(per_frame) != n or any(len(v) != width for v in per_frame):
            raise ValueError("it does not hold one region per frame")
        if shape == "mask" and any(not 0 <= o[0] < len(keyframes) for o in offsets):
            raise ValueError("it names a keyframe it does not have")
        return cls(
            clip=int(data.get("clip") or 0),
            frames=(int(frames[0]), int(frames[1])),
            size=(int(size[0]), int(size[1])),
            shape=shape,
            keyframes=keyframes,
            rects=rects,  # type: ignore[arg-type]
            offsets=offsets,  # type: ignore[arg-type]
            method=str(data.get("method") or ""),
        )


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes a track's SHA-256 is taken of."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class TrackedRegion:
    """A track with its keyframes' masks loaded: what a render step asks for each frame."""

    track: Track
    masks: Mapping[str, NDArray[np.float32]] = field(default_factory=dict)

    def at(self, index: int) -> tuple[dict[str, Any], NDArray[np.float32] | None]:
        """(region, mask) for :func:`~workbench.tools.base.apply_tool` at frame ``index``."""
        region = self.track.region_at(index)
        if region["kind"] == "rect":
            return region, None
        mask = self.masks.get(str(region["sha256"]))
        if mask is None:
            raise UsageError(f"the tracked mask {str(region['sha256'])[:12]}… is not loaded")
        return {"kind": "mask"}, shift(mask, int(region["dx"]), int(region["dy"]))


def shift(image: NDArray[Any], dx: int, dy: int) -> NDArray[np.float32]:
    """``image`` moved by whole pixels; what comes in from outside is zero."""
    out = np.zeros(image.shape, np.float32)
    h, w = image.shape[:2]
    if abs(dx) >= w or abs(dy) >= h:
        return out
    src_y, dst_y = slice(max(0, -dy), h - max(0, dy)), slice(max(0, dy), h - max(0, -dy))
    src_x, dst_x = slice(max(0, -dx), w - max(0, dx)), slice(max(0, dx), w - max(0, -dx))
    out[dst_y, dst_x] = image[src_y, src_x]
    return out


__all__ = [
    "LINEAR",
    "METHOD",
    "TRACK_SCHEMA",
    "Keyframe",
    "Rect",
    "Shape",
    "Track",
    "TrackedRegion",
    "canonical_json",
    "shift",
]
