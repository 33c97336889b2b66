"""The viewer's processed frames: the render's own stack evaluation, through the frame cache.

:class:`ProcessedFrames` computes a frame of a :class:`~workbench.render.frame_keys.StackSpec`
the way a render of the same stack does — the same steps (``materialize.live_steps``), the same
evaluator (``stack.StackEvaluator``, temporal neighbours included), the same tiling — and keeps
it in a :class:`~workbench.render.frame_cache.FrameCache` under its frame key. Any stage already
in the cache is taken from there, so a preview on top of the stack runs only the previewed edit
once the stack's result for that frame has been seen. :meth:`ProcessedFrames.fill` does a range
in order (decoding on a thread of its own, as the render does), which is what "Preview range"
runs and what the ``workbench preview`` command runs.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from workbench.errors import UsageError, WorkbenchError
from workbench.progress import Progress
from workbench.render.frame_cache import FrameCache
from workbench.render.frame_keys import FrameKeys, StackSpec
from workbench.render.plan import PlannedEdit
from workbench.render.stack import StackEvaluator, Step
from workbench.tools.base import Frame
from workbench.tools.track_record import TrackedRegion

FrameSink = Callable[[int, Frame], None]


class Engines:
    """One engine per model file, read and checked once (the preview's models stay warm)."""

    def __init__(self, catalog: Any = None) -> None:
        self._catalog = catalog
        self._checked: dict[str, Any] = {}
        self._lock = threading.Lock()

    def catalog(self) -> Any:
        if self._catalog is None:
            from workbench.catalog import Catalog

            self._catalog = Catalog()
        return self._catalog

    def engine(self, edit: PlannedEdit, options: Any) -> Any:
        """The engine for ``edit``'s model file (by SHA-256), with ``options``' tiling."""
        from workbench.render.materialize import engine_of
        from workbench.render.planning import check_model

        with self._lock:
            checked = self._checked.get(str(edit.model_sha256))
            if checked is None:
                catalog = self.catalog()
                try:
                    entry = check_model(catalog, edit)
                except UsageError:  # imported since the catalogue was read? read it again
                    catalog.refresh()
                    entry = check_model(catalog, edit)
                checked = catalog.load_checked(entry.sha256)
                self._checked[entry.sha256] = checked
        return engine_of(checked, edit, options)

    def clear(self) -> None:
        """Forget the models (settings changed, or a model was imported)."""
        with self._lock:
            self._checked.clear()
            self._catalog = None


@dataclass(frozen=True)
class FillReport:
    """What a fill did over frames ``first``..``last``: computed, found in the cache, and left
    alone because no edit reaches them (their result is the source frame)."""

    first: int
    last: int
    computed: int
    found: int
    seconds: float
    untouched: int = 0


class ProcessedFrames:
    """The frames of one :class:`StackSpec`, cached (see the module docstring)."""

    def __init__(
        self,
        spec: StackSpec,
        cache: FrameCache,
        engines: Engines | None = None,
        *,
        options: Any = None,
        masks: Mapping[str, NDArray[Any]] | None = None,
        tracks: Mapping[str, TrackedRegion] | None = None,
    ) -> None:
        """``masks``: painted masks not stored with the project yet, by SHA-256; ``tracks``:
        tracked regions not stored yet, by the track's SHA-256."""
        from workbench.inference import SessionOptions
        from workbench.render.materialize import with_tiles

        self.spec = spec
        self.cache = cache
        self.engines = engines or Engines()
        self.options = with_tiles(options or SessionOptions.from_settings(), spec.tiles)
        self._masks = dict(masks or {})
        self._tracks = dict(tracks or {})
        self._keys = FrameKeys(spec)
        self._keys_lock = threading.Lock()
        self._steps: tuple[Step, ...] | None = None
        self._steps_lock = threading.Lock()

    # -- keys and what is cached ------------------------------------------------------------
    def key(self, index: int) -> str:
        with self._keys_lock:
            return self._keys.key(index)

    def untouched(self, index: int) -> bool:
        """No edit reaches frame ``index``; its result is the source frame itself."""
        with self._keys_lock:
            return self._keys.untouched(index)

    def cached(self, index: int) -> Frame | None:
        """The frame from the cache (memory or disk), or None; never computes."""
        return None if self.untouched(index) else self.cache.get(self.key(index))

    def is_cached(self, index: int) -> bool:
        return self.untouched(index) or self.key(index) in self.cache

    def cached_frames(self, first: int = 0, last: int | None = None) -> list[int]:
        """The frames of ``first``..``last`` whose result needs no computing."""
        last = self.spec.frame_count - 1 if last is None else last
        return [i for i in range(max(0, first), last + 1) if self.is_cached(i)]

    # -- computing ----------------------------------------------------------------------------
    def steps(self) -> tuple[Step, ...]:
        """The stack's steps with their engines and masks (made once)."""
        from workbench.render.materialize import live_steps

        with self._steps_lock:
            if self._steps is None:
                self._steps = live_steps(
                    self.spec.edits,
                    lambda edit: self.engines.engine(edit, self.options),
                    self._mask_for,
                    self._tracked_for,
                )
            return self._steps

    def _mask_for(self, edit: PlannedEdit) -> NDArray[np.float32]:
        from workbench.render.materialize import load_mask

        digest = str(edit.region.get("sha256", ""))
        painted = self._masks.get(digest)
        if painted is not None:
            return np.asarray(painted, np.float32)
        if not self.spec.project_path:
            raise UsageError(f"the mask {digest[:12]}… is not stored with a project")
        return load_mask(Path(self.spec.project_path), digest)

    def _tracked_for(self, edit: PlannedEdit) -> TrackedRegion:
        from workbench.render.materialize import load_tracked

        pending = self._tracks.get(str(edit.region.get("sha256", "")))
        if pending is not None:
            return pending
        if not self.spec.project_path:
            raise UsageError("a tracked region is read from its project, and there is none")
        return load_tracked(Path(self.spec.project_path), str(edit.region["sha256"]))

    def _known(self, stage: int, index: int) -> Frame | None:
        with self._keys_lock:
            key = self._keys.node(stage, index)
        return self.cache.get(key)

    def evaluator(self, source: Callable[[int], Frame]) -> StackEvaluator:
        """The render's evaluator over ``source``, taking any stage the cache already has."""
        return StackEvaluator(
            list(self.steps()),
            source,
            self.spec.frame_count,
            interlaced=self.spec.interlaced,
            colour=self.spec.colour,
            known=self._known,
        )

    def frame(self, index: int, source: Callable[[int], Frame], progress: Progress) -> Frame:
        """Frame ``index`` processed: from the cache, else computed (not stored: :meth:`store`
        it once it is shown, so the viewer does not wait for the disk)."""
        if self.untouched(index):
            return source(index)
        found = self.cache.get(self.key(index))
        if found is not None:
            return found
        return self.evaluator(source).frame(index, progress)

    def store(self, index: int, frame: Frame) -> None:
        if not self.untouched(index):
            self.cache.put(self.key(index), frame)

    def fill(
        self,
        first: int,
        last: int,
        progress: Progress,
        on_frame: FrameSink | None = None,
        on_source: FrameSink | None = None,
    ) -> FillReport:
        """Compute and cache every frame of ``first``..``last`` the cache lacks, in order.

        ``on_frame(index, frame)`` is called for each frame as it is ready (found ones too);
        ``on_source(index, frame)`` for each source frame of the range as it is decoded.
        Progress reports each frame; cancel stops between frames (and between tiles).
        """
        began = time.monotonic()
        first, last = max(0, first), min(self.spec.frame_count - 1, last)
        untouched = sum(1 for i in range(first, last + 1) if self.untouched(i))
        todo = [i for i in range(first, last + 1) if not self.is_cached(i)]
        found = (last - first + 1) - len(todo) - untouched
        if on_frame is not None:
            self._report_found(first, last, set(todo), on_frame)
        if not todo:
            progress.update(1.0, f"frames {first}-{last} already cached")
            return FillReport(first, last, 0, found, time.monotonic() - began, untouched)
        radius = self.spec.radius
        start = max(0, todo[0] - radius)
        stop = min(self.spec.frame_count, todo[-1] + radius + 1)
        inner = progress.checker()
        with SequentialSource(self.spec.clip.path, self.spec.clip.fingerprint, start, stop) as src:
            seen: set[int] = set()

            def source(index: int) -> Frame:
                frame = src.get(index)
                if on_source is not None and first <= index <= last and index not in seen:
                    seen.add(index)
                    on_source(index, frame)
                return frame

            evaluator = self.evaluator(source)
            for n, index in enumerate(todo, start=1):
                frame = evaluator.frame(index, inner)
                self.store(index, frame)
                src.release_below(index - radius)
                if on_frame is not None:
                    on_frame(index, frame)
                elapsed = time.monotonic() - began
                progress.update(
                    n / len(todo),
                    f"frame {index} cached ({n}/{len(todo)}, {n / max(elapsed, 1e-6):.2f} fps)",
                )
        return FillReport(first, last, len(todo), found, time.monotonic() - began, untouched)

    def _report_found(self, first: int, last: int, todo: set[int], sink: FrameSink) -> None:
        for index in range(first, last + 1):
            if index in todo or self.untouched(index):
                continue
            frame = self.cache.peek(self.key(index))
            if frame is not None:
                sink(index, frame)


_DONE = object()


class SequentialSource:
    """Frames ``start``..``stop - 1`` of a clip, decoded in order on a thread (as the render
    decodes), handed out by index; the caller releases what it no longer needs."""

    DEPTH = 4

    def __init__(self, path: str, fingerprint: str, start: int, stop: int) -> None:
        self.path, self.fingerprint = path, fingerprint
        self.start, self.stop = start, stop
        self._queue: queue.Queue[Any] = queue.Queue(self.DEPTH)
        self._frames: dict[int, Frame] = {}
        self._halt = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._decode, name="workbench-fill-decode")

    def __enter__(self) -> SequentialSource:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._halt.set()
        self._thread.join(timeout=30)

    def _decode(self) -> None:
        from workbench.media import open_reader

        try:
            with open_reader(self.path) as reader:
                if reader.info.fingerprint != self.fingerprint:
                    raise UsageError(
                        f"{Path(self.path).name} changed on disk since it was imported",
                        hint="relink or re-import the clip; the log pins the file it saw",
                    )
                for index, frame in enumerate(
                    reader.iter_frames(self.start, self.stop), self.start
                ):
                    if not self._put((index, frame)):
                        return
        except BaseException as exc:  # handed to the consumer
            self._error = exc
        self._put(_DONE)

    def _put(self, item: Any) -> bool:
        while not self._halt.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def get(self, index: int) -> Frame:
        while index not in self._frames:
            item = self._queue.get()
            if item is _DONE:
                if self._error is not None:
                    raise self._error
                raise WorkbenchError(f"the source ended before frame {index} ({self.path})")
            got, frame = item
            self._frames[got] = frame
        return self._frames[index]

    def release_below(self, index: int) -> None:
        for old in [k for k in self._frames if k < index]:
            del self._frames[old]
