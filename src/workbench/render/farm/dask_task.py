"""What a Dask worker runs for one segment: the farm task, its progress messages and its cancel.

:func:`run_task` is submitted by the coordinator (``dask_executor``) by reference, so a worker
needs only Workbench installed (``dask worker tcp://HOST:8786`` in the same environment). It
reports frames done on the scheduler's ``workbench-farm`` topic (the coordinator adds them up
into the render's progress, fps and ETA; ``workbench farm status`` reads the latest), stops at
the next frame once the render's cancel event is set, and returns a :class:`SegmentOutcome`
as plain data: a refusal or an error is an outcome with the error's record, not an exception,
so Dask never retries what would only fail again.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workbench.errors import Cancelled, WorkbenchError
from workbench.progress import Progress
from workbench.render.events import ErrorRecord
from workbench.render.farm.task import SegmentJob, prepare_segment, render_in

TOPIC = "workbench-farm"
"""The scheduler topic of every farm task's progress messages."""
REPORT_EVERY = 0.25  # seconds between a task's progress messages


def cancel_event_name(token: str) -> str:
    return f"workbench-cancel-{token}"


@dataclass(frozen=True)
class SegmentOutcome:
    """How one task ended: ``done``, ``refused`` (this worker cannot render the plan as
    planned), ``failed`` or ``cancelled``; with the error's record unless done."""

    index: int
    worker: str
    state: str
    provider: str = ""
    reused: bool = False
    error: ErrorRecord | None = None

    def to_dict(self) -> dict[str, Any]:
        error = self.error
        return {
            "index": self.index,
            "worker": self.worker,
            "state": self.state,
            "provider": self.provider,
            "reused": self.reused,
            "error": None if error is None else error.__dict__.copy(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SegmentOutcome:
        error = data.get("error")
        return cls(
            int(data["index"]),
            str(data["worker"]),
            str(data["state"]),
            str(data.get("provider", "")),
            bool(data.get("reused", False)),
            ErrorRecord(**error) if isinstance(error, dict) else None,
        )


@contextlib.contextmanager
def cancel_watch(token: str, progress: Progress) -> Iterator[None]:
    """Cancel ``progress`` when the render's cancel event is set on the scheduler."""
    if not token:
        yield
        return
    from distributed import Event, get_client

    event = Event(cancel_event_name(token), client=get_client())
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                if event.wait(timeout=0.5):
                    progress.cancel()
                    return
            except Exception:  # the scheduler is away for a moment: keep rendering
                if stop.wait(1.0):
                    return

    thread = threading.Thread(target=watch, name="workbench-cancel-watch", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def run_task(job_data: dict[str, Any], index: int) -> dict[str, Any]:
    """Render segment ``index`` of a farm job on this Dask worker (see the module docstring)."""
    from distributed import get_worker

    from workbench.render.worker import error_record

    worker = get_worker()
    me = str(worker.address)
    job = SegmentJob.from_dict(job_data)
    progress = Progress()
    last = [0.0]
    frames: list[int] = []

    def publish(state: str, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - last[0] < REPORT_EVERY:
            return
        last[0] = now
        message = {"token": job.token, "segment": index, "worker": me, "state": state}
        message.update(done=done, output=job.label, frames=frames)
        worker.log_event(TOPIC, message)

    with cancel_watch(job.token, progress):
        try:
            live, store = prepare_segment(job, index)
        except WorkbenchError as exc:
            publish("refused", 0, force=True)
            return SegmentOutcome(index, me, "refused", error=error_record(exc)).to_dict()
        segment = live.plan.segment(index)
        frames[:] = [segment.first, segment.last]
        publish("rendering", 0, force=True)
        try:
            result = render_in(
                live,
                store,
                index,
                worker=me,
                progress=progress,
                on_frames=lambda n: publish("rendering", n),
            )
        except Cancelled as exc:
            return SegmentOutcome(index, me, "cancelled", error=error_record(exc)).to_dict()
        except WorkbenchError as exc:
            publish("failed", 0, force=True)
            return SegmentOutcome(index, me, "failed", error=error_record(exc)).to_dict()
    publish("done", result.last - result.first + 1, force=True)
    return SegmentOutcome(index, me, "done", result.provider, result.reused).to_dict()
