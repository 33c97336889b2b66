"""Where rendered segments live until the render is finished and registered.

A segment is its media (a lossless intermediate, or the deliverable's own packets for an
intra-only codec) plus a small record of its frame digests. The record is written atomically
after the media is closed; its presence marks the segment done, so a render killed at any
moment, run again with the same plan, renders only the segments without one. A store is keyed
by the plan's digest and the segment's index: a changed plan never reuses another's segments.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from workbench.errors import WorkbenchError
from workbench.fsutil import write_atomic
from workbench.render.plan import RenderPlan
from workbench.tools.base import Frame


@dataclass(frozen=True)
class SegmentResult:
    """One finished segment: frames ``first``..``last`` and one digest per frame."""

    index: int
    first: int
    last: int
    frames: tuple[str, ...]
    media: Path
    reused: bool = False
    """True when the store already held it and nothing was rendered."""


class SegmentStore(Protocol):
    """Where a plan's segments are written, found again, and finally removed."""

    def media_path(self, plan: RenderPlan, index: int) -> Path:
        """Where segment ``index``'s media is (a frame pattern for an EXR intermediate)."""
        ...

    def prepare(self, plan: RenderPlan, index: int) -> Path:
        """A clean :meth:`media_path` to write segment ``index`` to (leftovers removed)."""
        ...

    def load(self, plan: RenderPlan, index: int) -> SegmentResult | None:
        """The finished segment ``index``, or None when it still has to be rendered."""
        ...

    def save(self, plan: RenderPlan, result: SegmentResult) -> None:
        """Mark a segment done (atomically: a crash leaves it done or not, never half)."""
        ...

    def clear(self, plan: RenderPlan) -> None:
        """Forget every segment of ``plan`` (after the render is registered)."""
        ...


class DirectorySegmentStore:
    """Segments as files in one folder per plan.

    Without ``root`` the folder is beside the output (``.<output>.wbrender-<digest>``), which is
    where an interrupted render is found again; with ``root``, ``<root>/<digest>`` (a shared
    folder a farm's workers and coordinator all see).
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root

    def folder(self, plan: RenderPlan) -> Path:
        if self.root is not None:
            return self.root / plan.digest
        output = plan.output_path
        return output.parent / f".{output.name}.wbrender-{plan.digest[:12]}"

    def _record_path(self, plan: RenderPlan, index: int) -> Path:
        return self.folder(plan) / f"segment_{index:06d}.json"

    def media_path(self, plan: RenderPlan, index: int) -> Path:
        folder = self.folder(plan)
        if plan.segment_mode == "exr":
            return folder / f"segment_{index:06d}" / "frame_%06d.exr"
        if plan.segment_mode == "direct":
            return folder / f"segment_{index:06d}{plan.output_path.suffix}"
        return folder / f"segment_{index:06d}.mkv"

    def prepare(self, plan: RenderPlan, index: int) -> Path:
        media = self.media_path(plan, index)
        media.parent.parent.mkdir(parents=True, exist_ok=True)
        if plan.segment_mode == "exr":
            shutil.rmtree(media.parent, ignore_errors=True)
            media.parent.mkdir()
        else:
            media.parent.mkdir(parents=True, exist_ok=True)
        return media

    def load(self, plan: RenderPlan, index: int) -> SegmentResult | None:
        path = self._record_path(plan, index)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            frames = tuple(str(d) for d in record["frames"])
            first = int(record["first"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return None  # unreadable: render it again
        segment = plan.segment(index)
        if first != segment.first or len(frames) != segment.frame_count:
            return None  # not this plan's cut: render it again
        media = self.media_path(plan, index)
        return SegmentResult(index, segment.first, segment.last, frames, media, reused=True)

    def save(self, plan: RenderPlan, result: SegmentResult) -> None:
        record = {"segment": result.index, "first": result.first, "frames": list(result.frames)}
        path = self._record_path(plan, result.index)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_atomic(path, json.dumps(record).encode())
        except OSError as exc:
            from workbench.errors import StorageError

            raise StorageError(f"cannot store render segment {result.index}: {exc}") from exc

    def clear(self, plan: RenderPlan) -> None:
        shutil.rmtree(self.folder(plan), ignore_errors=True)


# -- what a stored segment holds ------------------------------------------------------------
def frame_bytes(frame: Frame) -> bytes:
    """The bytes a frame digest covers: the frame's float32 samples (little-endian), with its shape.

    Frames come from the lossless intermediates, so the digest is the same for a resumed and an
    uninterrupted render; float sources keep values above 1.
    """
    samples = np.ascontiguousarray(frame, dtype="<f4")
    return f"{frame.shape[0]}x{frame.shape[1]}:".encode() + samples.tobytes()


def stored_digests(media: Path, mode: str) -> list[str]:
    """One digest per frame of a finished segment, read back from what was stored.

    Direct segments are the deliverable's own packets: each frame's digest is the SHA-256 of
    its encoded bytes (exactly what the output holds; no decode needed). Intermediates are
    digested by their decoded samples, which is what the final pass encodes.
    """
    from workbench.media import open_reader

    if mode == "direct":
        import av

        with av.open(str(media)) as container:
            stream = container.streams.video[0]
            return [
                hashlib.sha256(bytes(packet)).hexdigest()
                for packet in container.demux(stream)
                if packet.size
            ]
    with open_reader(media) as stored:
        return [hashlib.sha256(frame_bytes(f)).hexdigest() for f in stored.iter_frames()]


def checked_frames(result: SegmentResult, where: Any) -> list[Frame]:
    """A finished intermediate segment's frames, each checked against its recorded digest."""
    from workbench.media import open_reader

    with open_reader(result.media) as reader:
        frames = list(reader.iter_frames())
    if len(frames) != len(result.frames):
        raise WorkbenchError(
            f"render segment {result.index} is incomplete; delete {where} and rerun"
        )
    for frame, digest in zip(frames, result.frames, strict=True):
        if hashlib.sha256(frame_bytes(frame)).hexdigest() != digest:
            raise WorkbenchError(
                f"render segment {result.index} is damaged; delete {where} and rerun"
            )
    return frames
