"""The window's view state is plain Python: its rules are tested here without Qt."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from workbench.disclosure.entries import ClipMedia
from workbench.project import Clip, Edit
from workbench.qt.view_state import Event, PreviewSettings, ViewState

QT_FREE = True  # tests/qt/conftest.py: no QApplication for this module


def clip(clip_id: int = 1, frames: int = 12) -> Clip:
    media = ClipMedia.from_dict({"frame_count": frames, "frame_rate": "24"})
    return Clip(clip_id, f"clip{clip_id}.mkv", f"/footage/clip{clip_id}.mkv", "fp", media, "")


def edit(edit_id: int, frames: tuple[int, int], enabled: bool = True) -> Edit:
    return Edit(
        edit_id, 1, edit_id, "denoise", "1", "denoise", "0" * 64, {}, frames,
        {"kind": "full"}, enabled, False, "", f"entry-{edit_id}",
    )  # fmt: skip


def recorder(state: ViewState) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    events = state.events
    for event in (
        events.clip, events.edits, events.frame, events.marks, events.selected_edit,
        events.region, events.preview, events.speed,
    ):  # fmt: skip
        event.connect(lambda value, name=event.name: seen.append((name, value)))
    return seen


def test_importing_the_view_state_does_not_import_qt() -> None:
    code = "import sys, workbench.qt.view_state; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_events_call_their_callbacks_in_order_and_can_be_blocked() -> None:
    event: Event[int] = Event("n")
    calls: list[str] = []

    def first(value: int) -> None:
        calls.append(f"first {value}")

    event.connect(first)
    event.connect(lambda value: calls.append(f"second {value}"))
    event.connect(first)  # connecting twice calls once
    event.emit(1)
    with event.blocked():
        event.emit(2)
    event.disconnect(first)
    event.emit(3)
    assert calls == ["first 1", "second 1", "second 3"]
    assert len(event) == 1


def test_frame_is_clamped_to_the_clip_and_only_changes_are_announced() -> None:
    state = ViewState()
    seen = recorder(state)
    assert not state.set_frame(5)  # no clip: nothing to move
    state.set_clip(clip(frames=12))
    assert state.count == 12 and state.frame == 0
    assert state.set_frame(40) and state.frame == 11
    state.set_frame(11)
    state.set_frame(-3)
    assert [v for name, v in seen if name == "frame"] == [11, 0]


def test_a_new_clip_resets_frame_marks_selection_and_preview() -> None:
    state = ViewState()
    state.set_clip(clip(), [edit(1, (2, 4))], {1})
    state.set_frame(3)
    state.mark_in()
    state.select_edit(1)
    state.set_preview(PreviewSettings("denoise", {}, None, 3))
    seen = recorder(state)
    state.set_clip(clip(2, frames=30))
    assert (state.frame, state.marks, state.selected_edit, state.preview) == (
        0, (None, None), None, None,
    )  # fmt: skip
    assert state.edits == [] and state.pending_signoff == set()
    assert [name for name, _ in seen] == ["clip"]


def test_marks_never_cross_and_the_range_defaults_to_the_clip() -> None:
    state = ViewState()
    state.set_clip(clip(frames=10))
    assert state.in_out() == (0, 9)
    state.set_frame(6)
    state.mark_out()
    state.set_frame(2)
    state.mark_in()
    assert state.in_out() == (2, 6)
    state.set_frame(8)
    state.mark_in()  # in after out: the out mark goes
    assert state.marks == (8, None) and state.in_out() == (8, 9)
    state.set_frame(4)
    state.mark_out()  # out before in: the in mark goes
    assert state.marks == (None, 4)
    state.clear_marks()
    assert state.in_out() == (0, 9)


def test_a_selection_whose_edit_left_the_stack_is_dropped() -> None:
    state = ViewState()
    state.set_clip(clip(), [edit(1, (0, 3)), edit(2, (5, 7))])
    state.select_edit(2)
    assert state.edit(2) is not None and state.edit(9) is None
    seen = recorder(state)
    state.set_edits([edit(1, (0, 3))], pending={1})
    assert state.selected_edit is None and state.pending_signoff == {1}
    assert [name for name, _ in seen] == ["selected_edit", "edits"]
    state.select_edit(1)
    state.set_edits([edit(1, (0, 3), enabled=False)])
    assert state.selected_edit == 1


def test_edit_boundaries_for_jumping() -> None:
    state = ViewState()
    state.set_clip(clip(), [edit(1, (2, 4)), edit(2, (7, 9))])
    stops = []
    while (target := state.edit_boundary(1)) is not None:
        state.set_frame(target)
        stops.append(target)
    assert stops == [2, 4, 7, 9]
    assert state.edit_boundary(-1) == 7


def test_preview_region_and_speed_announce_changes() -> None:
    state = ViewState()
    seen = recorder(state)
    state.set_preview(None)  # nothing to clear: silent
    preview = PreviewSettings("dust", {"strength": 0.5}, None, 0, {"kind": "rect", "x": 1})
    state.set_preview(preview)
    state.set_region({"kind": "rect", "x": 1, "y": 2, "w": 3, "h": 4})
    state.set_speed(2)
    state.set_speed(2)
    state.set_speed(0)
    assert seen == [
        ("preview", preview),
        ("region", {"kind": "rect", "x": 1, "y": 2, "w": 3, "h": 4}),
        ("speed", 2),
        ("speed", 0),
    ]
    region = state.region
    region["x"] = 99  # a copy: the state is changed through its methods only
    assert state.region["x"] == 1
