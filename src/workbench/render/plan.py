"""The render plan: everything decided before a pixel is touched, as plain data.

A :class:`RenderPlan` holds no live objects — no engine, no mask, no open file — only what was
decided from the project, the footage and the request: which clip (path and fingerprint), which
edits (tool, resolved parameters, frames, region, model hash), which codec, container, pixel
format and audio handling, and how the frames are cut into segments. It round-trips through
JSON (:meth:`RenderPlan.to_json` / :meth:`RenderPlan.from_json`), so a coordinator can ship it to
another process or machine that renders one segment of it (``workbench.render.segments``).

The plan's :attr:`~RenderPlan.digest` names the render's work: it covers what decides the output
frames (not the project's log head, which moves with unrelated changes), so a render run again
with the same digest reuses the segments already stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from workbench.errors import UsageError

PLAN_SCHEMA = "workbench.render-plan/1"


@dataclass(frozen=True)
class LogHead:
    """The project's last log entry when the plan was made."""

    seq: int
    entry: str


@dataclass(frozen=True)
class PlannedClip:
    id: int
    path: str
    fingerprint: str


@dataclass(frozen=True)
class PlannedEdit:
    """One enabled edit as the render will apply it."""

    id: int
    log_entry: str
    tool: str
    tool_version: str
    parameters: dict[str, Any]
    """Resolved: defaults filled in, values coerced (``Tool.resolve``)."""
    frames: tuple[int, int]
    region: dict[str, Any]
    model_id: str | None = None
    model_sha256: str | None = None
    enabled: bool = True
    provider: str | None = None
    """The provider this render runs the edit's model on (``inference.backends``); every
    segment, on every machine, uses it or is refused (their outputs differ in the last bits)."""
    variant: str | None = None
    """The file of the model this render runs when it is not the main one (``int8``)."""
    run_sha256: str | None = None
    """SHA-256 of the bytes that run (the variant's, else ``model_sha256``)."""
    applied_with: str | None = None
    """How the edit was applied (``provider/file`` from its log entry) when that is not how
    this render runs it; None when they agree. The render says so and records both."""

    def covers(self, index: int) -> bool:
        return self.frames[0] <= index <= self.frames[1]

    @property
    def backend_label(self) -> str | None:
        """``provider/file`` as the plan runs it (None: an edit without a model)."""
        if self.provider is None:
            return None
        return f"{self.provider}/{self.variant or 'main'}"


@dataclass(frozen=True)
class AudioPlan:
    """What happens to the source's other streams (everything else is copied as it is)."""

    drop_streams: tuple[int, ...] = ()
    convert_audio: tuple[int, ...] = ()
    """Audio streams re-encoded as PCM."""


@dataclass(frozen=True)
class TilePlan:
    """The inference options that change pixels (threads do not travel; the provider and the
    model file are per edit, :class:`PlannedEdit`)."""

    tile_size: int
    overlap: int
    feather: int
    min_tile_size: int


@dataclass(frozen=True)
class PlannedSegment:
    """Frames ``first``..``last`` of the output, with the neighbours temporal tools read.

    ``preroll`` frames before ``first`` and ``postroll`` after ``last`` are decoded and run
    through the stack so that a temporal tool sees the same neighbours as in one long pass;
    they are not part of the segment's output.
    """

    index: int
    first: int
    last: int
    preroll: int = 0
    postroll: int = 0

    @property
    def frame_count(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class PlannedColour:
    """The clip's colour space and the working space of each edit's model (plain data).

    ``input`` is the pinned config's name for the clip's space, or ``source`` (no conversion);
    ``origin`` says whether a user set it or its tags did; ``config`` and ``ocio`` name the
    config and the OpenColorIO version whose processors convert (a machine with another
    version would convert differently, so it may not render the plan).
    """

    input: str
    origin: str
    config: str
    ocio: str
    working: tuple[tuple[int, str, bool], ...] = ()
    """(edit id, working space, whether the frames are converted) in stack order."""


@dataclass(frozen=True)
class RenderPlan:
    """A render decided but not started; plain data (see the module docstring)."""

    project_path: str
    project_id: str
    log_head: LogHead
    app_version: str
    clip: PlannedClip
    edits: tuple[PlannedEdit, ...]
    codec: str
    container: str
    """The output's extension, lower case (``.mov``; ``.png`` for a sequence)."""
    output: str
    frame_count: int
    frame_size: tuple[int, int]
    """The output's width and height (the source's, times the stack's scale)."""
    pix_fmt: str | None
    audio: AudioPlan
    segment_frames: int
    segment_mode: str
    """``direct``, ``ffv1`` or ``exr``: how segments are stored (``segments.segment_mode``)."""
    copy_packets: bool
    """Untouched frames are the source's packets, copied (smart rendering)."""
    smart: bool
    sign: bool
    tiles: TilePlan
    segments: tuple[PlannedSegment, ...]
    colour: PlannedColour | None = None
    """None only in plans made before colour management (no conversion)."""
    digest: str = ""
    schema: str = field(default=PLAN_SCHEMA)
    source_frames: tuple[int, int] | None = None
    """A sub-range render (a conformed shot): the clip's frames ``first``..``last`` only.
    ``frame_count`` stays the clip's; segments, edits and smart copying count in the clip's
    frame numbers; the output holds :attr:`output_frame_count` frames from ``first`` on."""
    shot: dict[str, Any] | None = None
    """The conformed shot the output delivers, and its sequence (plain JSON), which its Content
    Credentials name; None for a clip render."""

    # -- convenience ------------------------------------------------------------------------
    @property
    def output_path(self) -> Path:
        return Path(self.output)

    @property
    def frame_range(self) -> tuple[int, int]:
        """The clip's frames the output holds (first, last)."""
        return self.source_frames or (0, self.frame_count - 1)

    @property
    def output_frame_count(self) -> int:
        first, last = self.frame_range
        return last - first + 1

    @property
    def temporal_radius(self) -> int:
        """How far the whole stack reaches to either side of a frame."""
        from workbench.tools.registry import get_tool

        return sum(get_tool(e.tool).temporal_radius for e in self.edits)

    def backend_changes(self) -> list[str]:
        """One line per edit this render runs otherwise than it was applied (provider or file):
        what a front end shows before the render starts."""
        return [
            f"edit {e.id} ({e.tool}) was applied with {e.applied_with.replace('/', ', ')} file; "
            f"this render runs it with {e.provider}, {e.variant or 'main'} file (its pixels "
            "differ from what was previewed; the render's log entry records both)"
            for e in self.edits
            if e.applied_with is not None
        ]

    def untouched(self, index: int) -> bool:
        return not any(edit.covers(index) for edit in self.edits)

    def edited_frames(self) -> int:
        first, last = self.frame_range
        return sum(1 for i in range(first, last + 1) if not self.untouched(i))

    def segment(self, index: int) -> PlannedSegment:
        if not 0 <= index < len(self.segments):
            raise UsageError(
                f"the render plan has segments 0-{len(self.segments) - 1}; there is no {index}"
            )
        return self.segments[index]

    # -- JSON -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=1)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RenderPlan:
        if not isinstance(data, dict) or data.get("schema") != PLAN_SCHEMA:
            found = data.get("schema") if isinstance(data, dict) else type(data).__name__
            raise UsageError(f"not a render plan ({PLAN_SCHEMA}); found {found!r}")
        try:
            plan = _plan_from_dict(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"the render plan is incomplete or malformed ({exc})") from None
        if plan.digest != plan_digest(plan):
            raise UsageError("the render plan does not match its digest; it was changed")
        return plan

    @classmethod
    def from_json(cls, text: str | bytes) -> RenderPlan:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"the render plan is not JSON ({exc})") from None
        return cls.from_dict(data)


def _plan_from_dict(data: dict[str, Any]) -> RenderPlan:
    edits = tuple(PlannedEdit(**{**e, "frames": _pair(e["frames"])}) for e in data["edits"])
    return RenderPlan(
        project_path=str(data["project_path"]),
        project_id=str(data["project_id"]),
        log_head=LogHead(**data["log_head"]),
        app_version=str(data["app_version"]),
        clip=PlannedClip(**data["clip"]),
        edits=edits,
        codec=str(data["codec"]),
        container=str(data["container"]),
        output=str(data["output"]),
        frame_count=int(data["frame_count"]),
        frame_size=_pair(data["frame_size"]),
        pix_fmt=data["pix_fmt"],
        audio=AudioPlan(
            tuple(data["audio"]["drop_streams"]), tuple(data["audio"]["convert_audio"])
        ),
        segment_frames=int(data["segment_frames"]),
        segment_mode=str(data["segment_mode"]),
        copy_packets=bool(data["copy_packets"]),
        smart=bool(data["smart"]),
        sign=bool(data["sign"]),
        tiles=TilePlan(**data["tiles"]),
        segments=tuple(PlannedSegment(**s) for s in data["segments"]),
        colour=_colour_from_dict(data.get("colour")),
        digest=str(data["digest"]),
        source_frames=_pair(data["source_frames"]) if data.get("source_frames") else None,
        shot=dict(data["shot"]) if isinstance(data.get("shot"), dict) else None,
    )


def _colour_from_dict(data: Any) -> PlannedColour | None:
    if data is None:
        return None
    return PlannedColour(
        input=str(data["input"]),
        origin=str(data["origin"]),
        config=str(data["config"]),
        ocio=str(data["ocio"]),
        working=tuple((int(e), str(w), bool(c)) for e, w, c in data["working"]),
    )


def _pair(value: Any) -> tuple[int, int]:
    first, second = value
    return (int(first), int(second))


def plan_digest(plan: RenderPlan) -> str:
    """SHA-256 over what decides the render's frames and files (see the module docstring)."""
    doc = {
        "app": plan.app_version,
        "clip": [plan.clip.id, plan.clip.fingerprint, plan.frame_count],
        "codec": plan.codec,
        "output": Path(plan.output).name,
        "segment": plan.segment_frames,
        "streams": [list(plan.audio.drop_streams), list(plan.audio.convert_audio)],
        "smart": plan.smart,
        "edits": [
            [e.id, e.tool, e.tool_version, e.model_sha256, e.parameters, list(e.frames), e.region]
            + ([e.provider, e.run_sha256] if e.provider is not None else [])
            for e in plan.edits
        ],
        "tiles": [plan.tiles.tile_size, plan.tiles.overlap, plan.tiles.feather],
    }
    if plan.colour is not None:
        colour = plan.colour
        doc["colour"] = [
            colour.input,
            colour.config,
            colour.ocio,
            [list(w) for w in colour.working],
        ]
    if plan.source_frames is not None:
        doc["frames"] = list(plan.source_frames)  # a whole-clip plan's digest stays as it was
    if plan.shot is not None:
        doc["shot"] = plan.shot  # the credentials name it: part of the file's bytes
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def with_digest(plan: RenderPlan) -> RenderPlan:
    return replace(plan, digest=plan_digest(plan))


def cut_segments(
    frame_count: int,
    segment_frames: int,
    radius: int,
    frames: tuple[int, int] | None = None,
) -> tuple[PlannedSegment, ...]:
    """The plan's segments: ``segment_frames`` each (the last may be shorter), with their rolls
    (which reach into the clip beyond a sub-range ``frames``, as one long pass would)."""
    start, stop = (frames[0], frames[1] + 1) if frames is not None else (0, frame_count)
    out: list[PlannedSegment] = []
    for index, first in enumerate(range(start, stop, segment_frames)):
        last = min(stop, first + segment_frames) - 1
        out.append(
            PlannedSegment(
                index, first, last, min(radius, first), min(radius, frame_count - 1 - last)
            )
        )
    return tuple(out)
