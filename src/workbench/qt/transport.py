"""The transport: play, pause, step, shuttle (J/K/L), jump between edits, in and out marks.

It only changes the :class:`~workbench.qt.view_state.ViewState`; the timeline and the viewer
follow the state's events. Playback advances one frame per tick at the clip's rate, and waits
while the viewer is behind, so a slow machine plays slower rather than queueing frames.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from workbench.qt.convert import parse_rate
from workbench.qt.view_state import ViewState

MAX_SHUTTLE = 8


class Transport(QObject):
    def __init__(
        self, state: ViewState, shown: Callable[[int], bool], parent: QObject | None = None
    ) -> None:
        """``shown(frame)`` says whether the viewer already shows that frame."""
        super().__init__(parent)
        self.state = state
        self._shown = shown
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        state.events.clip.connect(lambda _clip: self.stop())

    def set_frame(self, index: int) -> None:
        self.state.set_frame(index)

    def step(self, delta: int) -> None:
        self.stop()
        self.state.set_frame(self.state.frame + delta)

    def go_start(self) -> None:
        self.step(-self.state.frame)

    def go_end(self) -> None:
        self.stop()
        self.state.set_frame(self.state.count - 1)

    def jump_edit(self, direction: int) -> None:
        """Up/Down: to the previous or next frame where an edit starts or ends."""
        target = self.state.edit_boundary(direction)
        if target is not None:
            self.step(target - self.state.frame)

    def mark_in(self) -> None:
        self.state.mark_in()

    def mark_out(self) -> None:
        self.state.mark_out()

    def clear_in_out(self) -> None:
        self.state.clear_marks()

    # -- playback ------------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.state.speed:
            self.stop()
        else:
            self.play(1)

    def play(self, speed: int) -> None:
        clip = self.state.clip
        if clip is None:
            return
        rate = float(parse_rate(clip.media.get("frame_rate")))
        self._timer.setInterval(max(5, round(1000 / (rate * abs(speed)))))
        self._timer.start()
        self.state.set_speed(speed)

    def stop(self) -> None:
        if self.state.speed:
            self._timer.stop()
            self.state.set_speed(0)

    def shuttle(self, direction: int) -> None:
        """J/L: play backward/forward; pressing again doubles the speed (up to 8×)."""
        speed = self.state.speed
        if speed and (speed > 0) == (direction > 0):
            self.play(max(-MAX_SHUTTLE, min(MAX_SHUTTLE, speed * 2)))
        else:
            self.play(direction)

    def _tick(self) -> None:
        state = self.state
        if not self._shown(state.frame):
            return  # the machine is behind: wait for this frame rather than queue up more
        nxt = state.frame + (1 if state.speed > 0 else -1)
        if not 0 <= nxt < state.count:
            self.stop()
            return
        state.set_frame(nxt)
