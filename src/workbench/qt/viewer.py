"""The viewer: the canvas with its toolbar (mode, zoom, region tools).

Modes follow what editors know: Original, Result, Split (a wipe the user drags), Side by side,
and Difference. The canvas (:mod:`workbench.qt.canvas`) paints and edits the region; this panel
holds the buttons around it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.qt.canvas import ViewerCanvas
from workbench.qt.flow_layout import FlowLayout
from workbench.qt.viewer_modes import HANDLE, MODE_LABELS, Mode, RegionTool

__all__ = ["HANDLE", "MODE_LABELS", "Mode", "RegionTool", "ViewerCanvas", "ViewerPanel"]


class ViewerPanel(QWidget):
    """The canvas with its toolbar: mode, zoom, and the region tools."""

    modeChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("viewerPanel")
        self.canvas = ViewerCanvas(self)
        bar = FlowLayout()  # wraps when the window is narrow
        bar.setContentsMargins(4, 4, 4, 0)
        self.mode_buttons = QButtonGroup(self)
        self.mode_buttons.setExclusive(True)
        for mode in Mode:
            button = QToolButton(self)
            button.setText(MODE_LABELS[mode])
            button.setCheckable(True)
            button.setObjectName(f"viewerMode_{mode.value}")
            button.setAccessibleName(f"Viewer mode {MODE_LABELS[mode]}")
            button.setToolTip(f"Show {MODE_LABELS[mode].lower()}")
            button.setChecked(mode == self.canvas.mode)
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            self.mode_buttons.addButton(button)
            bar.addWidget(button)
        bar.addSpacing(12)
        self.fit_button = self._tool("Fit", "viewerFit", "Fit the frame to the viewer")
        self.fit_button.clicked.connect(lambda: self.canvas.set_zoom(None))
        self.actual_button = self._tool(
            "100 %", "viewerActualSize", "One image pixel per screen pixel"
        )
        self.actual_button.clicked.connect(lambda: self.canvas.set_zoom(1.0))
        bar.addWidget(self.fit_button)
        bar.addWidget(self.actual_button)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Region:", self))
        self.region_buttons = QButtonGroup(self)
        for tool, label, tip in (
            (RegionTool.NONE, "None", "No region tool (drag pans)"),
            (RegionTool.RECT, "Rectangle", "Draw or adjust a rectangle region"),
            (RegionTool.MASK, "Mask brush", "Paint a mask region"),
        ):
            button = self._tool(label, f"regionTool_{tool.value}", tip)
            button.setCheckable(True)
            button.setChecked(tool == RegionTool.NONE)
            button.clicked.connect(lambda _=False, t=tool: self.set_region_tool(t))
            self.region_buttons.addButton(button)
            bar.addWidget(button)
        self.brush = QSpinBox(self)
        self.brush.setRange(2, 400)
        self.brush.setValue(self.canvas.brush)
        self.brush.setSuffix(" px")
        self.brush.setObjectName("maskBrushSize")
        self.brush.setAccessibleName("Mask brush size")
        self.brush.setToolTip("Mask brush size")
        self.brush.valueChanged.connect(lambda v: setattr(self.canvas, "brush", v))
        self.erase = QCheckBox("Erase", self)
        self.erase.setObjectName("maskErase")
        self.erase.setAccessibleName("Mask brush erases")
        self.erase.toggled.connect(lambda v: setattr(self.canvas, "erase", v))
        self.clear_button = self._tool("Clear", "regionClear", "Clear the region (whole frame)")
        self.clear_button.clicked.connect(self.canvas.clear_region)
        bar.addWidget(self.brush)
        bar.addWidget(self.erase)
        bar.addWidget(self.clear_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        self._sync_region_controls()

    def add_row(self, widget: QWidget) -> None:
        """Another row of controls between the toolbar and the picture."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, widget)

    def _tool(self, text: str, name: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        button.setAccessibleName(tip)
        button.setToolTip(tip)
        return button

    def set_mode(self, mode: Mode | str) -> None:
        mode = Mode(mode)
        self.canvas.set_mode(mode)
        for button in self.mode_buttons.buttons():
            button.setChecked(button.objectName() == f"viewerMode_{mode.value}")
        self.modeChanged.emit(mode.value)

    def set_region_tool(self, tool: RegionTool | str) -> None:
        tool = RegionTool(tool)
        self.canvas.region_tool = tool
        for button in self.region_buttons.buttons():
            button.setChecked(button.objectName() == f"regionTool_{tool.value}")
        self._sync_region_controls()
        self.canvas.update()

    def _sync_region_controls(self) -> None:
        mask = self.canvas.region_tool == RegionTool.MASK
        self.brush.setEnabled(mask)
        self.erase.setEnabled(mask)
