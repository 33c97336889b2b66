"""Frames for the viewer, decoded and processed on a thread of their own.

The GUI only posts requests; the newest request replaces any waiting one and cancels the one
being computed, so scrubbing never waits for a decode or a model. Originals arrive first (the
viewer shows them at once), results follow. While playing, results are only shown when cached —
the viewer drops to originals rather than slowing playback down.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from workbench.errors import Cancelled
from workbench.progress import Progress
from workbench.qt.convert import frame_to_qimage

Frame = NDArray[np.float32]


@dataclass(frozen=True)
class Step:
    """One edit to apply to a frame: an existing edit of the stack or the pending preview."""

    tool: str
    params: dict[str, Any]
    model: str | None
    frames: tuple[int, int]
    region: dict[str, Any] = field(default_factory=lambda: {"kind": "full"})
    mask_path: str | None = None
    mask: NDArray[Any] | None = field(default=None, compare=False, repr=False)
    tracked: Any = field(default=None, compare=False, repr=False)  # a TrackedRegion (its hash
    # is in ``region``, so the key still names it)

    def key(self) -> str:
        mask_id = self.mask_path or (str(int(self.mask.sum())) if self.mask is not None else "")
        return json.dumps(
            [self.tool, self.params, self.model, self.frames, self.region, mask_id],
            sort_keys=True,
            default=str,
        )


@dataclass(frozen=True)
class Request:
    path: str
    index: int
    steps: tuple[Step, ...] = ()
    playing: bool = False
    colour: str | None = None
    """The clip's colour space, which each step converts from (as the render does)."""

    def steps_key(self) -> str:
        key = "|".join(s.key() for s in self.steps)
        return f"{key}@{self.colour}" if key and self.colour is not None else key


def _resize_to(frame: Frame, shape: tuple[int, ...]) -> Frame:
    if frame.shape[:2] == shape[:2]:
        return frame
    import cv2

    out = cv2.resize(frame, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)
    return np.asarray(out, np.float32)


def difference(original: Frame, result: Frame, gain: float = 4.0) -> Frame:
    """|result - original|, amplified so that small cleanups are visible."""
    base = _resize_to(original, result.shape)
    diff: Frame = np.clip(np.abs(result - base) * gain, 0.0, 1.0).astype(np.float32)
    return diff


def load_mask(path: str | None) -> NDArray[Any] | None:
    if not path or not Path(path).exists():
        return None
    import cv2

    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    return None if image is None else (np.asarray(image, np.float32) / 255.0)


class EngineCache:
    """One engine per model id, built from checked bytes with the user's inference settings."""

    def __init__(self) -> None:
        self._engines: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._catalog: Any = None

    def get(self, model_id: str) -> Any:
        with self._lock:
            if model_id not in self._engines:
                from workbench.catalog import Catalog
                from workbench.inference import auto_engine
                from workbench.inference.engine import SessionOptions

                if self._catalog is None:
                    self._catalog = Catalog()
                checked = self._catalog.load_checked(model_id)
                # the backend an edit and a render choose here, so the preview shows their pixels
                self._engines[model_id] = auto_engine(checked, SessionOptions.from_settings())
            return self._engines[model_id]

    def cached(self, model_id: str) -> Any | None:
        """The engine if one was already made (never loads a model)."""
        with self._lock:
            return self._engines.get(model_id)

    def clear(self) -> None:
        with self._lock:
            self._engines.clear()
            self._catalog = None


def apply_steps(
    index: int,
    original: Frame,
    steps: tuple[Step, ...],
    neighbour: Callable[[int], Frame | None],
    engines: EngineCache,
    progress: Progress,
    count: int | None = None,
    interlaced: bool = False,
    colour: str | None = None,
) -> Frame:
    """The frame with the steps applied in order — by the render's own stack evaluator, so a
    temporal tool sees its neighbours as the earlier edits left them, and each step converts
    from the clip's colour space, exactly as in a render."""
    from workbench.render.stack import StackEvaluator
    from workbench.render.stack import Step as RenderStep
    from workbench.tools.registry import get_tool

    prepared: list[RenderStep] = []
    for n, step in enumerate(steps):
        tool = get_tool(step.tool)
        params = tool.resolve(step.params)
        prepared.append(
            RenderStep(
                n,
                tool,
                params,
                engines.get(step.model or tool.default_model(params)) if tool.uses_model else None,
                step.frames,
                step.region,
                step.mask if step.mask is not None else load_mask(step.mask_path),
                step.tracked,
            )
        )

    def source(i: int) -> Frame:
        if i == index:
            return original
        frame = neighbour(i)
        return original if frame is None else frame

    evaluator = StackEvaluator(
        prepared,
        source,
        count if count is not None else index + 1,
        interlaced=interlaced,
        colour=colour,
    )
    return evaluator.frame(index, progress)


class FrameService(QObject):
    """Decodes and processes frames for the viewer on one background thread."""

    frameReady = Signal(int, object)  # index, original (QImage)
    resultReady = Signal(int, str, object, object)  # index, steps key, result, difference
    busyChanged = Signal(bool)
    failed = Signal(object)

    ORIGINALS = 48
    RESULTS = 24

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engines = EngineCache()
        self._cond = threading.Condition()
        self._pending: Request | None = None
        self._current: Request | None = None
        self._progress: Progress | None = None
        self._stop = False
        self._busy = False
        self._readers: dict[str, Any] = {}
        self._originals: OrderedDict[tuple[str, int], Frame] = OrderedDict()
        self._results: OrderedDict[tuple[str, int, str], tuple[QImage, QImage]] = OrderedDict()
        self._displays: OrderedDict[tuple[str, int], QImage] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="workbench-frames", daemon=True)
        self._thread.start()

    # -- the GUI side ------------------------------------------------------------------------
    def request(self, request: Request) -> None:
        with self._cond:
            self._pending = request
            current = self._current
            if (
                current is not None
                and self._progress is not None
                and (current.index != request.index or current.steps_key() != request.steps_key())
            ):
                self._progress.cancel()
            self._cond.notify()

    def cached_result(self, path: str, index: int, key: str) -> tuple[QImage, QImage] | None:
        with self._cache_lock:
            return self._results.get((path, index, key))

    def invalidate(self) -> None:
        """Forget results (settings or models changed); originals stay."""
        with self._cache_lock:
            self._results.clear()
        self.engines.clear()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            if self._progress is not None:
                self._progress.cancel()
            self._cond.notify()
        self._thread.join(timeout=10)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # -- the worker side ---------------------------------------------------------------------
    def _reader(self, path: str) -> Any:
        reader = self._readers.get(path)
        if reader is None:
            from workbench.media import open_reader

            reader = open_reader(path)
            self._readers[path] = reader
        return reader

    def _original(self, path: str, index: int) -> Frame | None:
        with self._cache_lock:
            cached = self._originals.get((path, index))
            if cached is not None:
                self._originals.move_to_end((path, index))
                return cached
        reader = self._reader(path)
        if not 0 <= index < len(reader):
            return None
        frame: Frame = reader.read(index)
        with self._cache_lock:
            self._originals[(path, index)] = frame
            while len(self._originals) > self.ORIGINALS:
                self._originals.popitem(last=False)
        return frame

    def _display(self, path: str, index: int, frame: Frame) -> QImage:
        with self._cache_lock:
            image = self._displays.get((path, index))
        if image is None:
            image = frame_to_qimage(frame)
            with self._cache_lock:
                self._displays[(path, index)] = image
                while len(self._displays) > self.ORIGINALS:
                    self._displays.popitem(last=False)
        return image

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    break
                request = self._pending
                self._pending = None
                self._current = request
                self._progress = Progress()
                progress = self._progress
            assert request is not None
            try:
                self._serve(request, progress)
            except Cancelled:
                pass
            except BaseException as exc:
                self.failed.emit(exc)
            finally:
                with self._cond:
                    self._current = None
                    idle = self._pending is None
                if idle and self._busy:
                    self._busy = False
                    self.busyChanged.emit(False)
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()

    def _serve(self, request: Request, progress: Progress) -> None:
        original = self._original(request.path, request.index)
        if original is None:
            return
        self.frameReady.emit(request.index, self._display(request.path, request.index, original))
        if not request.steps:
            return
        key = request.steps_key()
        cached = self.cached_result(request.path, request.index, key)
        if cached is None:
            if request.playing:
                return  # playback shows originals rather than wait for a model
            progress.check()
            if not self._busy:
                self._busy = True
                self.busyChanged.emit(True)
            result = apply_steps(
                request.index,
                original,
                request.steps,
                lambda i: self._original(request.path, i),
                self.engines,
                progress,
                len(self._reader(request.path)),
                interlaced=bool(getattr(self._reader(request.path).info, "interlaced", False)),
                colour=request.colour,
            )
            # converted to display images here, not on the GUI thread (a 4K frame takes 100 ms)
            cached = (frame_to_qimage(result), frame_to_qimage(difference(original, result)))
            with self._cache_lock:
                self._results[(request.path, request.index, key)] = cached
                while len(self._results) > self.RESULTS:
                    self._results.popitem(last=False)
        self.resultReady.emit(request.index, key, cached[0], cached[1])
