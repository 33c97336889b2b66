"""The disclosure log: a live table of entries, a filter, a verify badge and export actions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.disclosure import records
from workbench.disclosure.describe import describe_entries

COLUMNS = ("Seq", "Time (UTC)", "Operator", "Kind", "Tool", "Model", "Frames", "What")

Index = QModelIndex | QPersistentModelIndex


def entry_rows(entries: list[dict[str, Any]]) -> list[list[str]]:
    """The table's rows, each entry described in the light of the ones before it (a revert
    names the edit it reverts, a policy change what it changed)."""
    return [entry_row(e, what) for e, what in zip(entries, describe_entries(entries), strict=True)]


def entry_row(entry: dict[str, Any], what: str | None = None) -> list[str]:
    edit = entry.get("edit") if isinstance(entry.get("edit"), dict) else {}
    assert isinstance(edit, dict)
    model = entry.get("model") if isinstance(entry.get("model"), dict) else {}
    assert isinstance(model, dict)
    tool = edit.get("tool", {}).get("id", "") if isinstance(edit.get("tool"), dict) else ""
    frames = edit.get("frames") or entry.get("frames") or ""
    if isinstance(frames, list) and len(frames) == 2:
        frames = f"{frames[0]}–{frames[1]}"
    kind = str(entry.get("schema", "")).removeprefix("workbench.").split("/")[0]
    if kind == "revert":
        kind = f"revert ({entry.get('reason', '')})"
    model_text = str(model.get("id", "")) if model else ""
    if model and model.get("consent") == "undisclosed":
        model_text += " ⚠ undisclosed"
    return [
        str(entry.get("seq", "")),
        str(entry.get("time", ""))[:19].replace("T", " "),
        str(entry.get("operator", "")),
        kind,
        str(tool),
        model_text,
        str(frames),
        what or records.summary(entry),
    ]


class LogModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []

    def set_rows(self, rows: list[list[str]]) -> None:
        """Rows already formatted by :func:`entry_row` (on a worker, for a long log)."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class LogPanel(QWidget):
    exportRequested = Signal(str)
    verifyRequested = Signal()

    def __init__(self, formats: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logPanel")
        self.model = LogModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView(self)
        self.table.setObjectName("logTable")
        self.table.setAccessibleName("Disclosure log entries")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # Widths are fitted to the contents once, not on every refresh: ResizeToContents
        # measured every cell of the log on the GUI thread each time a render added an entry.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._fitted = False
        self.filter = QLineEdit(self)
        self.filter.setObjectName("logFilter")
        self.filter.setAccessibleName("Filter log entries")
        self.filter.setPlaceholderText("Filter (tool, model, operator, kind…)")
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.badge = QLabel("not verified yet", self)
        self.badge.setObjectName("logVerifyBadge")
        self.badge.setAccessibleName("Log verification state")
        self.badge.setWordWrap(True)  # a long verdict wraps rather than widen the window
        self.verify_button = QPushButton("Verify", self)
        self.verify_button.setObjectName("logVerify")
        self.verify_button.setAccessibleName("Verify the log now")
        self.verify_button.clicked.connect(self.verifyRequested)
        top = QHBoxLayout()
        top.addWidget(self.badge, 3)
        top.addWidget(self.verify_button)
        top.addWidget(self.filter, 1)
        self.export_buttons: dict[str, QPushButton] = {}
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Export:", self))
        for name in formats:
            button = QPushButton(name.upper(), self)
            button.setObjectName(f"logExport_{name}")
            button.setAccessibleName(f"Export the log as {name}")
            button.clicked.connect(lambda _=False, n=name: self.exportRequested.emit(n))
            self.export_buttons[name] = button
            bottom.addWidget(button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.verified: bool | None = None
        self.set_badge(None, "not verified yet")

    def set_entries(self, entries: list[dict[str, Any]]) -> None:
        self.set_rows(entry_rows(entries))

    def set_rows(self, rows: list[list[str]]) -> None:
        self.model.set_rows(rows)
        if not self._fitted and rows:
            self.table.resizeColumnsToContents()
            for column in (COLUMNS.index("Tool"), COLUMNS.index("Model")):
                # fitted while the log held no edit yet, they would stay a few pixels wide
                self.table.setColumnWidth(column, max(90, self.table.columnWidth(column)))
            self._fitted = True
        self.table.scrollToBottom()

    def set_badge(self, ok: bool | None, text: str) -> None:
        self.verified = ok
        if ok is None:
            style = "background:#555; color:#ddd;"
            label = f"… {text}"
        elif ok:
            style = "background:#1f6f3a; color:white;"
            label = f"✔ {text}"
        else:
            style = "background:#9b1c1c; color:white;"
            label = f"✖ {text}"
        self.badge.setText(label)
        self.badge.setToolTip(text)
        self.badge.setStyleSheet(
            f"QLabel {{ {style} border-radius:4px; padding:2px 8px; font-weight:bold; }}"
        )
