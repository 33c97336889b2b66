"""Running a render in a child process: progress and results come back as events.

A render is heavy and long; in a child process it cannot freeze the GUI, and a crash or a
``kill -9`` of the child loses only the unfinished segment (rerunning resumes). The parent polls
:meth:`RenderHandle.events` and may :meth:`RenderHandle.cancel`. With a render farm chosen in
the preferences, the child is the farm's coordinator: its segments render on the farm.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing as mp
import queue
import threading
import traceback
from collections.abc import Iterator
from typing import Any

from workbench.errors import Cancelled, WorkbenchError
from workbench.progress import Progress
from workbench.render.events import (
    FINAL,
    Done,
    ErrorRecord,
    Failed,
    RenderEvent,
    Stopped,
    event_from_dict,
)
from workbench.render.request import RenderRequest


def error_record(exc: WorkbenchError) -> ErrorRecord:
    """What the child sends of an error: its class, message, hint and exit code."""
    cls = type(exc)
    return ErrorRecord(f"{cls.__module__}.{cls.__qualname__}", exc.message, exc.hint, exc.exit_code)


def _error_class(name: str) -> type[WorkbenchError]:
    """The WorkbenchError subclass called ``name`` (``module.Class``), else WorkbenchError.

    Only Workbench's own modules are imported, and only an error class is accepted.
    """
    import importlib

    module_name, _, qualname = name.rpartition(".")
    if module_name != "workbench" and not module_name.startswith("workbench."):
        return WorkbenchError
    try:
        found: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return WorkbenchError
    if isinstance(found, type) and issubclass(found, WorkbenchError):
        return found
    return WorkbenchError


def error_from_event(event: RenderEvent | dict[str, Any]) -> WorkbenchError:
    """The error a finished render's event stands for: the child's class, with its hint.

    A cancelled render gives :class:`Cancelled`; an error the child could not type (a bug, or
    the child dying) gives a plain :class:`WorkbenchError` whose hint holds the details.
    """
    if isinstance(event, dict):
        event = event_from_dict(event)
    if isinstance(event, Stopped):
        return Cancelled()
    if not isinstance(event, Failed):
        raise ValueError(f"a {event.KIND} event is not an error")
    record = event.error
    if record is None:
        error = WorkbenchError(event.message or "the render failed")
        if event.details:
            error.hint = "details: " + event.details[-2000:]
        return error
    cls = _error_class(record.type)
    try:
        error = cls(record.message, hint=record.hint) if cls is not Cancelled else Cancelled()
    except TypeError:  # a subclass with its own constructor: fill in what the root sets
        error = cls.__new__(cls)
        Exception.__init__(error, record.message)
        error.message = record.message
    error.hint = record.hint if isinstance(record.hint, str) else None
    if record.exit_code != error.exit_code:
        error.exit_code = record.exit_code
    return error


def farm_from_settings() -> Any:
    """The render farm chosen in the preferences (``config.farm_settings``), as a function
    from a request to (executor, segment store, the request on the farm's segment length);
    None when renders stay on this machine."""
    from pathlib import Path

    from workbench.config import farm_settings

    farm = farm_settings()
    if not farm.get("cluster"):
        return None

    def on_farm(request: RenderRequest) -> tuple[Any, Any, RenderRequest]:
        from workbench.render.farm import DaskExecutor, PathMap
        from workbench.render.farm.dask_executor import FARM_SEGMENT_FRAMES
        from workbench.render.request import SEGMENT_FRAMES
        from workbench.render.store import DirectorySegmentStore

        executor = DaskExecutor(farm["cluster"], path_map=PathMap.parse(farm.get("path_map", [])))
        store = DirectorySegmentStore(Path(farm["store"])) if farm.get("store") else None
        if request.segment_frames == SEGMENT_FRAMES:
            request = dataclasses.replace(request, segment_frames=FARM_SEGMENT_FRAMES)
        return executor, store, request

    return on_farm


def _child(request: RenderRequest, events: Any, cancel: Any) -> None:
    from workbench.render.pipeline import run_render

    progress = Progress()

    def watch() -> None:
        # Any message, or the parent going away (EOF), cancels the render.
        with contextlib.suppress(EOFError, OSError):
            cancel.recv()
        progress.cancel()

    threading.Thread(target=watch, daemon=True).start()
    try:
        farm = farm_from_settings()
        if farm is None:
            run_render(request, progress, on_event=events.put)
        else:
            executor, store, request = farm(request)
            with executor:
                run_render(request, progress, on_event=events.put, store=store, executor=executor)
    except Cancelled:
        events.put(Stopped())
    except WorkbenchError as exc:
        events.put(Failed(str(exc), error_record(exc)))
    except BaseException as exc:  # a bug: report it rather than die silently
        events.put(Failed(f"internal error during the render: {exc!r}", None, traceback.format_exc()))


class RenderHandle:
    """A render running in a child process."""

    def __init__(self, request: RenderRequest) -> None:
        # The libraries the child will import are imported here first: starting a spawned
        # child while another thread is half-way through importing them can fail.
        import av  # noqa: F401
        import cv2  # noqa: F401

        ctx = mp.get_context("spawn")
        self.request = request
        self._events: Any = ctx.Queue()
        # A pipe, not an Event: setting an Event whose other side was killed can block forever.
        child_end, self._cancel = ctx.Pipe(duplex=False)
        self._process = ctx.Process(
            target=_child, args=(request, self._events, child_end), daemon=True
        )
        self._process.start()
        child_end.close()
        self.finished: RenderEvent | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    def events(self) -> Iterator[RenderEvent]:
        """Every event that has arrived, without blocking."""
        while True:
            try:
                event: RenderEvent = self._events.get_nowait()
            except queue.Empty:
                break
            if isinstance(event, FINAL):
                self.finished = event
            yield event
        if self.finished is None and not self._process.is_alive():
            code = self._process.exitcode
            self.finished = Failed(
                f"the render process stopped unexpectedly (exit code {code}); "
                "run the render again to resume it"
            )
            yield self.finished

    def error(self) -> WorkbenchError | None:
        """The error the render ended with (its class and hint as raised in the child), or
        None while it runs or when it succeeded."""
        if self.finished is None or isinstance(self.finished, Done):
            return None
        return error_from_event(self.finished)

    def raise_for_error(self) -> None:
        """Raise, in this process, the error the render ended with; nothing when it did not."""
        error = self.error()
        if error is not None:
            raise error

    def cancel(self) -> None:
        """Ask the render to stop at its next safe point; never blocks."""
        with contextlib.suppress(OSError, ValueError):
            self._cancel.send(True)

    def join(self, timeout: float | None = None) -> None:
        self._process.join(timeout)

    def kill(self) -> None:
        self._process.kill()
        self._process.join()


def render_in_worker(request: RenderRequest) -> RenderHandle:
    return RenderHandle(request)
