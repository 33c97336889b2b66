"""The farm's coordinator side: a :class:`~workbench.render.executor.SegmentExecutor` on Dask.

``DaskExecutor("tcp://HOST:8786")`` connects to a ``dask scheduler``; for each segment the
store lacks it submits one task (``dask_task.run_task``) that any ``dask worker`` with Workbench
installed may run. While they run it adds the workers' frames up into the render's progress,
fps and ETA; a refusal (a worker without a model, or on another execution provider) is reported
as a warning and the segment goes to the workers that have not refused, and when none is left
the render fails with the refusal's own error (class, hint, exit code). A worker that dies is
Dask's business: its tasks run again elsewhere, and the store keeps whichever copy of a segment
finished first. Cancel sets the render's cancel event, which every running task watches, and
cancels the tasks still waiting. Only the coordinator writes the project (``run_render``).
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any, ClassVar

from workbench.errors import Cancelled, UsageError, WorkbenchError
from workbench.progress import Progress
from workbench.render.events import Advanced, ErrorRecord, EventSink, Failed, Warned
from workbench.render.farm.dask_task import TOPIC, SegmentOutcome, cancel_event_name, run_task
from workbench.render.farm.pathmap import PathMap
from workbench.render.farm.task import SegmentJob
from workbench.render.materialize import MaterializedPlan
from workbench.render.plan import PlannedSegment
from workbench.render.segments import pending_segments
from workbench.render.store import DirectorySegmentStore, SegmentStore

DEFAULT_PORT = 8786
FARM_SEGMENT_FRAMES = 48
"""A farm render's segment length: one task each, and a temporal stack's pre-roll and post-roll
(decoded and run again on each side of a segment) stay a small share of it."""
WAIT_STEP = 0.25  # seconds between looks at the tasks, the cancel and the progress


def scheduler_address(address: str) -> str:
    """``HOST``, ``HOST:PORT`` or ``tcp://HOST:PORT`` as Dask's ``tcp://HOST:PORT``."""
    address = address.strip()
    if not address:
        raise UsageError("the render farm's address is empty", hint="e.g. tcp://render1:8786")
    if "://" not in address:
        address = f"tcp://{address}"
    scheme, host = address.split("://", 1)
    if scheme in ("tcp", "tls") and ":" not in host.rsplit("]", 1)[-1]:
        address = f"{address}:{DEFAULT_PORT}"
    return address


def connect(address: str, timeout: float = 10.0) -> Any:
    """A Dask client of the scheduler at ``address``, or a UsageError that says what to do."""
    from distributed import Client

    where = scheduler_address(address)
    try:
        return Client(where, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise UsageError(
            f"cannot reach the render farm's scheduler at {where} ({exc})",
            hint="start it there with `dask scheduler` and the workers with "
            f"`dask worker {where}`; check the host, the port and the firewall",
        ) from None


def refusal_error(record: ErrorRecord, prefix: str) -> WorkbenchError:
    """The worker's error, as its own class with its hint and exit code, ``prefix`` added."""
    from workbench.render.worker import error_from_event

    error = error_from_event(Failed(record.message, record))
    error.message = f"{prefix}: {error.message}"
    error.args = (error.message,)
    return error


class DaskExecutor:
    """Renders segments as Dask tasks (see the module docstring); one connection, many renders.

    Safe to share between threads: each ``render`` call is its own run with its own token.
    """

    lists_segments: ClassVar[bool] = True

    def __init__(
        self,
        address: str,
        *,
        path_map: PathMap | None = None,
        client: Any = None,
        connect_timeout: float = 10.0,
    ) -> None:
        self.address = scheduler_address(address)
        self.path_map = path_map or PathMap()
        self._client = client
        self._own_client = client is None
        self._timeout = connect_timeout
        self._runs: dict[str, _FarmRun] = {}
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = connect(self.address, self._timeout)
                self._client.subscribe_topic(TOPIC, self._on_message)
            return self._client

    def _on_message(self, event: Any) -> None:
        message = event[1] if isinstance(event, tuple) and len(event) == 2 else event
        if isinstance(message, dict):
            run = self._runs.get(str(message.get("token")))
            if run is not None:
                run.heard(message)

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None and self._own_client:
            client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def render(
        self,
        live: MaterializedPlan,
        store: SegmentStore,
        progress: Progress,
        on_event: EventSink,
    ) -> int:
        if not isinstance(store, DirectorySegmentStore):
            raise UsageError("a farm render needs a segment store in a folder every worker sees")
        plan = live.plan
        todo = pending_segments(live, store)
        if not todo:
            return plan.frame_count
        client = self.client
        if not self._own_client:  # a client given to us: listen on it too
            client.subscribe_topic(TOPIC, self._on_message)
        job = SegmentJob(
            plan=plan.to_json(),
            store=str(store.folder(plan)),
            provider=live.provider,
            path_map=self.path_map,
            token=secrets.token_hex(8),
            label=plan.output_path.name,
        )
        run = _FarmRun(client, job, plan.frame_count, todo, progress, on_event)
        self._runs[job.token] = run
        try:
            run.run()
        finally:
            self._runs.pop(job.token, None)
        return todo[0].first


class _FarmRun:
    """One render's tasks on the farm, from submission to the last segment."""

    def __init__(
        self,
        client: Any,
        job: SegmentJob,
        total: int,
        todo: list[PlannedSegment],
        progress: Progress,
        on_event: EventSink,
    ) -> None:
        self.client, self.job, self.total = client, job, total
        self.segments = {s.index: s for s in todo}
        self.stored = total - sum(s.frame_count for s in todo)
        self.progress, self.emit = progress, on_event
        self.frames: dict[int, int] = {}
        self.done: set[int] = set()
        self.futures: dict[Any, int] = {}
        self.refused: dict[str, ErrorRecord] = {}
        self.attempts: dict[int, int] = {}
        self.lock = threading.Lock()
        self.changed = threading.Event()  # a task ended: look at once
        self.began = time.monotonic()
        self.reported = (-1, 0.0)

    # -- messages from the workers (the client's thread) -------------------------------------
    def heard(self, message: dict[str, Any]) -> None:
        index = message.get("segment")
        if index not in self.segments or message.get("state") != "rendering":
            return
        count = self.segments[index].frame_count
        with self.lock:
            if index not in self.done:  # a late message from a duplicate changes nothing
                self.frames[int(index)] = max(0, min(int(message.get("done", 0)), count))

    # -- the coordinator's loop ---------------------------------------------------------------
    def submit(self, index: int, workers: list[str] | None = None) -> None:
        attempt = self.attempts.get(index, 0)
        self.attempts[index] = attempt + 1
        future = self.client.submit(
            run_task,
            self.job.to_dict(),
            index,
            key=f"workbench-segment-{self.job.token}-{index}-{attempt}",
            pure=False,
            workers=workers,
            allow_other_workers=False,
        )
        self.futures[future] = index
        future.add_done_callback(lambda _: self.changed.set())

    def run(self) -> None:
        try:
            for index in self.segments:
                self.submit(index)
            while self.futures:
                self.progress.check()
                self.changed.wait(WAIT_STEP)
                self.changed.clear()
                for future in [f for f in self.futures if f.done()]:
                    self.finished(future)
                self.report()
        except BaseException:
            self.stop()
            raise
        self.report(force=True)

    def finished(self, future: Any) -> None:
        index = self.futures.pop(future)
        if future.status == "error":
            raise _task_error(index, future.exception())
        if future.status != "finished":
            raise WorkbenchError(
                f"the farm dropped render segment {index} ({future.status})",
                hint="run the render again: it resumes from the segments already stored",
            )
        outcome = SegmentOutcome.from_dict(future.result())
        if outcome.state == "done":
            with self.lock:
                self.done.add(index)
                self.frames[index] = self.segments[index].frame_count
            return
        record = outcome.error or ErrorRecord("workbench.errors.WorkbenchError", "failed", None, 2)
        if outcome.state == "cancelled":
            raise Cancelled()
        if outcome.state != "refused":
            raise refusal_error(record, f"render segment {index} failed on {outcome.worker}")
        self.refused.setdefault(outcome.worker, record)
        self.emit(Warned(f"worker {outcome.worker} refuses segment {index}: {record.message}"))
        willing = [w for w in self.workers() or () if w not in self.refused]
        if not willing:
            raise refusal_error(
                record, f"every farm worker refuses; {outcome.worker} refuses segment {index}"
            )
        self.submit(index, willing)

    def workers(self) -> list[str] | None:
        """The farm's workers now (None while the scheduler does not answer)."""
        try:
            return list(self.client.scheduler_info()["workers"])
        except (OSError, TimeoutError, KeyError):
            return None

    def stop(self) -> None:
        """Stop every task of this render: the running ones at their next frame."""
        import contextlib

        from distributed import Event

        with contextlib.suppress(Exception):
            Event(cancel_event_name(self.job.token), client=self.client).set()
        with contextlib.suppress(Exception):
            self.client.cancel(list(self.futures))

    def report(self, force: bool = False) -> None:
        with self.lock:
            done = self.stored + sum(self.frames.values())
        now = time.monotonic()
        if not force and done == self.reported[0] and now - self.reported[1] < 1:
            return
        self.reported = (done, now)
        elapsed = now - self.began
        fps = (done - self.stored) / elapsed if elapsed > 0 else 0.0
        eta = (self.total - done) / fps if fps > 0 else 0.0
        waiting = " (waiting for a farm worker)" if not force and self.workers() == [] else ""
        self.progress.update(
            0.95 * done / self.total,
            f"frame {done}/{self.total}, {fps:.2f} fps, ETA {eta:.0f} s on the farm{waiting}",
        )
        self.emit(Advanced(done, self.total, fps, eta))


def _task_error(index: int, exc: BaseException | None) -> WorkbenchError:
    """An exception a task did not turn into an outcome: a bug, or workers killed under it."""
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return WorkbenchError(
            f"render segment {index} was running on farm workers that died, again and again",
            hint="look at the workers' logs (memory, GPU); run the render again to resume",
        )
    error = WorkbenchError(f"render segment {index} failed on the farm: {exc!r}")
    error.hint = "this is a bug in Workbench or the worker's environment; the worker's log has it"
    return error
