"""Project ▸ Cast and Consent…: the performers, who appears in which shot, and their consent.

The dialog shows the cast (each with the shots they are tagged on and the kinds of alteration
their consents cover), the coverage the edits need (as ``workbench consent list`` prints it),
and three small forms: add a performer, tag or untag the shots selected in the shot list, and
record a likeness consent (kinds, production, signed and expiry dates, the signed release,
which is hashed). Each asks :class:`~workbench.qt.shot_actions.ShotActions`, which calls the
core (``conform.cast``, ``editing.add_likeness_consent``) — the same functions as the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.disclosure.entries import ALTERATION_KINDS

if TYPE_CHECKING:
    from workbench.qt.shot_actions import ShotActions


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str, text: str) -> W:
    widget.setObjectName(name)
    widget.setAccessibleName(text)
    return widget


class CastDialog(QDialog):
    def __init__(
        self, actions: ShotActions, shots: list[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("castDialog")
        self.setAccessibleName("Cast and consent")
        self.setWindowTitle("Cast and consent")
        self.resize(760, 640)
        self.ask, self.shots = actions, list(shots)
        self.table = QTableWidget(0, 4, self)
        _named(self.table, "castTable", "The cast")
        self.table.setHorizontalHeaderLabels(["Performer", "Role", "Shots", "Consent covers"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.coverage = QPlainTextEdit(self)
        _named(self.coverage, "castCoverage", "What the edits need, and what covers it")
        self.coverage.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("Likeness alterations the edits make, and their consent:", self))
        layout.addWidget(self.coverage, 1)
        row = QHBoxLayout()
        row.addWidget(self._add_box(), 1)
        row.addWidget(self._tag_box(), 1)
        layout.addLayout(row)
        layout.addWidget(self._consent_box())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    # -- the forms -------------------------------------------------------------------------------
    def _add_box(self) -> QGroupBox:
        box = QGroupBox("Add a performer", self)
        self.name = _named(QLineEdit(box), "castName", "Performer's name")
        self.role = _named(QLineEdit(box), "castRole", "The part they play")
        add = _named(QPushButton("Add", box), "castAdd", "Add to the cast")
        add.clicked.connect(self._add)
        form = QFormLayout(box)
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow(add)
        return box

    def _tag_box(self) -> QGroupBox:
        shots = ", ".join(str(s) for s in self.shots) or "none selected in the shot list"
        box = QGroupBox(f"Shots {shots}", self)
        self.tag_person = _named(QComboBox(box), "castTagPerson", "Performer to tag")
        tag = _named(QPushButton("Appears in them", box), "castTag", "Tag the shots")
        untag = _named(QPushButton("Not in them", box), "castUntag", "Untag the shots")
        tag.clicked.connect(lambda: self._tag(untag=False))
        untag.clicked.connect(lambda: self._tag(untag=True))
        for button in (tag, untag):
            button.setEnabled(bool(self.shots))
        form = QFormLayout(box)
        form.addRow("Performer", self.tag_person)
        buttons = QHBoxLayout()
        buttons.addWidget(tag)
        buttons.addWidget(untag)
        form.addRow(buttons)
        return box

    def _consent_box(self) -> QGroupBox:
        box = QGroupBox("Record a likeness consent (logged; the release's SHA-256 is kept)", self)
        self.person = _named(QComboBox(box), "consentPerson", "Whose consent")
        self.kinds: dict[str, QCheckBox] = {}
        kinds = QHBoxLayout()
        for kind in ALTERATION_KINDS:
            check = QCheckBox(kind, box)
            _named(check, f"consentKind_{kind}", f"Covers {kind}")
            self.kinds[kind] = check
            kinds.addWidget(check)
        self.production = _named(
            QLineEdit(self.ask.project_name(), box), "consentProduction", "For which production"
        )
        self.signed = QDateEdit(QDate.currentDate(), box)
        _named(self.signed, "consentSigned", "Signed on")
        self.signed.setCalendarPopup(True)
        self.expiring = _named(QCheckBox("expires on", box), "consentExpiring", "It expires")
        self.expires = QDateEdit(QDate.currentDate().addYears(1), box)
        _named(self.expires, "consentExpires", "Expires on (the last day it holds)")
        self.expires.setCalendarPopup(True)
        self.document = _named(QLineEdit(box), "consentDocument", "The signed release")
        browse = QPushButton("Browse…", box)
        browse.clicked.connect(self._browse)
        record = _named(QPushButton("Record consent", box), "consentRecord", "Record consent")
        record.clicked.connect(self._record)
        form = QFormLayout(box)
        form.addRow("Performer", self.person)
        form.addRow("Covers", kinds)
        form.addRow("Production", self.production)
        dates = QHBoxLayout()
        dates.addWidget(self.signed)
        dates.addWidget(self.expiring)
        dates.addWidget(self.expires)
        form.addRow("Signed", dates)
        doc = QHBoxLayout()
        doc.addWidget(self.document, 1)
        doc.addWidget(browse)
        form.addRow("Release", doc)
        form.addRow(record)
        return box

    # -- what it shows ---------------------------------------------------------------------------
    def refresh(self) -> None:
        rows = self.ask.cast_rows()
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            for col, text in enumerate(row):
                self.table.setItem(n, col, QTableWidgetItem(text))
        names = [r[0] for r in rows]
        for combo in (self.person, self.tag_person):
            current = combo.currentText()
            combo.clear()
            combo.addItems(names)
            if current in names:
                combo.setCurrentText(current)
        self.coverage.setPlainText(self.ask.coverage_text())

    # -- what it asks ----------------------------------------------------------------------------
    def _add(self) -> None:
        if self.ask.add_member(self.name.text(), self.role.text()):
            self.name.clear()
            self.role.clear()
            self.refresh()

    def _tag(self, *, untag: bool) -> None:
        if self.ask.tag(self.shots, self.tag_person.currentText(), untag=untag):
            self.refresh()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The signed release", "", "Any file (*)")
        if path:
            self.document.setText(path)

    def _record(self) -> None:
        assert isinstance(self.production, QLineEdit) and isinstance(self.expiring, QCheckBox)
        kinds = tuple(k for k, check in self.kinds.items() if check.isChecked())
        expires = self.expires.date().toString("yyyy-MM-dd") if self.expiring.isChecked() else None
        done = self.ask.add_consent(
            person=self.person.currentText(),
            kinds=kinds,
            document=Path(self.document.text()) if self.document.text() else None,
            production=self.production.text(),
            signed=self.signed.date().toString("yyyy-MM-dd"),
            expires=expires,
        )
        if done:
            self.document.clear()
            self.refresh()


__all__ = ["CastDialog"]
