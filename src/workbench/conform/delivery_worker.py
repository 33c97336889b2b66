"""Delivering a sequence in a child process: the window's deliver-all job.

The child calls :func:`workbench.conform.delivery.deliver` — the function ``workbench conform
render`` calls, on the render farm of the preferences when one is set — and sends its events through a queue: each shot's
:class:`~workbench.conform.delivery.ShotStarted` and
:class:`~workbench.conform.delivery.ShotDelivered`, the shot renders' progress (``render.events``),
and one final event for the whole job (``Done``: the folder and the number of shots delivered;
``Failed``; ``Stopped``). A shot's own render ending is not the job's end, so those events stay
in the child. The handle is a :class:`~workbench.render.worker.RenderHandle` (events, cancel,
join), so the render queue runs a delivery as it runs a render.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import threading
import traceback
from typing import Any

from workbench.conform.delivery import DeliveryRequest, deliver
from workbench.errors import Cancelled, WorkbenchError
from workbench.progress import Progress
from workbench.render.events import FINAL, Done, Failed, Stopped
from workbench.render.worker import RenderHandle, error_record, farm_from_settings


def _child(request: DeliveryRequest, events: Any, cancel: Any) -> None:
    progress = Progress()

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            cancel.recv()
        progress.cancel()

    threading.Thread(target=watch, daemon=True).start()

    def send(event: Any) -> None:
        if not isinstance(event, FINAL):  # one shot's render ended: the job goes on
            events.put(event)

    try:
        farm = farm_from_settings()  # the render farm in the preferences, as for one render
        if farm is None:
            results = deliver(request, progress, on_event=send)
        else:
            from workbench.render.request import RenderRequest

            # one executor and store for every shot (the request only sets segment length)
            executor, store, _ = farm(RenderRequest(request.project, 0, request.output_dir))
            with executor:
                results = deliver(
                    request, progress, on_event=send, executor=executor, store=store
                )
        delivered = sum(1 for r in results if r.delivery is not None)
        events.put(Done(str(request.output_dir), "", delivered))
    except Cancelled:
        events.put(Stopped())
    except WorkbenchError as exc:
        events.put(Failed(str(exc), error_record(exc)))
    except BaseException as exc:  # a bug: report it rather than die silently
        events.put(
            Failed(f"internal error during the delivery: {exc!r}", None, traceback.format_exc())
        )


class DeliveryHandle(RenderHandle):
    """A delivery running in a child process (the render handle's events, cancel and join)."""

    def __init__(self, request: DeliveryRequest) -> None:
        import av  # noqa: F401 - imported before the child starts, as for a render
        import cv2  # noqa: F401

        ctx = mp.get_context("spawn")
        self.request = request  # type: ignore[assignment]
        self._events: Any = ctx.Queue()
        child_end, self._cancel = ctx.Pipe(duplex=False)
        self._process = ctx.Process(
            target=_child, args=(request, self._events, child_end), daemon=True
        )
        self._process.start()
        child_end.close()
        self.finished = None


def deliver_in_worker(request: DeliveryRequest) -> DeliveryHandle:
    return DeliveryHandle(request)


__all__ = ["DeliveryHandle", "deliver_in_worker"]
