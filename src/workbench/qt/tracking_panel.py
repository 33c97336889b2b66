"""The tracking panel: keyframes of the viewer's region, and Track with its progress.

A view only: it shows the keyframes and the state of the track it is given, and reports what the
user asks for as signals; :class:`~workbench.qt.tracking_actions.TrackingActions` does the work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

HELP = (
    "Draw a rectangle or paint a mask in the viewer, then Set keyframe; move to another frame, "
    "put the region on the object again and Set keyframe. Track follows it over the in–out "
    "range; Apply in–out then applies on the track."
)


class TrackingPanel(QWidget):
    keyRequested = Signal()
    removeKeyRequested = Signal(int)
    clearRequested = Signal()
    trackRequested = Signal()
    cancelRequested = Signal()
    useChanged = Signal(bool)
    keyActivated = Signal(int)  # a keyframe's frame, to go to

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trackingPanel")
        self.setToolTip(HELP)
        self.keys = QListWidget(self)
        self.keys.setObjectName("trackKeys")
        self.keys.setAccessibleName("Tracking keyframes")
        self.keys.itemActivated.connect(self._activated)
        self.set_key = self._button("Set keyframe", "trackSetKey", "Keyframe the viewer's region here")
        self.keys.setMinimumHeight(40)
        self.remove_key = self._button("Remove", "trackRemoveKey", "Remove the selected keyframe")
        self.clear = self._button("Clear", "trackClear", "Remove every keyframe and the track")
        self.run = self._button("Track", "trackRun", "Follow the region over the in–out range")
        self.cancel = self._button("Cancel", "trackCancel", "Stop tracking")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("trackProgress")
        self.progress.setAccessibleName("Tracking progress")
        self.progress.setRange(0, 1000)
        self.progress.setFormat("%p%")
        self.use = QCheckBox("Apply edits on the track", self)
        self.use.setObjectName("trackUse")
        self.use.setAccessibleName("Apply edits on the tracked region")
        self.use.setToolTip("Edits you apply (or update) take the tracked region, frame by frame")
        self.status = QLabel("No keyframes: draw a region in the viewer, then Set keyframe", self)
        self.status.setObjectName("trackStatus")
        self.status.setWordWrap(True)
        self.set_key.clicked.connect(self.keyRequested)
        self.remove_key.clicked.connect(self._remove)
        self.clear.clicked.connect(self.clearRequested)
        self.run.clicked.connect(self.trackRequested)
        self.cancel.clicked.connect(self.cancelRequested)
        self.use.toggled.connect(self.useChanged)
        self._lay_out()
        self.set_busy(False)
        self.set_use(False, enabled=False)

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(tip)
        button.setToolTip(tip)
        return button

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.keys, 1)
        grid = QGridLayout()
        grid.addWidget(self.set_key, 0, 0)
        grid.addWidget(self.remove_key, 0, 1)
        grid.addWidget(self.run, 1, 0)
        grid.addWidget(self.cancel, 1, 1)
        grid.addWidget(self.progress, 2, 0)
        grid.addWidget(self.clear, 2, 1)
        layout.addLayout(grid)
        layout.addWidget(self.use)
        layout.addWidget(self.status)

    # -- what it shows ---------------------------------------------------------------------------
    def set_keys(self, keys: list[tuple[int, str]]) -> None:
        """``(frame, description)`` of each keyframe, in frame order."""
        self.keys.clear()
        for frame, text in keys:
            item = QListWidgetItem(f"frame {frame}: {text}")
            item.setData(Qt.ItemDataRole.UserRole, frame)
            self.keys.addItem(item)
        self.remove_key.setEnabled(bool(keys))
        self.clear.setEnabled(bool(keys))

    def set_busy(self, busy: bool) -> None:
        self.cancel.setEnabled(busy)
        self.run.setEnabled(not busy)
        self.set_key.setEnabled(not busy)
        if not busy:
            self.progress.setValue(0)

    def set_progress(self, fraction: float, message: str = "") -> None:
        self.progress.setValue(round(fraction * 1000))
        if message:
            self.status.setText(message)

    def set_use(self, use: bool, *, enabled: bool) -> None:
        self.use.blockSignals(True)
        self.use.setChecked(use)
        self.use.blockSignals(False)
        self.use.setEnabled(enabled)

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    # -- what the user does ----------------------------------------------------------------------
    def _selected_frame(self) -> int | None:
        item = self.keys.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _remove(self) -> None:
        frame = self._selected_frame()
        if frame is not None:
            self.removeKeyRequested.emit(frame)

    def _activated(self, item: QListWidgetItem) -> None:
        self.keyActivated.emit(int(item.data(Qt.ItemDataRole.UserRole)))
