"""The render's colour management: decided when the plan is made, checked where it renders.

The plan names the clip's colour space (set by a user, or read from its tags) and the working
space of each edit's model, from its card; :func:`planned_colour` decides them, a process that
renders refuses a plan whose OpenColorIO differs from its own (:func:`check_colour`), and the
render's log entry carries them as a :class:`~workbench.disclosure.entries.ColourRecord`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbench.errors import UsageError
from workbench.render.plan import PlannedColour, PlannedEdit


def edit_working_space(edit: PlannedEdit, catalog: Any) -> str:
    """The working space an edit's model runs in: its card's, else its tool's default."""
    from workbench.colour import SOURCE, lookup
    from workbench.tools.registry import get_tool

    tool = get_tool(edit.tool)
    card = None
    if edit.model_sha256 is not None:
        card = catalog.find(edit.model_sha256).card
    space = tool.model_facts.with_card(card).colour_space
    return space if space == SOURCE else (lookup(space) or space)


def planned_colour(clip: Any, edits: Sequence[PlannedEdit], catalog: Any) -> PlannedColour:
    """The clip's colour space and each edit's working space, as the plan records them."""
    from workbench.colour import CONFIG_NAME, conversion, ocio_version

    space = clip.colour.space
    working = []
    for edit in edits:
        target = edit_working_space(edit, catalog)
        working.append((edit.id, target, conversion(space, target) is not None))
    return PlannedColour(space, clip.colour_origin, CONFIG_NAME, ocio_version(), tuple(working))


def check_colour(colour: PlannedColour | None) -> str | None:
    """The clip's colour space for the stack (None for a plan made before colour management),
    refused when this machine's OpenColorIO or config is not the plan's."""
    if colour is None:
        return None
    from workbench.colour import CONFIG_NAME, ocio_version

    if colour.config != CONFIG_NAME or colour.ocio != ocio_version():
        raise UsageError(
            f"the render plan converts colour with {colour.config} in OpenColorIO "
            f"{colour.ocio}; this machine has {CONFIG_NAME} in OpenColorIO {ocio_version()}",
            hint="render it where OpenColorIO is the planner's version, or plan it again here",
        )
    return colour.input


def colour_record(colour: PlannedColour | None) -> Any:
    """What the render's log entry says about its colour transforms (None before them)."""
    if colour is None:
        return None
    from workbench.disclosure.entries import ColourRecord, ColourStep

    return ColourRecord(
        config=colour.config,
        ocio=colour.ocio,
        input=colour.input,
        origin=colour.origin,
        steps=tuple(ColourStep(e, w, c) for e, w, c in colour.working),
    )


__all__ = ["check_colour", "colour_record", "edit_working_space", "planned_colour"]
