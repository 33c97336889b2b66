"""``workbench farm status``: the farm's workers and what each is doing, from its scheduler.

The scheduler knows its workers and the tasks each is running; the tasks' own progress
messages (``dask_task.TOPIC``) say which render, segment and frames a task is and how far it
got. Nothing here changes the farm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from workbench.render.farm.dask_executor import connect, scheduler_address
from workbench.render.farm.dask_task import TOPIC

_KEY = re.compile(r"^workbench-segment-(?P<token>[0-9a-f]+)-(?P<index>\d+)-\d+$")


@dataclass(frozen=True)
class WorkerStatus:
    address: str
    name: str
    host: str
    threads: int
    doing: tuple[str, ...]
    """One line per task it runs (empty: idle)."""


@dataclass(frozen=True)
class FarmStatus:
    scheduler: str
    workers: tuple[WorkerStatus, ...]
    waiting: int | None
    """Tasks no worker has started yet (None when the scheduler would not say)."""


def _waiting(dask_scheduler: Any) -> int:
    return len(dask_scheduler.queued) + len(dask_scheduler.unrunnable)


def farm_status(address: str, timeout: float = 10.0) -> FarmStatus:
    """Ask the scheduler at ``address`` (a UsageError when it cannot be reached)."""
    client = connect(address, timeout)
    try:
        info = client.scheduler_info()
        processing = client.processing()
        latest = latest_messages(client.get_events(TOPIC))
        try:
            waiting: int | None = int(client.run_on_scheduler(_waiting))
        except Exception:  # a scheduler without Workbench cannot run our function: not known
            waiting = None
    finally:
        client.close()
    workers = []
    for addr, worker in sorted(info.get("workers", {}).items()):
        doing = tuple(describe(key, addr, latest) for key in processing.get(addr, ()))
        workers.append(
            WorkerStatus(
                addr,
                str(worker.get("name", "")),
                str(worker.get("host", "")),
                int(worker.get("nthreads", 0)),
                doing,
            )
        )
    return FarmStatus(scheduler_address(address), tuple(workers), waiting)


def latest_messages(events: Any) -> dict[tuple[str, int, str], dict[str, Any]]:
    """The last progress message of each (render, segment, worker)."""
    out: dict[tuple[str, int, str], dict[str, Any]] = {}
    for event in events or ():
        message = event[1] if isinstance(event, tuple) and len(event) == 2 else event
        if isinstance(message, dict) and "token" in message and "segment" in message:
            key = (str(message["token"]), int(message["segment"]), str(message.get("worker")))
            out[key] = message
    return out


def describe(key: Any, worker: str, latest: dict[tuple[str, int, str], dict[str, Any]]) -> str:
    """One line for a task a worker runs: the render, segment, frames and how far it got."""
    match = _KEY.match(str(key))
    if match is None:
        return f"task {key}"
    token, index = match["token"], int(match["index"])
    message = latest.get((token, index, worker))
    if message is None:
        return f"render {token[:8]}, segment {index}: starting"
    name = message.get("output") or f"render {token[:8]}"
    frames = message.get("frames") or []
    span = f" (frames {frames[0]}-{frames[1]})" if len(frames) == 2 else ""
    done = int(message.get("done", 0))
    count = frames[1] - frames[0] + 1 if len(frames) == 2 else None
    state = f"{done}/{count} frames" if count else str(message.get("state", ""))
    return f"{name}, segment {index}{span}: {state}"
