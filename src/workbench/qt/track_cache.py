"""Tracked regions the viewer has read from the project, kept by their hash.

A track never changes once stored (its hash names its bytes), so the viewer reads each one once:
the preview of a stack with a tracked edit asks for it at every frame.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.tools.track_record import TrackedRegion

_cache: dict[tuple[str, str], TrackedRegion] = {}
_lock = threading.Lock()
KEEP = 32


def tracked_region(project: Path | None, region: dict[str, Any]) -> TrackedRegion | None:
    """The stored track (with its masks) a tracked region names; None for other regions, and
    for a track that cannot be read (missing or changed: the frame service then reports that
    the edit's region cannot be applied, and the log's badge says why)."""
    if project is None or region.get("kind") != "tracked":
        return None
    key = (str(project), str(region.get("sha256")))
    with _lock:
        found = _cache.get(key)
    if found is not None:
        return found
    from workbench.render.materialize import load_tracked

    try:
        loaded = load_tracked(Path(project), key[1])
    except WorkbenchError:
        return None
    with _lock:
        while len(_cache) >= KEEP:
            _cache.pop(next(iter(_cache)))
        _cache[key] = loaded
    return loaded
