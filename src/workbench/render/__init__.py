"""Rendering: decode → the clip's enabled edit stack → encode, resumable, logged.

A render is a :class:`RenderPlan` (plain data, JSON), rendered segment by segment into a
:class:`SegmentStore`, then finished (joined, signed, checked) and registered in the project.
:func:`run_render` does all of it on this machine; the steps are public for a farm.
"""

from workbench.render.finishing import FinishedRender, finish
from workbench.render.materialize import MaterializedPlan, materialize
from workbench.render.pipeline import RenderRequest, RenderResult, build_plan, run_render
from workbench.render.plan import PlannedEdit, PlannedSegment, RenderPlan
from workbench.render.registration import register
from workbench.render.segments import render_segment
from workbench.render.store import DirectorySegmentStore, SegmentResult, SegmentStore
from workbench.render.worker import RenderHandle, error_from_event, render_in_worker

__all__ = [
    "DirectorySegmentStore",
    "FinishedRender",
    "MaterializedPlan",
    "PlannedEdit",
    "PlannedSegment",
    "RenderHandle",
    "RenderPlan",
    "RenderRequest",
    "RenderResult",
    "SegmentResult",
    "SegmentStore",
    "build_plan",
    "error_from_event",
    "finish",
    "materialize",
    "register",
    "render_in_worker",
    "render_segment",
    "run_render",
]
