"""The edit stack: the clip's edits in order; enable, disable, select or remove each."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.project import Edit


def region_text(region: dict[str, object]) -> str:
    kind = region.get("kind", "full")
    if kind == "rect":
        return f"rect {region.get('w')}×{region.get('h')} @ {region.get('x')},{region.get('y')}"
    if kind == "mask":
        return f"mask {str(region.get('sha256', ''))[:8]}"
    return "full frame"


class EditStackPanel(QWidget):
    toggled = Signal(int, bool)
    selected = Signal(object)  # edit id or None
    removeRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editStackPanel")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("editStackList")
        self.tree.setAccessibleName("Edit stack")
        self.tree.setHeaderLabels(["On", "#", "Tool", "Model", "Frames", "Region"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setColumnWidth(0, 40)
        self.tree.setColumnWidth(1, 30)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("editRemove")
        self.remove_button.setAccessibleName("Remove the selected edit")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self._filling = False
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemSelectionChanged.connect(self._selection_changed)

    def set_edits(self, edits: list[Edit], selected: int | None = None) -> None:
        self._filling = True
        self.tree.clear()
        for n, edit in enumerate(edits, start=1):
            item = QTreeWidgetItem(
                [
                    "",
                    str(n),
                    edit.tool,
                    edit.model_id or "-",
                    f"{edit.frames[0]}–{edit.frames[1]}",
                    region_text(edit.region),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, edit.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Checked if edit.enabled else Qt.CheckState.Unchecked
            )
            item.setToolTip(0, "Enable or disable this edit")
            self.tree.addTopLevelItem(item)
            if edit.id == selected:
                item.setSelected(True)
        self._filling = False
        self.remove_button.setEnabled(self.selected_id() is not None)

    def selected_id(self) -> int | None:
        items = self.tree.selectedItems()
        return int(items[0].data(0, Qt.ItemDataRole.UserRole)) if items else None

    def select(self, edit_id: int | None) -> None:
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) == edit_id)

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0:
            return
        edit_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        self.toggled.emit(edit_id, item.checkState(0) == Qt.CheckState.Checked)

    def _selection_changed(self) -> None:
        if self._filling:
            return
        self.remove_button.setEnabled(self.selected_id() is not None)
        self.selected.emit(self.selected_id())

    def _remove(self) -> None:
        edit_id = self.selected_id()
        if edit_id is not None:
            self.removeRequested.emit(edit_id)
