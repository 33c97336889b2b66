"""The viewer's second row: Preview range (with its progress), A/B, and solo.

Only widgets and signals; :mod:`workbench.qt.motion` decides what they do.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from workbench.project import Edit
from workbench.qt.flow_layout import FlowLayout


class MotionBar(QWidget):
    previewRangeRequested = Signal()
    cancelRequested = Signal()
    setARequested = Signal()
    clearARequested = Signal()
    soloChosen = Signal(object)  # an edit id, or None for the whole stack

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("motionBar")
        row = FlowLayout(self)  # wraps on a narrow (laptop) window, as the toolbar does
        row.setContentsMargins(4, 0, 4, 0)
        self.preview_button = self._button(
            "Preview range",
            "previewRange",
            "Compute the in–out range (or the frames around the playhead) into the cache; "
            "it then plays at the clip's rate (Ctrl+Shift+P)",
        )
        self.preview_button.clicked.connect(self.previewRangeRequested.emit)
        self.frames = QSpinBox(self)
        self.frames.setObjectName("previewRangeFrames")
        self.frames.setAccessibleName("Frames to preview around the playhead")
        self.frames.setToolTip("Without in and out points: this many frames around the playhead")
        self.frames.setRange(2, 2000)
        self.frames.setValue(48)
        self.frames.setSuffix(" frames")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("previewRangeProgress")
        self.progress.setAccessibleName("Preview range progress")
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(140)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.cancel_button = self._button("Cancel", "previewRangeCancel", "Stop filling the cache")
        self.cancel_button.clicked.connect(self.cancelRequested.emit)
        self.cancel_button.setEnabled(False)
        self.cached_label = QLabel("", self)
        self.cached_label.setObjectName("previewRangeStatus")
        self.cached_label.setAccessibleName("Cached frames")
        self.set_a_button = self._button(
            "Set A",
            "compareSetA",
            "Keep the tools panel's settings as A: Split and Side by side then show A against "
            "the result (B); change the settings and press Preview to compare",
        )
        self.set_a_button.clicked.connect(self.setARequested.emit)
        self.clear_a_button = self._button("Clear A", "compareClearA", "Compare with the original")
        self.clear_a_button.clicked.connect(self.clearARequested.emit)
        self.clear_a_button.setEnabled(False)
        self.a_label = QLabel("A: original", self)
        self.a_label.setObjectName("compareALabel")
        self.solo = QComboBox(self)
        self.solo.setObjectName("soloEdit")
        self.solo.setAccessibleName("Show one edit alone")
        self.solo.setToolTip("Show the result of one edit alone on the original")
        self.solo.addItem("All edits", None)
        self.solo.activated.connect(lambda i: self.soloChosen.emit(self.solo.itemData(i)))
        groups = (
            (self.preview_button, self.frames, self.progress, self.cancel_button,
             self.cached_label),
            (self._rule(), QLabel("A/B:", self), self.set_a_button, self.clear_a_button,
             self.a_label),
            (self._rule(), QLabel("Solo:", self), self.solo),
        )  # fmt: skip
        for n, group in enumerate(groups):
            if n:
                row.addSpacing(8)  # a group wraps whole onto the next row when it must
            for widget in group:
                row.addWidget(widget)

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setToolTip(tip)
        return button

    def _rule(self) -> QFrame:
        rule = QFrame(self)
        rule.setFrameShape(QFrame.Shape.VLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        return rule

    def set_filling(self, active: bool) -> None:
        self.progress.setVisible(active)
        self.cancel_button.setEnabled(active)
        if active:
            self.progress.setValue(0)

    def set_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 1000))
        self.progress.setToolTip(message)

    def set_compare(self, label: str | None) -> None:
        self.a_label.setText(f"A: {label}" if label else "A: original")
        self.clear_a_button.setEnabled(label is not None)

    def set_edits(self, edits: list[Edit], solo: int | None) -> None:
        self.solo.blockSignals(True)
        self.solo.clear()
        self.solo.addItem("All edits", None)
        for n, edit in enumerate(edits, start=1):
            a, b = edit.frames
            self.solo.addItem(f"#{n} {edit.tool} ({a}–{b})", edit.id)
        self.solo.setCurrentIndex(max(0, self.solo.findData(solo)) if solo is not None else 0)
        self.solo.blockSignals(False)
