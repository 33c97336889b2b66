"""What the window is looking at, as plain Python: no Qt here (as napari keeps its models).

The current clip and its edit stack, the frame under the playhead, the in and out marks, the
selected edit, the region the next edit applies to, the pending preview and the playback speed.
Panels subscribe to the change events (``state.events.frame.connect(callback)``) and redraw
themselves; the controller's parts (transport, viewer feed, edit actions) change the state and
never reach into another panel to keep it in step. Because nothing here imports Qt, the rules
(clamping the frame, marks that never cross, a selection that follows the stack) are tested
with plain pytest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from workbench.project import Clip, Edit

T = TypeVar("T")
Region = dict[str, Any]  # {"kind": "full"} | {"kind": "rect", x, y, w, h} | {"kind": "mask"}


class Event(Generic[T]):
    """One kind of change: callbacks connected to it are called with the new value, in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callable[[T], object]] = []
        self._blocked = 0

    def connect(self, callback: Callable[[T], object]) -> Callable[[T], object]:
        """Call ``callback(value)`` on each change; returns it (usable as a decorator)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[T], object]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, value: T) -> None:
        if self._blocked:
            return
        for callback in list(self._callbacks):
            callback(value)

    @contextlib.contextmanager
    def blocked(self) -> Iterator[None]:
        """No callbacks while the block runs (for changes a caller announces itself)."""
        self._blocked += 1
        try:
            yield
        finally:
            self._blocked -= 1

    def __len__(self) -> int:
        return len(self._callbacks)


@dataclass(frozen=True)
class PreviewSettings:
    """A preview of the tools panel's settings on one frame (not in the project until applied)."""

    tool: str
    params: dict[str, Any]
    model: str | None
    frame: int
    region: Region = field(default_factory=lambda: {"kind": "full"})
    mask: Any = field(default=None, compare=False, repr=False)  # float32 H×W in [0, 1] or None
    frames: tuple[int, int] | None = None
    """The frames it covers ("Preview range"); None: ``frame`` alone."""
    track: Any = None
    """The tracking panel's track when it is in use: the region follows it (a Track)."""
    track_masks: Any = field(default=None, compare=False, repr=False)

    @property
    def span(self) -> tuple[int, int]:
        return self.frames if self.frames is not None else (self.frame, self.frame)

    def covers(self, index: int) -> bool:
        first, last = self.span
        return first <= index <= last


Marks = tuple[int | None, int | None]


class ViewEvents:
    """The change events of a :class:`ViewState`, one per thing that changes."""

    def __init__(self) -> None:
        self.clip: Event[Clip | None] = Event("clip")  # another clip (frame, marks reset)
        self.edits: Event[list[Edit]] = Event("edits")  # the clip's stack was read again
        self.frame: Event[int] = Event("frame")
        self.marks: Event[Marks] = Event("marks")
        self.selected_edit: Event[int | None] = Event("selected_edit")
        self.region: Event[Region] = Event("region")
        self.preview: Event[PreviewSettings | None] = Event("preview")
        self.speed: Event[int] = Event("speed")
        self.compare: Event[PreviewSettings | None] = Event("compare")  # A of an A/B
        self.solo: Event[int | None] = Event("solo")  # one edit shown alone


class ViewState:
    """The window's view of the project; change it through the methods, which emit events."""

    def __init__(self) -> None:
        self.events = ViewEvents()
        self._clip: Clip | None = None
        self._edits: list[Edit] = []
        self._pending: set[int] = set()
        self._frame = 0
        self._in: int | None = None
        self._out: int | None = None
        self._selected: int | None = None
        self._region: Region = {"kind": "full"}
        self._preview: PreviewSettings | None = None
        self._speed = 0
        self._compare: PreviewSettings | None = None
        self._solo: int | None = None

    # -- reading -------------------------------------------------------------------------------
    @property
    def clip(self) -> Clip | None:
        return self._clip

    @property
    def count(self) -> int:
        """Frames in the current clip (0 without one)."""
        if self._clip is None:
            return 0
        return max(0, int(self._clip.media.get("frame_count") or 0))

    @property
    def edits(self) -> list[Edit]:
        return list(self._edits)

    @property
    def pending_signoff(self) -> set[int]:
        return set(self._pending)

    @property
    def frame(self) -> int:
        return self._frame

    @property
    def marks(self) -> Marks:
        return (self._in, self._out)

    @property
    def selected_edit(self) -> int | None:
        return self._selected

    @property
    def region(self) -> Region:
        return dict(self._region)

    @property
    def preview(self) -> PreviewSettings | None:
        return self._preview

    @property
    def speed(self) -> int:
        return self._speed

    @property
    def compare(self) -> PreviewSettings | None:
        """The settings shown as A beside the result (B) in Split and Side by side."""
        return self._compare

    @property
    def solo(self) -> int | None:
        """The edit shown alone on the source, instead of the whole stack."""
        return self._solo

    def edit(self, edit_id: int | None) -> Edit | None:
        return next((e for e in self._edits if e.id == edit_id), None)

    def in_out(self) -> tuple[int, int]:
        """The marked range, the clip's ends standing in for a missing mark."""
        a = self._in if self._in is not None else 0
        b = self._out if self._out is not None else self.count - 1
        return (a, b)

    def edit_boundary(self, direction: int) -> int | None:
        """The next (``direction`` > 0) or previous frame where an edit starts or ends."""
        marks = sorted({e.frames[0] for e in self._edits} | {e.frames[1] for e in self._edits})
        if direction > 0:
            return next((m for m in marks if m > self._frame), None)
        return next((m for m in reversed(marks) if m < self._frame), None)

    # -- changing ------------------------------------------------------------------------------
    def set_clip(
        self, clip: Clip | None, edits: list[Edit] | None = None, pending: set[int] | None = None
    ) -> None:
        """Show another clip (or none): frame 0, no marks, no selection, no preview."""
        self._clip = clip
        self._edits = list(edits or [])
        self._pending = set(pending or ())
        self._frame = 0
        self._in = self._out = None
        self._selected = None
        self._preview = None
        self._compare = None
        self._solo = None
        self.events.clip.emit(clip)

    def set_edits(self, edits: list[Edit], pending: set[int] | None = None) -> None:
        """The clip's stack as read again; a selection whose edit left the stack is dropped."""
        self._edits = list(edits)
        self._pending = set(pending or ())
        if self._selected is not None and self.edit(self._selected) is None:
            self._selected = None
            self.events.selected_edit.emit(None)
        if self._solo is not None and self.edit(self._solo) is None:
            self._solo = None
            self.events.solo.emit(None)
        self.events.edits.emit(self.edits)

    def set_frame(self, index: int) -> bool:
        """Move the playhead (clamped to the clip); False when there is nothing to move."""
        if self._clip is None or self.count <= 0:
            return False
        frame = min(max(0, int(index)), self.count - 1)
        if frame != self._frame:
            self._frame = frame
            self.events.frame.emit(frame)
        return True

    def mark_in(self, frame: int | None = None) -> None:
        self._in = self._frame if frame is None else frame
        if self._out is not None and self._out < self._in:
            self._out = None
        self.events.marks.emit(self.marks)

    def mark_out(self, frame: int | None = None) -> None:
        self._out = self._frame if frame is None else frame
        if self._in is not None and self._in > self._out:
            self._in = None
        self.events.marks.emit(self.marks)

    def clear_marks(self) -> None:
        self._in = self._out = None
        self.events.marks.emit(self.marks)

    def select_edit(self, edit_id: int | None) -> None:
        self._selected = edit_id
        self.events.selected_edit.emit(edit_id)

    def set_region(self, region: Region) -> None:
        self._region = dict(region)
        self.events.region.emit(self.region)

    def set_preview(self, preview: PreviewSettings | None) -> None:
        if preview is None and self._preview is None:
            return
        self._preview = preview
        self.events.preview.emit(preview)

    def set_speed(self, speed: int) -> None:
        if speed != self._speed:
            self._speed = speed
            self.events.speed.emit(speed)

    def set_compare(self, settings: PreviewSettings | None) -> None:
        if settings != self._compare or settings is not None:
            self._compare = settings
            self.events.compare.emit(settings)

    def set_solo(self, edit_id: int | None) -> None:
        if edit_id is not None and self.edit(edit_id) is None:
            edit_id = None
        if edit_id != self._solo:
            self._solo = edit_id
            self.events.solo.emit(edit_id)
