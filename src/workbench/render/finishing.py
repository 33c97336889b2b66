"""The steps after the segments: join them into the deliverable, sign it, check it.

``finish`` encodes the stored segments into the deliverable under a pending name (or, for an
intra-only codec, joins their packets without a second encode), with the source's audio and
other streams remuxed packet for packet (the media writer keeps rate, timecode, colour tags and
bit depth). Then the post-render steps: Content Credentials (``render.signing``), and the QC
of what was delivered (``render.delivery_qc``), in that order, so the QC reads the signed file.
The same path runs whether or not the render was interrupted, so a resumed render's output is
frame-identical to an uninterrupted one. Nothing here writes the project.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.fsutil import sha256_file
from workbench.media.info import MediaInfo
from workbench.progress import NullProgress, Progress
from workbench.render.events import EventSink, Warned, ignore
from workbench.render.plan import RenderPlan
from workbench.render.store import SegmentResult, SegmentStore, checked_frames


@dataclass(frozen=True)
class FinishedRender:
    """A deliverable written under its pending name, ready to be registered."""

    pending: Path
    frame_digest: str
    sha256: str
    extra: dict[str, Any] = field(default_factory=dict)
    """What the render's log entry adds: ``credentials`` and ``qc``."""


def pending_name(output: Path) -> Path:
    """Where the deliverable is written until it is registered (a sequence: in place)."""
    if is_sequence(output):
        return output  # the image writer moves each frame into place itself
    return output.with_name(f".{output.stem}.rendering{output.suffix}")


def is_sequence(path: Path) -> bool:
    from workbench.media.sequence import is_pattern

    return is_pattern(path)


def _stored(plan: RenderPlan, store: SegmentStore) -> list[SegmentResult]:
    results = []
    for segment in plan.segments:
        result = store.load(plan, segment.index)
        if result is None:
            raise WorkbenchError(
                f"render segment {segment.index} of {plan.output_path.name} is not rendered yet"
            )
        results.append(result)
    return results


def join_segments(
    plan: RenderPlan, store: SegmentStore, progress: Progress, source: MediaInfo
) -> tuple[Path, str]:
    """Write the deliverable (under its pending name) from the stored segments; frame digest."""
    from workbench.media import open_writer
    from workbench.media.video_writer import VideoWriter

    output, count = plan.output_path, plan.output_frame_count
    results = _stored(plan, store)
    pending = pending_name(output)
    if pending != output:
        pending.unlink(missing_ok=True)
    overall = hashlib.sha256()
    writer = open_writer(
        pending,
        like=source,
        codec=plan.codec,
        label=output.name,
        drop_streams=plan.audio.drop_streams,
        convert_audio=plan.audio.convert_audio,
        window=plan.source_frames,
    )
    try:
        if plan.segment_mode == "direct":
            progress.update(0.96, f"joining segments into {output.name}")
            for result in results:
                for digest in result.frames:
                    overall.update(bytes.fromhex(digest))
            assert isinstance(writer, VideoWriter)
            writer.remux_segments([r.media for r in results])
            if writer.frames_written != count:
                raise WorkbenchError(
                    f"the render segments hold {writer.frames_written} of {count} frames; "
                    f"delete {_where(results)} and rerun"
                )
        else:
            n = 0
            for result in results:
                frames = checked_frames(result, _where([result]))
                for frame, digest in zip(frames, result.frames, strict=True):
                    writer.write(frame)
                    overall.update(bytes.fromhex(digest))
                    n += 1
                    progress.update(0.95 + 0.04 * n / count, f"writing {output.name}: {n}/{count}")
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return pending, overall.hexdigest()


def _where(results: list[SegmentResult]) -> Path:
    media = results[0].media if results else Path(".")
    return media.parent.parent if "%" in media.name else media.parent


def expectations(plan: RenderPlan, source: MediaInfo) -> Any:
    """What the render changes on purpose, for its QC and its Content Credentials."""
    from workbench.render.delivery_qc import expectations_for
    from workbench.render.planning import edits_scale

    return expectations_for(
        source,
        plan.output_path,
        plan.codec,
        scale=edits_scale(plan.edits),
        edited_frames=plan.edited_frames(),
        dropped=tuple(plan.audio.drop_streams),
        converted=plan.audio.convert_audio,
        source_frames=plan.source_frames,
    )


def output_sha256(path: Path) -> str:
    """A file's SHA-256; for a sequence, the SHA-256 over its frames' names and SHA-256s."""
    from workbench.media.sequence import detect_sequence

    if not is_sequence(path):
        return sha256_file(path)
    spec = detect_sequence(path)
    digest = hashlib.sha256(b"workbench.sequence-files/1\x00")
    for frame in spec.paths if spec else ():
        digest.update(frame.name.encode() + b"\x00" + bytes.fromhex(sha256_file(frame)))
    return digest.hexdigest()


def finish(
    plan: RenderPlan,
    store: SegmentStore,
    progress: Progress | None = None,
    *,
    source: MediaInfo | None = None,
    models: Any = None,
    catalog: Any = None,
    on_event: EventSink | None = None,
) -> FinishedRender:
    """Join, sign (when the plan says so) and QC the render; nothing is registered yet.

    ``source`` is the footage's probe (probed again when not given); ``models`` the catalogue
    entries of the plan's models (looked up in ``catalog`` when not given).
    """
    from workbench.render.delivery_qc import check_delivery, warn_lines
    from workbench.render.materialize import open_source
    from workbench.render.signing import model_cards, sign_pending

    progress = progress or NullProgress()
    emit = on_event or ignore
    source = source or open_source(plan)
    pending, frame_digest = join_segments(plan, store, progress, source)
    expect = expectations(plan, source)
    extra: dict[str, Any] = {}
    if plan.sign:
        cards = model_cards(plan, models=models, catalog=catalog)
        delivery: dict[str, Any] = {"expectations": expect.to_dict()}
        if plan.shot is not None:
            delivery["shot"] = plan.shot  # a conformed shot: its credentials name it
        extra = sign_pending(plan, pending, cards=cards, delivery=delivery)
    output = plan.output_path
    progress.update(0.99, f"checking {output.name} with ffprobe and MediaInfo")
    extra["qc"] = check_delivery(output if is_sequence(output) else pending, source, expect)
    for line in warn_lines(extra["qc"]):
        emit(Warned(line))
    return FinishedRender(pending, frame_digest, output_sha256(pending), extra)
