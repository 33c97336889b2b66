"""What every augmentative tool is: parameters, disclosure class, and a pure frame function.

A tool is thin. It declares its parameters (with defaults and valid ranges, so the CLI, the GUI
and the log agree on them), how its edits are disclosed, which model task it runs, how many
neighbouring frames it needs, and what to assume of a model whose card is silent on how it is
run (:class:`~workbench.tools.model_facts.ModelFacts`); its :meth:`Tool.process` maps frames to
a frame. Everything a tool shares with the others — the region outside which pixels are
untouched, the blend strength, the bicubic base an upscaler is blended against, and the
conversion from the clip's colour space into the model's working space and back — lives in
:func:`apply_tool`, so no tool can forget it.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from workbench.errors import UsageError
from workbench.progress import Progress
from workbench.tools.model_facts import ModelFacts, facts_for

Frame = NDArray[np.float32]
ParamKind = Literal["float", "int", "bool", "choice"]


@dataclass(frozen=True)
class Param:
    """One parameter: its type, default, valid range and a line of help."""

    name: str
    kind: ParamKind
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()
    label: str = ""

    def coerce(self, value: Any) -> Any:
        """A valid value from a CLI string or a number; a clear UsageError otherwise."""
        try:
            if self.kind == "float":
                out: Any = float(value)
                if not math.isfinite(out):
                    raise ValueError
            elif self.kind == "int":
                out = int(str(value), 10) if isinstance(value, str) else int(value)
                if isinstance(value, float) and value != out:
                    raise ValueError
            elif self.kind == "bool":
                if isinstance(value, str):
                    if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                        raise ValueError
                    out = value.lower() in ("1", "true", "yes", "on")
                else:
                    out = bool(value)
            else:
                out = type(self.choices[0])(value) if self.choices else value
        except (TypeError, ValueError):
            raise UsageError(
                f"parameter {self.name!r} must be a {self.kind}; got {value!r}"
            ) from None
        if self.kind == "choice" and out not in self.choices:
            raise UsageError(
                f"parameter {self.name!r} must be one of {', '.join(map(str, self.choices))}; "
                f"got {value!r}"
            )
        if self.minimum is not None and out < self.minimum:
            raise UsageError(f"parameter {self.name!r} must be at least {self.minimum}; got {out}")
        if self.maximum is not None and out > self.maximum:
            raise UsageError(f"parameter {self.name!r} must be at most {self.maximum}; got {out}")
        return out

    def describe(self) -> str:
        if self.kind == "choice":
            span = "/".join(map(str, self.choices))
        elif self.minimum is not None or self.maximum is not None:
            span = f"{self.minimum:g}..{self.maximum:g}"
        else:
            span = self.kind
        return f"{self.name}={self.default!r} ({span}): {self.help}"


STRENGTH = Param(
    "strength",
    "float",
    1.0,
    "blend between the source (0) and the tool's result (1)",
    minimum=0.0,
    maximum=1.0,
    label="Strength",
)


@dataclass(frozen=True)
class Classification:
    """How an edit by the tool is disclosed (C2PA action and IPTC digital source type).

    ``synthesis`` names what a tool generates rather than recovers ("synthesised grain"); the
    log, the report and the Content Credentials say it in those words.
    """

    c2pa_action: str
    digital_source_type: str = "algorithmicallyEnhanced"
    nature: Literal["assistive", "generative"] = "assistive"
    synthesis: str = ""

    def as_dict(self) -> dict[str, str]:
        out = {
            "c2pa_action": self.c2pa_action,
            "digital_source_type": self.digital_source_type,
            "nature": self.nature,
        }
        if self.synthesis:
            out["synthesis"] = self.synthesis
        return out


@dataclass
class FrameWindow:
    """The frame being edited and, for temporal tools, its neighbours (clamped at clip ends).

    ``source`` is the clip's own frame at ``index`` before any edit of the stack, for a tool
    that declares :attr:`Tool.reads_source` (regrain measures what the stack removed); None
    where the caller has none (a still preview, a report thumbnail): the tool then measures on
    ``current``.
    """

    index: int
    frames: dict[int, Frame] = field(default_factory=dict)
    source: Frame | None = None

    @property
    def current(self) -> Frame:
        return self.frames[self.index]

    def neighbour(self, offset: int) -> Frame:
        """The frame ``offset`` away, or the nearest one that exists (clip ends repeat)."""
        wanted = self.index + offset
        if wanted in self.frames:
            return self.frames[wanted]
        step = -1 if offset > 0 else 1
        while wanted != self.index and wanted not in self.frames:
            wanted += step
        return self.frames[wanted]

    def present(self, radius: int) -> dict[int, Frame]:
        """The neighbours within ``radius`` that exist, by offset (none repeated: at a clip's
        ends and on a still there are fewer)."""
        return {
            k: self.frames[self.index + k]
            for k in range(-radius, radius + 1)
            if k != 0 and self.index + k in self.frames
        }


class Tool(ABC):
    """An augmentative tool. Subclasses set the class attributes and implement ``process``."""

    id: ClassVar[str]
    version: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str]
    task: ClassVar[str]  # the model-card task this tool runs
    classification: ClassVar[Classification]
    params: ClassVar[tuple[Param, ...]]
    temporal_radius: ClassVar[int] = 0
    #: How to run a model whose card does not say (its receptive radius, size multiple, colour
    #: space); what the card says wins. See :func:`run_model`.
    model_facts: ClassVar[ModelFacts] = ModelFacts()
    #: (channels the tool stacks into its model, channels it reads back), which the model's
    #: declared shapes must match when an edit is applied; None: the tool does not say.
    model_channels: ClassVar[tuple[int, int] | None] = None
    #: whether the tool reads :attr:`FrameWindow.source`, the clip's frame before the stack
    reads_source: ClassVar[bool] = False
    #: whether the tool runs a model at all (a synthesis such as regrain runs none)
    uses_model: ClassVar[bool] = True

    def default_model(self, params: Mapping[str, Any]) -> str:
        """The shipped model id used when the artist picks none."""
        return self.task

    def default_model_for(self, params: Mapping[str, Any], frame_count: int) -> str:
        """The default model for a clip of ``frame_count`` frames (a still is one): a tool
        with a temporal model picks its single-frame model for stills."""
        return self.default_model(params)

    def model_channels_for(self, facts: ModelFacts) -> tuple[int, int] | None:
        """:attr:`model_channels` for a model with these facts (a temporal model takes more)."""
        return self.model_channels

    def scale(self, params: Mapping[str, Any]) -> int:
        return 1

    def resolve(self, raw: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults filled in, values coerced and range-checked, unknown names refused."""
        raw = dict(raw or {})
        known = {p.name: p for p in (*self.params, STRENGTH)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise UsageError(
                f"tool {self.id!r} has no parameter {unknown[0]!r} (it has: {', '.join(known)})"
            )
        return {
            name: p.coerce(raw[name]) if name in raw else p.default for name, p in known.items()
        }

    def all_params(self) -> tuple[Param, ...]:
        return (*self.params, STRENGTH)

    @abstractmethod
    def process(
        self,
        window: FrameWindow,
        params: Mapping[str, Any],
        engine: Any,
        progress: Progress,
    ) -> Frame:
        """The tool's full-frame result for ``window.current`` (at ``scale`` × resolution)."""

    def mask_overlay(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> NDArray[np.bool_] | None:
        """What the tool would touch, where it can say (dust's detection mask); else None."""
        return None


# -- what every tool shares -----------------------------------------------------------------
def region_weight(
    region: Mapping[str, Any] | None,
    height: int,
    width: int,
    mask: NDArray[Any] | None = None,
) -> NDArray[np.float32] | None:
    """Per-pixel weight in [0, 1] at source resolution; None means the whole frame."""
    if not region or region.get("kind", "full") == "full":
        return None
    weight = np.zeros((height, width), np.float32)
    if region["kind"] == "rect":
        x, y, w, h = (int(region[k]) for k in ("x", "y", "w", "h"))
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(width, x + w), min(height, y + h)
        if x1 <= x0 or y1 <= y0:
            raise UsageError(f"the region {x},{y},{w},{h} lies outside the {width}x{height} frame")
        weight[y0:y1, x0:x1] = 1.0
        return weight
    if region["kind"] == "mask":
        if mask is None:
            raise UsageError("a mask region needs its mask image")
        m = np.asarray(mask, np.float32)
        if m.ndim == 3:
            m = m.mean(axis=2, dtype=np.float32)
        if m.shape != (height, width):
            import cv2

            m = np.asarray(
                cv2.resize(m, (width, height), interpolation=cv2.INTER_LINEAR), np.float32
            )
        return np.clip(m, 0.0, 1.0).astype(np.float32)
    if region["kind"] == "tracked":
        raise UsageError(
            f"the tracked region {str(region.get('sha256'))[:12]}… has no track to follow",
            hint="`workbench log verify` says whether the project's track is missing or changed",
        )
    raise UsageError(f"unknown region kind {region.get('kind')!r}")


def upsample(frame: Frame, scale: int) -> Frame:
    """Bicubic enlargement: the base an upscaler's result is blended against."""
    if scale == 1:
        return frame
    import cv2

    h, w = frame.shape[:2]
    out = cv2.resize(frame, (w * scale, h * scale), interpolation=cv2.INTER_CUBIC)
    return np.asarray(out, np.float32)


def apply_tool(
    tool: Tool,
    window: FrameWindow,
    params: Mapping[str, Any],
    engine: Any,
    progress: Progress,
    *,
    region: Mapping[str, Any] | None = None,
    mask: NDArray[Any] | None = None,
    colour: str | None = None,
) -> Frame:
    """Run a tool on one frame, then keep pixels outside the region and blend by strength.

    ``colour`` is the clip's colour space (the pinned config's name, or ``source``; None: no
    colour management, the frames go to the model as they are). Where the model's working
    space differs, the tool runs there (:mod:`workbench.colour.working`) and its result comes
    back into the clip's space before the blend. Outside the region the source is kept exactly
    (for an upscaler: its bicubic enlargement, the only way to keep a frame's size consistent).
    ``strength`` blends linearly.
    """
    source = window.current
    height, width = source.shape[:2]
    weight = region_weight(region, height, width, mask)
    strength = float(params.get("strength", 1.0))
    if strength <= 0.0 and tool.scale(params) == 1:
        return source.copy()
    result = _process_in_space(tool, window, params, engine, progress, colour)
    scale = tool.scale(params)
    if weight is None and strength >= 1.0:
        return np.asarray(result, np.float32)
    base = upsample(source, scale)
    if weight is None:
        blend: NDArray[np.float32] | float = strength
    else:
        if scale != 1:
            weight = np.repeat(np.repeat(weight, scale, axis=0), scale, axis=1).astype(np.float32)
        blend = (weight * strength)[:, :, None]
    out = base + (result - base) * blend
    if weight is not None:
        outside = (weight == 0.0)[:, :, None]
        out = np.where(outside, base, out)
    return np.asarray(out, np.float32)


def working_space(tool: Tool, engine: Any) -> str:
    """The colour space the step's model works in: its card's, else the tool's default."""
    return facts_for(engine, tool.model_facts).colour_space


def _process_in_space(
    tool: Tool,
    window: FrameWindow,
    params: Mapping[str, Any],
    engine: Any,
    progress: Progress,
    colour: str | None,
) -> Frame:
    """``tool.process`` in its model's working space, its result back in the clip's space."""
    from workbench.colour import conversion

    convert = None if colour is None else conversion(colour, working_space(tool, engine))
    if convert is None:
        return _checked(
            tool, window, _process(tool, window, params, engine, progress), params, engine
        )
    from workbench.colour.working import feed, from_working, to_working

    working = to_working(convert, window.frames)
    fed = {index: feed(frame) for index, frame in working.items()}
    source = None
    if tool.reads_source and window.source is not None:
        source = feed(convert.to_working(window.source))
    inner = FrameWindow(window.index, fed, source)
    result = _checked(tool, window, _process(tool, inner, params, engine, progress), params, engine)
    return from_working(
        convert,
        window.current,
        working[window.index],
        fed[window.index],
        result,
        scale=tool.scale(params),
        upsample=upsample,
    )


def _checked(
    tool: Tool, window: FrameWindow, result: Frame, params: Mapping[str, Any], engine: Any
) -> Frame:
    """``result``, refused unless it has the frame's size times the tool's scale."""
    source = window.current
    height, width = source.shape[:2]
    scale = tool.scale(params)
    if result.shape != (height * scale, width * scale, *source.shape[2:]):
        from workbench.inference.errors import ModelInterfaceError

        shape = "×".join(map(str, result.shape))
        raise ModelInterfaceError(
            f"{tool.name} with model {_model_label(engine)} gave a {shape} result for frame "
            f"{window.index}, expected {height * scale}×{width * scale}×{source.shape[2]}",
            hint="the model does not give what the tool expects (channels or scale); pick a "
            f"model made for {tool.id}",
        )
    return result


def _process(
    tool: Tool, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
) -> Frame:
    """``tool.process``, with a refused model output naming the frame it came from."""
    from workbench.inference.errors import ModelOutputError

    try:
        return tool.process(window, params, engine, progress)
    except ModelOutputError as exc:
        if exc.frame is not None:
            raise
        raise exc.at_frame(window.index) from None


def _model_label(engine: Any) -> str:
    label = getattr(getattr(engine, "model", None), "label", None)
    return label if isinstance(label, str) else "(none)"


def check_model_for_tool(
    tool: Tool, params: Mapping[str, Any], model: Any, options: Any = None
) -> None:
    """Refuse, when an edit is applied, a checked model whose declared shapes the tool cannot
    run: its channels, its fixed size (too large, or too small for the tiles' overlap), its
    batch. ``options`` are the inference settings (:class:`SessionOptions`; None: the user's).
    """
    from workbench.inference import SessionOptions, ToolFeed, check_model_interface
    from workbench.inference.tiling import overlap_for

    options = options or SessionOptions.from_settings()
    facts = tool.model_facts.with_card(model.card)
    channels = tool.model_channels_for(facts) or (None, None)
    feed = ToolFeed(
        tool=tool.id,
        in_channels=channels[0],
        out_channels=channels[1],
        scale=tool.scale(params),
        size_multiple=facts.size_multiple,
        overlap=max(options.overlap, overlap_for(facts.receptive_radius, options.feather)),
    )
    check_model_interface(model, feed)


def pad_to_multiple(frame: Frame, multiple: int) -> tuple[Frame, int, int]:
    """Reflect-pad bottom and right so both sides are multiples of ``multiple``."""
    height, width = frame.shape[:2]
    pad_h = (-height) % multiple
    pad_w = (-width) % multiple
    if pad_h == 0 and pad_w == 0:
        return frame, height, width
    widths = ((0, pad_h), (0, pad_w), (0, 0))
    if height > pad_h and width > pad_w:
        padded = np.pad(frame, widths, mode="reflect")
    else:
        padded = np.pad(frame, widths, mode="edge")
    return np.asarray(padded, np.float32), height, width


def run_model(
    engine: Any,
    stack: Frame,
    progress: Progress,
    *,
    defaults: ModelFacts = ModelFacts(),  # noqa: B008 - frozen, shared on purpose
    scale: int = 1,
) -> Frame:
    """Run an image model over a frame stack of any size, the way its card says to.

    The card's ``receptive_radius``, ``size_multiple`` and ``colour_space`` — else ``defaults``,
    the calling tool's :attr:`Tool.model_facts` — decide how wide the tiles overlap and what
    multiple the stack is reflect-padded to (and tiles aligned on); a colour space the tools
    cannot feed is refused. The result is cropped back to the stack's size × ``scale``.
    """
    from workbench.inference import run_image

    facts = facts_for(engine, defaults)
    padded, height, width = pad_to_multiple(stack, facts.size_multiple)
    out = run_image(
        engine,
        padded,
        progress=progress,
        align=facts.size_multiple,
        receptive_radius=facts.receptive_radius,
    )
    return np.asarray(out[: height * scale, : width * scale], np.float32)


def describe_params(params: Sequence[Param]) -> list[str]:
    return [p.describe() for p in params]


def check_edit_range(
    tool: Tool,
    params: Mapping[str, Any],
    frames: tuple[int, int],
    frame_count: int,
    *,
    field_order: int = 0,
) -> None:
    """Refuse, when the edit is applied, an edit that could never render.

    A tool that changes the frame size must cover the whole clip (a deliverable has one size),
    and a tool that resamples the picture cannot work on interlaced footage: scaling a frame
    made of two fields moved in time mixes them. Every front end calls this before it adds an
    edit, and the render calls it again before the first frame is decoded.
    """
    if tool.scale(params) != 1 and tuple(frames) != (0, frame_count - 1):
        raise UsageError(
            f"{tool.name} changes the frame size but would cover only frames "
            f"{frames[0]}-{frames[1]} of {frame_count}; an upscale must cover the whole clip",
            hint="apply it to the whole clip (leave out --frames, or use Apply to clip)",
        )
    if tool.scale(params) != 1 and field_order > 1:
        raise UsageError(
            f"{tool.name} cannot work on interlaced footage: scaling a frame made of two "
            "fields mixes two moments in time",
            hint="deinterlace the clip first (its fields are kept as they are otherwise)",
        )


def apply_tool_by_field(
    tool: Tool,
    window: FrameWindow,
    params: Mapping[str, Any],
    engine: Any,
    progress: Progress,
    *,
    region: Mapping[str, Any] | None = None,
    mask: NDArray[Any] | None = None,
    colour: str | None = None,
) -> Frame:
    """:func:`apply_tool` on an interlaced frame: each field on its own, woven back.

    The two fields of an interlaced frame are two moments in time; a cleanup network run on
    the woven frame sees combing on anything that moves and smears one field into the other.
    Each field (every other row) is cleaned as a picture of its own, its neighbours being the
    same field of the neighbouring frames, and the rows are put back where they were. The
    region applies row for row. Tools that change the frame size are refused on interlaced
    clips before they get here (:func:`check_edit_range`).
    """
    source = window.current
    height, width = source.shape[:2]
    weight = region_weight(region, height, width, mask)
    out = np.empty_like(source)
    for parity in (0, 1):
        frames = {k: np.ascontiguousarray(v[parity::2]) for k, v in window.frames.items()}
        field_weight = None if weight is None else np.ascontiguousarray(weight[parity::2])
        field_source = (
            None if window.source is None else np.ascontiguousarray(window.source[parity::2])
        )
        out[parity::2] = apply_tool(
            tool,
            FrameWindow(window.index, frames, field_source),
            params,
            engine,
            progress,
            region={"kind": "mask"} if field_weight is not None else None,
            mask=field_weight,
            colour=colour,
        )
    return out
