"""The edit stack: the clip's edits in order; enable, disable, select, remove or sign off each.

An edit the project policy holds for sign-off is marked "awaiting sign-off" until someone
signs it off (``Sign off…``); renders of the clip are refused until then. The panel follows the
clip's stack and the selection through the :class:`~workbench.qt.view_state.ViewState`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.disclosure.describe import region_words
from workbench.project import Clip, Edit
from workbench.qt.view_state import ViewState


def region_text(region: dict[str, object]) -> str:
    return region_words(region)


def move_buttons(parent: QWidget, move: Callable[[int], None]) -> dict[str, QToolButton]:
    """▲ and ▼: the selected edit one place later or earlier in the stack."""
    out: dict[str, QToolButton] = {}
    for key, arrow, step, tip in (
        ("up", Qt.ArrowType.UpArrow, 1, "Move the selected edit up: it runs later (Alt+Up)"),
        ("down", Qt.ArrowType.DownArrow, -1, "Move the selected edit down: it runs earlier (Alt+Down)"),
    ):
        button = QToolButton(parent)
        button.setArrowType(arrow)
        button.setObjectName(f"editMove{key.title()}")
        button.setAccessibleName(tip)
        button.setToolTip(tip)
        button.setEnabled(False)
        button.clicked.connect(lambda _=False, s=step: move(s))
        out[key] = button
    return out


class EditStackPanel(QWidget):
    toggled = Signal(int, bool)
    selected = Signal(object)  # edit id or None
    removeRequested = Signal(int)
    signoffRequested = Signal(int)
    moveRequested = Signal(int, int)  # edit id, its new place (1 runs first)

    def __init__(self, state: ViewState | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editStackPanel")
        self.state = state if state is not None else ViewState()
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("editStackList")
        self.tree.setAccessibleName("Edit stack")
        self.tree.setHeaderLabels(["On", "#", "Tool", "Model", "Frames", "Region"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setColumnWidth(0, 40)
        self.tree.setColumnWidth(1, 40)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("editRemove")
        self.remove_button.setAccessibleName("Remove the selected edit")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._remove)
        self.signoff_button = QPushButton("Sign off…", self)
        self.signoff_button.setObjectName("editSignoff")
        self.signoff_button.setAccessibleName("Sign off the selected edit")
        self.signoff_button.setToolTip("Approve an edit the project policy holds for sign-off")
        self.signoff_button.setEnabled(False)
        self.signoff_button.clicked.connect(self._signoff)
        self.move_buttons = move_buttons(self, self.move_selected)
        self.pending: set[int] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        for button in self.move_buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.signoff_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self._filling = False
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self._shown: tuple[list[Edit], int | None, set[int]] | None = None
        events = self.state.events
        events.clip.connect(self._clip_changed)
        events.edits.connect(self._edits_changed)
        events.selected_edit.connect(self.select)

    def _clip_changed(self, clip: Clip | None) -> None:
        self.set_edits(self.state.edits, None, self.state.pending_signoff)

    def _edits_changed(self, edits: list[Edit]) -> None:
        self.set_edits(edits, self.state.selected_edit, self.state.pending_signoff)

    def set_edits(
        self, edits: list[Edit], selected: int | None = None, pending: set[int] | None = None
    ) -> None:
        """Show ``edits``; ``pending`` holds the ids still awaiting sign-off."""
        shown = (list(edits), selected, set(pending or ()))
        if shown == self._shown:
            return  # a refresh that changed nothing keeps the list (and what the user sees)
        self._shown = shown
        self._filling = True
        self.pending = set(pending or ())
        self.tree.clear()
        for edit in edits:
            waiting = edit.id in self.pending
            item = QTreeWidgetItem(
                [
                    "",
                    f"#{edit.id}",  # the id the log, the CLI and every message use
                    f"{edit.tool} (awaiting sign-off)" if waiting else edit.tool,
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
            if waiting:
                item.setToolTip(2, "The project policy holds this edit for sign-off")
            self.tree.addTopLevelItem(item)
            if edit.id == selected:
                item.setSelected(True)
        self._filling = False
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.selected_id()
        place = self.place_of(selected)
        self.move_buttons["up"].setEnabled(place is not None and place < self.tree.topLevelItemCount())
        self.move_buttons["down"].setEnabled(place is not None and place > 1)
        self.remove_button.setEnabled(selected is not None)
        self.signoff_button.setEnabled(selected is not None and selected in self.pending)

    def selected_id(self) -> int | None:
        items = self.tree.selectedItems()
        return int(items[0].data(0, Qt.ItemDataRole.UserRole)) if items else None

    def place_of(self, edit_id: int | None) -> int | None:
        """The edit's place in the stack as listed (1: the first to run)."""
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == edit_id:
                return row + 1
        return None

    def move_selected(self, step: int) -> None:
        """Ask to move the selected edit ``step`` places (+1: up, runs later)."""
        edit_id = self.selected_id()
        place = self.place_of(edit_id)
        if edit_id is not None and place is not None:
            to_place = place + step
            if 1 <= to_place <= self.tree.topLevelItemCount():
                self.moveRequested.emit(edit_id, to_place)

    def select(self, edit_id: int | None) -> None:
        if edit_id is None:
            return
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item is not None:
                item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) == edit_id)

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0:
            return
        edit_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        self._shown = None  # the list no longer shows what was read: the next read redraws it
        self.toggled.emit(edit_id, item.checkState(0) == Qt.CheckState.Checked)

    def _selection_changed(self) -> None:
        if self._filling:
            return
        self._update_buttons()
        self.selected.emit(self.selected_id())

    def _remove(self) -> None:
        edit_id = self.selected_id()
        if edit_id is not None:
            self.removeRequested.emit(edit_id)

    def _signoff(self) -> None:
        edit_id = self.selected_id()
        if edit_id is not None and edit_id in self.pending:
            self.signoffRequested.emit(edit_id)
