"""What decides a processed frame, as plain data, and a key per frame that changes exactly when it.

A :class:`StackSpec` is the part of a render plan that decides pixels: the footage (path and
content fingerprint, frame count, interlacing), the stack of edits in order (tool and version,
resolved parameters, model SHA-256 and the backend that runs it, region with its mask's or
track's hash, frames), the clip's colour space, the tiling and the runtime (Workbench and ONNX Runtime versions, execution providers: their outputs differ in the
last bits). A preview adds the tools panel's pending settings on top, or keeps one edit alone.

:class:`FrameKeys` names each frame's result by a hash tree that follows the render's own
evaluation (``render.stack``): the source frame ``j`` is ``h(0, j)``; after edit ``s``, a frame
it does not cover keeps ``h(s-1, j)``, and a frame it covers is
``H(edit s, j, [h(s-1, k) for each neighbour k the tool reads])``. Two stacks that compute a frame
the same way give it the same key, and any change — a parameter, a model file, a mask, an edit
added far away whose temporal reach arrives here, the tile size — changes the key of exactly the
frames it changes. (An edit applied with the settings just previewed keeps the previewed frames'
keys: the cache stays warm across Apply.)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from workbench.render.plan import PlannedClip, PlannedEdit, RenderPlan, TilePlan

#: Hash-tree nodes remembered per :class:`FrameKeys`; beyond this the memo starts again.
MEMO_LIMIT = 200_000


@dataclass(frozen=True)
class StackSpec:
    """The footage, the stack and the settings that decide a clip's processed frames."""

    clip: PlannedClip
    frame_count: int
    edits: tuple[PlannedEdit, ...]
    """Enabled edits in stack order, parameters resolved, models named by SHA-256."""
    tiles: TilePlan
    interlaced: bool = False
    runtime: tuple[str, ...] = ()
    """What else changes the last bits: versions of Workbench and ONNX Runtime, providers."""
    project_path: str = ""
    """Where the project's stored masks are (``<project>.masks/<sha256>.png``)."""
    colour: str | None = None
    """The clip's colour space, which each edit converts from into its model's working space
    (None: no colour management, a plan made before it)."""
    label: str = field(default="", compare=False)
    """How a viewer names this stack ("Result", "A: level 10", "Solo: #2 dust")."""

    @property
    def radius(self) -> int:
        from workbench.tools.registry import get_tool

        return sum(get_tool(e.tool).temporal_radius for e in self.edits)

    def digest(self) -> str:
        """One name for the whole spec (the per-frame keys are finer: :class:`FrameKeys`)."""
        doc = {
            "salt": _salt(self),
            "edits": [[edit_descriptor(e), list(e.frames)] for e in self.edits],
        }
        return _sha(json.dumps(doc, sort_keys=True))


def spec_from_plan(plan: RenderPlan, runtime: tuple[str, ...] = ()) -> StackSpec:
    """The pixels part of a render plan (what a render of it writes, frame for frame)."""
    from workbench.media import probe

    return StackSpec(
        clip=plan.clip,
        frame_count=plan.frame_count,
        edits=plan.edits,
        tiles=plan.tiles,
        interlaced=probe(plan.clip.path).interlaced,
        runtime=runtime,
        project_path=plan.project_path,
        colour=None if plan.colour is None else plan.colour.input,
    )


def runtime_of(providers: tuple[str, ...]) -> tuple[str, ...]:
    """The versions and providers that make a model's output what it is on this machine."""
    from workbench import __version__
    from workbench.inference import onnxruntime_version

    return (f"workbench {__version__}", f"onnxruntime {onnxruntime_version()}", *providers)


def edit_descriptor(edit: PlannedEdit) -> str:
    """What an edit does to a frame it covers, canonically (its frames are the tree's shape):
    with the version of the tool's code that runs now, so frames cached by an older Workbench
    are not shown as this one's."""
    from workbench.tools.registry import get_tool

    return json.dumps(
        [
            edit.tool,
            edit.tool_version,
            get_tool(edit.tool).version,
            edit.parameters,
            edit.model_sha256,
            edit.region,
            edit.enabled,
            edit.provider,
            edit.variant,
        ],
        sort_keys=True,
        default=str,
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _salt(spec: StackSpec) -> str:
    tiles = spec.tiles
    return json.dumps(
        [
            spec.clip.fingerprint,
            spec.frame_count,
            spec.interlaced,
            [tiles.tile_size, tiles.overlap, tiles.feather, tiles.min_tile_size],
            list(spec.runtime),
            spec.colour,
            _colour_config() if spec.colour is not None else None,
        ]
    )


def _colour_config() -> list[str]:
    """The OpenColorIO config and version that convert a managed clip (they change pixels)."""
    from workbench.colour import CONFIG_NAME, ocio_version

    return [CONFIG_NAME, ocio_version()]


class FrameKeys:
    """Each frame's key under a :class:`StackSpec` (see the module docstring)."""

    def __init__(self, spec: StackSpec) -> None:
        from workbench.tools.registry import get_tool

        self.spec = spec
        self._salt = _sha(_salt(spec))
        self._descriptors = [_sha(edit_descriptor(e)) for e in spec.edits]
        self._radii = [get_tool(e.tool).temporal_radius for e in spec.edits]
        self._memo: dict[tuple[int, int], str] = {}

    @property
    def stages(self) -> int:
        return len(self.spec.edits)

    def key(self, index: int) -> str:
        """The key of frame ``index`` after the whole stack."""
        return self.node(self.stages, index)

    def source(self, index: int) -> str:
        return self.node(0, index)

    def untouched(self, index: int) -> bool:
        """No edit reaches frame ``index``: its result is the source frame."""
        return self.key(index) == self.source(index)

    def node(self, stage: int, index: int) -> str:
        """The key of frame ``index`` after the first ``stage`` edits."""
        if stage == 0:
            return _sha(f"{self._salt}|source|{index}")
        memo = self._memo.get((stage, index))
        if memo is not None:
            return memo
        edit = self.spec.edits[stage - 1]
        if not edit.covers(index):
            out = self.node(stage - 1, index)
        else:
            r = self._radii[stage - 1]
            window = range(max(0, index - r), min(self.spec.frame_count, index + r + 1))
            inputs = ",".join(self.node(stage - 1, j) for j in window)
            out = _sha(f"{self._descriptors[stage - 1]}|{index}|{inputs}")
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[(stage, index)] = out
        return out

    def reach(self, index: int) -> tuple[int, int]:
        """The source frames the stack reads to make frame ``index`` (clamped to the clip)."""
        radius = self.spec.radius
        return (max(0, index - radius), min(self.spec.frame_count - 1, index + radius))


def merged(spec: StackSpec, edits: tuple[PlannedEdit, ...], label: str = "") -> StackSpec:
    """``spec`` with another stack of edits (a pending edit on top, one edit alone)."""
    from dataclasses import replace

    return replace(spec, edits=edits, label=label or spec.label)


def describe_settings(edit: PlannedEdit, frame_count: int) -> str:
    """A short label of an edit's settings for a viewer ("denoise · level 10 · amount 2"); the
    model is named when it is not the tool's default for a clip of ``frame_count`` frames."""
    shown = [f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in _shown(edit)]
    from workbench.tools.registry import get_tool

    default = get_tool(edit.tool).default_model_for(edit.parameters, frame_count)
    model = f" · {edit.model_id}" if edit.model_id and edit.model_id != default else ""
    return " · ".join([edit.tool, *shown]) + model


def _shown(edit: PlannedEdit) -> list[tuple[str, Any]]:
    from workbench.tools.registry import get_tool

    defaults = {p.name: p.default for p in get_tool(edit.tool).all_params()}
    return [(k, v) for k, v in sorted(edit.parameters.items()) if defaults.get(k) != v]
