"""Where rendered segments live until the render is finished and registered.

A segment is its media (a lossless intermediate, or the deliverable's own packets for an
intra-only codec) plus a small record of its frame digests, and of who rendered it with which
execution provider. The media is written under a name of its own (``prepare``) and moved into
place, then the record is written atomically (``save``); the record's presence marks the segment
done, so a render killed at any moment, run again with the same plan, renders only the segments
without one. Two writers of the same segment (a farm's retried or duplicated task) never write
into each other's file: the first to finish keeps its segment, the other's copy is discarded.
A store is keyed by the plan's digest and the segment's index: a changed plan never reuses
another's segments.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from workbench.errors import StorageError, WorkbenchError
from workbench.fsutil import fsync_dir, write_atomic
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
    worker: str = ""
    """Who rendered it (a farm worker's address; empty for this machine's own render)."""
    provider: str = ""
    """The execution provider its models ran on (empty: recorded before providers were)."""


class SegmentStore(Protocol):
    """Where a plan's segments are written, found again, and finally removed."""

    def media_path(self, plan: RenderPlan, index: int) -> Path:
        """Where segment ``index``'s media is (a frame pattern for an EXR intermediate)."""
        ...

    def prepare(self, plan: RenderPlan, index: int) -> Path:
        """A fresh path, this writer's own, to write segment ``index``'s media to."""
        ...

    def load(self, plan: RenderPlan, index: int) -> SegmentResult | None:
        """The finished segment ``index``, or None when it still has to be rendered."""
        ...

    def save(self, plan: RenderPlan, result: SegmentResult) -> SegmentResult:
        """Move the media written at ``result.media`` (a :meth:`prepare` path) into place and
        mark the segment done, atomically: a crash leaves it done or not, never half. Returns
        the stored segment: another writer's, when it finished the same segment first."""
        ...

    def clear(self, plan: RenderPlan) -> None:
        """Forget every segment of ``plan`` (after the render is registered)."""
        ...


class DirectorySegmentStore:
    """Segments as files in one folder per plan.

    Without ``root`` the folder is beside the output (``.<output>.wbrender-<digest>``), which is
    where an interrupted render is found again; with ``root``, ``<root>/<digest>`` (a shared
    folder a farm's workers and coordinator all see); with ``folder``, exactly that folder (a
    farm worker given the coordinator's folder, as it is mounted on the worker).
    """

    def __init__(self, root: Path | None = None, *, folder: Path | None = None) -> None:
        self.root = root
        self.fixed = folder

    def folder(self, plan: RenderPlan) -> Path:
        if self.fixed is not None:
            return self.fixed
        if self.root is not None:
            return self.root / plan.digest
        output = plan.output_path
        return output.parent / f".{output.name}.wbrender-{plan.digest[:12]}"

    def _record_path(self, plan: RenderPlan, index: int) -> Path:
        return self.folder(plan) / f"segment_{index:06d}.json"

    def media_path(self, plan: RenderPlan, index: int) -> Path:
        return self._media(plan, index, "")

    def _media(self, plan: RenderPlan, index: int, part: str) -> Path:
        folder, name = self.folder(plan), f"segment_{index:06d}{part}"
        if plan.segment_mode == "exr":
            return folder / name / "frame_%06d.exr"
        if plan.segment_mode == "direct":
            return folder / f"{name}{plan.output_path.suffix}"
        return folder / f"{name}.mkv"

    def prepare(self, plan: RenderPlan, index: int) -> Path:
        token = f".part-{os.getpid()}-{secrets.token_hex(4)}"
        media = self._media(plan, index, token)
        media.parent.mkdir(parents=True, exist_ok=True)
        return media

    def load(self, plan: RenderPlan, index: int) -> SegmentResult | None:
        path = self._record_path(plan, index)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            frames = tuple(str(d) for d in record["frames"])
            first = int(record["first"])
            worker, provider = str(record.get("worker", "")), str(record.get("provider", ""))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # unreadable: render it again
        segment = plan.segment(index)
        if first != segment.first or len(frames) != segment.frame_count:
            return None  # not this plan's cut: render it again
        media = self.media_path(plan, index)
        return SegmentResult(
            index, segment.first, segment.last, frames, media, True, worker, provider
        )

    def save(self, plan: RenderPlan, result: SegmentResult) -> SegmentResult:
        done = self.load(plan, result.index)
        if done is not None and done.provider in ("", result.provider):
            _remove_media(result.media)  # another writer finished it first: keep theirs
            return done
        final = self.media_path(plan, result.index)
        record = {
            "segment": result.index,
            "first": result.first,
            "frames": list(result.frames),
            "worker": result.worker,
            "provider": result.provider,
        }
        try:
            if result.media != final:
                _move_media(result.media, final)
            write_atomic(self._record_path(plan, result.index), json.dumps(record).encode())
        except OSError as exc:
            raise StorageError(f"cannot store render segment {result.index}: {exc}") from exc
        return replace(result, media=final)

    def clear(self, plan: RenderPlan) -> None:
        shutil.rmtree(self.folder(plan), ignore_errors=True)


def _is_pattern(media: Path) -> bool:
    return "%" in media.name


def _remove_media(media: Path) -> None:
    if _is_pattern(media):
        shutil.rmtree(media.parent, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            media.unlink(missing_ok=True)


def _move_media(part: Path, final: Path) -> None:
    """Rename a finished segment's media into place (a folder of frames for an EXR pattern).

    A leftover at ``final`` (media without a record: a writer killed between the two steps)
    is replaced.
    """
    if not _is_pattern(part):
        os.replace(part, final)
        fsync_dir(final.parent)
        return
    source, target = part.parent, final.parent
    if target.exists():
        aside = target.with_name(f"{target.name}.old-{secrets.token_hex(4)}")
        os.replace(target, aside)
        shutil.rmtree(aside, ignore_errors=True)
    os.replace(source, target)
    fsync_dir(target.parent)


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
