"""Before/after thumbnails for the report: one representative frame per edit, edit applied.

The frame is the middle of the edit's range, read from the clip and run through the edit's tool
alone (not the whole stack), so each pair shows what that edit did. Thumbnails are a courtesy:
an offline clip, a missing model or a tool error leaves the edit without one, never fails the
report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from workbench.catalog import Catalog
    from workbench.disclosure.report_model import EditRow, Thumbnailer
    from workbench.disclosure.report_sequence import ShotRow

    ShotThumbnailer = Callable[[ShotRow], "tuple[NDArray[Any], NDArray[Any] | None] | None"]

THUMB_WIDTH = 240


def shrink(frame: NDArray[Any], width: int = THUMB_WIDTH) -> NDArray[np.uint8]:
    """A float RGB frame as an 8-bit RGB thumbnail ``width`` pixels wide (never enlarged)."""
    import cv2

    rgb = np.clip(np.nan_to_num(frame[..., :3]), 0.0, 1.0)
    height, w = rgb.shape[:2]
    if w > width:
        rgb = cv2.resize(
            rgb, (width, max(1, round(height * width / w))), interpolation=cv2.INTER_AREA
        )
    return np.asarray(np.round(rgb * 255), np.uint8)


def png_bytes(rgb: NDArray[np.uint8]) -> bytes:
    import cv2

    ok, data = cv2.imencode(".png", np.ascontiguousarray(rgb[..., ::-1]))
    if not ok:  # pragma: no cover - cv2 encodes any uint8 array
        raise ValueError("PNG encoding failed")
    return bytes(data.tobytes())


def jpeg_bytes(rgb: NDArray[np.uint8], quality: int = 88) -> bytes:
    import cv2

    ok, data = cv2.imencode(
        ".jpg", np.ascontiguousarray(rgb[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:  # pragma: no cover - cv2 encodes any uint8 array
        raise ValueError("JPEG encoding failed")
    return bytes(data.tobytes())


def project_thumbnailer(catalog: Catalog | None = None) -> Thumbnailer:
    """Thumbnails by applying each edit's tool to its representative frame."""
    from workbench.catalog import Catalog

    cat = catalog or Catalog()
    engines: dict[str, Any] = {}

    def thumbnail(row: EditRow) -> tuple[NDArray[Any], NDArray[Any]] | None:
        from workbench.inference import get_engine
        from workbench.media import open_reader
        from workbench.progress import Progress
        from workbench.tools.base import FrameWindow, apply_tool
        from workbench.tools.registry import get_tool

        if "%" not in row.clip.path and not Path(row.clip.path).exists():
            return None
        if row.region.get("kind") == "mask":
            return None  # the mask's pixels are not in the log
        try:
            tool = get_tool(row.tool)
            engine = None
            sha = str(row.model.get("sha256") or "")
            if sha:
                if sha not in engines:
                    engines[sha] = get_engine(cat.load_checked(sha))
                engine = engines[sha]
            params = tool.resolve(row.parameters)
            with open_reader(row.clip.path) as reader:
                index = min(max(row.representative_frame, 0), len(reader) - 1)
                radius = tool.temporal_radius
                frames = {
                    j: reader.read(j)
                    for j in range(max(0, index - radius), min(len(reader), index + radius + 1))
                }
            after = apply_tool(
                tool,
                FrameWindow(index, frames),
                params,
                engine,
                Progress(),
                region=row.region,
                colour=row.clip.colour,
            )
            return frames[index], after
        except (WorkbenchError, OSError, ValueError, RuntimeError):
            return None

    return thumbnail


def _stack_after(
    rows: list[EditRow], frames: dict[int, Any], index: int, engine_for: Any, colour: str | None
) -> Any:
    """Frame ``index`` after ``rows`` (stack order), each edit reading its neighbours as the
    edits before it left them (as the render does): ``frames`` holds the source around it."""
    from workbench.progress import Progress
    from workbench.tools.base import FrameWindow, apply_tool
    from workbench.tools.registry import get_tool

    tools = [get_tool(r.tool) for r in rows]
    reach = sum(t.temporal_radius for t in tools)
    current = dict(frames)
    for row, tool in zip(rows, tools, strict=True):
        reach -= tool.temporal_radius
        params = tool.resolve(row.parameters)
        engine = engine_for(row)
        after = {}
        for j in range(index - reach, index + reach + 1):
            if j not in current:
                continue
            if not row.first <= j <= row.last:
                after[j] = current[j]
                continue
            window = FrameWindow(j, current)
            after[j] = apply_tool(
                tool, window, params, engine, Progress(), region=row.region, colour=colour
            )
        current = after
    return current[index]


def shot_thumbnailer(catalog: Catalog | None = None) -> ShotThumbnailer:
    """A shot's picture for the report's sequence view: the middle frame of its cut range, as
    the source has it and (when live edits cover it) after the clip's stack of them. A shot
    whose edits cover that frame with a painted mask or a tracked region gets no "after" (the
    log does not hold the pixels of its region); an offline clip gets no picture at all."""
    from workbench.catalog import Catalog

    cat = catalog or Catalog()
    engines: dict[str, Any] = {}

    def engine_for(row: EditRow) -> Any:
        from workbench.inference import get_engine

        sha = str(row.model.get("sha256") or "")
        if not sha:
            return None
        if sha not in engines:
            engines[sha] = get_engine(cat.load_checked(sha))
        return engines[sha]

    def thumbnail(shot: ShotRow) -> tuple[NDArray[Any], NDArray[Any] | None] | None:
        from workbench.media import open_reader
        from workbench.tools.registry import get_tool

        index, clip = shot.representative_frame, shot.shot.clip
        if index is None or clip is None:
            return None
        if "%" not in clip.path and not Path(clip.path).exists():
            return None
        rows = [e for e in shot.edits if e.first <= index <= e.last]
        exact = all(r.region.get("kind") in (None, "full", "rect") for r in rows)
        try:
            reach = sum(get_tool(r.tool).temporal_radius for r in rows) if exact else 0
            with open_reader(clip.path) as reader:
                index = min(max(index, 0), len(reader) - 1)
                lo, hi = max(0, index - reach), min(len(reader), index + reach + 1)
                frames = {j: reader.read(j) for j in range(lo, hi)}
            if not rows or not exact:
                return frames[index], None
            colour = rows[0].clip.colour
            return frames[index], _stack_after(rows, frames, index, engine_for, colour)
        except (WorkbenchError, OSError, ValueError, RuntimeError):
            return None

    return thumbnail


def producer_context(
    data: Any,
    exported: str,
    *,
    clips: tuple[dict[str, Any], ...] = (),
    thumbnails: bool = True,
    catalog: Catalog | None = None,
) -> Any:
    """An :class:`ExportContext` with what the producer exports use: the project's clips
    (``{id, name, path, media}``), the catalogue's model cards, and (for HTML/PDF) thumbnails.
    The GUI's disclosure panel and the CLI build their contexts the same way."""
    from workbench.catalog import Catalog
    from workbench.disclosure.exporters import ExportContext

    cat = catalog or Catalog()
    cards = {e.sha256: e.card for e in cat.entries() if e.card is not None}
    return ExportContext(
        data=data,
        exported=exported,
        clips=clips,
        cards=cards,
        thumbnails=project_thumbnailer(cat) if thumbnails else None,
        shot_thumbnails=shot_thumbnailer(cat) if thumbnails else None,
    )
