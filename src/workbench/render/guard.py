"""A render signs and registers only into the project it was planned from, with what it rendered.

A render runs for minutes or hours after its plan was made, and the project file can change
under it: someone toggles an edit, or replaces the file. So before the output is signed, and
again in the transaction that registers it, the project is held against the plan — the same
project id; the log head the plan saw still in the log, at the same place (the log may have
grown); the plan's edits still the clip's enabled stack; and every row what the log vouches
for. Otherwise nothing is signed or registered, and the output stays under its pending name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import ProjectError, WorkbenchError
from workbench.render.plan import PlannedEdit, RenderPlan

if TYPE_CHECKING:
    from workbench.project import Edit, Project


class ProjectChangedError(ProjectError):
    """The project is no longer the one a render was planned from; nothing was registered."""


def _edit_key(edit: PlannedEdit | Edit, parameters: dict[str, Any]) -> str:
    """What decides an edit's pixels, as JSON (a plan read back from JSON compares equal)."""
    fields = [
        edit.id,
        edit.log_entry,
        edit.tool,
        edit.tool_version,
        edit.model_sha256,
        list(edit.frames),
        dict(edit.region),
        parameters,
    ]
    return json.dumps(fields, sort_keys=True, default=str)


def _resolved(edit: Edit) -> dict[str, Any]:
    from workbench.tools.registry import get_tool

    try:
        return dict(get_tool(edit.tool).resolve(edit.parameters))
    except WorkbenchError:
        return dict(edit.parameters)


def _names(edits: Any) -> str:
    return ", ".join(f"{e.id} ({e.tool})" for e in edits) or "none"


def plan_problem(project: Project, plan: RenderPlan) -> str | None:
    """Why ``project`` is not (or no longer) the one ``plan`` renders; None when it is."""
    if project.id != plan.project_id:
        return (
            f"it is project {project.id}, not {plan.project_id} that the render was planned "
            "from (the file was replaced)"
        )
    head = plan.log_head
    row = project.conn.execute("SELECT id FROM log WHERE seq = ?", (head.seq,)).fetchone()
    if row is None or row[0] != head.entry:
        return (
            f"its log no longer holds entry {head.seq} ({head.entry[:8]}…) that the render was "
            "planned at (the file was replaced or its log rewritten)"
        )
    stack = [e for e in project.edits(plan.clip.id) if e.enabled]
    now = [_edit_key(e, _resolved(e)) for e in stack]
    planned = [_edit_key(e, dict(e.parameters)) for e in plan.edits]
    if now != planned:
        return (
            f"clip {plan.clip.id}'s enabled edits are now {_names(stack)}; the render applied "
            f"{_names(plan.edits)}"
        )
    colour = project.clip(plan.clip.id).colour.space
    if plan.colour is not None and colour != plan.colour.input:
        return (
            f"clip {plan.clip.id}'s colour space is now {colour}; the render converted from "
            f"{plan.colour.input}"
        )
    return None


def kept_at(plan: RenderPlan, pending: Path) -> str:
    if pending == plan.output_path:
        return f"the rendered frames are at {pending}"
    return f"the rendered output is kept at {pending}"


def require_plan_holds(project: Project, plan: RenderPlan, pending: Path, step: str) -> None:
    """Raise :class:`ProjectChangedError` (or ``VerificationFailed``) unless the plan holds.

    ``step`` is what would have happened ("signing", "registering"); the message says why it
    did not, and where the output is.
    """
    from workbench.errors import VerificationFailed

    name = Path(plan.project_path).name
    problem = plan_problem(project, plan)
    if problem is not None:
        raise ProjectChangedError(
            f"{step} {plan.output_path.name} was refused: {name} changed while the render ran — "
            f"{problem}. Nothing was registered; {kept_at(plan, pending)}",
            hint="render again from the project as it is now",
        )
    report = project.verify()
    if not report.ok:
        more = len(report.problems) - 1
        raise VerificationFailed(
            f"{step} {plan.output_path.name} was refused: {name} is not what its log vouches "
            f"for — {report.problems[0]}"
            + (f" (and {more} more problems)" if more else "")
            + f". Nothing was registered; {kept_at(plan, pending)}",
            hint=f"`workbench log verify {plan.project_path}` lists every problem",
        )


__all__ = ["ProjectChangedError", "kept_at", "plan_problem", "require_plan_holds"]
