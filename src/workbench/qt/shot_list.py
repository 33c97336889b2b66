"""The shot list: the open sequence's shots in cut order, beside the media bin.

Each row: the shot's picture, its number and name, reel, source and record timecode, who
appears in it, and its status (offline, untouched, edited, awaiting sign-off, delivered; a
performer's consent missing is shown in red). Filter by text (name, reel, performer) and by
status; select several (shift, ctrl) to apply a saved recipe to them, tag them with a performer,
or deliver them. Activating a shot opens its clip at its first frame of the cut. The panel only
shows ``conform.status.shot_states`` and asks; the controller calls the core.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.conform.status import STATUSES, ShotState

THUMB = QSize(72, 40)
STATUS_COLOURS = {
    "offline": QColor(200, 80, 80),
    "untouched": QColor(150, 150, 150),
    "edited": QColor(106, 190, 120),
    "awaiting sign-off": QColor(230, 170, 60),
    "delivered": QColor(86, 156, 214),
}
COLUMNS = ["Shot", "Status", "Reel", "Source TC", "Record TC", "Cast"]
STATUS_COL = 1


def _placeholder(offline: bool) -> QIcon:
    pixmap = QPixmap(THUMB)
    pixmap.fill(QColor(120, 30, 30) if offline else QColor(50, 50, 55))
    return QIcon(pixmap)


class ShotListPanel(QWidget):
    shotActivated = Signal(int)  # shot id
    recipeRequested = Signal(str, list)  # recipe name, shot ids
    deliverRequested = Signal(list)  # shot ids (empty: every edited shot)
    castRequested = Signal(list)  # shot ids: the cast and consent dialog, to tag them

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shotListPanel")
        self.states: list[ShotState] = []
        self.title = QLabel("No sequence", self)
        self.title.setObjectName("shotListTitle")
        self.filter = QLineEdit(self)
        self.filter.setObjectName("shotFilter")
        self.filter.setAccessibleName("Filter shots")
        self.filter.setPlaceholderText("filter: name, reel, cast…")
        self.filter.setToolTip("Show the shots whose name, reel or cast holds this text")
        self.filter.textChanged.connect(self._apply_filter)
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("shotStatusFilter")
        self.status_filter.setAccessibleName("Show shots by status")
        self.status_filter.addItems(["all", *STATUSES, "consent missing"])
        self.status_filter.currentTextChanged.connect(self._apply_filter)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("shotList")
        self.tree.setAccessibleName("Shots of the sequence")
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setIconSize(THUMB)
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setMinimumHeight(48)  # the window fits a laptop: the list scrolls
        self.tree.setColumnWidth(0, 200)
        self.tree.setColumnWidth(1, 110)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.recipe = QComboBox(self)
        self.recipe.setObjectName("shotRecipe")
        self.recipe.setAccessibleName("Recipe to apply")
        self.apply_button = self._button("Apply recipe", "shotApplyRecipe", self._apply)
        self.cast_button = self._button("Cast…", "shotCast", self._cast)
        self.deliver_button = self._button("Deliver…", "shotDeliver", self._deliver)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        row.addWidget(self.title)
        row.addWidget(self.filter, 1)
        row.addWidget(self.status_filter)
        layout.addLayout(row)
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recipe, 1)
        for button in (self.apply_button, self.cast_button, self.deliver_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._selection_changed()

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        return button

    # -- what it shows -------------------------------------------------------------------------
    def set_sequence(self, name: str | None, states: list[ShotState], recipes: list[str]) -> None:
        icons = {int(i.data(0, Qt.ItemDataRole.UserRole)): i.icon(0) for i in self._items()}
        selected = set(self.selected_shots())
        self.states = list(states)
        self.title.setText(f"{name}: {len(states)} shots" if name else "No sequence")
        self.tree.clear()
        for state in states:
            self.tree.addTopLevelItem(self._item(state, icons.get(state.shot.id)))
        for item in self._items():
            item.setSelected(int(item.data(0, Qt.ItemDataRole.UserRole)) in selected)
        current = self.recipe.currentText()
        self.recipe.clear()
        self.recipe.addItems(recipes)
        if current in recipes:
            self.recipe.setCurrentText(current)
        self._apply_filter()
        self._selection_changed()

    def _item(self, state: ShotState, icon: QIcon | None) -> QTreeWidgetItem:
        shot = state.shot
        status = state.status + (" · NO CONSENT" if state.consent_missing else "")
        item = QTreeWidgetItem(
            [
                f"{shot.id:03d}  {shot.name}",
                status,
                shot.reel or "—",
                f"{shot.source.tc_in}–{shot.source.tc_out}",
                f"{shot.record.tc_in}–{shot.record.tc_out}",
                ", ".join(state.cast),
            ]
        )
        item.setData(0, Qt.ItemDataRole.UserRole, shot.id)
        item.setIcon(0, icon if icon is not None and shot.online else _placeholder(not shot.online))
        colour = STATUS_COLOURS[state.status]
        item.setForeground(STATUS_COL, QColor(230, 80, 80) if state.consent_missing else colour)
        tip = shot.reason
        if state.delivery is not None:
            tip += f"\ndelivered v{state.delivery.version:03d}: {state.delivery.output}"
        if state.consent_missing:
            tip += "\nno consent: " + "; ".join(state.consent_missing)
        for col in range(len(COLUMNS)):
            item.setToolTip(col, tip)
        item.setSizeHint(0, QSize(THUMB.width() + 120, THUMB.height() + 6))
        return item

    def set_thumbnail(self, shot_id: int, image: QImage) -> None:
        for item in self._items():
            if item.data(0, Qt.ItemDataRole.UserRole) == shot_id:
                scaled = image.scaled(
                    THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                item.setIcon(0, QIcon(QPixmap.fromImage(scaled)))

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def _apply_filter(self) -> None:
        text = self.filter.text().strip().casefold()
        wanted = self.status_filter.currentText()
        for item, state in zip(self._items(), self.states, strict=False):
            words = " ".join(
                [state.shot.name, state.shot.reel or "", str(state.shot.id), *state.cast]
            ).casefold()
            by_status = (
                wanted == "all"
                or state.status == wanted
                or (wanted == "consent missing" and bool(state.consent_missing))
            )
            item.setHidden(not (by_status and text in words))

    def visible_shots(self) -> list[int]:
        return [int(i.data(0, Qt.ItemDataRole.UserRole)) for i in self._items() if not i.isHidden()]

    def selected_shots(self) -> list[int]:
        return [
            int(i.data(0, Qt.ItemDataRole.UserRole))
            for i in self._items()
            if i.isSelected() and not i.isHidden()
        ]

    def select_shots(self, ids: list[int]) -> None:
        for item in self._items():
            item.setSelected(int(item.data(0, Qt.ItemDataRole.UserRole)) in ids)

    # -- what it asks ----------------------------------------------------------------------------
    def _selection_changed(self) -> None:
        some = bool(self.selected_shots())
        self.apply_button.setEnabled(some and self.recipe.count() > 0)
        self.cast_button.setEnabled(some)
        self.deliver_button.setEnabled(bool(self.states))

    def _activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        self.shotActivated.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))

    def _apply(self) -> None:
        shots = self.selected_shots()
        if shots and self.recipe.currentText():
            self.recipeRequested.emit(self.recipe.currentText(), shots)

    def _cast(self) -> None:
        self.castRequested.emit(self.selected_shots())

    def _deliver(self) -> None:
        self.deliverRequested.emit(self.selected_shots())


__all__ = ["ShotListPanel"]
