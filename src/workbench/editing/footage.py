"""A new project for a handful of footage files, beside them (the start screen's "New from
footage", ``workbench new --from-footage``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from workbench.errors import UsageError
from workbench.project import Clip, Project
from workbench.project.storage import PROJECT_SUFFIX


def project_beside(footage: Sequence[Path]) -> Path:
    """A project path that does not exist yet, in the first file's folder, named after that
    folder (a shoot day, a reel), else after the file."""
    if not footage:
        raise UsageError("pick at least one footage file")
    first = Path(footage[0]).resolve()
    folder = first.parent
    stem = folder.name or first.stem
    candidate = folder / f"{stem}{PROJECT_SUFFIX}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{PROJECT_SUFFIX}"
        n += 1
    return candidate


def new_from_footage(
    footage: Sequence[Path],
    *,
    import_clip: Callable[[Project, Path], Clip] | None = None,
) -> tuple[Path, list[Clip]]:
    """Create :func:`project_beside` the footage and import every file into it."""
    from workbench.editing.operations import import_clip as probe_and_add

    importer = import_clip or probe_and_add
    path = project_beside(footage)
    with Project.create(path) as project:
        clips = [importer(project, Path(f)) for f in footage]
    return path, clips


__all__ = ["new_from_footage", "project_beside"]
