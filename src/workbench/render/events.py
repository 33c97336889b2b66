"""What a render reports while it runs, as typed events.

A render emits these to its ``on_event`` callback; the render child sends them to the window
through a multiprocessing queue (frozen dataclasses pickle as they are), and a farm coordinator
can read them the same way. ``to_dict``/:func:`event_from_dict` give the JSON form.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class ErrorRecord:
    """An error as the child sends it: its class (``module.Class``), message, hint, exit code."""

    type: str
    message: str
    hint: str | None
    exit_code: int


@dataclass(frozen=True)
class Started:
    KIND: ClassVar[str] = "started"
    total: int
    work: str = ""


@dataclass(frozen=True)
class Advanced:
    """Frames done so far, the speed and the time left."""

    KIND: ClassVar[str] = "progress"
    done: int
    total: int
    fps: float = 0.0
    eta: float = 0.0


@dataclass(frozen=True)
class Warned:
    KIND: ClassVar[str] = "warning"
    message: str


@dataclass(frozen=True)
class Done:
    KIND: ClassVar[str] = "done"
    output: str
    sha256: str
    render: int


@dataclass(frozen=True)
class Failed:
    """The render ended with an error: a typed one (``error``), or a bug or a dead child
    (``details`` holds the traceback, or nothing)."""

    KIND: ClassVar[str] = "error"
    message: str
    error: ErrorRecord | None = None
    details: str | None = None


@dataclass(frozen=True)
class Stopped:
    """The render was cancelled; rerunning it resumes."""

    KIND: ClassVar[str] = "cancelled"


RenderEvent = Started | Advanced | Warned | Done | Failed | Stopped
EventSink = Callable[[RenderEvent], None]
FINAL = (Done, Failed, Stopped)
_KINDS: dict[str, type[Any]] = {
    cls.KIND: cls for cls in (Started, Advanced, Warned, Done, Failed, Stopped)
}


def event_to_dict(event: RenderEvent) -> dict[str, Any]:
    """The JSON form: ``{"type": KIND, ...fields}``."""
    return {"type": event.KIND, **dataclasses.asdict(event)}


def event_from_dict(data: dict[str, Any]) -> RenderEvent:
    """The typed event for a JSON form; an unknown kind or field is a ``ValueError``."""
    cls = _KINDS.get(str(data.get("type")))
    if cls is None:
        raise ValueError(f"not a render event: {data.get('type')!r}")
    fields = {k: v for k, v in data.items() if k != "type"}
    if cls is Failed and isinstance(fields.get("error"), dict):
        fields["error"] = ErrorRecord(**fields["error"])
    event: RenderEvent = cls(**fields)
    return event


def ignore(event: RenderEvent) -> None:
    """The sink of a render nobody watches."""


__all__ = [
    "FINAL",
    "Advanced",
    "Done",
    "ErrorRecord",
    "EventSink",
    "Failed",
    "RenderEvent",
    "Started",
    "Stopped",
    "Warned",
    "event_from_dict",
    "event_to_dict",
    "ignore",
]
