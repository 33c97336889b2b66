"""Frames for the viewer, decoded and processed on a thread of their own.

The GUI only posts requests; the newest request replaces any waiting one and cancels the one
being computed, so scrubbing never waits for a decode or a model. Originals arrive first (the
viewer shows them at once), results follow. A result is the core's
:class:`~workbench.render.preview.ProcessedFrames` — the render's own evaluation of the stack,
through the frame cache (memory and disk) — turned into a screen image once; screen images are
kept in a bounded :class:`DisplayCache`, so cached playback costs no conversion at all. While
playing, a result is shown only when cached; otherwise the viewer is told it plays originals.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from workbench.editing.preview import PreviewStack
from workbench.errors import Cancelled
from workbench.progress import Progress
from workbench.qt.convert import frame_to_qimage
from workbench.render.frame_cache import CacheLimits, FrameCache, shared_cache
from workbench.render.preview import Engines, ProcessedFrames

Frame = NDArray[np.float32]
ORIGINALS_BYTES = 400 * 1024 * 1024  # decoded originals kept for scrubbing and neighbours


@dataclass(frozen=True)
class View:
    """A stack to show, with its name for matching results (``stack.spec.digest()``)."""

    stack: PreviewStack
    key: str

    @classmethod
    def of(cls, stack: PreviewStack) -> View:
        return cls(stack, stack.spec.digest())


@dataclass(frozen=True)
class Request:
    path: str
    index: int
    view: View | None = None
    """The result to show (None: the original only)."""
    compare: View | None = None
    """A of an A/B: shown on the left in Split and Side by side."""
    playing: bool = False
    want_diff: bool = False

    @property
    def key(self) -> str:
        return self.view.key if self.view is not None else ""


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


class DisplayCache:
    """Screen images by key, bounded in bytes, least recently used out first; thread-safe."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._images: OrderedDict[Hashable, QImage] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> QImage | None:
        with self._lock:
            image = self._images.get(key)
            if image is not None:
                self._images.move_to_end(key)
            return image

    def put(self, key: Hashable, image: QImage) -> None:
        with self._lock:
            old = self._images.pop(key, None)
            if old is not None:
                self._used -= old.sizeInBytes()
            self._images[key] = image
            self._used += image.sizeInBytes()
            while self._used > self.limit and len(self._images) > 1:
                _, dropped = self._images.popitem(last=False)
                self._used -= dropped.sizeInBytes()

    def clear(self) -> None:
        with self._lock:
            self._images.clear()
            self._used = 0

    @property
    def used(self) -> int:
        return self._used

    def shrunk(self, key: tuple[int, int, int]) -> QImage | None:
        """A screen-sized copy made ahead (:meth:`shrink`), by the viewer's own key."""
        return self.get(("shrunk", *key))

    def shrink(self, image: QImage, size: tuple[int, int] | None) -> None:
        """Make the copy the viewer will draw at ``size`` now, off the GUI thread: a smooth
        downscale of a 1080p frame costs the painter 10-50 ms a frame, most of a frame's time
        at 24 fps."""
        if size is None or (image.width(), image.height()) == size:
            return
        width, height = size
        key = ("shrunk", image.cacheKey(), width, height)
        if self.get(key) is None:
            from PySide6.QtCore import Qt

            self.put(
                key,
                image.scaled(
                    width,
                    height,
                    Qt.AspectRatioMode.IgnoreAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                ),
            )


class FrameService(QObject):
    """Decodes and processes frames for the viewer on one background thread."""

    frameReady = Signal(int, object)  # index, original (QImage)
    resultReady = Signal(int, str, object, object)  # index, view key, result, difference|None
    compareReady = Signal(int, str, object)  # index, view key, A's result (None: not cached)
    resultMissing = Signal(int, str)  # playing, and the result is not cached
    frameCached = Signal(str, int)  # view key, index: now in the frame cache
    busyChanged = Signal(bool)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engines = Engines()
        limits = CacheLimits.from_settings()
        self.cache: FrameCache = shared_cache(self._exact_limits(limits))
        self.display = DisplayCache(self._screen_bytes(limits))
        self._cond = threading.Condition()
        self._pending: Request | None = None
        self._current: Request | None = None
        self._progress: Progress | None = None
        self._stop = False
        self._busy = False
        self._readers: dict[str, Any] = {}
        self._originals: OrderedDict[tuple[str, int], Frame] = OrderedDict()
        self._originals_used = 0
        self._processed: OrderedDict[str, ProcessedFrames] = OrderedDict()
        self._lock = threading.Lock()
        #: the size the viewer draws a frame at when it shrinks it (None: it does not)
        self.screen_size: tuple[int, int] | None = None
        self._thread = threading.Thread(target=self._loop, name="workbench-frames", daemon=True)
        self._thread.start()

    @staticmethod
    def _exact_limits(limits: CacheLimits) -> CacheLimits:
        """A quarter of the memory for exact frames (the disk keeps them all)."""
        return CacheLimits(limits.memory_bytes // 4, limits.disk_bytes)

    @staticmethod
    def _screen_bytes(limits: CacheLimits) -> int:
        """Three quarters for screen images: cached playback draws from them alone (a 1080p
        frame's original, result and their screen-sized copies take about 20 MB)."""
        return limits.memory_bytes - limits.memory_bytes // 4

    # -- the GUI side ------------------------------------------------------------------------
    def request(self, request: Request) -> None:
        with self._cond:
            self._pending = request
            current = self._current
            if (
                current is not None
                and self._progress is not None
                and (current.index != request.index or current.key != request.key)
            ):
                self._progress.cancel()
            self._cond.notify()

    def processed(self, view: View) -> ProcessedFrames:
        """The core's frames of ``view`` (made once per view; thread-safe)."""
        with self._lock:
            frames = self._processed.get(view.key)
            if frames is None:
                frames = view.stack.frames(self.cache, self.engines)
                self._processed[view.key] = frames
                while len(self._processed) > 6:
                    self._processed.popitem(last=False)
            else:
                self._processed.move_to_end(view.key)
            return frames

    def shown_now(self, path: str, index: int, view: View | None) -> tuple[QImage, QImage] | None:
        """The original's and the result's screen images when both are at hand (no thread hop
        needed: cached playback draws straight from here)."""
        original = self.display.get(("original", path, index))
        if original is None or view is None:
            return None
        frames = self.processed(view)
        if frames.untouched(index):
            return original, original
        result = self.display.get(("result", frames.key(index)))
        return None if result is None else (original, result)

    def invalidate(self) -> None:
        """Settings or models changed: engines are made again; the cache follows the limits."""
        limits = CacheLimits.from_settings()
        self.cache.limits = self._exact_limits(limits)
        self.display.limit = self._screen_bytes(limits)
        self.engines.clear()
        from workbench.editing.preview import forget_backends

        forget_backends()
        with self._lock:
            self._processed.clear()

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

    def original(self, path: str, index: int) -> Frame | None:
        """The decoded source frame (kept a while: scrubbing back and temporal neighbours)."""
        with self._lock:
            cached = self._originals.get((path, index))
            if cached is not None:
                self._originals.move_to_end((path, index))
                return cached
        reader = self._reader(path)
        if not 0 <= index < len(reader):
            return None
        frame: Frame = reader.read(index)
        with self._lock:
            self._originals[(path, index)] = frame
            self._originals_used += frame.nbytes
            while self._originals_used > ORIGINALS_BYTES and len(self._originals) > 1:
                _, old = self._originals.popitem(last=False)
                self._originals_used -= old.nbytes
        return frame

    def _source(self, path: str) -> Any:
        def read(index: int) -> Frame:
            frame = self.original(path, index)
            if frame is None:
                raise IndexError(index)
            return frame

        return read

    def original_image(self, path: str, index: int, frame: Frame) -> QImage:
        key = ("original", path, index)
        image = self.display.get(key)
        if image is None:
            image = frame_to_qimage(frame)
            self.display.put(key, image)
            self.display.shrink(image, self.screen_size)
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
        path, index = request.path, request.index
        shown = self.display.get(("original", path, index))
        if shown is None:
            original = self.original(path, index)
            if original is None:
                return
            shown = self.original_image(path, index, original)
        self.frameReady.emit(index, shown)
        if request.view is not None:
            self._result(request, request.view, progress, shown)
        compare = request.compare
        if compare is not None:
            progress.check()
            frames = self.processed(compare)
            got = (
                (shown, None) if frames.untouched(index) else self._image(request, frames, progress)
            )
            # while playing, an A that is not cached is not drawn: the original stands there
            self.compareReady.emit(index, compare.key, got[0] if got is not None else None)
            if got is not None:
                self._keep(compare, frames, index, got[1])

    def _result(self, request: Request, view: View, progress: Progress, shown: QImage) -> None:
        index = request.index
        frames = self.processed(view)
        if frames.untouched(index):
            self.resultReady.emit(index, view.key, shown, None)
            return
        got = self._image(request, frames, progress)
        if got is None:
            self.resultMissing.emit(index, view.key)
            return
        image, fresh = got
        diff = self._difference(request, frames, fresh) if request.want_diff else None
        self.resultReady.emit(index, view.key, image, diff)
        self._keep(view, frames, index, fresh)

    def _keep(self, view: View, frames: ProcessedFrames, index: int, fresh: Frame | None) -> None:
        """A frame just computed goes into the frame cache once it is on screen (so the
        viewer never waits for the disk)."""
        if fresh is not None:
            frames.store(index, fresh)
            self.frameCached.emit(view.key, index)

    def _image(
        self, request: Request, frames: ProcessedFrames, progress: Progress
    ) -> tuple[QImage, Frame | None] | None:
        """The screen image of the frame, and the frame itself when it had to be computed;
        None while playing a frame that is not cached."""
        index = request.index
        key = frames.key(index)
        image = self.display.get(("result", key))
        if image is not None:
            return image, None
        exact = frames.cached(index)
        fresh = None
        if exact is None:
            if request.playing:
                return None  # playback shows originals rather than wait for a model
            progress.check()
            self._check_source(request.path, frames)
            self._set_busy()
            exact = fresh = frames.frame(index, self._source(request.path), progress)
        image = frame_to_qimage(exact)  # here, not on the GUI thread (a 4K frame takes 100 ms)
        self.display.put(("result", key), image)
        self.display.shrink(image, self.screen_size)
        return image, fresh

    def _check_source(self, path: str, frames: ProcessedFrames) -> None:
        """Results are kept under the clip's recorded fingerprint: never from other footage."""
        actual = self._reader(path).info.fingerprint
        if actual != frames.spec.clip.fingerprint:
            from workbench.errors import UsageError

            raise UsageError(
                f"{Path(path).name} changed on disk since it was imported",
                hint="relink or re-import the clip; the log pins the file it saw",
            )

    def _difference(
        self, request: Request, frames: ProcessedFrames, exact: Frame | None
    ) -> QImage | None:
        index = request.index
        key = ("diff", frames.key(index))
        image = self.display.get(key)
        if image is None:
            exact = exact if exact is not None else frames.cached(index)
            original = self.original(request.path, index)
            if exact is None or original is None:
                return None
            image = frame_to_qimage(difference(original, exact))
            self.display.put(key, image)
        return image

    def _set_busy(self) -> None:
        if not self._busy:
            self._busy = True
            self.busyChanged.emit(True)
