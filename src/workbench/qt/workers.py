"""Background work: a task runs a function with a :class:`Progress` on a thread pool.

The function's progress updates arrive as Qt signals on the GUI thread; ``cancel()`` makes the
function's next ``progress.update`` raise :class:`~workbench.errors.Cancelled`, so stopping
needs no extra plumbing. Every failure ends in ``failed`` — never silently.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from workbench.errors import Cancelled
from workbench.progress import Progress

PRELOADED = (
    "av",
    "cv2",
    "onnx",
    "onnxruntime",
    "multiprocessing.popen_spawn_posix",
    "multiprocessing.queues",
    "multiprocessing.synchronize",
    "workbench.render",  # the render queue starts renders from a worker
)


def preload_libraries() -> None:
    """Import the native libraries the workers use, once, before the window is used.

    Loading a native extension holds the GIL for its whole initialisation, whichever thread
    imports it: ``import onnx`` on the frame thread (the first preview) stalled the event loop
    1.4 s, 3 s on a busy machine. Imported here, at start-up, the cost is paid before the first
    event, and a render starts without importing the render machinery first. (OpenCV's
    import also edits ``sys.path`` for a moment; a render process spawned from
    another thread at that moment inherits the edit and cannot start.)
    """
    import importlib

    for name in PRELOADED:
        importlib.import_module(name)


class TaskSignals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()


class Task(QRunnable):
    """One piece of long work; its signals are delivered on the GUI thread."""

    def __init__(self, fn: Callable[[Progress], Any], name: str = "") -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.name = name
        self.signals = TaskSignals()
        self._last_emit = 0.0
        self.progress = Progress(self._report)
        self.done = False

    def _report(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - self._last_emit < 0.05:
            return  # at most 20 updates a second reach the GUI
        self._last_emit = now
        self.signals.progress.emit(fraction, message)

    def cancel(self) -> None:
        self.progress.cancel()

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except BaseException as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)
        finally:
            self.done = True
            self.signals.ended.emit()


class Workers(QObject):
    """The window's thread pool; keeps each task alive until it ends, and can stop them all."""

    instances: ClassVar[weakref.WeakSet[Workers]] = weakref.WeakSet()  # for leak checks

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        Workers.instances.add(self)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self.tasks: list[Task] = []

    def start(
        self,
        fn: Callable[[Progress], Any],
        *,
        name: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[float, str], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> Task:
        task = Task(fn, name)
        if on_done is not None:
            task.signals.finished.connect(on_done)
        if on_error is not None:
            task.signals.failed.connect(on_error)
        if on_progress is not None:
            task.signals.progress.connect(on_progress)
        if on_cancel is not None:
            task.signals.cancelled.connect(on_cancel)
        task.signals.ended.connect(lambda: self._forget(task))
        self.tasks.append(task)
        self.pool.start(task)
        return task

    def _forget(self, task: Task) -> None:
        if task in self.tasks:
            self.tasks.remove(task)

    @property
    def busy(self) -> bool:
        if any(not t.done for t in self.tasks):
            return True
        try:
            return self.pool.activeThreadCount() > 0
        except RuntimeError:  # the pool was deleted with its window, after joining its threads
            return False

    def cancel_all(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        self.cancel_all()
        return bool(self.pool.waitForDone(timeout_ms))
