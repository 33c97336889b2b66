"""A render never replaces a file that is already there unless asked to.

A render that finishes moves its output over whatever has that name, so before any frame is
decoded the render asks: is something there? A video's output is written under a pending name
and only moved into place at the end, so a file with the output's name is someone else's (or a
finished render's) — refused unless ``overwrite``. An image sequence is written frame by frame in
place, so its frames may be an interrupted render's own: when the segment store holds this
very plan's work, the render is a resume and goes on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from workbench.errors import UsageError


def existing_output(output: Path) -> Path | None:
    """The file already at ``output`` — for a frame pattern, its first frame there — or None."""
    from workbench.media.sequence import is_pattern, split_pattern

    if not is_pattern(output):
        return output if output.exists() else None
    folder, prefix, suffix, _padding = split_pattern(output)
    rx = re.compile(re.escape(prefix) + r"\d+" + re.escape(suffix) + "$")
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    return next((folder / n for n in names if rx.match(n)), None)


def refuse_to_overwrite(plan: Any, store: Any, *, overwrite: bool) -> None:
    """Raise a UsageError (exit 2) when the render would replace a file it did not write."""
    if overwrite:
        return
    found = existing_output(plan.output_path)
    if found is None:
        return
    from workbench.render.finishing import is_sequence

    if is_sequence(plan.output_path) and any(
        store.load(plan, s.index) is not None for s in plan.segments
    ):
        return  # an interrupted render of this plan wrote these frames: resume it
    raise UsageError(
        f"{found} already exists; the render would replace it",
        hint="choose another output name, or render with --overwrite to replace it",
    )
