"""Track a keyframed region over an edit's frames: the one function the window and the CLI call.

The artist gives a few keyframes — a rectangle, or a mask, at a frame each — and the frames the
edit will cover; :func:`track_region` reads the clip and follows the region between them with
optical flow (:func:`workbench.tools.tracking.track`), storing each mask keyframe beside the
project first (by its hash, as a painted mask is). The :class:`~workbench.tools.tracking.Track`
it returns goes into an :class:`~workbench.editing.EditRequest` (``track=``); applying the edit
stores it in the project in the edit's own transaction and its hash in the edit's log entry.

On the command line keyframes are written ``F:X,Y,W,H;F:X,Y,W,H`` (:func:`parse_region_keys`)
or given as a JSON file (:func:`read_region_keys`)::

    {"keyframes": [{"frame": 0, "x": 40, "y": 30, "w": 64, "h": 48},
                   {"frame": 47, "x": 180, "y": 96, "w": 64, "h": 48}]}

where a keyframe may name a mask image instead of a rectangle (``{"frame": 12, "mask":
"face.png"}``, relative to the JSON file).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from workbench.errors import UsageError
from workbench.progress import NullProgress, Progress
from workbench.project import Project
from workbench.tools.tracking import Keyframe, KeyShape, Track, interpolate, track

MaskInput = Path | NDArray[Any]


@dataclass(frozen=True)
class KeyRegion:
    """One keyframe as a front end has it: a rectangle region, or a mask (file or array)."""

    frame: int
    region: dict[str, Any]
    """``{"kind": "rect", x, y, w, h}`` or ``{"kind": "mask"}`` (with ``mask``)."""
    mask: MaskInput | None = None


@dataclass(frozen=True)
class TrackRequest:
    clip_id: int
    keyframes: Sequence[KeyRegion]
    frames: tuple[int, int] | None = None
    """The frames the edit will cover (None: the whole clip)."""
    follow: bool = True
    """Follow the picture (optical flow); False: straight lines between the keyframes."""


def parse_region_keys(text: str) -> list[KeyRegion]:
    """``F:X,Y,W,H;F:X,Y,W,H`` as rectangle keyframes."""
    from workbench.editing.edits import parse_rect

    keys: list[KeyRegion] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        frame_text, sep, rect_text = part.partition(":")
        try:
            frame = int(frame_text)
        except ValueError:
            frame = -1
        if not sep or frame < 0:
            raise UsageError(
                f"a keyframe is FRAME:X,Y,W,H (e.g. 0:40,30,64,48); got {part!r}",
                hint="separate keyframes with ';' — quote the whole list in a shell",
            )
        keys.append(KeyRegion(frame, parse_rect(rect_text)))
    if not keys:
        raise UsageError("--region-keys needs at least one keyframe (FRAME:X,Y,W,H)")
    return keys


def read_region_keys(path: Path) -> list[KeyRegion]:
    """Keyframes from a JSON file (see the module docstring); mask paths are relative to it."""
    from workbench.editing.edits import parse_rect

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the keyframes file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"{path} is not JSON: {exc}") from None
    items = data.get("keyframes") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise UsageError(f'{path} needs a "keyframes" list', hint="see `workbench apply --help`")
    keys: list[KeyRegion] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("frame"), int):
            raise UsageError(f"each keyframe in {path} is an object with an integer frame")
        if "mask" in item:
            keys.append(KeyRegion(item["frame"], {"kind": "mask"}, Path(path).parent / item["mask"]))
            continue
        try:
            rect = ",".join(str(int(item[k])) for k in ("x", "y", "w", "h"))
        except (KeyError, TypeError, ValueError):
            raise UsageError(f"keyframe {item} in {path} needs x, y, w, h or a mask") from None
        keys.append(KeyRegion(item["frame"], parse_rect(rect)))
    return keys


def _key_shape(project: Project, key: KeyRegion) -> KeyShape:
    from workbench.project.masks import store_mask

    kind = key.region.get("kind")
    if kind == "rect":
        x, y, w, h = (int(key.region[k]) for k in ("x", "y", "w", "h"))
        if w <= 0 or h <= 0:
            raise UsageError(f"the keyframe at frame {key.frame} needs a positive width and height")
        return KeyShape(Keyframe(key.frame, rect=(x, y, w, h)))
    if kind == "mask" and key.mask is not None:
        digest = store_mask(key.mask, project.path)
        return KeyShape(Keyframe(key.frame, mask=digest), _mask_array(key.mask))
    raise UsageError(
        f"the keyframe at frame {key.frame} is neither a rectangle nor a painted mask",
        hint="draw a rectangle or paint a mask in the viewer, then set the keyframe",
    )


def _mask_array(mask: MaskInput) -> NDArray[np.float32]:
    if isinstance(mask, Path):
        import cv2

        image = cv2.imdecode(np.fromfile(mask, np.uint8), cv2.IMREAD_GRAYSCALE)
        if image is None:
            raise UsageError(f"{mask} is not an image a mask can be read from")
        return np.asarray(image, np.float32) / 255.0
    return np.asarray(mask, np.float32)


def track_region(
    project: Project, request: TrackRequest, progress: Progress | None = None
) -> Track:
    """The keyframed region followed over the request's frames (cancel through ``progress``)."""
    from workbench.media import open_reader

    progress = progress or NullProgress()
    clip = project.clip(request.clip_id)
    count = int(clip.media.get("frame_count") or 1)
    frames = request.frames if request.frames is not None else (0, max(0, count - 1))
    if frames[0] < 0 or frames[1] < frames[0] or frames[1] >= count:
        raise UsageError(f"frame range {frames[0]}-{frames[1]} is outside clip {clip.id}")
    span = (int(frames[0]), int(frames[1]))
    keys = [_key_shape(project, key) for key in request.keyframes]
    if not request.follow:
        size = (int(clip.media.get("width") or 0), int(clip.media.get("height") or 0))
        return interpolate(clip.id, span, size, keys)
    progress.update(0.0, f"tracking over frames {span[0]}–{span[1]}")
    with open_reader(clip.path) as reader:
        return track(reader.read, clip.id, span, keys, progress)


__all__ = [
    "KeyRegion",
    "TrackRequest",
    "parse_region_keys",
    "read_region_keys",
    "track_region",
]
