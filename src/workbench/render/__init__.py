"""Rendering: decode → the clip's enabled edit stack → encode, resumable, logged."""

from workbench.render.pipeline import RenderRequest, RenderResult, build_plan, run_render
from workbench.render.worker import RenderHandle, render_in_worker

__all__ = [
    "RenderHandle",
    "RenderRequest",
    "RenderResult",
    "build_plan",
    "render_in_worker",
    "run_render",
]
