"""Evaluating a clip's edit stack frame by frame, with the neighbours temporal tools need.

Each edit works on the result of the edits before it. A temporal tool (dust) needs its
neighbours *as the earlier edits left them*, so results are memoised per (stage, frame) and
evicted once the render has moved past them: memory is bounded by the stack depth and the
tools' temporal radius, never by the clip's length. ``colour`` is the clip's colour space: each
step converts from it into its model's working space and back (``tools.base.apply_tool``), so
the render, the window's preview and a farm worker convert the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from numpy.typing import NDArray

from workbench.progress import Progress
from workbench.tools.base import Frame, FrameWindow, Tool, apply_tool, apply_tool_by_field
from workbench.tools.track_record import TrackedRegion


@dataclass(frozen=True)
class Step:
    """One enabled edit, ready to run."""

    edit_id: int
    tool: Tool
    params: dict[str, Any]
    engine: Any
    frames: tuple[int, int]
    region: dict[str, Any]
    mask: NDArray[Any] | None = None
    tracked: TrackedRegion | None = None
    """A tracked region: every frame has its own rectangle or mask."""

    def covers(self, index: int) -> bool:
        return self.frames[0] <= index <= self.frames[1]

    def region_at(self, index: int) -> tuple[dict[str, Any], NDArray[Any] | None]:
        """The region (and mask) this edit applies to at frame ``index``."""
        if self.tracked is None:
            return self.region, self.mask
        return self.tracked.at(index)


def frame_scale(steps: Sequence[Step]) -> int:
    """How much the stack enlarges a frame (an upscale ×2 then ×2 is 4)."""
    scale = 1
    for step in steps:
        scale *= step.tool.scale(step.params)
    return scale


class StackEvaluator:
    def __init__(
        self,
        steps: list[Step],
        source: Callable[[int], Frame],
        count: int,
        *,
        interlaced: bool = False,
        colour: str | None = None,
        known: Callable[[int, int], Frame | None] | None = None,
    ) -> None:
        """``known(stage, index)``: a result already computed elsewhere (the viewer's frame
        cache), used instead of computing that frame after that many edits again."""
        self.steps = steps
        self.interlaced = interlaced
        self.colour = colour
        self.known = known
        self.source = source
        self.count = count
        self.radius = sum(step.tool.temporal_radius for step in steps)
        self._cache: dict[tuple[int, int], Frame] = {}

    def frame(self, index: int, progress: Progress) -> Frame:
        """The fully edited frame ``index``."""
        out = self._at(len(self.steps), index, progress)
        self._evict(index)
        return out

    def _at(self, stage: int, index: int, progress: Progress) -> Frame:
        if stage == 0:
            return self.source(index)
        key = (stage, index)
        cached = self._cache.get(key)
        if cached is None and self.known is not None:
            cached = self.known(stage, index)
            if cached is not None and stage < len(self.steps):
                self._cache[key] = cached
        if cached is not None:
            return cached
        step = self.steps[stage - 1]
        previous = self._at(stage - 1, index, progress)
        if not step.covers(index):
            result = previous
        else:
            frames = {index: previous}
            r = step.tool.temporal_radius
            for j in range(max(0, index - r), min(self.count, index + r + 1)):
                if j != index:
                    frames[j] = self._at(stage - 1, j, progress)
            run = (
                apply_tool_by_field
                if self.interlaced and step.tool.scale(step.params) == 1
                else apply_tool
            )
            region, mask = step.region_at(index)
            source = self.source(index) if step.tool.reads_source else None
            result = run(
                step.tool,
                FrameWindow(index, frames, source),
                step.params,
                step.engine,
                progress,
                region=region,
                mask=mask,
                colour=self.colour,
            )
        if stage < len(self.steps):  # the last stage is consumed once; no need to keep it
            self._cache[key] = result
        return result

    def _evict(self, index: int) -> None:
        lowest = index - self.radius
        for key in [k for k in self._cache if k[1] < lowest]:
            del self._cache[key]
