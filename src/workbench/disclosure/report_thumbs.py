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


MEMO_WIDTH = 320
"""The widest any report shows a picture (the PDF's edit thumbnails); pictures are kept so."""


def _small(frame: NDArray[Any]) -> NDArray[np.uint8]:
    return shrink(frame, MEMO_WIDTH)


def _as_float(thumb: NDArray[np.uint8] | None) -> NDArray[np.float32] | None:
    return None if thumb is None else np.asarray(thumb, np.float32) / np.float32(255.0)


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


class ReportPictures:
    """The pictures of one report: each edit's before/after (:meth:`edit`) and each shot's
    source/after (:meth:`shot`), sharing the models' engines and the pictures already made —
    a shot whose stack at its middle frame is one edit shows what that edit's own thumbnail
    shows, so it is made once. Pictures are kept at most :data:`MEMO_WIDTH` wide, as 8-bit."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        from workbench.catalog import Catalog

        self.catalog = catalog or Catalog()
        self.engines: dict[str, Any] = {}
        self.memo: dict[tuple[str, int, tuple[str, ...]], Any] = {}
        self.infos: dict[str, Any] = {}  # each file probed once, however many shots it holds

    def _engine(self, row: EditRow) -> Any:
        from workbench.inference import get_engine

        sha = str(row.model.get("sha256") or "")
        if not sha:
            return None
        if sha not in self.engines:
            self.engines[sha] = get_engine(self.catalog.load_checked(sha))
        return self.engines[sha]

    def _picture(
        self, path: str, index: int, rows: list[EditRow], colour: str | None
    ) -> tuple[NDArray[Any], NDArray[Any] | None] | None:
        """Frame ``index`` of ``path`` and, with ``rows``, after them (memoised)."""
        from workbench.media import open_reader, probe
        from workbench.tools.registry import get_tool

        key = (path, index, tuple(r.entry_id for r in rows))
        if key not in self.memo:
            self.memo[key] = None
            reach = sum(get_tool(r.tool).temporal_radius for r in rows)
            if path not in self.infos:
                self.infos[path] = probe(path)
            with open_reader(path, info=self.infos[path]) as reader:
                at = min(max(index, 0), len(reader) - 1)
                lo, hi = max(0, at - reach), min(len(reader), at + reach + 1)
                frames = {j: reader.read(j) for j in range(lo, hi)}
            after = _stack_after(rows, frames, at, self._engine, colour) if rows else None
            self.memo[key] = (_small(frames[at]), None if after is None else _small(after))
        kept = self.memo[key]
        if kept is None:
            return None
        return _as_float(kept[0]), _as_float(kept[1])  # type: ignore[return-value]

    def edit(self, row: EditRow) -> tuple[NDArray[Any], NDArray[Any]] | None:
        """Thumbnails by applying the edit's tool (alone) to its representative frame."""
        if "%" not in row.clip.path and not Path(row.clip.path).exists():
            return None
        if row.region.get("kind") == "mask":
            return None  # the mask's pixels are not in the log
        try:
            found = self._picture(row.clip.path, row.representative_frame, [row], row.clip.colour)
        except (WorkbenchError, OSError, ValueError, RuntimeError):
            return None
        if found is None or found[1] is None:
            return None
        return found[0], found[1]

    def shot(self, shot: ShotRow) -> tuple[NDArray[Any], NDArray[Any] | None] | None:
        """A shot's picture for the sequence view: the middle frame of its cut range, as the
        source has it and (when live edits cover it) after the clip's stack of them. A shot
        whose edits there use a painted mask or a tracked region gets no "after" (the log does
        not hold the pixels of its region); an offline clip gets no picture at all."""
        index, clip = shot.representative_frame, shot.shot.clip
        if index is None or clip is None:
            return None
        if "%" not in clip.path and not Path(clip.path).exists():
            return None
        rows = [e for e in shot.edits if e.first <= index <= e.last]
        exact = all(r.region.get("kind") in (None, "full", "rect") for r in rows)
        colour = rows[0].clip.colour if rows else None
        try:
            return self._picture(clip.path, index, rows if exact else [], colour)
        except (WorkbenchError, OSError, ValueError, RuntimeError):
            return None


def project_thumbnailer(catalog: Catalog | None = None) -> Thumbnailer:
    """Thumbnails by applying each edit's tool to its representative frame."""
    return ReportPictures(catalog).edit


def shot_thumbnailer(catalog: Catalog | None = None) -> ShotThumbnailer:
    """A shot's picture for the report's sequence view (:meth:`ReportPictures.shot`)."""
    return ReportPictures(catalog).shot


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
    pictures = ReportPictures(cat) if thumbnails else None
    return ExportContext(
        data=data,
        exported=exported,
        clips=clips,
        cards=cards,
        thumbnails=pictures.edit if pictures else None,
        shot_thumbnails=pictures.shot if pictures else None,
    )
