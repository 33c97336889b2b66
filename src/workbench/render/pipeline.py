"""Decode → edit stack → encode, overlapped, in segments that survive a crash.

The render works in segments of a few frames. Each finished segment is a lossless intermediate
(FFV1) beside the output plus a small JSON of its frame digests, both written atomically; a
killed render, run again with the same plan, starts from the first unfinished segment. A final
pass encodes the intermediates into the deliverable with the source's audio and other streams
remuxed packet for packet (the media writer keeps rate, timecode, colour tags and bit depth).
The same path runs whether or not the render was interrupted, so a resumed render's output is
frame-identical to an uninterrupted one.

Stages overlap: a decoder thread and an encoder thread run beside the inference on the calling
thread, joined by bounded queues, so memory does not grow with clip length.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workbench import __version__
from workbench.errors import (
    Cancelled,
    NotFoundError,
    PolicyError,
    ProjectLockedError,
    UsageError,
    WorkbenchError,
)
from workbench.fsutil import fsync_dir, sha256_file
from workbench.progress import NullProgress, Progress
from workbench.render.smart import SourcePackets, can_copy_packets, untouched
from workbench.render.stack import StackEvaluator, Step, frame_scale
from workbench.tools.base import Frame

QUEUE_DEPTH = 4  # decoded source frames waiting for the edit stack
ENCODE_DEPTH = 2  # finished frames waiting for the encoder (they can be 4× a source frame)
SEGMENT_FRAMES = 12
Event = dict[str, Any]


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


@dataclass
class _Plan:
    clip: Any
    info: Any
    steps: list[Step]
    edits: list[Any]
    codec: str
    digest: str
    models: list[Any]
    convert_audio: tuple[int, ...] = ()
    smart: bool = True
    pix_fmt: str | None = None
    """The deliverable's pixel format (None for image sequences), chosen once."""


def _frame_bytes(frame: Frame) -> bytes:
    """The bytes a frame digest covers: the frame's float32 samples (little-endian), with its shape.

    Frames come from the lossless intermediates, so the digest is the same for a resumed and an
    uninterrupted render; float sources keep values above 1.
    """
    samples = np.ascontiguousarray(frame, dtype="<f4")
    return f"{frame.shape[0]}x{frame.shape[1]}:".encode() + samples.tobytes()


def _codec_for(output: Path, codec: str | None, info: Any = None) -> str:
    from workbench.media.formats import CODECS, default_codec, resolve_codec

    name = resolve_codec(codec) if codec else default_codec(output.suffix, info)
    if name is None or name not in CODECS:
        raise UsageError(
            f"cannot tell which codec to write for {output.name}",
            hint=f"give --codec ({', '.join(sorted(CODECS))}) or use .mov/.mkv/.mp4/.png/.exr",
        )
    return name


def build_plan(project: Any, request: RenderRequest, catalog: Any, options: Any) -> _Plan:
    """Everything the render needs, checked before any frame is decoded."""
    from workbench.inference import get_engine
    from workbench.media import probe
    from workbench.tools.base import check_edit_range
    from workbench.tools.registry import get_tool

    clip = project.clip(request.clip_id)
    source = Path(clip.path)
    if not source.exists() and "%" not in clip.path:
        raise UsageError(
            f"clip {clip.id} is offline: {clip.path} does not exist",
            hint="relink the clip to where the footage is now",
        )
    info = probe(clip.path)
    if info.fingerprint != clip.fingerprint:
        raise UsageError(
            f"clip {clip.id} changed on disk since it was imported ({clip.path})",
            hint="re-import the footage; the log pins the file it saw",
        )
    edits = [e for e in project.edits(clip.id) if e.enabled]
    pending = project.edits_pending_signoff()
    for edit in edits:
        if edit.id in pending:
            raise PolicyError(
                f"edit {edit.id} ({edit.tool}) needs sign-off before it can be rendered",
                hint=f"a producer signs it off: workbench signoff {project.path.name} {edit.id}",
            )
    steps: list[Step] = []
    models = []
    for edit in edits:
        tool = get_tool(edit.tool)
        params = tool.resolve(edit.parameters)
        engine = None
        if edit.model_id is not None:
            try:
                entry = catalog.find(edit.model_sha256 or edit.model_id)
            except NotFoundError:
                entry = None
            if entry is None or entry.sha256 != edit.model_sha256:
                raise UsageError(
                    f"edit {edit.id} used model {edit.model_id} with SHA-256 "
                    f"{(edit.model_sha256 or '')[:12]}…, which is no longer in the catalogue",
                    hint="restore that model file, or remove the edit and apply it again",
                )
            engine = get_engine(catalog.load_checked(entry.sha256), options)
            models.append(entry)
        check_edit_range(
            tool, params, tuple(edit.frames), info.frame_count, field_order=info.field_order
        )
        mask = None
        if edit.region.get("kind") == "mask":
            mask = load_mask(project, edit.region["sha256"])
        steps.append(Step(edit.id, tool, params, engine, edit.frames, edit.region, mask))
    codec = _codec_for(request.output, request.codec, info)
    request = _with_conversions(request, info)
    pix_fmt = _pix_fmt(info, codec)
    _preflight(info, request, codec, pix_fmt, frame_scale(steps))
    plan_doc = {
        "app": __version__,
        "clip": [clip.id, clip.fingerprint, info.frame_count],
        "codec": codec,
        "output": request.output.name,
        "segment": request.segment_frames,
        "streams": [list(request.drop_streams), list(request.convert_audio)],
        "smart": request.smart,
        "edits": [
            [e.id, e.tool, e.tool_version, e.model_sha256, e.parameters, list(e.frames), e.region]
            for e in edits
        ],
        "tiles": [getattr(options, "tile_size", None), getattr(options, "overlap", None)],
    }
    digest = hashlib.sha256(json.dumps(plan_doc, sort_keys=True).encode()).hexdigest()
    return _Plan(
        clip,
        info,
        steps,
        edits,
        codec,
        digest,
        models,
        request.convert_audio,
        request.smart,
        pix_fmt,
    )


def _with_conversions(request: RenderRequest, info: Any) -> RenderRequest:
    """``--convert-audio pcm``: every audio track the container cannot hold, by number."""
    from workbench.media.formats import CONTAINERS

    container = CONTAINERS.get(request.output.suffix.lower())
    if not request.convert_all_audio or container is None:
        return request
    extra = [
        a.index
        for a in info.audio
        if a.codec not in container.audio and a.index not in request.drop_streams
    ]
    return dataclasses.replace(
        request, convert_audio=tuple(sorted({*request.convert_audio, *extra}))
    )


def _pix_fmt(info: Any, codec: str) -> str | None:
    from workbench.media.formats import CODECS
    from workbench.media.writer import video_pix_fmt

    spec = CODECS[codec]
    return video_pix_fmt(spec, info, info.bit_depth, info.is_float) if spec.kind == "video" else None


def _preflight(
    info: Any, request: RenderRequest, codec: str, pix_fmt: str | None, scale: int
) -> None:
    from workbench.render.preflight import StreamChoices, preflight

    preflight(
        info,
        request.output,
        codec,
        pix_fmt,
        (info.width * scale, info.height * scale),
        StreamChoices(tuple(request.drop_streams), tuple(request.convert_audio)),
    )


def load_mask(project: Any, sha256: str) -> Any:
    """A painted mask stored beside the project (``<project>.masks/<sha256>.png``)."""
    import cv2

    path = Path(project.path).with_name(Path(project.path).name + ".masks") / f"{sha256}.png"
    data = path.read_bytes() if path.exists() else b""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UsageError(f"the mask {sha256[:12]}… is missing or changed ({path})")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    return np.asarray(image, np.float32) / 255.0


class _Worker(threading.Thread):
    """A stage thread that records its exception for the main thread to re-raise."""

    def __init__(self, target: Callable[[], None], name: str) -> None:
        super().__init__(name=name, daemon=True)
        self._target_fn = target
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._target_fn()
        except BaseException as exc:  # re-raised on the render's thread
            self.error = exc


_DONE = object()


def _put(q: queue.Queue[Any], item: Any, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            q.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False




def segment_mode(plan: _Plan, output: Path) -> str:
    """How segments are stored.

    ``direct``: intra-only deliverables (ProRes, DNxHR, FFV1) at a constant rate are encoded
    once, in segments, and joined packet for packet at the end — no second encode, and no more
    disk than the output itself. Otherwise a lossless intermediate is re-encoded at the end:
    ``ffv1`` (16-bit) for integer sources, ``exr`` (32-bit float) for float ones.
    """
    from workbench.media.formats import CODECS

    if CODECS[plan.codec].intra_only and not plan.info.vfr and not plan.info.is_float:
        return "direct"
    return "exr" if plan.info.is_float else "ffv1"


def _segment_paths(
    work: Path, index: int, mode: str = "ffv1", suffix: str = ".mkv"
) -> tuple[Path, Path]:
    """A segment's video and its digest file (whose presence marks the segment done)."""
    meta = work / f"segment_{index:06d}.json"
    if mode == "exr":
        return work / f"segment_{index:06d}" / "frame_%06d.exr", meta
    if mode == "direct":
        return work / f"segment_{index:06d}{suffix}", meta
    return work / f"segment_{index:06d}.mkv", meta


def _write_json_atomic(path: Path, value: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(value, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def render_segments(
    plan: _Plan,
    work: Path,
    segment_frames: int,
    progress: Progress,
    on_event: Callable[[Event], None],
    output: Path,
) -> int:
    """Render every unfinished segment; return the first frame that had to be rendered."""
    from workbench.media import open_reader, open_writer

    mode = segment_mode(plan, output)
    suffix = output.suffix
    count = plan.info.frame_count
    segments = (count + segment_frames - 1) // segment_frames
    first_todo = 0
    while first_todo < segments and _segment_paths(work, first_todo)[1].exists():
        first_todo += 1
    start_frame = first_todo * segment_frames
    if first_todo == segments:
        return int(count)
    radius = sum(step.tool.temporal_radius for step in plan.steps)
    decode_from = max(0, start_frame - radius)

    copy = plan.smart and can_copy_packets(plan.info, plan.codec, mode, plan.pix_fmt)
    decode_to = count
    if copy:
        # Copied frames need no pictures: decode only what the edits (and their temporal
        # neighbours) read.
        touched = [i for i in range(start_frame, count) if not untouched(plan.steps, i)]
        if touched:
            decode_from = max(decode_from, touched[0] - radius)
            decode_to = min(count, touched[-1] + radius + 1)
        else:
            decode_from = decode_to = count
    stop = threading.Event()
    decoded: queue.Queue[Any] = queue.Queue(QUEUE_DEPTH + radius)
    encoded: queue.Queue[Any] = queue.Queue(ENCODE_DEPTH)

    def decode() -> None:
        with open_reader(plan.clip.path) as reader:
            for index, frame in enumerate(reader.iter_frames(decode_from, decode_to), decode_from):
                if not _put(decoded, (index, frame), stop):
                    return
        _put(decoded, _DONE, stop)

    def encode() -> None:
        writer: Any = None
        segment = -1
        packets = SourcePackets(plan.info) if copy else None
        try:
            while True:
                try:
                    item = encoded.get(timeout=0.1)
                except queue.Empty:
                    if stop.is_set():
                        return  # the render stopped without finishing; abort below
                    continue
                if item is _DONE:
                    return
                index, frame = item
                if index // segment_frames != segment:
                    segment = index // segment_frames
                    video, _meta = _segment_paths(work, segment, mode, suffix)
                    if mode == "exr":
                        shutil.rmtree(video.parent, ignore_errors=True)
                        video.parent.mkdir()
                        writer = open_writer(
                            video, like=plan.info, codec="exr", start_number=0, copy_streams=False
                        )
                    elif mode == "direct":
                        writer = open_writer(
                            video,
                            like=plan.info,
                            codec=plan.codec,
                            frame_rate=plan.info.frame_rate,
                            copy_streams=False,
                        )
                    else:
                        writer = open_writer(
                            video,
                            like=plan.info,
                            codec="ffv1",
                            frame_rate=plan.info.frame_rate,
                            bit_depth=16,
                            copy_streams=False,
                        )
                if frame is None:  # untouched: the source's coded picture, copied
                    assert packets is not None
                    writer.start(plan.info.width, plan.info.height)
                    writer.write_packet(packets.get(index))
                else:
                    writer.write(frame)
                last = min(count, (segment + 1) * segment_frames) - 1
                if index == last:
                    writer.close()
                    writer = None
                    digests = _stored_digests(video, mode)
                    if len(digests) != last - segment * segment_frames + 1:
                        raise WorkbenchError(f"render segment {segment} was not stored completely")
                    _write_json_atomic(
                        _segment_paths(work, segment)[1],
                        {"segment": segment, "first": segment * segment_frames, "frames": digests},
                    )
        finally:
            if writer is not None:
                writer.abort()
            if packets is not None:
                packets.close()

    decoder = _Worker(decode, "render-decode")
    encoder = _Worker(encode, "render-encode")
    source: dict[int, Frame] = {}

    def fetch(index: int) -> Frame:
        while index not in source:
            while True:
                if decoder.error is not None:
                    raise decoder.error
                try:
                    item = decoded.get(timeout=0.1)
                    break
                except queue.Empty:
                    progress.check()
            if item is _DONE:
                raise WorkbenchError(f"the source ended before frame {index} ({plan.clip.path})")
            got, frame = item
            source[got] = frame
        return source[index]

    def hand_to_encoder(item: Any) -> None:
        """Queue an item for the encoder; a dead encoder raises here instead of blocking."""
        while True:
            if encoder.error is not None:
                raise encoder.error
            if not encoder.is_alive() and encoder.ident is not None:
                raise WorkbenchError("the render's encoder stopped unexpectedly")
            try:
                encoded.put(item, timeout=0.1)
                return
            except queue.Full:
                progress.check()

    evaluator = StackEvaluator(plan.steps, fetch, count, interlaced=plan.info.interlaced)
    decoder.start()
    encoder.start()
    started = time.monotonic()
    inner = progress.checker()  # tiles check cancel; only frames report progress
    try:
        for index in range(start_frame, count):
            frame = None if copy and untouched(plan.steps, index) else evaluator.frame(index, inner)
            for old in [k for k in source if k < index - radius]:
                del source[old]
            hand_to_encoder((index, frame))
            done = index + 1
            elapsed = time.monotonic() - started
            fps = (done - start_frame) / elapsed if elapsed > 0 else 0.0
            eta = (count - done) / fps if fps > 0 else 0.0
            progress.update(
                0.95 * done / count, f"frame {done}/{count}, {fps:.2f} fps, ETA {eta:.0f} s"
            )
            on_event({"type": "progress", "done": done, "total": count, "fps": fps, "eta": eta})
        hand_to_encoder(_DONE)
        encoder.join()
        if encoder.error is not None:
            raise encoder.error
    except BaseException:
        stop.set()  # the encoder sees it, aborts its unfinished segment and returns
        encoder.join(timeout=30)
        raise
    finally:
        stop.set()
        decoder.join(timeout=30)
    return start_frame





def _stored_digests(video: Path, mode: str) -> list[str]:
    """One digest per frame of a finished segment, read back from what was stored.

    Direct segments are the deliverable's own packets: each frame's digest is the SHA-256 of
    its encoded bytes (exactly what the output holds; no decode needed). Intermediates are
    digested by their decoded samples, which is what the final pass encodes.
    """
    from workbench.media import open_reader

    if mode == "direct":
        import av

        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            return [
                hashlib.sha256(bytes(packet)).hexdigest()
                for packet in container.demux(stream)
                if packet.size
            ]
    with open_reader(video) as stored:
        return [hashlib.sha256(_frame_bytes(f)).hexdigest() for f in stored.iter_frames()]


def _segment_frames(work: Path, segments: int, mode: str) -> Iterator[tuple[Frame, str]]:
    from workbench.media import open_reader

    for segment in range(segments):
        video, meta = _segment_paths(work, segment, mode)
        digests = json.loads(meta.read_text(encoding="utf-8"))["frames"]
        with open_reader(video) as reader:
            frames = list(reader.iter_frames())
        if len(frames) != len(digests):
            raise WorkbenchError(f"render segment {segment} is incomplete; delete {work} and rerun")
        for frame, digest in zip(frames, digests, strict=True):
            if hashlib.sha256(_frame_bytes(frame)).hexdigest() != digest:
                raise WorkbenchError(
                    f"render segment {segment} is damaged; delete {work} and rerun"
                )
            yield frame, digest


def _pending_name(output: Path) -> Path:
    return output.with_name(f".{output.stem}.rendering{output.suffix}")


def finish(plan: _Plan, work: Path, request: RenderRequest, progress: Progress) -> tuple[Path, str]:
    """Encode the intermediates into the deliverable (under a pending name); frame digest."""
    from workbench.media import open_writer
    from workbench.media.video_writer import VideoWriter

    count = plan.info.frame_count
    segments = (count + request.segment_frames - 1) // request.segment_frames
    pending = _pending_name(request.output)
    if _is_sequence(request.output):
        pending = request.output  # the image writer moves each frame into place itself
    else:
        pending.unlink(missing_ok=True)
    overall = hashlib.sha256()
    mode = segment_mode(plan, request.output)
    writer = open_writer(
        pending,
        like=plan.info,
        codec=plan.codec,
        label=request.output.name,
        drop_streams=request.drop_streams,
        convert_audio=plan.convert_audio,
    )
    try:
        if mode == "direct":
            progress.update(0.96, f"joining segments into {request.output.name}")
            paths = []
            for segment in range(segments):
                video, meta = _segment_paths(work, segment, mode, request.output.suffix)
                for digest in json.loads(meta.read_text(encoding="utf-8"))["frames"]:
                    overall.update(bytes.fromhex(digest))
                paths.append(video)
            assert isinstance(writer, VideoWriter)
            writer.remux_segments(paths)
            if writer.frames_written != count:
                raise WorkbenchError(
                    f"the render segments hold {writer.frames_written} of {count} frames; delete {work} and rerun"
                )
        else:
            for n, (frame, digest) in enumerate(_segment_frames(work, segments, mode), 1):
                writer.write(frame)
                overall.update(bytes.fromhex(digest))
                progress.update(
                    0.95 + 0.04 * n / count, f"writing {request.output.name}: {n}/{count}"
                )
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return pending, overall.hexdigest()


def _is_sequence(path: Path) -> bool:
    from workbench.media.sequence import is_pattern

    return is_pattern(path)


def _output_sha256(path: Path) -> str:
    """A file's SHA-256; for a sequence, the SHA-256 over its frames' names and SHA-256s."""
    from workbench.media.sequence import detect_sequence

    if not _is_sequence(path):
        return sha256_file(path)
    spec = detect_sequence(path)
    digest = hashlib.sha256(b"workbench.sequence-files/1\x00")
    for frame in spec.paths if spec else ():
        digest.update(frame.name.encode() + b"\x00" + bytes.fromhex(sha256_file(frame)))
    return digest.hexdigest()


def _open_for_writing(path: Path, wait: float) -> Any:
    from workbench.project import Project

    deadline = time.monotonic() + wait
    while True:
        try:
            return Project.open(path)
        except ProjectLockedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def run_render(
    request: RenderRequest,
    progress: Progress | None = None,
    *,
    on_event: Callable[[Event], None] | None = None,
    catalog: Any = None,
    options: Any = None,
    lock_wait: float = 30.0,
) -> RenderResult:
    """Render a clip's enabled edit stack into ``request.output``; resumable; logged."""
    from workbench.catalog import Catalog
    from workbench.inference import SessionOptions
    from workbench.project import Project

    progress = progress or NullProgress()
    emit = on_event or (lambda event: None)
    catalog = catalog or Catalog()
    options = options or SessionOptions.from_settings()
    began = time.monotonic()
    output = request.output.resolve()
    request = dataclasses.replace(request, output=output)
    if output.suffix.lower() in (".mov", ".mp4", ".mkv", ".mxf") and not output.parent.is_dir():
        raise UsageError(f"the output folder {output.parent} does not exist")
    with Project.open(request.project_path, readonly=True) as project:
        plan = build_plan(project, request, catalog, options)
    single_image = output.suffix.lower() in (".png", ".tif", ".tiff", ".jpg", ".exr", ".dpx")
    if plan.info.frame_count > 1 and single_image and not {"%", "#"} & set(output.name):
        raise UsageError(
            f"{output.name} is one image but clip {plan.clip.id} has "
            f"{plan.info.frame_count} frames",
            hint=f"render to a video (.mov) or a sequence ({output.stem}_%04d{output.suffix})",
        )
    work = output.parent / f".{output.name}.wbrender-{plan.digest[:12]}"
    work.mkdir(parents=True, exist_ok=True)
    emit({"type": "started", "total": plan.info.frame_count, "work": str(work)})
    resumed_from = render_segments(plan, work, request.segment_frames, progress, emit, output)
    pending, frame_digest = finish(plan, work, request, progress)
    from workbench.render.delivery_qc import check_delivery, warn_lines

    expect = _expectations(plan, request)
    extra: dict[str, Any] = {}
    if request.sign:
        try:
            extra = _sign(pending, plan, request, {"expectations": expect.to_dict()})
        except WorkbenchError as exc:
            # The user knows the file by the name they asked for, not our pending one.
            exc.message = exc.message.replace(pending.name, output.name)
            exc.args = (exc.message,)
            raise
    progress.update(0.99, f"checking {output.name} with ffprobe and MediaInfo")
    extra["qc"] = check_delivery(
        request.output if _is_sequence(request.output) else pending, plan.info, expect
    )
    for line in warn_lines(extra["qc"]):
        emit({"type": "warning", "message": line})
    sha256 = _output_sha256(pending)
    needs_move = pending != output

    def move_into_place() -> None:
        os.replace(pending, output)
        fsync_dir(output.parent)

    progress.update(0.995, "registering the render in the project")
    with _open_for_writing(request.project_path, lock_wait) as project:
        render = project.register_render(
            plan.clip.id,
            output=str(output),
            sha256=sha256,
            codec=plan.codec,
            frame_count=plan.info.frame_count,
            frame_digest=frame_digest,
            plan=plan.digest,
            edits=plan.edits,
            extra=extra,
            before_commit=move_into_place if needs_move else None,
        )
    shutil.rmtree(work, ignore_errors=True)
    progress.update(1.0, f"rendered {output.name}")
    result = RenderResult(
        output,
        sha256,
        plan.info.frame_count,
        frame_digest,
        render.id,
        render.log_entry,
        resumed_from,
        time.monotonic() - began,
        extra,
    )
    emit({"type": "done", "output": str(output), "sha256": sha256, "render": render.id})
    return result


def _expectations(plan: _Plan, request: RenderRequest) -> Any:
    """What the render changes on purpose, for its QC and its Content Credentials."""
    from workbench.render.delivery_qc import expectations_for

    count = plan.info.frame_count
    return expectations_for(
        plan.info,
        request.output,
        plan.codec,
        scale=frame_scale(plan.steps),
        edited_frames=sum(1 for i in range(count) if not untouched(plan.steps, i)),
        dropped=tuple(request.drop_streams),
        converted=plan.convert_audio,
    )


def _sign(
    pending: Path, plan: _Plan, request: RenderRequest, delivery: dict[str, Any]
) -> dict[str, Any]:
    """Content Credentials on the output (embedded, or a sidecar where the format has no room)."""
    from workbench.disclosure.credentials import sign_render
    from workbench.project import Project

    with Project.open(request.project_path, readonly=True) as project:
        log_data = project.log_data()
    return sign_render(
        pending, plan=plan, request=request, log_data=log_data, delivery=delivery
    )


__all__ = ["Cancelled", "RenderRequest", "RenderResult", "build_plan", "run_render"]
