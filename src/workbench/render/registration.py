"""The last step: the finished output and its log entry join the project in one transaction.

Only the process that registers writes the project (a farm's coordinator; locally, the render
itself). The project is first held against the plan (``render.guard``): a project replaced or
changed while the render ran registers nothing, and the output stays under its pending name.
The output is moved from its pending name into place inside the transaction, so a failure to do
so leaves no entry behind, and an entry never names a file that is not there.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.disclosure.entries import RenderedSegment
from workbench.errors import UsageError
from workbench.fsutil import fsync_dir
from workbench.progress import NullProgress, Progress
from workbench.project.project import open_for_writing
from workbench.render.colour import colour_record
from workbench.render.finishing import FinishedRender
from workbench.render.guard import require_plan_holds
from workbench.render.plan import RenderPlan


def _rendered_edits(project: Any, plan: RenderPlan) -> list[Any]:
    """The project's records of the edits the plan rendered (as they were when planned)."""
    edits = []
    for planned in plan.edits:
        edit = project.edit(planned.id)
        if edit.log_entry != planned.log_entry:
            raise UsageError(
                f"edit {planned.id} is not the edit the render was planned with",
                hint="plan the render again",
            )
        edits.append(edit)
    return edits


def register(
    plan: RenderPlan,
    finished: FinishedRender,
    *,
    lock_wait: float = 30.0,
    progress: Progress | None = None,
    segments: Sequence[RenderedSegment] = (),
) -> Any:
    """Move the output into place and register it with its log entry; the project's Render.

    ``segments`` (a farm render's) name the worker and provider of each segment in the entry.
    """
    progress = progress or NullProgress()
    output = plan.output_path
    pending = finished.pending

    def move_into_place() -> None:
        os.replace(pending, output)
        fsync_dir(output.parent)

    progress.update(0.995, "registering the render in the project")
    with open_for_writing(Path(plan.project_path), lock_wait, poll=0.2) as project:
        # Under the write lock: nothing changes the project between this check and the entry.
        require_plan_holds(project, plan, pending, "registering")
        return project.register_render(
            plan.clip.id,
            output=str(output),
            sha256=finished.sha256,
            codec=plan.codec,
            frame_count=plan.output_frame_count,
            frames=plan.frame_range,
            frame_digest=finished.frame_digest,
            plan=plan.digest,
            edits=_rendered_edits(project, plan),
            extra=finished.extra,
            colour=colour_record(plan.colour),
            before_commit=move_into_place if pending != output else None,
            segments=segments,
            runtime=runtime_record(plan),
        )


def runtime_record(plan: RenderPlan) -> dict[str, Any]:
    """What ran each edit's model in this render (the plan pins it, and every segment ran it,
    or was refused): the provider, the file (main or variant) by SHA-256, and how the edit was
    applied where that differs. With the runtime versions."""
    from workbench.disclosure.records import onnxruntime_version
    from workbench.inference import OPENVINO, openvino_version

    models: list[dict[str, Any]] = []
    for edit in plan.edits:
        if edit.model_sha256 is None:
            continue
        item: dict[str, Any] = {
            "edit": edit.id,
            "model": edit.model_id,
            "provider": edit.provider,
            "file": edit.variant or "main",
            "sha256": edit.run_sha256 or edit.model_sha256,
        }
        if edit.applied_with is not None:
            item["applied_with"] = edit.applied_with
        models.append(item)
    record: dict[str, Any] = {"onnxruntime": onnxruntime_version(), "models": models}
    if any(m["provider"] == OPENVINO for m in models):
        record["openvino"] = openvino_version()
    return record
