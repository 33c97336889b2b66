"""Recipes: one named stack of tools, saved once and applied to many shots as ordinary edits.

A recipe is saved from a clip's stack (its enabled edits, in order, with their models pinned by
SHA-256) or from a spec (JSON, or ``TOOL key=value`` steps from the command line); saving a
name again makes its next version, and every save is a ``workbench.recipe/1`` entry.

Applying it gives each selected shot plain edits through ``workbench.editing`` —
``plan_edit`` (every check: parameters, policy, model fits, consent) and ``ApplyEdit`` — so they
are logged, undoable and can be changed per shot like any other. Each edit covers the shot's
source range plus handles; where two shots of one clip overlap (their handles), the frames a
neighbour's identical edit already covers are not edited twice. A tool that changes the frame
size (upscale) covers the whole clip, once. Automatic parameters (denoise's level 0) stay
automatic, so they are still measured on every frame of every shot.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workbench.disclosure.entries import RecipeStep, Region
from workbench.errors import UsageError
from workbench.project import Edit, Project, Recipe, Shot


# -- saving ---------------------------------------------------------------------------------
def steps_from_clip(project: Project, clip_id: int) -> list[RecipeStep]:
    """The clip's enabled edits as recipe steps (a painted mask cannot travel to other shots)."""
    edits = [e for e in project.edits(clip_id) if e.enabled]
    if not edits:
        raise UsageError(f"clip {clip_id} has no enabled edits to save as a recipe")
    steps = []
    for edit in edits:
        region = edit.region_spec
        if region.kind == "mask":
            raise UsageError(
                f"edit {edit.id} ({edit.tool}) uses a painted mask, which belongs to its clip",
                hint="save the recipe from full-frame or rectangle edits",
            )
        parameters = {k: v for k, v in edit.parameters.items()}
        steps.append(RecipeStep(edit.tool, parameters, edit.model_sha256, region))
    return steps


def _coerce(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_step(text: str) -> RecipeStep:
    """``TOOL [key=value …] [model=ID] [region=X,Y,W,H]`` as a recipe step."""
    from workbench.editing import parse_rect

    words = text.split()
    if not words or "=" in words[0]:
        raise UsageError(f"a recipe step is TOOL key=value …; got {text!r}")
    params: dict[str, Any] = {}
    model: str | None = None
    region = Region()
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if not sep:
            raise UsageError(f"{word!r} in step {text!r} is not key=value")
        if key == "model":
            model = value
        elif key == "region":
            region = Region.from_input(parse_rect(value))
        else:
            params[key] = _coerce(value)
    return RecipeStep(words[0], params, model, region)


def steps_from_json(path: Path) -> list[RecipeStep]:
    """A JSON spec: a list of steps, or ``{"steps": [...]}``; each ``{"tool", "parameters",
    "model", "region"}`` (only ``tool`` is required)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not a readable JSON recipe: {exc}") from None
    items = data.get("steps") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise UsageError(f'{path.name}: a recipe is a list of steps (or {{"steps": [...]}})')
    steps = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("tool"), str):
            raise UsageError(f'{path.name}: step {n} needs a "tool"')
        try:
            region = Region.from_input(item.get("region"))
        except (KeyError, TypeError, ValueError):
            raise UsageError(f"{path.name}: step {n} has an unknown region") from None
        params = item.get("parameters") or {}
        if not isinstance(params, dict):
            raise UsageError(f"{path.name}: step {n}'s parameters are not an object")
        steps.append(RecipeStep(item["tool"], dict(params), item.get("model"), region))
    return steps


def check_steps(steps: Sequence[RecipeStep]) -> None:
    """Every tool exists and takes its parameters; a mask region is refused."""
    from workbench.tools.registry import get_tool

    for step in steps:
        tool = get_tool(step.tool)
        tool.resolve(step.parameters)
        if step.region.kind == "mask":
            raise UsageError(f"step {step.tool}: a recipe cannot carry a painted mask")


def save_recipe(project: Project, name: str, steps: Sequence[RecipeStep], source: str) -> Recipe:
    check_steps(steps)
    return project.save_recipe(name, steps, source=source)


# -- choosing shots -------------------------------------------------------------------------
def select_shots(project: Project, text: str, sequence_id: int | None = None) -> list[Shot]:
    """``all``, ids and ranges (``1,4-9``), ``reel:A001`` (reels starting so), comma-joined."""
    sequence = project.sequence(sequence_id)
    shots = project.shots(sequence.id)
    by_id = {s.id: s for s in shots}
    chosen: dict[int, Shot] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.lower() == "all":
            chosen.update(by_id)
        elif part.lower().startswith("reel:"):
            reel = part[5:].strip().upper()
            chosen.update({s.id: s for s in shots if (s.reel or "").upper().startswith(reel)})
        elif re.fullmatch(r"\d+(-\d+)?", part):
            first, _, last = part.partition("-")
            for shot_id in range(int(first), int(last or first) + 1):
                if shot_id not in by_id:
                    raise UsageError(f"no shot {shot_id} in sequence {sequence.id}")
                chosen[shot_id] = by_id[shot_id]
        else:
            raise UsageError(f"--shots takes all, 1,4-9 or reel:NAME; got {part!r}")
    if not chosen:
        raise UsageError(f"--shots {text!r} selects no shot of sequence {sequence.id}")
    return [chosen[k] for k in sorted(chosen, key=lambda k: chosen[k].position)]


# -- applying -------------------------------------------------------------------------------
@dataclass
class ShotApplied:
    """What a recipe did to one shot: the commands it ran (undoable), or why it did not."""

    shot: Shot
    commands: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def edits(self) -> list[int]:
        return [c.ref.id for c in self.commands if c.ref.id is not None]


def _same_edit(edit: Edit, planned: Any) -> bool:
    model = planned.model.sha256 if planned.model is not None else None
    return (
        edit.enabled
        and edit.tool == planned.tool.id
        and edit.parameters == planned.parameters
        and edit.model_sha256 == model
        and Region.from_dict(edit.region) == Region.from_input(planned.region)
    )


def _uncovered(
    wanted: tuple[int, int], covered: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The parts of ``wanted`` (inclusive) that no range in ``covered`` holds."""
    pieces = [wanted]
    for a, b in covered:
        pieces = [
            piece
            for lo, hi in pieces
            for piece in ((lo, min(hi, a - 1)), (max(lo, b + 1), hi))
            if piece[0] <= piece[1]
        ]
    return pieces


def _apply_step(
    project: Project,
    shot: Shot,
    step: RecipeStep,
    done: ShotApplied,
    catalog: Any,
    ran: list[Any] | None = None,
) -> None:
    from workbench.editing import ApplyEdit, EditRequest, plan_edit
    from workbench.tools.registry import get_tool

    assert shot.clip_id is not None and shot.frames is not None
    tool = get_tool(step.tool)
    whole = tool.scale(tool.resolve(step.parameters)) != 1
    request = EditRequest(
        clip_id=shot.clip_id,
        tool=step.tool,
        parameters=step.parameters,
        model=step.model,
        frames=None if whole else shot.frames,
        region=step.region.to_dict(),
    )
    planned = plan_edit(project, request, catalog=catalog)
    same = [e for e in project.edits(shot.clip_id) if _same_edit(e, planned)]
    pieces = [] if whole and same else _uncovered(planned.frames, (e.frames for e in same))
    if not pieces:
        done.notes.append(f"{step.tool}: already applied to these frames")
    for piece in pieces:
        if piece != planned.frames:
            planned = plan_edit(project, replace(request, frames=piece), catalog=catalog)
        command = ApplyEdit(planned)
        command.do(project)
        done.commands.append(command)
        if ran is not None:
            ran.append(command)


def apply_recipe(
    project: Project,
    recipe: Recipe,
    shots: Sequence[Shot],
    *,
    catalog: Any = None,
    ran: list[Any] | None = None,
) -> list[ShotApplied]:
    """Apply ``recipe`` to ``shots`` in cut order; offline shots are reported and left alone.

    A step refused for a shot (policy, a performer's consent, a model that does not fit) stops
    the whole run with the refusal; what was applied before it stays, as ordinary undoable edits
    (``ran``, when given, collects their commands as they run, so a caller can take them back).
    """
    from workbench.catalog import Catalog

    catalog = catalog or Catalog()
    check_steps(recipe.steps)
    results = []
    for shot in shots:
        done = ShotApplied(shot)
        current = project.shot(shot.id)
        if not current.online:
            done.notes.append(f"offline: {current.reason}")
        else:
            for step in recipe.steps:
                _apply_step(project, current, step, done, catalog, ran)
        results.append(done)
    return results


@dataclass
class ApplyRecipe:
    """Apply a saved recipe to shots as one undoable change (the window's undo stack): ``do``
    applies it (all of it, or nothing: a refusal part-way takes back what it applied), redo
    applies the same edits again, ``undo`` reverts them in reverse order."""

    recipe: str
    shots: tuple[int, ...]
    catalog: Any = None
    commands: list[Any] = field(default_factory=list)
    results: list[ShotApplied] = field(default_factory=list)

    @property
    def text(self) -> str:
        n = len(self.shots)
        return f"Apply recipe {self.recipe} to {n} shot{'s' if n != 1 else ''}"

    def do(self, project: Project) -> None:
        if self.commands:  # a redo: the same edits again
            for command in self.commands:
                command.do(project)
            return
        recipe = project.recipe(self.recipe)
        shots = [project.shot(s) for s in self.shots]
        ran: list[Any] = []
        try:
            self.results = apply_recipe(project, recipe, shots, catalog=self.catalog, ran=ran)
        except BaseException:
            for command in reversed(ran):
                command.undo(project)
            raise
        self.commands = ran

    def undo(self, project: Project) -> None:
        for command in reversed(self.commands):
            command.undo(project)


__all__ = [
    "ApplyRecipe",
    "ShotApplied",
    "apply_recipe",
    "check_steps",
    "parse_step",
    "save_recipe",
    "select_shots",
    "steps_from_clip",
    "steps_from_json",
]
